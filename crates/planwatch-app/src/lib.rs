//! The use-case library (`planwatch-app`) between the adapters — the command line
//! (`crates/planwatch/src/cli`) and the web app (`planwatch-web`) — and the store: it opens the
//! store from the data folder and `DATABASE_URL`, reads the clock, names the actor, reads plan
//! and organisation files, holds the permission table (`policy`) and builds the documents'
//! views. It knows no argv, no HTTP, and prints nothing.

pub mod accounts;
pub mod assess;
pub mod catalogue;
pub mod combined;
pub use error::{AppError, Caller};
pub mod demo_accounts;
pub mod documents;
pub mod error;
pub mod evaluation;
pub mod evidence;
pub mod organisation;
pub mod people;
pub mod plan_input;
pub mod policy;
pub mod public_page;
pub mod report_texts;
pub mod reporting;
pub mod todo;
pub mod value_writes;
// Old Word/WPS files through LibreOffice (decision 0057); out of alphabetical order so that
// branches adding modules above merge cleanly.
pub mod legacy_word;
// Notifications, reminders and 催办 (issue 15 item 2, decision 0061).
pub mod notify;

use anyhow::Context as _;
use chrono::{DateTime, Utc};
use planwatch_store::{Actor, Location, OpenMode, OrgConfig, Store};
use std::path::{Path, PathBuf};

/// The default organisation for the Yangquan plan (`config/yangquan-org.toml`).
pub const DEFAULT_ORG_TOML: &str = include_str!("../../../config/yangquan-org.toml");
pub const DEFAULT_ORG_NAME: &str = "config/yangquan-org.toml（内置）";

/// An office's settings file: the one given on the command line, else `<data-dir>/<name>` when
/// it exists, else none (the built-in defaults apply).
pub fn settings_file(data_dir: &Path, explicit: Option<&Path>, name: &str) -> Option<PathBuf> {
    explicit
        .map(Path::to_path_buf)
        .or_else(|| Some(data_dir.join(name)).filter(|p| p.is_file()))
}

/// Where the data is: `DATABASE_URL` if set, else the SQLite file in `data_dir`.
pub fn location(data_dir: &Path) -> anyhow::Result<Location> {
    let url = std::env::var("DATABASE_URL").ok();
    Ok(Location::resolve(data_dir, url.as_deref())?)
}

/// The plan the command line named with `--plan CODE` (set once, before any store is opened).
static PLAN_CHOICE: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// Records the command line's `--plan CODE`: every store [`open`] gives is then scoped to that
/// plan (decision 0064). Without it, a store works on the only active plan.
pub fn choose_plan(code: &str) {
    let _ = PLAN_CHOICE.set(code.trim().to_string());
}

/// The plan code chosen with [`choose_plan`], if any.
pub fn chosen_plan() -> Option<&'static str> {
    PLAN_CHOICE.get().map(String::as_str)
}

/// Opens the store (applying pending migrations), scoped to the chosen plan if one was named.
pub async fn open(data_dir: &Path, mode: OpenMode) -> anyhow::Result<Store> {
    let loc = location(data_dir)?;
    let store = Store::open(&loc, mode).await?;
    match chosen_plan() {
        None => Ok(store),
        Some(code) => match store.for_plan(code).await {
            Ok(scoped) => Ok(scoped),
            Err(e) => {
                store.close().await;
                Err(e.into())
            }
        },
    }
}

/// Runs one use case on a fresh single-threaded runtime (each CLI command is one short job).
pub fn block_on<T>(fut: impl std::future::Future<Output = anyhow::Result<T>>) -> anyhow::Result<T> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("无法启动异步运行时 (cannot start the async runtime)")?
        .block_on(fut)
}

/// The one place the command line reads the clock.
pub fn now() -> DateTime<Utc> {
    Utc::now()
}

/// The person at the command line, by operating-system account (`cli:root`).
pub fn cli_actor() -> Actor {
    let from_env = ["USER", "LOGNAME", "USERNAME"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|s| !s.trim().is_empty()));
    // Services and containers often run without USER set; `id -un` still knows the account.
    let user = from_env.or_else(|| {
        std::process::Command::new("id")
            .arg("-un")
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
            .filter(|s| !s.is_empty())
    });
    Actor::cli(user.as_deref().unwrap_or("unknown"))
}

