//! The monitoring results the dashboard, indicator and unit pages show: the monitor run over what
//! is committed in the store (the same use case as `planwatch assess`), for a chosen quarter.
//!
//! The store's sources are read once per data version (the id of the newest audit row: every
//! change writes one) and each quarter's assessment is computed once per version and day, so an
//! accepted report shows on the very next page view — on every app server, since each asks the
//! database for the version — while page views in between cost no recomputation.

use super::AppState;
use super::error::{WebError, WebResult};
use chrono::NaiveDate;
use planwatch_app as app;
use planwatch_app::assess::{AssessSources, Outcome};
use planwatch_model::Quarter;
use planwatch_monitor::Rules;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

/// What one plan's data version gives.
struct Entry {
    version: i64,
    /// When it was last used (the cache's clock), for the least-recently-used eviction.
    used: u64,
    sources: Arc<AssessSources>,
    /// The stored reports with their events (who submitted and accepted what, when).
    reports: Arc<Vec<Arc<planwatch_store::StoredReport>>>,
    outcomes: BTreeMap<(Quarter, NaiveDate), Arc<Outcome>>,
}

/// The per-server cache: one entry per plan (the plan of the request scope), at the plan's
/// current data version; at most `WebConfig::plans_cached` plans are kept (a province holds
/// hundreds; when it is full, the plan used least recently makes room).
#[derive(Default)]
pub struct Cache {
    entries: Mutex<std::collections::HashMap<Option<i64>, Entry>>,
    /// Counts uses, for [`Entry::used`].
    clock: std::sync::atomic::AtomicU64,
    /// Serialises full loads so that a burst of requests after a change loads the sources once.
    /// One lock for all plans: a lock per plan was measured at province size and was worse
    /// (parallel loads: memory over 400 MB per server, writers and health checks starved;
    /// BENCHMARKS.md, "Province-sized").
    loading: tokio::sync::Mutex<()>,
    /// A lock per plan for bringing a kept entry up to date (a report or two read again, a few
    /// milliseconds): refreshes of different plans neither queue behind each other nor behind a
    /// full load (0069). Taken before `loading` when a refresh turns into a full load.
    refreshing: Mutex<std::collections::HashMap<Option<i64>, Arc<tokio::sync::Mutex<()>>>>,
}

impl Cache {
    fn tick(&self) -> u64 {
        self.clock
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    }
}

/// A quarter's assessment and what the pages need around it.
pub struct Assessed {
    pub outcome: Arc<Outcome>,
    pub sources: Arc<AssessSources>,
    pub reports: Arc<Vec<Arc<planwatch_store::StoredReport>>>,
    pub period: Quarter,
    pub as_of: NaiveDate,
    /// Whether the as-of date was chosen (`?as_of=`) rather than the default.
    pub as_of_chosen: bool,
    /// Reports of the period accepted after the as-of date: not counted here.
    pub accepted_later: usize,
    /// Quarters one may choose: the plan's, up to the current one.
    pub periods: Vec<Quarter>,
}

/// The quarters one may choose: the plan's, from its first up to the current one (all of them
/// once the plan has ended). The pages offer them; the API refuses any other (0058).
pub fn selectable_periods(plan: planwatch_model::Period, today: NaiveDate) -> Vec<Quarter> {
    let (Some(first), Some(last)) = (Quarter::new(plan.start, 1), Quarter::new(plan.end, 4)) else {
        return Vec::new();
    };
    let current = planwatch_quarterly::period::quarter_of(today).min(last);
    Quarter::range(first, last.min(current.max(first))).collect()
}

/// Today in China Standard Time, the day every assessment is judged by.
pub fn today_in_china() -> NaiveDate {
    today()
}

/// The store's sources of the assessment at this data version (`None` before any plan): the
/// official series of values the API's bulk read serves.
pub async fn current_sources(state: &AppState) -> WebResult<Option<Arc<AssessSources>>> {
    Ok(loaded_if_any(state).await?.map(|(_, s, _)| s))
}

/// The plan's sources at this data version, `None` before any plan.
async fn loaded_if_any(state: &AppState) -> WebResult<Option<Loaded>> {
    match sources(state).await {
        Ok(l) => Ok(Some(l)),
        Err(WebError::Internal(e))
            if e.downcast_ref::<planwatch_store::StoreError>()
                .is_some_and(|s| matches!(s, planwatch_store::StoreError::NoPlan)) =>
        {
            Ok(None)
        }
        Err(e) => Err(e),
    }
}

/// The plan's stored reports with their events at this data version (`None` before any plan),
/// kept with its monitoring results: the to-do lists read them from here.
pub async fn stored_reports(
    state: &AppState,
) -> WebResult<Option<Arc<Vec<Arc<planwatch_store::StoredReport>>>>> {
    Ok(loaded_if_any(state).await?.map(|(_, _, r)| r))
}

