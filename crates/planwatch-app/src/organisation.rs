//! The organisation a plan implies (issue 14): for a plan the shipped organisation file does not
//! describe, the leading group, its office and the unit groups (各县（区）人民政府, 各街镇…) with
//! their members are proposed from the plan, imported as any organisation is (audited), and the
//! office corrects them on the 组织架构 page. The stored organisation is written back out as the
//! same TOML file for bulk work (`planwatch org export`).

use planwatch_model::{Plan, UnitKind};
use planwatch_store::{
    GroupDecl, LeadingGroupDecl, OfficeDecl, OrgConfig, OrgView, TaskForceDecl, UnitDecl, UnitRef,
};

/// The source name audit rows give a proposed organisation.
pub const PROPOSED_SOURCE: &str = "由计划推定";

/// An organisation proposed from a plan, with what the office should check.
#[derive(Debug, Clone, PartialEq)]
pub struct Proposal {
    pub config: OrgConfig,
    pub notes: Vec<String>,
}

/// Proposes the organisation of `plan` from its text: the leading group and the office's seat
/// where the plan's measures name them (成立…领导小组, 办公室设在…), the unit that leads the most
/// tasks otherwise; one group per group name the plan uses, with the plan's units that the name
/// stands for.
pub fn propose(plan: &Plan) -> Proposal {
    let mut notes = Vec::new();
    let sentences: Vec<&str> = plan
        .guarantee_measures
        .iter()
        .flat_map(|m| {
            std::iter::once(m.title.as_str()).chain(m.mechanisms.iter().map(String::as_str))
        })
        .collect();
    let leading_name = sentences
        .iter()
        .find_map(|s| leading_group_in(s))
        .unwrap_or_else(|| {
            notes.push("计划未写明领导小组名称，已按计划标题拟定，请核对".to_string());
            format!("{}工作领导小组", short_title(&plan.title))
        });
    let units: Vec<&str> = plan
        .units
        .iter()
        .map(String::as_str)
        .filter(|u| UnitKind::classify(u) != UnitKind::Group)
        .collect();
    let seat = sentences
        .iter()
        .find_map(|s| office_seat_in(s, &units))
        .or_else(|| {
            let lead = plan.most_leading_unit()?;
            notes.push(format!(
                "计划未写明领导小组办公室设在哪个单位，暂定为牵头任务最多的{lead}，请核对"
            ));
            Some(lead.to_string())
        });
    let mut groups = Vec::new();
    for g in plan
        .units
        .iter()
        .filter(|u| UnitKind::classify(u) == UnitKind::Group)
    {
        let members: Vec<String> = units
            .iter()
            .filter(|u| stands_for(g, u))
            .map(|u| u.to_string())
            .collect();
        if members.is_empty() {
            notes.push(format!(
                "单位组“{g}”的成员无法从计划推定，请在组织架构页勾选成员（未勾选时由“{g}”作为一个单位填报）"
            ));
        }
        groups.push(GroupDecl {
            name: g.clone(),
            members,
        });
    }
    if !plan.task_forces.is_empty() {
        notes.push(format!(
            "计划提到{}：牵头单位和负责的任务计划未写明，请用 planwatch org export / import 补充",
            plan.task_forces.join("、")
        ));
    }
    let seat = seat.unwrap_or_default();
    Proposal {
        config: OrgConfig {
            plan_title: Some(plan.title.clone()),
            leading_group: LeadingGroupDecl {
                name: leading_name.clone(),
                description: String::new(),
                all_units_are_members: true,
                members: Vec::new(),
            },
            office: OfficeDecl {
                name: format!("{leading_name}办公室"),
                seat,
                description: String::new(),
            },
            units: Vec::new(),
            groups,
            task_forces: Vec::new(),
        },
        notes,
    }
}

