//! Many plans in one deployment (decision 0064). Units, users and roles are shared; reporting
//! periods, indicators, tasks, reports, assessments, texts and the public page belong to one plan.
//! A [`Store`] is either unscoped (the default plan: the only active one) or scoped to one plan
//! ([`Store::for_plan`]); every plan-owned query resolves its plan through [`Store::plan_id`], so
//! the scope is decided in one place per caller: the CLI's `--plan` gives a scoped store, and the
//! web runs each request inside [`in_plan`] with the plan its URL (or cookie) names, so that every
//! store call the request makes, through any use case, works on that plan.

use crate::Store;
use crate::audit::{self, Actor, Change};
use crate::db::{Tx, args};
use crate::error::{Result, StoreError};
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::json;

tokio::task_local! {
    /// The plan of the current web request (see [`in_plan`]).
    static REQUEST_PLAN: i64;
}

/// Runs `f` with `plan_id` as the plan of every unscoped store call it makes (the web's request
/// scope). A store scoped with [`Store::for_plan`] keeps its own plan.
pub async fn in_plan<F: std::future::Future>(plan_id: i64, f: F) -> F::Output {
    REQUEST_PLAN.scope(plan_id, f).await
}

/// The plan of the current request scope, if the caller runs inside [`in_plan`].
pub fn plan_in_scope() -> Option<i64> {
    REQUEST_PLAN.try_with(|p| *p).ok()
}

/// Where a plan stands. Only an active plan takes reports, values and edits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PlanState {
    /// 进行中
    Active,
    /// 已结束: read-only; its final evaluation stays readable.
    Ended,
    /// 已归档: read-only and left out of the plan switcher.
    Archived,
}

impl PlanState {
    pub const ALL: [PlanState; 3] = [Self::Active, Self::Ended, Self::Archived];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Ended => "ended",
            Self::Archived => "archived",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Active => "进行中",
            Self::Ended => "已结束",
            Self::Archived => "已归档",
        }
    }

    /// Parses `active`/`ended`/`archived` or the Chinese word.
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        Self::ALL
            .into_iter()
            .find(|p| p.as_str() == s || p.label_zh() == s)
    }
}

/// A plan as the plan list shows it: code, title and period of its newest revision, state.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanInfo {
    pub id: i64,
    pub code: String,
    pub title: String,
    pub period_start: i64,
    pub period_end: i64,
    pub state: PlanState,
    /// The newest revision's number.
    pub revision: i64,
    pub created_at: DateTime<Utc>,
}

impl PlanInfo {
    pub fn period_label(&self) -> String {
        if self.period_start == self.period_end {
            format!("{}年", self.period_start)
        } else {
            format!("{}—{}年", self.period_start, self.period_end)
        }
    }
}

/// The longest plan code.
pub const MAX_PLAN_CODE_CHARS: usize = 32;

/// Checks a plan code: 1–32 characters of lower-case ASCII letters, digits and `-`, starting with a
/// letter or digit (it appears in URLs and commands).
pub fn check_plan_code(code: &str) -> Result<String> {
    let code = code.trim();
    let ok = !code.is_empty()
        && code.chars().count() <= MAX_PLAN_CODE_CHARS
        && code
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !code.starts_with('-');
    if ok {
        Ok(code.to_string())
    } else {
        Err(StoreError::InvalidInput(format!(
            "计划代码“{code}”不可用：只能由小写英文字母、数字和“-”组成，以字母或数字开头，\
             最多 {MAX_PLAN_CODE_CHARS} 个字符（例如 yq-innovation-2022）"
        )))
    }
}

pub(crate) async fn plan_rows(tx: &mut Tx) -> Result<Vec<PlanInfo>> {
    tx.fetch_all(
        "SELECT p.id, p.code, p.state, p.created_at, r.number, r.title, r.period_start, \
         r.period_end FROM plans p JOIN plan_revisions r ON r.plan_id = p.id \
         WHERE r.number = (SELECT MAX(x.number) FROM plan_revisions x WHERE x.plan_id = p.id) \
         ORDER BY p.id",
        args![],
    )
    .await?
    .iter()
    .map(|r| {
        let state = r.text("state")?;
        Ok(PlanInfo {
            id: r.i64("id")?,
            code: r
                .opt_text("code")?
                .unwrap_or_else(|| format!("plan{}", r.i64("id").unwrap_or(0))),
            title: r.text("title")?,
            period_start: r.i64("period_start")?,
            period_end: r.i64("period_end")?,
            state: PlanState::parse(&state).ok_or_else(|| {
                StoreError::InvalidInput(format!("数据库中的计划状态“{state}”无法识别"))
            })?,
            revision: r.i64("number")?,
            created_at: r.time("created_at")?,
        })
    })
    .collect()
}

