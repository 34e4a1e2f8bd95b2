//! The web application: server-rendered zh-CN pages, the JSON API under `/api/v1`, and the
//! plumbing every request goes through (sessions, CSRF tokens, permissions, metrics, security
//! headers). Only this module knows HTTP and HTML; it calls the same store use cases as the CLI.
//!
//! Layout: `router()` below lists every route once with the permission it needs; handlers live
//! in `pages/` (HTML) and `api/` (JSON). Permissions are checked in the handler through
//! [`policy`], never only by hiding a link.

mod api;
mod assessment;
mod assets;
mod csrf;
mod error;
mod format;
mod headers;
mod limiter;
mod metrics;
mod pages;
mod plans;
/// The permission table lives in the use-case library; pages and the API ask it.
pub(crate) use planwatch_app::policy;
mod refusals;
mod rendered;
mod reporting;
mod rounds;
mod session;
mod snapshot;

use error::WebResult;
mod svg;
pub mod tls;
mod todo;
// Sends notifications (decision 0061).
pub mod deliver;

use axum::Router;
use axum::routing::{get, post};
use planwatch_store::Store;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;

/// The largest request body accepted (a plan text or an Excel workbook upload).
pub const MAX_BODY_BYTES: usize = 8 * 1024 * 1024;

/// API requests per caller per minute unless `serve --api-rate-limit` says otherwise.
pub const DEFAULT_API_REQUESTS_PER_MINUTE: u32 = 600;

/// How the server is run. Every setting has a default; the CLI sets them from flags.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Mark cookies `Secure` on every response (set when the site is served over TLS, usually by
    /// a TLS-terminating proxy). A request that arrives with `X-Forwarded-Proto: https` gets
    /// `Secure` cookies in any case.
    pub secure_cookies: bool,
    /// Serve the public progress page (公开) at `/public`. Off by default.
    pub public_page: bool,
    /// How long a session lasts after sign-in.
    pub session_hours: i64,
    /// A session not used for this many minutes ends (idle timeout, 等保 2.0 “登录连接超时自动退出”).
    pub idle_minutes: i64,
    /// Served over TLS by this process (`serve --tls-cert/--tls-key`): cookies are then `Secure`
    /// and carry the `__Host-` prefix, so no other site or plain-HTTP page can set them.
    pub tls: bool,
    /// The server sits behind a reverse proxy that appends the client's address to
    /// `X-Forwarded-For`: sign-in limits and the audit trail then use that address instead of the
    /// proxy's. Off by default, because without a proxy the header is whatever the client says.
    pub behind_proxy: bool,
    /// The data folder (reporting settings and indicator files an office may put there).
    pub data_dir: std::path::PathBuf,
    /// API requests each token (or signed-in person) may make per minute on this server; past
    /// it the API answers 429 with `Retry-After` (0058).
    pub api_requests_per_minute: u32,
    /// How many plans' monitoring results (each the plan's sources and reports, a few MB at
    /// province size) this server keeps; past it the plan used least recently makes room.
    pub plans_cached: usize,
}

/// The default of [`WebConfig::plans_cached`]: with the rendered answers of every plan kept
/// (rendered.rs), the sources are needed only for plans being written to and pages beyond the
/// dashboard; 12 plans' sources keep a province's server under 300 MB at 2 000 reads a second
/// (decisions 0067, 0068).
pub const DEFAULT_PLANS_CACHED: u32 = 12;

impl Default for WebConfig {
    fn default() -> Self {
        Self {
            secure_cookies: false,
            public_page: false,
            session_hours: 12,
            idle_minutes: 30,
            tls: false,
            behind_proxy: false,
            data_dir: std::path::PathBuf::from("./planwatch-data"),
            api_requests_per_minute: DEFAULT_API_REQUESTS_PER_MINUTE,
            plans_cached: DEFAULT_PLANS_CACHED as usize,
        }
    }
}

