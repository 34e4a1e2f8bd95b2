//! The store's typed errors. Messages are in Chinese for the person at the keyboard, say where
//! (file, field, name) and what to do; a caller that gets an error knows nothing was changed.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "DATABASE_URL 的协议“{scheme}”不受支持：只支持 postgres:// 或 postgresql://；\
         不设置 DATABASE_URL 则使用数据目录中的内置 SQLite 数据库 (unsupported DATABASE_URL scheme)"
    )]
    UnsupportedScheme { scheme: String },

    #[error("DATABASE_URL 无法解析：{detail} (malformed DATABASE_URL)")]
    BadDatabaseUrl { detail: String },

    #[error(
        "无法连接 PostgreSQL 数据库 {target}：{detail}。请检查 DATABASE_URL、网络和数据库服务是否启动 (cannot connect)"
    )]
    Unreachable { target: String, detail: String },

    /// The database cannot be reached now (PostgreSQL stopped or restarting, the connection
    /// refused or broken, no connection within the pool's wait): nothing was changed, and the
    /// same request may succeed later. The web answers 503 with `Retry-After`.
    #[error("数据库暂时无法访问（{detail}），未作任何更改：请稍后再试 (database unavailable)")]
    Unavailable { detail: String },

    #[error(
        "PostgreSQL 数据库 {target} 里已有其他程序的数据表，未作任何更改：请为 PlanWatch 使用一个新的空数据库 (foreign database)"
    )]
    ForeignPostgres { target: String },

    #[error(
        "数据库文件 {} 不存在：请先运行 planwatch init（或用 --data-dir 指定数据目录） (not initialised)",
        path.display()
    )]
    NotInitialised { path: PathBuf },

    #[error("文件 {} 不是 SQLite 数据库（{detail}），未作任何更改。请检查 --data-dir (not a SQLite file)", path.display())]
    NotSqlite { path: PathBuf, detail: String },

    #[error(
        "文件 {} 是 SQLite 数据库，但不是 PlanWatch 的数据库（{detail}），未作任何更改。\
         请检查 --data-dir，或把该文件移走后再运行 planwatch init (foreign SQLite file)",
        path.display()
    )]
    ForeignSqlite { path: PathBuf, detail: String },

    #[error(
        "数据库文件 {} 已损坏（{detail}），未作任何更改。请用 planwatch backup 生成的备份恢复 (corrupt database)",
        path.display()
    )]
    CorruptSqlite { path: PathBuf, detail: String },

    #[error("无法打开数据库文件 {}：{detail} (cannot open)", path.display())]
    CannotOpen { path: PathBuf, detail: String },

    #[error(
        "数据库结构版本 {version} 比本程序更新（由更新版本的 PlanWatch 写入），请升级 PlanWatch (database is newer than this program)"
    )]
    SchemaTooNew { version: i64 },

    #[error("数据库迁移失败：{0} (migration failed)")]
    Migration(String),

    #[error("计划有阻断性问题，未导入，未作任何更改：\n{}", list(.0))]
    BlockingDiagnostics(Vec<String>),

    #[error(
        "计划 JSON 无法读取（{source_name} 第 {line} 行第 {column} 列）：{detail}。请对照 planwatch plan show --format json 的格式修改 (invalid plan JSON)"
    )]
    PlanJson {
        source_name: String,
        line: usize,
        column: usize,
        detail: String,
    },

    #[error("数据库中还没有计划：请先运行 planwatch init 或 planwatch plan import FILE (no plan)")]
    NoPlan,

    #[error("数据库中有多个进行中的计划，请用 --plan 指定其一：{} (ambiguous plan)", .0.join("、"))]
    AmbiguousPlan(Vec<String>),

    #[error("没有代码为“{code}”的计划；已有的计划：{} (unknown plan)", if .known.is_empty() { "（无）".to_string() } else { .known.join("、") })]
    UnknownPlan { code: String, known: Vec<String> },

    #[error("计划代码“{0}”已被使用 (plan code taken)")]
    PlanCodeTaken(String),

    #[error(
        "计划“{code}”{state}，只能查阅，不能再修改；如需修改请先由管理员将其状态改回进行中 (plan closed)"
    )]
    PlanClosed { code: String, state: String },

    #[error("计划没有第 {0} 版 (no such revision)")]
    NoSuchRevision(i64),

    #[error("组织配置 {source_name} 有误，未作任何更改：\n{}", list(.problems))]
    OrgConfig {
        source_name: String,
        problems: Vec<String>,
    },

    #[error("单位“{0}”不存在 (unknown unit)")]
    UnknownUnit(String),

    #[error("单位“{0}”已存在 (unit exists)")]
    UnitExists(String),

    #[error("专班“{0}”不存在 (unknown task force)")]
    UnknownTaskForce(String),

    #[error("用户“{0}”不存在 (unknown user)")]
    UnknownUser(String),

    #[error("用户名“{0}”已被使用 (username taken)")]
    UserExists(String),

    #[error("{0}")]
    InvalidInput(String),

    /// Someone else changed the record since the caller read it; nothing was written.
    #[error("{0}")]
    Conflict(String),

    #[error("密码不符合要求：{0} (weak password)")]
    WeakPassword(String),

    #[error("密码处理失败：{0} (password hashing failed)")]
    PasswordHash(String),

    #[error("导入文件 {source_name} 有误，未作任何更改：{detail} (invalid dump)")]
    Dump { source_name: String, detail: String },

    #[error(
        "目标数据库不是空的（表 {table} 已有 {rows} 行）：planwatch import 只能导入到新建的空数据库，未作任何更改 (target not empty)"
    )]
    NotEmpty { table: String, rows: i64 },

    #[error("备份文件 {} 已存在，未覆盖：请换一个文件名 (backup target exists)", path.display())]
    BackupExists { path: PathBuf },

    #[error("读写文件 {} 失败：{detail} (IO error)", path.display())]
    Io { path: PathBuf, detail: String },

    #[error("{0}")]
    Workflow(#[from] planwatch_quarterly::WorkflowError),

    #[error("{0}")]
    Period(#[from] planwatch_quarterly::PeriodError),

    #[error("数据库错误：{0} (database error)")]
    Database(#[from] sqlx::Error),
}

impl StoreError {
    /// Whether the database could not be reached (see [`StoreError::Unavailable`]).
    pub fn is_unavailable(&self) -> bool {
        matches!(self, StoreError::Unavailable { .. })
    }
}

fn list(items: &[String]) -> String {
    items
        .iter()
        .map(|s| format!("  - {s}"))
        .collect::<Vec<_>>()
        .join("\n")
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;