/// The plan an unscoped caller means: the only active plan; with no active plan, the only plan;
/// otherwise the caller must name one.
pub(crate) fn default_plan(plans: &[PlanInfo]) -> Result<&PlanInfo> {
    let active: Vec<&PlanInfo> = plans
        .iter()
        .filter(|p| p.state == PlanState::Active)
        .collect();
    match (active.as_slice(), plans) {
        ([one], _) => Ok(one),
        ([], []) => Err(StoreError::NoPlan),
        ([], [only]) => Ok(only),
        ([], all) => Err(StoreError::AmbiguousPlan(
            all.iter().map(|p| p.code.clone()).collect(),
        )),
        (many, _) => Err(StoreError::AmbiguousPlan(
            many.iter().map(|p| p.code.clone()).collect(),
        )),
    }
}

impl Store {
    /// This store, scoped to the plan `plan_id` (shares the connections).
    pub fn scoped(&self, plan_id: i64) -> Store {
        Store {
            pools: self.pools.clone(),
            location: self.location.clone(),
            applied_on_open: Vec::new(),
            scope: Some(plan_id),
        }
    }

    /// This store scoped to the plan with `code`; an unknown code is an error that lists the codes.
    pub async fn for_plan(&self, code: &str) -> Result<Store> {
        let plans = self.plans().await?;
        let code = code.trim();
        match plans.iter().find(|p| p.code == code) {
            Some(p) => Ok(self.scoped(p.id)),
            None => Err(StoreError::UnknownPlan {
                code: code.to_string(),
                known: plans.into_iter().map(|p| p.code).collect(),
            }),
        }
    }

    /// The plan this store is scoped to (by [`Store::for_plan`] or the request scope), if any.
    pub fn scope(&self) -> Option<i64> {
        self.scope.or_else(plan_in_scope)
    }

    /// Every plan, oldest first.
    pub async fn plans(&self) -> Result<Vec<PlanInfo>> {
        let mut tx = self.pools.read().await?;
        plan_rows(&mut tx).await
    }

    /// The plan this store works on (its scope, or the default plan).
    pub async fn current_plan(&self) -> Result<PlanInfo> {
        let mut tx = self.pools.read().await?;
        let id = self.plan_id(&mut tx).await?;
        plan_rows(&mut tx)
            .await?
            .into_iter()
            .find(|p| p.id == id)
            .ok_or(StoreError::NoPlan)
    }

    /// The id of the plan this store works on.
    /// The transaction remembers it: its audit rows of plan data name this plan (audit.rs).
    pub(crate) async fn plan_id(&self, tx: &mut Tx) -> Result<i64> {
        let id = match self.scope() {
            Some(id) => id,
            None => default_plan(&plan_rows(tx).await?)?.id,
        };
        tx.plan = Some(id);
        Ok(id)
    }

    /// The id of the plan this store works on, refused when that plan is no longer active.
    pub(crate) async fn writable_plan_id(&self, tx: &mut Tx) -> Result<i64> {
        let id = self.plan_id(tx).await?;
        writable(tx, id).await?;
        Ok(id)
    }

    /// Sets a plan's state (进行中 / 已结束 / 已归档), audited as `plan.state`.
    pub async fn set_plan_state(
        &self,
        actor: &Actor,
        state: PlanState,
        now: DateTime<Utc>,
    ) -> Result<PlanInfo> {
        let mut tx = self.pools.write().await?;
        let id = self.plan_id(&mut tx).await?;
        let before = plan_rows(&mut tx)
            .await?
            .into_iter()
            .find(|p| p.id == id)
            .ok_or(StoreError::NoPlan)?;
        tx.execute(
            "UPDATE plans SET state = $1 WHERE id = $2",
            args![state.as_str(), id],
        )
        .await?;
        audit::record(
            &mut tx,
            actor,
            Change {
                action: "plan.state",
                entity: "plan",
                entity_id: id.to_string(),
                before: Some(json!({"code": before.code, "state": before.state.as_str()})),
                after: Some(json!({"code": before.code, "state": state.as_str()})),
            },
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(PlanInfo { state, ..before })
    }
}

/// Refuses writes to a plan that has ended or been archived.
pub(crate) async fn writable(tx: &mut Tx, plan_id: i64) -> Result<()> {
    let row = tx
        .fetch_one(
            "SELECT code, state FROM plans WHERE id = $1",
            args![plan_id],
        )
        .await?;
    let state = row.text("state")?;
    if state == PlanState::Active.as_str() {
        return Ok(());
    }
    Err(StoreError::PlanClosed {
        code: row.opt_text("code")?.unwrap_or_default(),
        state: PlanState::parse(&state)
            .map(|s| s.label_zh())
            .unwrap_or("已结束")
            .to_string(),
    })
}
