//! HTML pages, one module per area. Every page template extends `base.html` and carries a
//! [`Chrome`]: who is signed in, the navigation their role may use, the CSRF token for the forms
//! on the page, and the 示例数据 banner.

pub mod account;
pub mod audit;
pub mod auth;
pub mod combined;
pub mod dashboard;
pub mod data;
pub mod documents;
pub mod evaluation;
pub mod evidence;
pub mod home;
pub mod indicators;
pub mod lists;
pub mod notifications;
pub mod ops;
pub mod plan;
pub mod plan_import;
pub mod plans;
pub mod public;
pub mod public_settings;
pub mod report_texts;
pub mod reports;
pub mod review;
pub mod setup;
pub mod tasks;
pub mod todo;
pub mod tokens;
pub mod units;
pub mod users;

use super::AppState;
use super::error::WebResult;
use super::policy::Permission;
use super::session::CurrentUser;
use askama::Template;
use axum::response::Html;

/// One link of the main navigation.
pub struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
    pub active: bool,
    /// A count shown beside the label (the to-do count), when there is one.
    pub count: Option<usize>,
}

/// What the shared layout needs.
pub struct Chrome {
    pub title: String,
    pub user_name: String,
    pub role_label: &'static str,
    /// The unit or task force the user belongs to, if any.
    pub affiliation: Option<String>,
    pub csrf: String,
    pub nav: Vec<NavItem>,
    /// Demo data is present: every page says 示例数据.
    pub demo: bool,
    pub asset_version: &'static str,
    /// The plan this page works on and the others to switch to (several plans in one
    /// deployment); `None` while the deployment holds a single active plan.
    pub plan_bar: Option<PlanBar>,
}

/// The plan switcher: the current plan, whether it is read-only, and links to the others.
pub struct PlanBar {
    pub title: String,
    pub state_label: &'static str,
    pub read_only: bool,
    /// (link, title, state, current) for each plan offered; empty when there are more than
    /// [`SWITCHER_MAX`], which 全部计划 lists instead.
    pub plans: Vec<(String, String, &'static str, bool)>,
    /// How many plans the deployment holds (all of them, for the link to 全部计划).
    pub total: usize,
}

/// The most plans the switcher lists itself; with more (a province's hundreds) it links to
/// 全部计划, which finds a plan by code or title. A list longer than this is neither usable
/// on a phone nor cheap to send with every page.
pub const SWITCHER_MAX: usize = 12;

impl PlanBar {
    /// The bar for the current request, when there is more than one plan to tell apart or the
    /// plan is read-only.
    pub fn current() -> Option<PlanBar> {
        let nav = super::plans::nav()?;
        let current = nav.current.as_ref()?;
        let offered = nav.switchable();
        let offered_count = offered.len();
        if offered_count < 2 && !nav.read_only() {
            return None;
        }
        Some(PlanBar {
            title: current.title.clone(),
            state_label: current.state.label_zh(),
            read_only: nav.read_only(),
            total: nav.plans.len(),
            plans: offered
                .into_iter()
                .filter(|_| offered_count <= SWITCHER_MAX)
                .map(|p| {
                    (
                        format!("{}/", super::plans::prefix(&p.code)),
                        p.title.clone(),
                        p.state.label_zh(),
                        p.id == current.id,
                    )
                })
                .collect(),
        })
    }
}

/// The areas of the navigation, in order, with the permission each needs.
const AREAS: &[(&str, &str, &str, Permission)] = &[
    ("home", "/", "驾驶舱", Permission::ReadPlan),
    ("todo", "/todo", "待办", Permission::ReadPlan),
    (
        "notifications",
        "/notifications",
        "通知",
        Permission::ReadPlan,
    ),
    ("indicators", "/indicators", "指标", Permission::ReadPlan),
    ("plan", "/plan", "计划", Permission::ReadPlan),
    ("tasks", "/tasks", "任务", Permission::ReadPlan),
    ("units", "/units", "单位", Permission::ReadPlan),
    ("reports", "/reports", "报送情况", Permission::ReadReports),
    ("review", "/review", "审核", Permission::ReviewReports),
    ("documents", "/documents", "报告", Permission::ReadPlan),
    ("users", "/users", "用户", Permission::ReadUsers),
    ("audit", "/audit", "审计日志", Permission::ReadAudit),
    (
        "tokens",
        "/api-tokens",
        "接口令牌",
        Permission::ManageApiTokens,
    ),
    (
        "public",
        "/public/settings",
        "公开",
        Permission::ManagePublicPage,
    ),
];

impl Chrome {
    /// The layout for a signed-in user on the page of area `active`.
    pub async fn new(
        state: &AppState,
        user: &CurrentUser,
        active: &str,
        title: impl Into<String>,
    ) -> WebResult<Chrome> {
        let todo = super::todo::count(state, &user.user).await?;
        // Marking read is not a data change, so the unread count is read on every page.
        let unread = state.unread_notifications(user.user.id).await?;
        let nav = AREAS
            .iter()
            .filter(|(_, _, _, p)| user.can(*p))
            .map(|(key, href, label, _)| NavItem {
                href,
                // A unit's people fill in their own reports; everyone else follows who reported.
                label: if *key == "reports" && user.user.role.is_unit_bound() {
                    "我的填报"
                } else {
                    label
                },
                active: *key == active,
                count: match *key {
                    "todo" => Some(todo).filter(|n| *n > 0),
                    "notifications" => usize::try_from(unread).ok().filter(|n| *n > 0),
                    _ => None,
                },
            })
            .collect();
        let u = &user.user;
        Ok(Chrome {
            title: title.into(),
            user_name: u.display_name.clone(),
            role_label: u.role.label_zh(),
            affiliation: u
                .unit
                .as_ref()
                .map(ToString::to_string)
                .or_else(|| u.task_force.clone()),
            csrf: user.csrf.clone(),
            nav,
            demo: demo_present(state).await?,
            asset_version: super::assets::version(),
            plan_bar: PlanBar::current(),
        })
    }
}

/// Whether the plan of the request holds demo data (示例数据), remembered per server and plan
/// until that plan's data version moves.
pub async fn demo_present(state: &AppState) -> WebResult<bool> {
    let version = state.data_version().await?;
    if let Some(d) = state.cached_demo(version) {
        return Ok(d);
    }
    let d = state.store().demo_data_present().await?;
    state.cache_demo(version, d);
    Ok(d)
}

/// Renders a template into a page.
pub fn render(t: &impl Template) -> WebResult<Html<String>> {
    Ok(Html(t.render()?))
}
