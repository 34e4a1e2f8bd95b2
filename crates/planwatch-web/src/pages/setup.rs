//! 指标目录 and 组织架构 (issue 14): the catalogue and the organisation proposed from the plan,
//! corrected by the office without a file. Every signed-in role reads them; the office and the
//! administrator change them. Each change goes through the use case (checked, audited) and the
//! reporting context follows at once (its key includes the setup version).

use super::super::AppState;
use super::super::error::{WebResult, shown};
use super::super::policy::Permission;
use super::super::session::CurrentUser;
use super::{Chrome, render};
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use planwatch_app as app;
use planwatch_app::organisation::OrgEdit;
use planwatch_model::{Direction, IndicatorKind, UnitKind};
use planwatch_store::IndicatorEdit;
use serde::Deserialize;

pub struct IndicatorRow {
    pub code: String,
    pub name: String,
    pub unit: String,
    pub kind: &'static str,
    pub kind_label: &'static str,
    pub direction: &'static str,
    pub direction_label: &'static str,
    pub reporter: String,
    /// Why it is not reported (empty: in the catalogue).
    pub set_aside: String,
    pub values: i64,
    /// The plan's targets in words, e.g. 2025年 ≥ 6380千瓦.
    pub targets: String,
    /// Where the plan states it: 总体目标, 任务6.
    pub sources: String,
}