/// `?as_of=` as a page or the API may give it: `today` or a date (YYYY-MM-DD); like
/// `planwatch assess --as-of`.
pub fn parse_as_of(s: &str) -> WebResult<Option<NaiveDate>> {
    match s.trim() {
        "" => Ok(None),
        "today" | "今天" => Ok(Some(today())),
        d => NaiveDate::parse_from_str(d, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| {
                WebError::BadRequest(format!(
                    "评价截止日“{d}”无法识别：请写作 2024-09-30 或 today"
                ))
            }),
    }
}

fn rules() -> WebResult<Rules> {
    app::assess::load_rules(None).map_err(WebError::Internal)
}

fn today() -> NaiveDate {
    app::now().with_timezone(&app::assess::china()).date_naive()
}

type Loaded = (
    i64,
    Arc<AssessSources>,
    Arc<Vec<Arc<planwatch_store::StoredReport>>>,
);

async fn sources(state: &AppState) -> WebResult<Loaded> {
    let cache = state.assessments();
    let version = state.data_version().await?;
    let plan = planwatch_store::plan_in_scope();
    // An entry at a newer version serves too: a request must see every change made before it
    // was sent, and may see later ones. (Reading it again at the older version would load the
    // plan in full, and put the older data back for the next request to refresh.)
    let cached = |cache: &Cache| {
        let tick = cache.tick();
        let mut e = cache.entries.lock().unwrap_or_else(|p| p.into_inner());
        e.get_mut(&plan).filter(|e| e.version >= version).map(|e| {
            e.used = tick;
            (e.version, e.sources.clone(), e.reports.clone())
        })
    };
    if let Some(s) = cached(cache) {
        return Ok(s);
    }
    let kept = cache
        .entries
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .contains_key(&plan);
    let mut _refreshing = None;
    let mut _loading = None;
    if kept {
        let lock = cache
            .refreshing
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry(plan)
            .or_default()
            .clone();
        _refreshing = Some(lock.lock_owned().await);
    } else {
        _loading = Some(cache.loading.lock().await);
    }
    if let Some(s) = cached(cache) {
        return Ok(s);
    }
    // An entry of an older version is brought up to date by reading only the reports changed
    // since, when that is all that changed (a unit's draft saved, submitted, approved, returned);
    // anything else — an acceptance, values, the setup, shared data — loads everything again.
    let stale = {
        let e = cache.entries.lock().unwrap_or_else(|p| p.into_inner());
        e.get(&plan)
            .filter(|e| e.version < version)
            .map(|e| (e.version, e.sources.clone(), e.reports.clone()))
    };
    let stale_version = stale.as_ref().map(|s| s.0);
    let stale_kept = stale.as_ref().map(|s| (s.1.clone(), s.2.clone()));
    let refreshed = match (plan, stale) {
        (Some(p), Some(old)) => refreshed(state, p, old, version).await?,
        _ => None,
    };
    if refreshed.is_none() && _loading.is_none() {
        // Everything must be read again: a full load, one at a time.
        _loading = Some(cache.loading.lock().await);
        if let Some(s) = cached(cache) {
            return Ok(s);
        }
    }
    let mut kept_before = None;
    let (loaded, reports) = match refreshed {
        Some(Refresh::Kept) => {
            // Nothing this plan shows changed (a draft of a plan whose values it reads): the
            // entry, its outcomes included, holds at the new version.
            state.metrics().plan_load(super::metrics::PlanLoad::Kept);
            let tick = cache.tick();
            let mut entries = cache.entries.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(e) = entries.get_mut(&plan) {
                e.version = e.version.max(version);
                e.used = tick;
                return Ok((e.version, e.sources.clone(), e.reports.clone()));
            }
            drop(entries);
            // A full load of another plan made room meanwhile: what was kept still holds at this
            // version, for this request.
            return match stale_kept {
                Some((s, r)) => Ok((version, s, r)),
                None => Err(WebError::Internal(anyhow::anyhow!(
                    "the kept monitoring sources of a plan went missing while brought up to date"
                ))),
            };
        }
        Some(Refresh::Fresh(s, r, before)) => {
            let s = *s;
            kept_before = before;
            state
                .metrics()
                .plan_load(super::metrics::PlanLoad::ChangedReports);
            (s, r)
        }
        None => {
            state.metrics().plan_load(super::metrics::PlanLoad::Full);
            let methods = app::assess::load_methods(None).map_err(WebError::Internal)?;
            // The plan's reporting context as the pages keep it (prepared once per setup
            // version), and its reports read once for the sources and the pages.
            let ctx = super::reporting::context(state, "system:assessment", app::now()).await?;
            app::assess::load_sources_in(state.store(), &ctx, methods)
                .await
                .map_err(WebError::Internal)?
        }
    };
    let (loaded, reports) = (Arc::new(loaded), Arc::new(reports));
    let mut out_of_use = Vec::new();
    {
        let tick = cache.tick();
        let mut entries = cache.entries.lock().unwrap_or_else(|p| p.into_inner());
        if entries.get(&plan).is_some_and(|e| e.version > version) {
            // Another request brought the plan further meanwhile: keep that entry.
            return Ok((version, loaded, reports));
        }
        if entries.len() >= state.config().plans_cached.max(1)
            && !entries.contains_key(&plan)
            && let Some(oldest) = entries.iter().min_by_key(|(_, e)| e.used).map(|(k, _)| *k)
        {
            out_of_use.extend(entries.remove(&oldest));
        }
        // The assessments of the quarters before the first one whose reports changed in what an
        // assessment reads (all of them, after a draft was saved) are those the kept entry
        // computed (`assessments_kept_before`).
        let outcomes: BTreeMap<(Quarter, NaiveDate), Arc<Outcome>> = kept_before
            .and_then(|kept: app::assess::KeptAssessments| {
                let old = entries
                    .get(&plan)
                    .filter(|e| Some(e.version) == stale_version)?;
                Some(
                    old.outcomes
                        .iter()
                        .filter(|((q, _), _)| kept.keeps(*q))
                        .map(|(k, o)| (*k, o.clone()))
                        .collect(),
                )
            })
            .unwrap_or_default();
        state.metrics().assessments_carried(outcomes.len());
        out_of_use.extend(entries.insert(
            plan,
            Entry {
                version,
                used: tick,
                sources: loaded.clone(),
                reports: reports.clone(),
                outcomes,
            },
        ));
    }
    // A plan's sources are a few megabytes in many small allocations: freed neither under the
    // cache's lock (every request's lookup takes it) nor on a request thread.
    if !out_of_use.is_empty() {
        drop(tokio::task::spawn_blocking(move || drop(out_of_use)));
    }
    Ok((version, loaded, reports))
}

