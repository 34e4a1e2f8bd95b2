//! 审计日志: the newest audit rows (admins and the office), filtered by entity and date, each
//! with the entity before and after the change.

use super::super::AppState;
use super::super::error::WebResult;
use super::super::format;
use super::super::policy::Permission;
use super::super::session::CurrentUser;
use super::{Chrome, render};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Html;
use chrono::{NaiveDate, TimeZone, Utc};
use planwatch_store::AuditFilter;
use serde::Deserialize;

/// Rows shown per page; older rows are reached with the date filter or `planwatch audit`.
const PAGE_ROWS: i64 = 200;

pub struct AuditRow {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub before: String,
    pub after: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    c: Chrome,
    rows: Vec<AuditRow>,
    entity: String,
    since: String,
    entities: Vec<(&'static str, &'static str)>,
    limit: i64,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct AuditQuery {
    #[serde(default)]
    entity: String,
    #[serde(default)]
    since: String,
}

const ENTITIES: [(&str, &str); 14] = [
    (
        planwatch_store::SECURITY_FILTER,
        "安全事件（登录、锁定、改密、越权）",
    ),
    ("access", "越权访问"),
    ("report", "季度报告"),
    ("reporting_period", "报送期"),
    ("plan_revision", "计划版本"),
    ("organisation", "组织架构"),
    ("unit", "单位"),
    ("user", "用户"),
    ("session", "登录会话"),
    ("sign_in", "登录与密码校验"),
    ("indicator", "指标目录"),
    ("indicator_values", "指标历史数据"),
    ("breakdown_item", "年度任务分解"),
    ("api_token", "接口令牌"),
];

/// What a row is about, in words: the kind of thing (用户, 季度报告 …) and which one — a user by
/// name, a sign-in session by whose it is (the actor column says), never an internal number.
fn entity_words(people: &planwatch_app::people::People, entity: &str, id: &str) -> String {
    let kind = ENTITIES
        .iter()
        .find(|(k, _)| *k == entity)
        .map_or(entity, |(_, label)| label);
    match entity {
        "user" => match people.user_by_id(id) {
            Some(name) => format!("{kind}：{name}"),
            None => format!("{kind}：{}", people.name(id)),
        },
        "session" => kind.to_string(),
        _ if id.is_empty() => kind.to_string(),
        _ => format!("{kind}：{}", people.name(id)),
    }
}

fn pretty(json: Option<String>) -> String {
    json.map(|j| match serde_json::from_str::<serde_json::Value>(&j) {
        Ok(v) => serde_json::to_string_pretty(&v).unwrap_or(j),
        Err(_) => j,
    })
    .unwrap_or_default()
}

pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<AuditQuery>,
) -> WebResult<Html<String>> {
    user.require(Permission::ReadAudit)?;
    let mut error = None;
    let since = if q.since.trim().is_empty() {
        None
    } else {
        match NaiveDate::parse_from_str(q.since.trim(), "%Y-%m-%d") {
            // Dates the trail can hold; far years would overflow the date arithmetic below.
            Ok(d) if !(2000..=2999).contains(&chrono::Datelike::year(&d)) => {
                error = Some(format!(
                    "日期“{}”超出范围：请填写 2000 年至 2999 年之间的日期",
                    q.since.trim()
                ));
                None
            }
            // Midnight in Beijing, the users' clock.
            Ok(d) => d
                .and_hms_opt(0, 0, 0)
                .and_then(|t| Utc.from_local_datetime(&t).single())
                .and_then(|t| t.checked_sub_signed(chrono::Duration::hours(8))),
            Err(_) => {
                error = Some(format!(
                    "日期“{}”无法识别，请写作 2023-09-30",
                    q.since.trim()
                ));
                None
            }
        }
    };
    let filter = AuditFilter {
        entity: Some(q.entity.trim().to_string()).filter(|s| !s.is_empty()),
        entity_id: None,
        since,
        limit: Some(PAGE_ROWS),
    };
    let people = state.people().await?;
    let mut rows: Vec<AuditRow> = state
        .store()
        .audit_entries(&filter)
        .await?
        .into_iter()
        .map(|e| AuditRow {
            at: format::time_seconds(e.at),
            actor: people.name(&e.actor),
            action: format::audit_action(&e.action).to_string(),
            entity: entity_words(&people, &e.entity, &e.entity_id),
            before: pretty(e.before),
            after: pretty(e.after),
        })
        .collect();
    rows.reverse();
    render(&AuditPage {
        c: Chrome::new(&state, &user, "audit", "审计日志").await?,
        rows,
        entity: q.entity,
        since: q.since,
        entities: ENTITIES.to_vec(),
        limit: PAGE_ROWS,
        error,
    })
}