/// The stored organisation as an organisation file: importing it changes nothing.
pub fn to_config(view: &OrgView, units: &[UnitRef], plan_title: &str) -> OrgConfig {
    let body_members =
        |b: Option<&planwatch_store::BodyView>| b.map(|b| b.members.clone()).unwrap_or_default();
    let real_units: Vec<String> = units
        .iter()
        .filter(|u| u.kind != UnitKind::Group)
        .map(|u| u.name.to_string())
        .collect();
    let mut lg_members = body_members(view.leading_group.as_ref());
    lg_members.sort();
    let mut all = real_units.clone();
    all.sort();
    let all_members = !lg_members.is_empty() && lg_members == all;
    OrgConfig {
        plan_title: Some(plan_title.to_string()),
        leading_group: LeadingGroupDecl {
            name: view
                .leading_group
                .as_ref()
                .map(|b| b.name.clone())
                .unwrap_or_default(),
            description: view
                .leading_group
                .as_ref()
                .map(|b| b.description.clone())
                .unwrap_or_default(),
            all_units_are_members: all_members,
            members: if all_members { Vec::new() } else { lg_members },
        },
        office: OfficeDecl {
            name: view
                .office
                .as_ref()
                .map(|b| b.name.clone())
                .unwrap_or_default(),
            seat: view
                .office
                .as_ref()
                .and_then(|b| b.seat.clone())
                .unwrap_or_default(),
            description: view
                .office
                .as_ref()
                .map(|b| b.description.clone())
                .unwrap_or_default(),
        },
        // Every unit with its stored kind, so that kinds the office set are kept.
        units: units
            .iter()
            .filter(|u| u.kind != UnitKind::Group)
            .map(|u| UnitDecl {
                name: u.name.to_string(),
                kind: u.kind,
                short_name: None,
            })
            .collect(),
        groups: view
            .groups
            .iter()
            .map(|(name, members)| GroupDecl {
                name: name.clone(),
                members: members.clone(),
            })
            .chain(view.empty_groups.iter().map(|name| GroupDecl {
                name: name.clone(),
                members: Vec::new(),
            }))
            .collect(),
        task_forces: view
            .task_forces
            .iter()
            .map(|tf| TaskForceDecl {
                name: tf.body.name.clone(),
                lead: tf.body.seat.clone().unwrap_or_default(),
                description: tf.body.description.clone(),
                members: tf.body.members.clone(),
                tasks: tf
                    .tasks
                    .iter()
                    .filter_map(|(n, _)| u32::try_from(*n).ok())
                    .collect(),
            })
            .collect(),
    }
}

/// 成立…的XX领导小组 → XX领导小组.
fn leading_group_in(sentence: &str) -> Option<String> {
    let end = sentence.find("领导小组")? + "领导小组".len();
    let head = &sentence[..end];
    let start = ["成立", "的", "，", ",", "。", "；", "由", "组建"]
        .iter()
        .filter_map(|m| head.rfind(m).map(|i| i + m.len()))
        .filter(|i| *i < end - "领导小组".len())
        .max()
        .unwrap_or(0);
    let name = head[start..].trim();
    (name.chars().count() > "领导小组".chars().count() + 1).then(|| name.to_string())
}

/// 办公室设在市科技局 → 市科技局 (a unit of the plan, or the words up to the next mark).
fn office_seat_in(sentence: &str, units: &[&str]) -> Option<String> {
    let at = sentence.find("办公室设在")? + "办公室设在".len();
    let rest = &sentence[at..];
    if let Some(u) = units
        .iter()
        .filter(|u| rest.starts_with(**u))
        .max_by_key(|u| u.len())
    {
        return Some(u.to_string());
    }
    let name: String = rest
        .chars()
        .take_while(|c| !"，,。；;、（(".contains(*c))
        .take(20)
        .collect();
    (name.chars().count() >= 2).then_some(name)
}

/// A title without its period and genre words, for a name such as …工作领导小组.
fn short_title(title: &str) -> String {
    let mut t = title.trim().to_string();
    if let Some(i) = t.find(['(', '（']) {
        t.truncate(i);
    }
    for w in [
        "三年行动计划",
        "行动计划",
        "实施方案",
        "工作方案",
        "重点工作安排",
        "工作要点",
    ] {
        if let Some(stripped) = t.strip_suffix(w) {
            t = stripped.to_string();
            break;
        }
    }
    t
}