/// What every handler can reach: the store, the configuration, and the in-process counters.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    store: Store,
    config: WebConfig,
    metrics: metrics::Metrics,
    limiter: limiter::ClientLimiter,
    /// API requests per caller (see `api::rate`).
    api_limiter: api::rate::ApiLimiter,
    /// How many refused requests per person are still audited (see `refusals`).
    refusals: refusals::RefusalBudget,
    /// The current plan as pages need it, with the reference-data version it was loaded at.
    plan_cache: PerPlan<(i64, Arc<pages::data::PlanData>)>,
    /// Whether the plan holds demo data, with the plan's data version it was read at.
    demo_cache: PerPlan<(i64, bool)>,
    /// Rendered page bodies and API answers of every plan (rendered.rs).
    rendered: rendered::Rendered,
    /// When each data version was reached (an API answer's `Last-Modified`): a version's time
    /// never changes.
    version_times: Mutex<std::collections::HashMap<i64, Option<chrono::DateTime<chrono::Utc>>>>,
    /// The plans whose values each plan reads, per shared version (snapshot.rs).
    owners_cache: PerPlan<(i64, Arc<Vec<i64>>)>,
    /// Version rounds of read-only requests (rounds.rs).
    rounds: rounds::Rounds,
    /// People's names by username, per shared data version.
    people_cache: Mutex<Option<(i64, Arc<planwatch_app::people::People>)>>,
    /// Each user's to-do list (the home page, the count in the navigation, the API), per data
    /// version and day.
    todo_lists: Mutex<std::collections::HashMap<(i64, Option<i64>), TodoList>>,
    /// Monitoring results per plan and plan data version.
    assessments: assessment::Cache,
    /// The reporting context (catalogue, periods, breakdown) per setup version.
    context_cache: PerPlan<(
        reporting::ContextKey,
        Arc<planwatch_app::reporting::Context>,
    )>,
    /// The reference-data version (plan and organisation), with the data version it was read at.
    reference_version: Mutex<Option<(i64, i64)>>,
    /// Every unit, with the shared data version it was read at.
    units_cache: Mutex<Option<(i64, Arc<Vec<planwatch_store::UnitRef>>)>>,
    /// Every plan, per shared data version (see `plans`).
    plan_list: Mutex<Option<(i64, Arc<Vec<planwatch_store::PlanInfo>>)>>,
    /// Active sessions' users by token hash, for one access data version.
    sessions: Mutex<SessionCache>,
    /// One queue per report (unit, quarter) for writes over the API.
    /// The queues of API value writes (the library's).
    value_queues: planwatch_app::value_writes::ReportQueues,
    /// Document generation: turns (at most two at once) and the renderer with its fonts.
    documents: pages::documents::Documents,
}

/// Signed-in users by session token hash. Valid for one data version only: revoking a session,
/// disabling a user or changing a role writes an audit row and so starts a new version. Only
/// sessions found active are kept (a made-up cookie never fills it), and it is emptied when it
/// grows past `MAX_CACHED_SESSIONS`. Each entry remembers when the session was last used, so the
/// idle timeout is judged without a query per request.
///
/// API tokens found active are kept the same way, by token hash for the same access version:
/// creating or revoking a token writes an access audit row, and a unit's changes move the shared
/// version the access version includes. A data platform calling every few seconds then costs no
/// query to find its token.
#[derive(Default)]
struct SessionCache {
    version: i64,
    sessions: std::collections::HashMap<String, planwatch_store::ActiveSession>,
    tokens: std::collections::HashMap<String, planwatch_store::ApiToken>,
}

/// A session's last use is written to the database at most this often (the idle timeout is
/// judged to within this much).
const TOUCH_INTERVAL_SECS: i64 = 60;

const MAX_CACHED_SESSIONS: usize = 10_000;

