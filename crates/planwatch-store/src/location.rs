//! Where the data lives: `DATABASE_URL` unset means the embedded SQLite file in the data folder,
//! `postgres://` or `postgresql://` means PostgreSQL, and anything else is an error — never a new
//! empty database somewhere unexpected.

use crate::error::{Result, StoreError};
use std::fmt;
use std::path::{Path, PathBuf};

/// The SQLite file's name inside the data folder.
pub const SQLITE_FILE_NAME: &str = "planwatch.sqlite";

/// `PRAGMA application_id` of a PlanWatch database ("PLNW"); set by the first migration.
pub const APPLICATION_ID: u32 = 0x504C_4E57;

#[derive(Clone, PartialEq, Eq)]
pub enum Location {
    /// The embedded SQLite database file.
    Sqlite(PathBuf),
    /// A PostgreSQL connection URL (may contain a password: never print it, use `Display`).
    Postgres(String),
}

impl Location {
    /// Chooses the backend from the data folder and the value of `DATABASE_URL` (if set).
    pub fn resolve(data_dir: &Path, database_url: Option<&str>) -> Result<Location> {
        let url = database_url.map(str::trim).unwrap_or_default();
        if url.is_empty() {
            return Ok(Location::Sqlite(data_dir.join(SQLITE_FILE_NAME)));
        }
        let Some((scheme, rest)) = url.split_once("://") else {
            let scheme = url.split(':').next().unwrap_or_default().to_string();
            return Err(if url.contains(':') {
                StoreError::UnsupportedScheme { scheme }
            } else {
                StoreError::BadDatabaseUrl {
                    detail: "应为 postgres://用户:密码@主机:端口/数据库 的形式".to_string(),
                }
            });
        };
        match scheme.to_ascii_lowercase().as_str() {
            "postgres" | "postgresql" if !rest.is_empty() => {
                Ok(Location::Postgres(url.to_string()))
            }
            "postgres" | "postgresql" => Err(StoreError::BadDatabaseUrl {
                detail: "缺少主机和数据库名".to_string(),
            }),
            _ => Err(StoreError::UnsupportedScheme {
                scheme: scheme.to_string(),
            }),
        }
    }
}

/// Shows where the data is without the password.
impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Sqlite(p) => write!(f, "SQLite {}", p.display()),
            Location::Postgres(url) => write!(f, "PostgreSQL {}", redact_url(url)),
        }
    }
}

impl fmt::Debug for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// `postgres://user:secret@host/db` → `postgres://user:***@host/db`.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let (authority, tail) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    let Some((userinfo, host)) = authority.rsplit_once('@') else {
        return url.to_string();
    };
    let user = userinfo.split(':').next().unwrap_or_default();
    let shown = if userinfo.contains(':') {
        format!("{user}:***")
    } else {
        user.to_string()
    };
    format!("{scheme}://{shown}@{host}{tail}")
}

/// What the first bytes of an existing file say about it.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum FileState {
    /// No file, or an empty SQLite file (0 bytes or a single page with no tables).
    New,
    /// A PlanWatch database.
    Ours,
}

/// Reads the 100-byte SQLite header without opening the file as a database, so that a foreign
/// or damaged file is refused before anything could write to it.
pub(crate) fn inspect_sqlite_file(path: &Path) -> Result<FileState> {
    use std::io::Read;
    let cannot_open = |e: std::io::Error| StoreError::CannotOpen {
        path: path.to_path_buf(),
        detail: e.to_string(),
    };
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(FileState::New),
        Err(e) => return Err(cannot_open(e)),
    };
    let len = file.metadata().map_err(cannot_open)?.len();
    let mut head = Vec::with_capacity(100);
    file.take(100).read_to_end(&mut head).map_err(cannot_open)?;
    classify_header(path, &head, len)
}