/// How many changes an entry may be behind and still be brought up to date report by report.
const MAX_CHANGES_TO_REFRESH: usize = 32;

/// The plan's sources at `version`, from those at `old.0` and the reports changed since, if only
/// reports changed and only by steps that leave the official series as it was
/// (`STEPS_KEEPING_THE_SERIES`); `None` when everything must be read again.
/// How a kept entry is brought to a newer version without reading everything.
enum Refresh {
    /// Nothing it holds changed.
    Kept,
    /// Some of its reports changed: the sources and reports with those read anew, and which
    /// kept assessments still hold (`None`: none is known to).
    Fresh(
        Box<AssessSources>,
        Vec<Arc<planwatch_store::StoredReport>>,
        Option<app::assess::KeptAssessments>,
    ),
}

async fn refreshed(
    state: &AppState,
    plan: i64,
    old: (
        i64,
        Arc<AssessSources>,
        Arc<Vec<Arc<planwatch_store::StoredReport>>>,
    ),
    version: i64,
) -> WebResult<Option<Refresh>> {
    let (since, sources, reports) = old;
    let shared = state.shared_version().await?;
    let mut plans = vec![plan];
    plans.extend(state.plan_value_owners(plan, shared).await?.iter().copied());
    let Some(changes) = state
        .store()
        .changes_between(since, version, &plans, MAX_CHANGES_TO_REFRESH)
        .await?
    else {
        return Ok(None);
    };
    let mut touched = std::collections::BTreeSet::new();
    for c in &changes {
        let step_keeps_series = app::assess::STEPS_KEEPING_THE_SERIES.contains(&c.action.as_str());
        if c.entity != "report" || !step_keeps_series || c.plan.is_none() {
            return Ok(None);
        }
        if c.plan != Some(plan) {
            // A report of a plan whose values this one reads, its official series unchanged:
            // nothing here changes.
            continue;
        }
        // A report's audit rows name it QUARTER/UNIT.
        let Some((q, unit)) = c.entity_id.split_once('/') else {
            return Ok(None);
        };
        let Ok(q) = Quarter::parse(q) else {
            return Ok(None);
        };
        touched.insert((q, unit.to_string()));
    }
    if touched.is_empty() {
        return Ok(Some(Refresh::Kept));
    }
    let quarters: Vec<Quarter> = touched.iter().map(|(q, _)| *q).collect();
    let mut fresh = Vec::with_capacity(touched.len());
    for (q, unit) in touched {
        // Only the events after those kept are read: a report saved many times has a long
        // history, and it is all still valid.
        let kept = reports
            .iter()
            .find(|r| r.period == q && r.unit.as_str() == unit);
        let read = match kept {
            Some(k) => state.store().report_after(k).await?,
            None => {
                state
                    .store()
                    .report(&planwatch_model::UnitName::from(unit.as_str()), q)
                    .await?
            }
        };
        match read {
            Some(r) => fresh.push(r),
            None => return Ok(None),
        }
    }
    Ok(
        app::assess::with_fresh_reports(&sources, &reports, fresh).map(|(s, r)| {
            let before = app::assess::assessments_kept_before(&sources, &s, quarters);
            Refresh::Fresh(Box::new(s), r, before)
        }),
    )
}