/// The embedded default organisation.
pub fn default_org() -> anyhow::Result<OrgConfig> {
    Ok(OrgConfig::parse(DEFAULT_ORG_TOML, DEFAULT_ORG_NAME)?)
}

/// Reads an organisation file.
pub fn read_org_file(path: &Path) -> anyhow::Result<OrgConfig> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("无法读取组织配置文件 {}", path.display()))?;
    Ok(OrgConfig::parse(&text, &path.display().to_string())?)
}

/// What `init` did.
pub struct InitOutcome {
    pub store: Store,
    /// The plan import, or `None` when a plan was already there.
    pub import: Option<planwatch_store::PlanImport>,
    /// Diagnostics the extractor reported that do not block the import.
    pub warnings: Vec<String>,
    /// Whether the default organisation was loaded, or why not.
    pub org: Result<planwatch_store::OrgImport, String>,
    /// For a plan the shipped organisation does not describe: the organisation and indicator
    /// catalogue proposed from the plan, with what the office should check.
    pub proposed: Option<ProposedSetup>,
}

/// What `init` proposed from a plan the shipped configuration does not describe.
pub struct ProposedSetup {
    pub leading_group: String,
    pub office_seat: String,
    pub groups: usize,
    pub indicators: usize,
    pub set_aside: usize,
    pub notes: Vec<String>,
}

/// `planwatch init`: creates the data folder and database, loads the plan (the embedded
/// Yangquan plan unless a file is given) and, for that plan, the default organisation.
pub async fn init(
    data_dir: &Path,
    plan_file: Option<&Path>,
    code: Option<&str>,
) -> anyhow::Result<InitOutcome> {
    let loc = location(data_dir)?;
    std::fs::create_dir_all(data_dir)
        .with_context(|| format!("无法创建数据目录 {}", data_dir.display()))?;
    let (plan, source) = match plan_file {
        Some(p) => plan_input::read_plan_file(p)?,
        None => plan_input::embedded_plan(),
    };
    if let Some(code) = code {
        planwatch_store::check_plan_code(code)?;
    }
    let store = Store::open(&loc, OpenMode::Create).await?;
    let held = store.plans().await?;
    if let Some(rev) = held.first() {
        if plan_file.is_some() {
            store.close().await;
            anyhow::bail!(
                "数据库中已有计划《{}》（第 {} 版），init 不会覆盖它：要导入新的修订版请用 planwatch plan import FILE",
                rev.title,
                rev.revision
            );
        }
        return Ok(InitOutcome {
            store,
            import: None,
            warnings: Vec::new(),
            org: Err("数据库中已有计划，未作更改".to_string()),
            proposed: None,
        });
    }
    let warnings = plan_input::warnings(&plan);
    let actor = cli_actor();
    let (import, store) = match code {
        Some(code) => {
            let import = store.add_plan(&actor, code, &plan, &source, now()).await?;
            let scoped = store.scoped(import.plan_id);
            (import, scoped)
        }
        None => (
            store.import_plan(&actor, &plan, &source, now()).await?,
            store,
        ),
    };
    let org_config = default_org()?;
    let mut proposed = None;
    let org = if org_config.plan_title.as_deref().map(str::trim) == Some(plan.title.trim()) {
        Ok(store
            .import_org(&actor, &org_config, DEFAULT_ORG_NAME, now())
            .await?)
    } else {
        // A plan of its own: the organisation and the indicator catalogue are proposed from the
        // plan, so that the office reaches a quarterly form without writing a file first.
        let proposal = organisation::propose(&plan);
        let imported = store
            .import_org(
                &actor,
                &proposal.config,
                organisation::PROPOSED_SOURCE,
                now(),
            )
            .await?;
        let ctx = reporting::prepare(&store, data_dir, &actor, now()).await?;
        let stored = store.catalogue().await?;
        let mut notes = proposal.notes;
        notes.extend(
            ctx.notes
                .iter()
                .map(|n| format!("指标“{}”：{}", n.indicator, n.message)),
        );
        proposed = Some(ProposedSetup {
            leading_group: proposal.config.leading_group.name.clone(),
            office_seat: proposal.config.office.seat.clone(),
            groups: proposal.config.groups.len(),
            indicators: stored.indicators.len(),
            set_aside: stored.set_aside.len(),
            notes,
        });
        Ok(imported)
    };
    Ok(InitOutcome {
        store,
        import: Some(import),
        warnings,
        org,
        proposed,
    })
}