/// `head` is the first (up to) 100 bytes, `len` the file's length.
fn classify_header(path: &Path, bytes: &[u8], len: u64) -> Result<FileState> {
    if len == 0 {
        return Ok(FileState::New);
    }
    if bytes.len() < 100 || &bytes[..16] != b"SQLite format 3\0" {
        return Err(StoreError::NotSqlite {
            path: path.to_path_buf(),
            detail: if bytes.len() < 100 {
                format!("文件只有 {len} 字节，SQLite 文件头不完整")
            } else {
                "文件头不是“SQLite format 3”".to_string()
            },
        });
    }
    let page_size = match u16::from_be_bytes([bytes[16], bytes[17]]) {
        1 => 65_536,
        n => u64::from(n),
    };
    let app_id = u32::from_be_bytes([bytes[68], bytes[69], bytes[70], bytes[71]]);
    if app_id == APPLICATION_ID {
        return Ok(FileState::Ours);
    }
    // A database with any table has at least two pages; one page means an empty schema, which is
    // what a first `planwatch init` leaves behind if it was interrupted before the first migration.
    if app_id == 0 && page_size > 0 && len <= page_size {
        return Ok(FileState::New);
    }
    Err(StoreError::ForeignSqlite {
        path: path.to_path_buf(),
        detail: if app_id == 0 {
            "它已有其他程序的数据表".to_string()
        } else {
            format!("application_id = {app_id:#x}")
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve(url: Option<&str>) -> Result<Location> {
        Location::resolve(Path::new("/data"), url)
    }

    #[test]
    fn no_database_url_means_sqlite_in_the_data_folder() {
        assert_eq!(
            resolve(None).expect("ok"),
            Location::Sqlite(PathBuf::from("/data/planwatch.sqlite"))
        );
        assert_eq!(
            resolve(Some("  ")).expect("ok"),
            Location::Sqlite(PathBuf::from("/data/planwatch.sqlite"))
        );
    }

    #[test]
    fn postgres_and_postgresql_schemes_mean_postgresql() {
        for url in [
            "postgres://u:p@h/db",
            "postgresql://h:5432/db",
            "POSTGRES://h/db",
        ] {
            assert!(
                matches!(resolve(Some(url)), Ok(Location::Postgres(_))),
                "{url}"
            );
        }
    }

    #[test]
    fn any_other_scheme_is_an_error_that_names_it() {
        for (url, scheme) in [
            ("mysql://u@h/db", "mysql"),
            ("sqlite://x.db", "sqlite"),
            ("sqlite:x.db", "sqlite"),
            ("http://h", "http"),
        ] {
            match resolve(Some(url)) {
                Err(StoreError::UnsupportedScheme { scheme: s }) => assert_eq!(s, scheme),
                other => panic!("{url}: {other:?}"),
            }
        }
        assert!(matches!(
            resolve(Some("just-a-name")),
            Err(StoreError::BadDatabaseUrl { .. })
        ));
        assert!(matches!(
            resolve(Some("postgres://")),
            Err(StoreError::BadDatabaseUrl { .. })
        ));
    }

    #[test]
    fn the_password_is_never_shown() {
        let loc = resolve(Some("postgres://planwatch:s3cret@127.0.0.1:5432/pw")).expect("ok");
        let shown = format!("{loc} {loc:?}");
        assert!(!shown.contains("s3cret"), "{shown}");
        assert!(shown.contains("planwatch:***@127.0.0.1:5432/pw"), "{shown}");
        assert_eq!(redact_url("postgres://h/db"), "postgres://h/db");
    }

    #[test]
    fn a_text_file_is_not_a_sqlite_database() {
        let p = Path::new("x");
        assert!(matches!(
            classify_header(p, b"hello", 5),
            Err(StoreError::NotSqlite { .. })
        ));
        assert!(matches!(
            classify_header(p, &[b'x'; 100], 4096),
            Err(StoreError::NotSqlite { .. })
        ));
        assert_eq!(classify_header(p, b"", 0).expect("empty"), FileState::New);
    }

    fn header(app_id: u32) -> Vec<u8> {
        let mut h = vec![0u8; 100];
        h[..16].copy_from_slice(b"SQLite format 3\0");
        h[16..18].copy_from_slice(&4096u16.to_be_bytes());
        h[68..72].copy_from_slice(&app_id.to_be_bytes());
        h
    }

    #[test]
    fn the_application_id_tells_ours_from_foreign_databases() {
        let p = Path::new("x");
        assert_eq!(
            classify_header(p, &header(APPLICATION_ID), 8192).expect("ours"),
            FileState::Ours
        );
        assert_eq!(
            classify_header(p, &header(0), 4096).expect("empty"),
            FileState::New
        );
        assert!(matches!(
            classify_header(p, &header(0), 8192),
            Err(StoreError::ForeignSqlite { .. })
        ));
        assert!(matches!(
            classify_header(p, &header(0x1234), 4096),
            Err(StoreError::ForeignSqlite { .. })
        ));
    }
}