impl AppState {
    pub fn new(store: Store, config: WebConfig) -> Self {
        Self {
            inner: Arc::new(Inner {
                store,
                config,
                metrics: metrics::Metrics::default(),
                limiter: limiter::ClientLimiter::default(),
                api_limiter: api::rate::ApiLimiter::default(),
                refusals: refusals::RefusalBudget::default(),
                plan_cache: PerPlan::default(),
                demo_cache: PerPlan::default(),
                rendered: Default::default(),
                version_times: Default::default(),
                owners_cache: PerPlan::default(),
                rounds: Default::default(),
                people_cache: Mutex::new(None),
                todo_lists: Mutex::new(std::collections::HashMap::new()),
                assessments: assessment::Cache::default(),
                context_cache: PerPlan::default(),
                reference_version: Mutex::new(None),
                units_cache: Mutex::new(None),
                plan_list: Mutex::new(None),
                sessions: Mutex::new(SessionCache::default()),
                value_queues: Default::default(),
                documents: Default::default(),
            }),
        }
    }

    /// The store back, once the server has stopped and no request holds the state any more
    /// (so that it can be closed cleanly).
    pub fn into_store(self) -> Option<Store> {
        Arc::try_unwrap(self.inner).ok().map(|i| i.store)
    }

    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    pub fn config(&self) -> &WebConfig {
        &self.inner.config
    }

    fn metrics(&self) -> &metrics::Metrics {
        &self.inner.metrics
    }

    fn limiter(&self) -> &limiter::ClientLimiter {
        &self.inner.limiter
    }

    fn api_limiter(&self) -> &api::rate::ApiLimiter {
        &self.inner.api_limiter
    }

    fn refusals(&self) -> &refusals::RefusalBudget {
        &self.inner.refusals
    }

    fn cached_plan(&self, version: i64) -> Option<Arc<pages::data::PlanData>> {
        self.inner
            .plan_cache
            .get()
            .filter(|(v, _)| *v == version)
            .map(|(_, d)| d)
    }

    fn assessments(&self) -> &assessment::Cache {
        &self.inner.assessments
    }

    fn cached_context(
        &self,
        key: &reporting::ContextKey,
    ) -> Option<Arc<planwatch_app::reporting::Context>> {
        self.inner
            .context_cache
            .get()
            .filter(|(k, _)| k == key)
            .map(|(_, c)| c)
    }

    fn cache_context(
        &self,
        key: reporting::ContextKey,
        ctx: Arc<planwatch_app::reporting::Context>,
    ) {
        self.inner.context_cache.put((key, ctx));
    }

    /// Rendered bodies (rendered.rs).
    fn rendered(&self) -> &rendered::Rendered {
        &self.inner.rendered
    }