/// Whether the group name `group` (各县（区）人民政府, 各街镇, 各功能区…) stands for `unit`.
fn stands_for(group: &str, unit: &str) -> bool {
    let kind = UnitKind::classify(unit);
    let towns = ["街道", "镇", "乡", "街道办事处"];
    let zones = ["功能区", "园区", "开发区", "高新区"];
    if ["街", "镇", "乡"].iter().any(|w| group.contains(w)) {
        return towns.iter().any(|t| unit.ends_with(t));
    }
    if zones.iter().any(|w| group.contains(w)) {
        return kind == UnitKind::DevelopmentZone || zones.iter().any(|z| unit.ends_with(z));
    }
    let counties = ["县", "区政府", "区人民政府", "市、区", "各区"];
    if counties.iter().any(|w| group.contains(w)) || group == "各区" {
        return kind == UnitKind::CountyGovernment;
    }
    if group.contains("企业") || group.contains("公司") {
        return kind == UnitKind::Enterprise;
    }
    if group.contains("高校") || group.contains("院校") || group.contains("学校") {
        return kind == UnitKind::Institution;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_leading_group_and_office_seat_are_read_from_the_measures() {
        assert_eq!(
            leading_group_in("成立市委、市政府主要领导任双组长的国家创新型城市建设工作领导小组，各县（区）主要负责人为成员").as_deref(),
            Some("国家创新型城市建设工作领导小组")
        );
        assert_eq!(
            office_seat_in(
                "领导小组办公室设在市科技局，负责落实",
                &["市科技局", "市科"]
            )
            .as_deref(),
            Some("市科技局")
        );
        assert_eq!(leading_group_in("加强组织领导"), None);
    }

    #[test]
    fn group_names_stand_for_the_units_their_words_name() {
        assert!(stands_for("各县（区）人民政府", "平定县人民政府"));
        assert!(!stands_for("各县（区）人民政府", "市科技局"));
        assert!(stands_for("各街镇", "临汾路街道"));
        assert!(stands_for("相关街镇", "彭浦镇"));
        assert!(stands_for("各功能区", "苏河湾功能区"));
        assert!(stands_for("各功能区", "市北园区"));
        assert!(!stands_for("各相关部门", "市科技局"));
    }

    #[test]
    fn short_titles_drop_the_period_and_the_genre() {
        assert_eq!(
            short_title("阳泉市国家创新型城市建设三年行动计划(2022—2024年)"),
            "阳泉市国家创新型城市建设"
        );
    }
}

/// What the office changes on the 组织架构 page: the office's seat, a group's members, a unit's
/// kind. Everything else of the stored organisation is kept.
#[derive(Debug, Clone, PartialEq)]
pub enum OrgEdit {
    OfficeSeat(String),
    GroupMembers { group: String, members: Vec<String> },
    UnitKind { unit: String, kind: UnitKind },
}

/// The source name audit rows give an organisation changed on the page.
pub const PAGE_SOURCE: &str = "组织架构页";

/// Applies one change of the 组织架构 page: the stored organisation with the change is imported
/// as a whole (checked first, audited, nothing changed when it is refused).
pub async fn edit(
    store: &planwatch_store::Store,
    caller: crate::Caller<'_>,
    change: OrgEdit,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<planwatch_store::OrgImport, crate::AppError> {
    use crate::AppError;
    let (actor, who) = caller
        .actors(store, planwatch_model::Role::Office, None)
        .await?;
    crate::error::require(who.role, crate::policy::Permission::ManageSetup)?;
    let plan = store.plan(None).await?;
    let view = store.org_view().await?;
    let units = store.units().await?;
    let known = |name: &str| units.iter().any(|u| u.name.as_str() == name.trim());
    let mut config = to_config(&view, &units, &plan.title);
    match change {
        OrgEdit::OfficeSeat(seat) => {
            if !known(&seat) {
                return Err(AppError::field("seat", format!("“{seat}”不是已知单位")));
            }
            config.office.seat = seat.trim().to_string();
        }
        OrgEdit::GroupMembers { group, members } => {
            let Some(g) = config.groups.iter_mut().find(|g| g.name == group) else {
                return Err(AppError::field("group", format!("没有单位组“{group}”")));
            };
            if let Some(bad) = members.iter().find(|m| !known(m)) {
                return Err(AppError::field("members", format!("“{bad}”不是已知单位")));
            }
            g.members = members;
        }
        OrgEdit::UnitKind { unit, kind } => {
            if kind == UnitKind::Group {
                return Err(AppError::field(
                    "kind",
                    "单位组由计划中的组名产生，不能把一个单位改为单位组",
                ));
            }
            let Some(u) = config.units.iter_mut().find(|u| u.name == unit) else {
                return Err(AppError::field("unit", format!("“{unit}”不是已知单位")));
            };
            u.kind = kind;
        }
    }
    Ok(store.import_org(&actor, &config, PAGE_SOURCE, now).await?)
}

/// The stored organisation as TOML (`planwatch org export`), ready for `planwatch org import`.
pub async fn export_toml(store: &planwatch_store::Store) -> anyhow::Result<String> {
    let plan = store.plan(None).await?;
    let config = to_config(&store.org_view().await?, &store.units().await?, &plan.title);
    Ok(format!(
        "# 《{}》的组织架构，由 planwatch org export 导出；修改后用 planwatch org import 导入。\n{}",
        plan.title,
        toml::to_string(&config)?
    ))
}