/// The quarter shown when none is chosen: the latest one with a submitted report, else the
/// latest one that has begun.
fn default_period(s: &AssessSources, periods: &[Quarter]) -> Option<Quarter> {
    s.reports
        .iter()
        .filter(|r| {
            r.steps
                .iter()
                .any(|st| st.action == planwatch_quarterly::ActionKind::Submit)
        })
        .filter_map(|r| r.content.period)
        .filter(|q| periods.contains(q))
        .max()
        .or_else(|| periods.last().copied())
}

/// The assessment of `period` (default: see [`default_period`]) as of its default date.
pub async fn assessed(state: &AppState, period: Option<Quarter>) -> WebResult<Option<Assessed>> {
    assessed_as_of(state, period, None).await
}

/// The assessment of `period` as of `as_of` (never later than today), or of the default date:
/// the end of the quarter after the period, or today if that is earlier — the same rule as
/// `planwatch assess` and the documents.
pub async fn assessed_as_of(
    state: &AppState,
    period: Option<Quarter>,
    as_of: Option<NaiveDate>,
) -> WebResult<Option<Assessed>> {
    // No plan yet: nothing to assess.
    let Some((version, sources, reports)) = loaded_if_any(state).await? else {
        return Ok(None);
    };
    let today = today();
    let periods = selectable_periods(sources.plan.period, today);
    if periods.is_empty() {
        return Ok(None);
    }
    let Some(period) = period
        .filter(|p| periods.contains(p))
        .or_else(|| default_period(&sources, &periods))
    else {
        return Ok(None);
    };
    // One truth: a quarter is judged as of the same date on every page, in `planwatch assess`
    // and in the documents — the end of the quarter after it, or today if that is earlier — so a
    // past quarter's figures (and its overdue days) never change with the day they are viewed.
    let as_of = match as_of {
        Some(d) => d.min(today),
        None => app::assess::input::default_as_of(period, today),
    };
    let key = (period, as_of);
    let plan = planwatch_store::plan_in_scope();
    let cached = {
        let e = state
            .assessments()
            .entries
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        e.get(&plan)
            .filter(|e| e.version == version)
            .and_then(|e| e.outcomes.get(&key).cloned())
    };
    let outcome = match cached {
        Some(o) => o,
        None => {
            // A few milliseconds of CPU (more for a province's plan): off the request threads, so
            // that the cached answers other requests are waiting for are not held up behind it.
            let (s, r) = (sources.clone(), rules()?);
            let o = Arc::new(
                tokio::task::spawn_blocking(move || {
                    app::assess::assess_sources(&s, period, as_of, &r)
                })
                .await
                .map_err(|e| WebError::Internal(anyhow::anyhow!("assessment stopped: {e}")))?
                .map_err(WebError::Internal)?,
            );
            state.metrics().assessment_computed();
            let mut e = state
                .assessments()
                .entries
                .lock()
                .unwrap_or_else(|p| p.into_inner());
            if let Some(e) = e.get_mut(&plan).filter(|e| e.version == version) {
                e.outcomes.insert(key, o.clone());
            }
            o
        }
    };
    let accepted_later = sources
        .reports
        .iter()
        .filter(|r| r.content.period == Some(period))
        .filter(|r| {
            r.steps.iter().any(|st| {
                st.action == planwatch_quarterly::ActionKind::Accept && st.at.date() > as_of
            })
        })
        .count();
    Ok(Some(Assessed {
        outcome,
        sources,
        reports,
        period,
        as_of,
        as_of_chosen: as_of != app::assess::input::default_as_of(period, today),
        accepted_later,
        periods,
    }))
}

/// The assessment of the quarter before, for "what changed" (`None` for the plan's first).
pub async fn previous(state: &AppState, a: &Assessed) -> WebResult<Option<Assessed>> {
    let prev = a.period.prev();
    if !a.periods.contains(&prev) {
        return Ok(None);
    }
    assessed(state, Some(prev)).await
}