#[derive(Template)]
#[template(path = "setup_catalogue.html")]
struct CataloguePage {
    c: Chrome,
    rows: Vec<IndicatorRow>,
    set_aside: Vec<IndicatorRow>,
    kinds: Vec<(&'static str, &'static str)>,
    directions: Vec<(&'static str, &'static str)>,
    reporters: Vec<String>,
    can_edit: bool,
    notice: Option<String>,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct SavedQuery {
    #[serde(default)]
    saved: String,
}

fn saved_notice(q: &SavedQuery) -> Option<String> {
    (!q.saved.is_empty()).then(|| "已保存，审计日志已记录。".to_string())
}

async fn catalogue_page(
    state: &AppState,
    user: &CurrentUser,
    notice: Option<String>,
    error: Option<String>,
) -> WebResult<CataloguePage> {
    super::super::reporting::context(state, &user.user.username, app::now()).await?;
    let entries = state.store().catalogue_entries().await?;
    let units = state.units().await?;
    let row = |e: &planwatch_store::CatalogueEntry| IndicatorRow {
        code: e.def.code.to_string(),
        name: e.def.name.clone(),
        unit: e.def.unit.clone().unwrap_or_default(),
        kind: e.def.kind.as_str(),
        kind_label: e.def.kind.label_zh(),
        direction: e.def.direction.as_str(),
        direction_label: e.def.direction.label_zh(),
        reporter: e.def.reporter.to_string(),
        set_aside: e.set_aside.clone().unwrap_or_default(),
        values: e.values,
        targets: e
            .def
            .targets
            .iter()
            .map(|t| {
                format!(
                    "{}年{}{}{}",
                    t.year,
                    t.comparator.label_zh(),
                    planwatch_model::figure::number_zh(t.value, 4),
                    e.def.unit.as_deref().unwrap_or("")
                )
            })
            .collect::<Vec<_>>()
            .join("；"),
        sources: {
            let mut s: Vec<String> = Vec::new();
            if e.def.headline {
                s.push("总体目标".into());
            }
            s.extend(e.def.tasks.iter().map(|n| format!("任务{n}")));
            s.join("、")
        },
    };
    let (kept, aside): (Vec<_>, Vec<_>) = entries.iter().partition(|e| e.set_aside.is_none());
    Ok(CataloguePage {
        c: Chrome::new(state, user, "indicators", "指标目录").await?,
        rows: kept.into_iter().map(row).collect(),
        set_aside: aside.into_iter().map(row).collect(),
        kinds: IndicatorKind::ALL
            .iter()
            .map(|k| (k.as_str(), k.label_zh()))
            .collect(),
        directions: Direction::ALL
            .iter()
            .map(|d| (d.as_str(), d.label_zh()))
            .collect(),
        reporters: units
            .iter()
            .filter(|u| u.kind != UnitKind::Group)
            .map(|u| u.name.to_string())
            .collect(),
        can_edit: user.can(Permission::ManageSetup),
        notice,
        error,
    })
}

pub async fn catalogue(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<SavedQuery>,
) -> WebResult<Response> {
    user.require(Permission::ReadPlan)?;
    let p = catalogue_page(&state, &user, saved_notice(&q), None).await?;
    Ok(render(&p)?.into_response())
}

#[derive(Deserialize)]
pub struct IndicatorForm {
    code: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    direction: String,
    #[serde(default)]
    reporter: String,
    /// "1": reported; "0": set aside.
    #[serde(default)]
    reported: String,
    #[serde(default)]
    reason: String,
}

pub async fn edit_indicator(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<IndicatorForm>,
) -> WebResult<Response> {
    user.require(Permission::ManageSetup)?;
    let refuse = |m: String| async {
        let p = catalogue_page(&state, &user, None, Some(m)).await?;
        Ok::<_, super::super::error::WebError>(
            (StatusCode::UNPROCESSABLE_ENTITY, render(&p)?).into_response(),
        )
    };
    let (Some(kind), Some(direction)) = (
        IndicatorKind::parse(&f.kind),
        Direction::parse(&f.direction),
    ) else {
        return refuse(format!(
            "指标 {} 的类型或方向无法识别，请刷新页面后再改",
            f.code
        ))
        .await;
    };
    let edit = IndicatorEdit {
        code: f.code,
        name: f.name,
        unit: Some(f.unit),
        kind,
        direction,
        reporter: f.reporter.trim().into(),
        set_aside: (f.reported.trim() == "0").then_some(f.reason),
    };
    let result = app::catalogue::edit(
        state.store(),
        app::Caller::User(&user.user),
        &[edit],
        app::now(),
    )
    .await;
    match shown(result)? {
        Ok(_) => Ok(Redirect::to("/setup/catalogue?saved=1").into_response()),
        Err(m) => refuse(m).await,
    }
}

pub struct GroupRow {
    pub name: String,
    /// (unit, member?)
    pub units: Vec<(String, bool)>,
    pub members: usize,
}

pub struct UnitKindRow {
    pub name: String,
    pub kind: &'static str,
}

#[derive(Template)]
#[template(path = "setup_org.html")]
struct OrgPage {
    c: Chrome,
    leading_group: String,
    office: String,
    seat: String,
    task_forces: Vec<(String, String, usize)>,
    groups: Vec<GroupRow>,
    units: Vec<UnitKindRow>,
    unit_names: Vec<String>,
    kinds: Vec<(&'static str, &'static str)>,
    can_edit: bool,
    notice: Option<String>,
    error: Option<String>,
}

async fn org_page(
    state: &AppState,
    user: &CurrentUser,
    notice: Option<String>,
    error: Option<String>,
) -> WebResult<OrgPage> {
    let view = state.store().org_view().await?;
    let units = state.units().await?;
    let real: Vec<&planwatch_store::UnitRef> =
        units.iter().filter(|u| u.kind != UnitKind::Group).collect();
    Ok(OrgPage {
        c: Chrome::new(state, user, "units", "组织架构").await?,
        leading_group: view
            .leading_group
            .as_ref()
            .map_or(String::new(), |b| b.name.clone()),
        office: view
            .office
            .as_ref()
            .map_or(String::new(), |b| b.name.clone()),
        seat: view
            .office
            .as_ref()
            .and_then(|b| b.seat.clone())
            .unwrap_or_default(),
        task_forces: view
            .task_forces
            .iter()
            .map(|tf| {
                (
                    tf.body.name.clone(),
                    tf.body.seat.clone().unwrap_or_default(),
                    tf.tasks.len(),
                )
            })
            .collect(),
        groups: view
            .groups
            .iter()
            .chain(
                view.empty_groups
                    .iter()
                    .map(|g| (g.clone(), Vec::new()))
                    .collect::<Vec<_>>()
                    .iter(),
            )
            .map(|(name, members)| GroupRow {
                name: name.clone(),
                units: real
                    .iter()
                    .map(|u| (u.name.to_string(), members.iter().any(|m| *m == *u.name)))
                    .collect(),
                members: members.len(),
            })
            .collect(),
        units: real
            .iter()
            .map(|u| UnitKindRow {
                name: u.name.to_string(),
                kind: u.kind.as_str(),
            })
            .collect(),
        unit_names: real.iter().map(|u| u.name.to_string()).collect(),
        kinds: UnitKind::ALL
            .iter()
            .filter(|k| **k != UnitKind::Group)
            .map(|k| (k.as_str(), k.label_zh()))
            .collect(),
        can_edit: user.can(Permission::ManageSetup),
        notice,
        error,
    })
}

pub async fn org(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<SavedQuery>,
) -> WebResult<Response> {
    user.require(Permission::ReadPlan)?;
    let p = org_page(&state, &user, saved_notice(&q), None).await?;
    Ok(render(&p)?.into_response())
}

/// One form of the 组织架构 page, as posted: `what` says which (seat, group, unit); a group's
/// checked members come as repeated `member` fields.
pub async fn edit_org(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(fields): Form<Vec<(String, String)>>,
) -> WebResult<Response> {
    user.require(Permission::ManageSetup)?;
    let get = |k: &str| {
        fields
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default()
    };
    let change = match get("what").as_str() {
        "seat" => Some(OrgEdit::OfficeSeat(get("seat"))),
        "group" => Some(OrgEdit::GroupMembers {
            group: get("group"),
            members: fields
                .iter()
                .filter(|(n, _)| n == "member")
                .map(|(_, v)| v.trim().to_string())
                .collect(),
        }),
        "unit" => UnitKind::parse(&get("kind")).map(|kind| OrgEdit::UnitKind {
            unit: get("unit"),
            kind,
        }),
        _ => None,
    };
    let result = match change {
        Some(change) => shown(
            app::organisation::edit(
                state.store(),
                app::Caller::User(&user.user),
                change,
                app::now(),
            )
            .await,
        )?,
        None => Err("无法识别的修改，请刷新页面后再改".to_string()),
    };
    match result {
        Ok(_) => Ok(Redirect::to("/setup/org?saved=1").into_response()),
        Err(m) => {
            let p = org_page(&state, &user, None, Some(m)).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&p)?).into_response())
        }
    }
}