    /// When the data reached `version` (see `Store::data_version_at`), read once per version.
    pub async fn data_version_at(
        &self,
        version: i64,
    ) -> WebResult<Option<chrono::DateTime<chrono::Utc>>> {
        if let Some(t) = self
            .inner
            .version_times
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&version)
        {
            return Ok(*t);
        }
        let t = self.store().data_version_at(version).await?;
        let mut times = self
            .inner
            .version_times
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        if times.len() >= 4096 {
            times.clear();
        }
        times.insert(version, t);
        Ok(t)
    }

    /// The plans whose values the plan `plan` (the one in scope) reads, read once per shared
    /// version.
    async fn plan_value_owners(&self, plan: i64, shared: i64) -> WebResult<Arc<Vec<i64>>> {
        debug_assert_eq!(planwatch_store::plan_in_scope(), Some(plan));
        if let Some((_, owners)) = self.inner.owners_cache.get().filter(|(v, _)| *v == shared) {
            return Ok(owners);
        }
        let owners = Arc::new(self.store().plan_value_owners(plan).await?);
        self.inner.owners_cache.put((shared, owners.clone()));
        Ok(owners)
    }

    /// The reference-data version, read from the database only when the data version moved.
    pub async fn reference_version(&self) -> WebResult<i64> {
        let version = self.shared_version().await?;
        let cached = *self
            .inner
            .reference_version
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        if let Some((v, r)) = cached
            && v == version
        {
            return Ok(r);
        }
        let r = self.store().reference_data_version().await?;
        *self
            .inner
            .reference_version
            .lock()
            .unwrap_or_else(|p| p.into_inner()) = Some((version, r));
        Ok(r)
    }

    /// Every unit, by name (read once per data version).
    pub async fn units(&self) -> WebResult<Arc<Vec<planwatch_store::UnitRef>>> {
        let version = self.shared_version().await?;
        if let Some((_, u)) = self
            .inner
            .units_cache
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .as_ref()
            .filter(|(v, _)| *v == version)
        {
            return Ok(u.clone());
        }
        let units = Arc::new(self.store().units().await?);
        *self
            .inner
            .units_cache
            .lock()
            .unwrap_or_else(|p| p.into_inner()) = Some((version, units.clone()));
        Ok(units)
    }

    /// The user of an active session (see `SessionCache`): not revoked, not expired, and used
    /// within the idle timeout. A use is recorded (at most once a minute per session).
    async fn session_user(
        &self,
        token_hash: &str,
        now: chrono::DateTime<chrono::Utc>,
    ) -> WebResult<Option<planwatch_store::User>> {
        let version = self.access_version().await?;
        let idle = chrono::Duration::minutes(self.config().idle_minutes);
        let cached = self
            .kept_access(version, |c| c.sessions.get(token_hash).cloned())
            .filter(|s| s.expires_at > now && now - s.last_seen_at <= idle);
        // Not cached, or idle by this server's record: another app server may have seen it used
        // since, so the database decides.
        let found = match cached {
            Some(s) => Some(s),
            None => self.store().active_session(token_hash, now).await?,
        };
        let Some(mut session) = found.filter(|s| now - s.last_seen_at <= idle) else {
            return Ok(None);
        };
        if now - session.last_seen_at >= chrono::Duration::seconds(TOUCH_INTERVAL_SECS) {
            self.store().touch_session(token_hash, now).await?;
            session.last_seen_at = now;
        }
        let user = session.user.clone();
        self.keep_access(version, |c| {
            c.sessions.insert(token_hash.to_string(), session);
        });
        Ok(Some(user))
    }

    /// What `read` finds in the kept sessions and tokens, if they were kept for `version`.
    fn kept_access<T>(
        &self,
        version: i64,
        read: impl FnOnce(&SessionCache) -> Option<T>,
    ) -> Option<T> {
        let cache = self
            .inner
            .sessions
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        (cache.version == version).then(|| read(&cache)).flatten()
    }

    /// Keeps a session or token (`keep`) for `version`, after emptying what was kept for another
    /// version or what has grown past `MAX_CACHED_SESSIONS`.
    fn keep_access(&self, version: i64, keep: impl FnOnce(&mut SessionCache)) {
        let mut cache = self
            .inner
            .sessions
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        if cache.version != version
            || cache.sessions.len() + cache.tokens.len() >= MAX_CACHED_SESSIONS
        {
            cache.sessions.clear();
            cache.tokens.clear();
            cache.version = version;
        }
        keep(&mut cache);
    }

    /// The active (not revoked) API token with this hash (see `SessionCache`).
    pub async fn api_token(
        &self,
        token_hash: &str,
    ) -> WebResult<Option<planwatch_store::ApiToken>> {
        let version = self.access_version().await?;
        if let Some(t) = self.kept_access(version, |c| c.tokens.get(token_hash).cloned()) {
            return Ok(Some(t));
        }
        let Some(token) = self.store().api_token(token_hash).await? else {
            return Ok(None);
        };
        self.keep_access(version, |c| {
            c.tokens.insert(token_hash.to_string(), token.clone());
        });
        Ok(Some(token))
    }

    /// The user id of a session this server has kept, whatever the access version it was kept
    /// for (a guess: see `session::guessed_user`).
    fn cached_session_user(&self, token_hash: &str) -> Option<i64> {
        self.inner
            .sessions
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .sessions
            .get(token_hash)
            .map(|s| s.user.id)
    }

    /// The queues of API value writes.
    fn value_queues(&self) -> &planwatch_app::value_writes::ReportQueues {
        &self.inner.value_queues
    }

    /// Who is who (people's names for actor handles), read once per data version.
    pub async fn people(&self) -> error::WebResult<Arc<planwatch_app::people::People>> {
        let version = self.shared_version().await?;
        if let Some((v, p)) = self
            .inner
            .people_cache
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .as_ref()
            && *v == version
        {
            return Ok(p.clone());
        }
        let people = Arc::new(
            planwatch_app::people::People::load(self.store())
                .await
                .map_err(error::WebError::Internal)?,
        );
        *self
            .inner
            .people_cache
            .lock()
            .unwrap_or_else(|p| p.into_inner()) = Some((version, people.clone()));
        Ok(people)
    }

    /// `user`'s to-do count, if it was counted at data version `version` on `day`.
    fn cached_todo(
        &self,
        user: i64,
        version: i64,
        day: chrono::NaiveDate,
    ) -> Option<Arc<Vec<planwatch_app::todo::TodoItem>>> {
        let cache = self
            .inner
            .todo_lists
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        cache
            .get(&(user, planwatch_store::plan_in_scope()))
            .filter(|(v, d, _)| *v == version && *d == day)
            .map(|(_, _, items)| items.clone())
    }

    fn cache_todo(
        &self,
        user: i64,
        version: i64,
        day: chrono::NaiveDate,
        items: Arc<Vec<planwatch_app::todo::TodoItem>>,
    ) {
        let mut cache = self
            .inner
            .todo_lists
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        // One entry per user and plan; stale entries are never served (the version is checked)
        // and are forgotten all together when there are too many.
        if cache.len() >= MAX_TODO_LISTS {
            cache.clear();
        }
        cache.insert(
            (user, planwatch_store::plan_in_scope()),
            (version, day, items),
        );
    }

    fn cached_demo(&self, version: i64) -> Option<bool> {
        self.inner
            .demo_cache
            .get()
            .filter(|(v, _)| *v == version)
            .map(|(_, d)| d)
    }

    fn cache_demo(&self, version: i64, demo: bool) {
        self.inner.demo_cache.put((version, demo));
    }

    fn cache_plan(&self, version: i64, data: Arc<pages::data::PlanData>) {
        self.inner.plan_cache.put((version, data));
    }
}

