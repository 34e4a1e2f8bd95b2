//! How values are shown on pages: times in China Standard Time (the users' clock), numbers
//! without needless decimals, and Chinese labels for stored codes.

use chrono::{DateTime, FixedOffset, Utc};

/// UTC+8, the time zone of every PlanWatch user so far.
fn china() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset")
}

/// `2023-09-30 16:00`.
pub fn time(t: DateTime<Utc>) -> String {
    t.with_timezone(&china())
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// `2023-09-30 16:00:05`.
pub fn time_seconds(t: DateTime<Utc>) -> String {
    t.with_timezone(&china())
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}

/// 2000 → `2000`, 0.67 → `0.67`, 245000 → `245000`, 2.5 → `2.5`.
pub fn number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        let s = format!("{v:.4}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// A target as a short phrase: 不低于200家, 3—5座, 15%左右, 翻一番, 定性目标.
pub fn target_value(t: &planwatch_model::Target) -> String {
    use planwatch_model::TargetWording::*;
    let unit = t.unit.clone().unwrap_or_default();
    match (t.value, &t.value_text) {
        (Some(v), _) => {
            let number = match t.value_max {
                Some(max) if max > v => format!("{}—{}", number(v), number(max)),
                _ => number(v),
            };
            match t.comparator {
                Some(AtLeast) if t.value_max.is_none() => format!("不低于{number}{unit}"),
                Some(AtMost) => format!("不高于{number}{unit}"),
                Some(About) => format!("{number}{unit}左右"),
                Some(Double) => format!("翻一番（{number}{unit}）"),
                _ => format!("{number}{unit}"),
            }
        }
        (None, Some(text)) => text.clone(),
        (None, None) => match t.comparator {
            Some(Double) => "翻一番".to_string(),
            Some(Qualitative) => "定性目标".to_string(),
            _ => "—".to_string(),
        },
    }
}

/// The Chinese name of an audit action.
pub fn audit_action(action: &str) -> &str {
    match action {
        "plan.create" => "创建计划",
        "plan.revise" => "导入计划新版本",
        "org.import" => "导入组织架构",
        "unit.create" => "新建单位",
        "unit.update" => "修改单位",
        "user.create" => "新建用户",
        "user.disable" => "停用用户",
        "user.reset_password" => "修改密码",
        "session.create" => "登录",
        "session.revoke" => "退出登录",
        "session.revoke_all" => "注销全部会话",
        "session.sign_in_failed" => "登录失败（密码错误）",
        "session.sign_in_attempt" => "密码校验（尝试）",
        "session.sign_in" => "密码校验通过",
        "session.account_locked" => "账号锁定",
        "access.denied" => "越权访问被拒绝",
        "report.edit" => "填写季度报告",
        "report.approve" => "单位负责人审核",
        "report.submit" => "报送季度报告",
        "report.accept" => "采纳季度报告",
        "report.return" => "退回季度报告",
        "report.reopen" => "重新开放季度报告",
        "indicator.catalogue" => "建立指标目录",
        "indicator_value.import" => "导入指标历史数据",
        "period.create" => "建立报送期",
        "period.lock" => "锁定报送期",
        "period.reopen" => "重新开放报送期",
        "period.extend" => "批准延期",
        "breakdown.seed" => "生成年度任务分解",
        "breakdown.update" => "修改年度任务分解",
        "breakdown.add" => "新增年度任务分解",
        "evidence.add" => "上传佐证材料",
        "api_token.create" => "新建接口令牌",
        "api_token.revoke" => "停用接口令牌",
        "report_text.set" => "修改年度报告文字",
        "report_text.clear" => "清除年度报告文字",
        "public_page.set" => "设置公开内容",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn times_are_shown_on_the_beijing_clock() {
        let t = Utc
            .with_ymd_and_hms(2023, 9, 30, 20, 30, 0)
            .single()
            .expect("valid");
        assert_eq!(time(t), "2023-10-01 04:30");
    }

    #[test]
    fn targets_read_as_short_phrases() {
        use planwatch_model::{Target, TargetWording};
        let t = |value, value_max, unit: &str, c| Target {
            value,
            value_max,
            unit: Some(unit.to_string()),
            comparator: Some(c),
            ..Target::default()
        };
        assert_eq!(
            target_value(&t(Some(200.0), None, "家", TargetWording::AtLeast)),
            "不低于200家"
        );
        assert_eq!(
            target_value(&t(Some(3.0), Some(5.0), "座", TargetWording::AtLeast)),
            "3—5座"
        );
        assert_eq!(
            target_value(&t(Some(15.0), None, "%", TargetWording::About)),
            "15%左右"
        );
        assert_eq!(
            target_value(&t(Some(20.0), None, "家", TargetWording::Equal)),
            "20家"
        );
        assert_eq!(
            target_value(&t(None, None, "", TargetWording::Qualitative)),
            "定性目标"
        );
        assert_eq!(target_value(&t(None, None, "", TargetWording::Equal)), "—");
    }

    #[test]
    fn numbers_drop_needless_decimals() {
        assert_eq!(number(2000.0), "2000");
        assert_eq!(number(0.67), "0.67");
        assert_eq!(number(2.5), "2.5");
        assert_eq!(number(1.0 / 3.0), "0.3333");
    }
}