/// How many to-do lists one app server keeps.
const MAX_TODO_LISTS: usize = 4096;

/// A to-do list: (data version, day, items), per (user, plan).
type TodoList = (
    i64,
    chrono::NaiveDate,
    Arc<Vec<planwatch_app::todo::TodoItem>>,
);

/// A cache slot per plan (the plan of the request scope, see `plans::scope`): what one plan's
/// pages read is never served for another. Holds at most [`PerPlan::MAX`] plans; when it is full
/// the plan used least recently makes room.
struct PerPlan<T> {
    slots: Mutex<PerPlanSlots<T>>,
}

struct PerPlanSlots<T> {
    /// Each plan's value with when it was last used (`clock`).
    by_plan: std::collections::HashMap<Option<i64>, (T, u64)>,
    clock: u64,
}

impl<T> Default for PerPlan<T> {
    fn default() -> Self {
        Self {
            slots: Mutex::new(PerPlanSlots {
                by_plan: std::collections::HashMap::new(),
                clock: 0,
            }),
        }
    }
}

impl<T: Clone> PerPlan<T> {
    /// A province holds hundreds of plans; what is kept per plan here is small (the plan, its
    /// reporting context, a flag).
    const MAX: usize = 512;

    fn get(&self) -> Option<T> {
        let mut slots = self.slots.lock().unwrap_or_else(|p| p.into_inner());
        slots.clock += 1;
        let now = slots.clock;
        slots
            .by_plan
            .get_mut(&planwatch_store::plan_in_scope())
            .map(|(v, used)| {
                *used = now;
                v.clone()
            })
    }

    /// `plan`'s value, whatever the plan in scope (a guess made before the scope is known);
    /// not counted as a use.
    fn peek(&self, plan: Option<i64>) -> Option<T> {
        let slots = self.slots.lock().unwrap_or_else(|p| p.into_inner());
        slots.by_plan.get(&plan).map(|(v, _)| v.clone())
    }

    fn put(&self, value: T) {
        let plan = planwatch_store::plan_in_scope();
        let mut slots = self.slots.lock().unwrap_or_else(|p| p.into_inner());
        if slots.by_plan.len() >= Self::MAX
            && !slots.by_plan.contains_key(&plan)
            && let Some(oldest) = slots
                .by_plan
                .iter()
                .min_by_key(|(_, (_, used))| *used)
                .map(|(k, _)| *k)
        {
            slots.by_plan.remove(&oldest);
        }
        slots.clock += 1;
        let now = slots.clock;
        slots.by_plan.insert(plan, (value, now));
    }
}

/// The largest request body an evidence upload may send: the evidence size limit of the
/// reporting settings (default 20 MB) plus room for the form around the file. The handler reads
/// the file chunk by chunk and refuses it, naming it, once it passes the limit itself; a body
/// declared larger than this is refused before it is read.
pub fn evidence_body_cap(data_dir: &std::path::Path) -> usize {
    let max = planwatch_app::reporting::settings(data_dir)
        .map(|s| s.max_evidence_bytes)
        .unwrap_or(20 * 1024 * 1024);
    usize::try_from(max)
        .unwrap_or(usize::MAX)
        .saturating_add(MAX_BODY_BYTES)
}

/// Whether a request is an evidence upload (page or API), the one kind of request allowed up to
/// [`evidence_body_cap`].
pub fn is_evidence_upload(method: &axum::http::Method, path: &str) -> bool {
    method == axum::http::Method::POST && path.ends_with("/evidence")
}

/// Every route of the application.
pub fn router(state: AppState) -> Router {
    let evidence_cap = evidence_body_cap(&state.config().data_dir);
    let pages = Router::new()
        .route("/", get(pages::home::show))
        .route(
            "/login",
            get(pages::auth::login_form).post(pages::auth::login),
        )
        .route("/logout", post(pages::auth::logout))
        .route("/account", get(pages::account::show))
        .route("/account/password", post(pages::account::change_password))
        .route(
            "/account/sessions/revoke",
            post(pages::account::revoke_sessions),
        )
        .route("/plan", get(pages::plan::show))
        .route("/plan/revisions", get(pages::plan::revisions))
        .route(
            "/plan/import",
            get(pages::plan_import::form).post(pages::plan_import::preview),
        )
        .route("/plan/import/confirm", post(pages::plan_import::confirm))
        .route("/plans", get(pages::plans::list))
        .route("/todo", get(pages::todo::show))
        .route("/indicators", get(pages::indicators::list))
        .route("/indicators/{id}", get(pages::indicators::show))
        .route("/tasks", get(pages::tasks::list))
        .route("/tasks/{number}", get(pages::tasks::show))
        .route(
            "/setup/catalogue",
            get(pages::setup::catalogue).post(pages::setup::edit_indicator),
        )
        .route(
            "/setup/org",
            get(pages::setup::org).post(pages::setup::edit_org),
        )
        .route("/units", get(pages::units::list))
        .route("/units/combined", get(pages::combined::show))
        .route("/units/{id}", get(pages::units::show))
        .route("/users", get(pages::users::list).post(pages::users::create))
        .route("/users/{username}/disable", post(pages::users::disable))
        .route(
            "/users/{username}/reset-password",
            post(pages::users::reset_password),
        )
        .route(
            "/users/{username}/revoke-sessions",
            post(pages::users::revoke_sessions),
        )
        .route("/users/{username}/contact", post(pages::users::contact))
        .route("/account/contact", post(pages::account::contact))
        .route("/audit", get(pages::audit::list))
        .route("/reports", get(pages::reports::list))
        .route(
            "/reports/{unit}/{quarter}",
            get(pages::reports::show).post(pages::reports::save),
        )
        .route(
            "/reports/{unit}/{quarter}/review",
            post(pages::reports::review),
        )
        .route(
            "/reports/{unit}/{quarter}/template.xlsx",
            get(pages::reports::template),
        )
        .route(
            "/reports/{unit}/{quarter}/upload",
            post(pages::reports::upload),
        )
        .route(
            "/reports/{unit}/{quarter}/evidence",
            post(pages::evidence::attach).layer(axum::extract::DefaultBodyLimit::max(evidence_cap)),
        )
        .route(
            "/reports/{unit}/{quarter}/evidence/remove",
            post(pages::evidence::remove),
        )
        .route(
            "/reports/{unit}/{quarter}/evidence/{id}",
            get(pages::evidence::download),
        )
        .route(
            "/reports/{unit}/{quarter}/extension",
            post(pages::reports::ask_extension),
        )
        .route("/review", get(pages::review::show))
        .route("/documents", get(pages::documents::show))
        .route("/documents/annual", get(pages::documents::annual))
        .route("/documents/feedback", get(pages::documents::feedback))
        .route(
            "/documents/feedback-all",
            get(pages::documents::feedback_all),
        )
        .route("/documents/bulletin", get(pages::documents::bulletin))
        .route("/documents/final", get(pages::documents::final_report))
        .route(
            "/documents/bulletin-texts",
            get(pages::report_texts::show_bulletin).post(pages::report_texts::save_bulletin),
        )
        .route(
            "/documents/bulletin-texts/clear",
            post(pages::report_texts::clear_bulletin),
        )
        .route("/documents/tasklist.xlsx", get(pages::documents::tasklist))
        .route(
            "/documents/texts",
            get(pages::report_texts::show).post(pages::report_texts::save),
        )
        .route("/documents/texts/clear", post(pages::report_texts::clear))
        .route("/documents/evaluation", get(pages::evaluation::show))
        .route(
            "/documents/evaluation/goal",
            post(pages::evaluation::judge_goal),
        )
        .route(
            "/documents/evaluation/target",
            post(pages::evaluation::choose_target),
        )
        .route("/review/extend", post(pages::review::extend))
        .route(
            "/review/extension-requests/{id}",
            post(pages::review::decide),
        )
        .route(
            "/api-tokens",
            get(pages::tokens::list).post(pages::tokens::create),
        )
        .route("/api-tokens/{id}/revoke", post(pages::tokens::revoke))
        .route("/public", get(pages::public::show))
        .route(
            "/public/settings",
            get(pages::public_settings::show).post(pages::public_settings::save),
        )
        // Notifications (decision 0061).
        .route("/notifications", get(pages::notifications::list))
        .route("/notifications/read", post(pages::notifications::mark_read))
        .route("/reports/urge", post(pages::notifications::urge))
        .route("/assets/{*file}", get(assets::serve))
        .route("/healthz", get(pages::ops::healthz))
        .route("/metrics", get(pages::ops::metrics))
        .fallback(pages::ops::not_found);

    let routes = Router::new()
        .merge(pages)
        .nest("/api/v1", api::router(state.clone(), evidence_cap))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            refusals::audit,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            csrf::guard,
        ))
        // Extractors take bodies up to the limit (axum's own default of 2 MB would refuse a
        // 3 MB workbook with a bare 400); the limit itself is enforced, with a message, here.
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY_BYTES))
        // Evidence uploads (and only they, by path) may be larger: see `evidence_body_cap`.
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES.max(evidence_cap)))
        .layer(axum::middleware::from_fn(
            move |req: axum::extract::Request, next: axum::middleware::Next| {
                headers::body_limit(req, next, evidence_cap)
            },
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            metrics::record,
        ))
        .layer(CompressionLayer::new())
        .with_state(state.clone());
    // The plan of the request is found (and a `/p/{code}` prefix taken off) before routing.
    let scoped = tower::Layer::layer(
        &axum::middleware::from_fn_with_state(state.clone(), plans::scope),
        routes,
    );
    Router::new()
        .fallback_service(scoped)
        .layer(axum::middleware::from_fn_with_state(
            state,
            headers::security,
        ))
}

/// Serves until `shutdown` resolves. The listener is bound by the caller so that it can report
/// the address (port 0 picks a free port).
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
}

impl planwatch_app::value_writes::StoreHandle for AppState {
    fn store(&self) -> &Store {
        AppState::store(self)
    }
}
