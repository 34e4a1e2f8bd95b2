//! Evidence files (佐证材料) attached to a row of a unit's quarterly report from the browser or
//! the API: who may attach and remove (the unit's reporter and head while the report can be
//! edited, the same rule as editing it), the content check (`planwatch_quarterly::evidence`),
//! the bytes kept once per SHA-256 in the data folder, and carrying those bytes through a backup,
//! an export and an import.

use crate::reporting::{Context, workflow_actor};
use crate::{AppError, Caller};
use anyhow::Context as _;
use chrono::{DateTime, Utc};
use planwatch_model::{Quarter, Role, UnitName};
use planwatch_quarterly::evidence::{EvidenceFile, check_evidence, sha256_hex};
use planwatch_quarterly::period::cst_from_utc;
use planwatch_quarterly::scope::RowKey;
use planwatch_quarterly::workflow::{self, Action};
use planwatch_store::{AttachedEvidence, EvidenceRow, Store};
use std::path::{Path, PathBuf};

/// The folder of the data folder where evidence bytes are kept, one file per SHA-256.
pub const EVIDENCE_DIR: &str = "evidence";

/// The longest file name kept, in characters.
pub const MAX_NAME_CHARS: usize = 120;

/// Where the bytes of the file with this SHA-256 are kept.
pub fn path_of(data_dir: &Path, sha256: &str) -> Option<PathBuf> {
    (sha256.len() == 64 && sha256.bytes().all(|b| b.is_ascii_hexdigit()))
        .then(|| data_dir.join(EVIDENCE_DIR).join(sha256))
}

/// The file name as a person gave it, without any folder part (browsers may send
/// `C:\fakepath\…`) or control characters; `None` when nothing is left.
pub fn clean_name(raw: &str) -> Option<String> {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let name: String = base
        .chars()
        .filter(|c| !c.is_control())
        .collect::<String>()
        .trim()
        .to_string();
    if name.is_empty() || name == "." || name == ".." {
        return None;
    }
    if name.chars().count() > MAX_NAME_CHARS {
        // Keep the extension: it is checked against the content.
        let (stem, ext) = name.rsplit_once('.').unwrap_or((&name, ""));
        let keep: String = stem.chars().take(MAX_NAME_CHARS - ext.len() - 1).collect();
        return Some(format!("{keep}.{ext}"));
    }
    Some(name)
}

/// Writes `bytes` under their hash (atomically; a file already there is the same bytes).
fn keep_bytes(data_dir: &Path, file: &EvidenceFile, bytes: &[u8]) -> anyhow::Result<()> {
    let path = path_of(data_dir, &file.sha256).context("evidence hash")?;
    if path.exists() {
        return Ok(());
    }
    let dir = data_dir.join(EVIDENCE_DIR);
    std::fs::create_dir_all(&dir).with_context(|| format!("无法创建目录 {}", dir.display()))?;
    let tmp = dir.join(format!(".{}.part", file.sha256));
    std::fs::write(&tmp, bytes).with_context(|| format!("无法写入 {}", tmp.display()))?;
    std::fs::File::open(&tmp)
        .and_then(|f| f.sync_all())
        .with_context(|| format!("无法写入 {}", tmp.display()))?;
    std::fs::rename(&tmp, &path).with_context(|| format!("无法写入 {}", path.display()))?;
    Ok(())
}

/// Checks that `caller` may change the attachments of `unit`'s report for `q` now: the same
/// rule as editing its content (its own reporter or head, an open period, a report that is not
/// with the office).
async fn may_change(
    store: &Store,
    ctx: &Context,
    caller: Caller<'_>,
    unit: &UnitName,
    q: Quarter,
    now: DateTime<Utc>,
) -> Result<planwatch_store::Actor, AppError> {
    let closed = |message: String| AppError::Field {
        field: "report",
        message,
    };
    ctx.check_unit(unit, q)
        .map_err(|e| AppError::Refused(format!("{e:#}")))?;
    let period = ctx
        .period(q)
        .map_err(|e| AppError::Refused(format!("{e:#}")))?;
    period
        .check_submission(unit, cst_from_utc(now))
        .map_err(|e| closed(format!("现在不能更改佐证材料：{e}")))?;
    let (store_actor, actor) = caller.actors(store, Role::Reporter, Some(unit)).await?;
    if !matches!(actor.role, Role::Reporter | Role::UnitHead) || actor.unit.as_ref() != Some(unit) {
        return Err(AppError::Forbidden(format!(
            "只有“{unit}”的填报员和单位负责人可以上传或删除该单位的佐证材料"
        )));
    }
    let current = store.report(unit, q).await?;
    let record = current.as_ref().map(|r| &r.record);
    let version = record.map_or(0, |r| r.version);
    workflow::apply(
        record,
        unit,
        &Action::Edit,
        &actor,
        version,
        cst_from_utc(now),
    )
    .map_err(|e| closed(format!("现在不能更改佐证材料：{e}")))?;
    Ok(store_actor)
}

/// Attaches a file to a row of `unit`'s report for `q`: a task row (`row_key` as the form and
/// the template name it, e.g. `T:13`) or an indicator value (its code). The content is checked
/// (type by its bytes, the size limit of the settings); any problem and nothing is kept.
#[allow(clippy::too_many_arguments)]
pub async fn attach(
    store: &Store,
    ctx: &Context,
    data_dir: &Path,
    caller: Caller<'_>,
    unit: &UnitName,
    q: Quarter,
    row: EvidenceRow,
    row_key: &str,
    name: &str,
    bytes: &[u8],
    now: DateTime<Utc>,
) -> Result<AttachedEvidence, AppError> {
    let store_actor = may_change(store, ctx, caller, unit, q, now).await?;
    let scope = ctx.inputs().scope(unit, q);
    let known = match row {
        EvidenceRow::Task => RowKey::decode(row_key).is_some_and(|k| scope.row(&k).is_some()),
        EvidenceRow::Indicator => scope.indicators.iter().any(|d| d.code == row_key),
    };
    if !known {
        return Err(AppError::Field {
            field: "key",
            message: format!("“{unit}”{}的报告中没有这一行（{row_key}）", q.label_zh()),
        });
    }
    let name = clean_name(name).ok_or_else(|| AppError::Field {
        field: "file",
        message: "请选择要上传的佐证材料文件".to_string(),
    })?;
    let file = check_evidence(&name, bytes, &ctx.settings).map_err(|e| AppError::Field {
        field: "file",
        message: e.to_string(),
    })?;
    keep_bytes(data_dir, &file, bytes)?;
    Ok(store
        .attach_evidence(&store_actor, unit, q, row, row_key, &file, now)
        .await?)
}

/// Removes attachment `id` of `unit`'s report for `q` (the same rule as attaching).
pub async fn remove(
    store: &Store,
    ctx: &Context,
    caller: Caller<'_>,
    unit: &UnitName,
    q: Quarter,
    id: i64,
    now: DateTime<Utc>,
) -> Result<AttachedEvidence, AppError> {
    let store_actor = may_change(store, ctx, caller, unit, q, now).await?;
    let found = store.evidence_by_id(id).await?;
    if !found
        .as_ref()
        .is_some_and(|e| e.unit == unit.as_str() && e.quarter == q)
    {
        return Err(AppError::Refused(format!(
            "“{unit}”{}的报告没有这份佐证材料（可能已被删除）",
            q.label_zh()
        )));
    }
    store
        .remove_evidence(&store_actor, id, now)
        .await?
        .ok_or_else(|| AppError::Stale("这份佐证材料已被他人删除".to_string()))
}

/// Whether `user` may download the evidence of `unit`'s reports: the unit's own people, and
/// every role that is not bound to a unit (the office, leaders, task forces); never another
/// unit. The same rule as reading the report.
pub fn may_download(user: &planwatch_store::User, unit: &str) -> bool {
    let actor = workflow_actor(user);
    !actor.role.is_unit_bound() || actor.unit.as_deref() == Some(unit)
}

/// Copies the bytes of every evidence file the store knows into `dir` (a backup's or an
/// export's companion folder), each under its SHA-256. Returns how many files were copied and
/// the hashes whose bytes are missing from the data folder.
pub async fn copy_out(
    store: &Store,
    data_dir: &Path,
    dir: &Path,
) -> anyhow::Result<(usize, Vec<String>)> {
    let hashes = store.evidence_hashes().await?;
    let mut copied = 0;
    let mut missing = Vec::new();
    if hashes.is_empty() {
        return Ok((0, missing));
    }
    std::fs::create_dir_all(dir).with_context(|| format!("无法创建目录 {}", dir.display()))?;
    for h in hashes {
        let Some(from) = path_of(data_dir, &h) else {
            missing.push(h);
            continue;
        };
        if !from.exists() {
            missing.push(h);
            continue;
        }
        std::fs::copy(&from, dir.join(&h))
            .with_context(|| format!("无法复制佐证材料 {}", from.display()))?;
        copied += 1;
    }
    Ok((copied, missing))
}

/// Puts the evidence files of a backup's or an export's companion folder `dir` back into the
/// data folder, each checked against its name (its SHA-256); a file whose bytes do not match
/// its name is refused. Returns how many were restored.
pub fn copy_in(dir: &Path, data_dir: &Path) -> anyhow::Result<usize> {
    let mut n = 0;
    let target = data_dir.join(EVIDENCE_DIR);
    for entry in std::fs::read_dir(dir).with_context(|| format!("无法读取 {}", dir.display()))?
    {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().to_string();
        if path_of(data_dir, &name).is_none() {
            continue;
        }
        let bytes = std::fs::read(entry.path())
            .with_context(|| format!("无法读取 {}", entry.path().display()))?;
        let sha = sha256_hex(&bytes);
        if sha != name.to_ascii_lowercase() {
            anyhow::bail!(
                "佐证材料文件 {} 的内容与其名称（SHA-256）不符，可能已损坏；未导入佐证材料",
                entry.path().display()
            );
        }
        std::fs::create_dir_all(&target)
            .with_context(|| format!("无法创建目录 {}", target.display()))?;
        std::fs::write(target.join(&sha), &bytes)
            .with_context(|| format!("无法写入 {}", target.join(&sha).display()))?;
        n += 1;
    }
    Ok(n)
}

/// The companion folder of a backup, export or import file: `FILE.evidence` beside it.
pub fn companion_dir(file: &Path) -> PathBuf {
    let mut s = file.as_os_str().to_owned();
    s.push(".evidence");
    PathBuf::from(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_browser_path_is_cut_to_the_file_name() {
        assert_eq!(
            clean_name("C:\\fakepath\\会议纪要.pdf").as_deref(),
            Some("会议纪要.pdf")
        );
        assert_eq!(clean_name("../../etc/passwd").as_deref(), Some("passwd"));
        assert_eq!(clean_name("  "), None);
        let long = format!("{}.pdf", "长".repeat(300));
        let c = clean_name(&long).expect("name");
        assert!(c.ends_with(".pdf") && c.chars().count() <= MAX_NAME_CHARS);
    }

    #[test]
    fn only_a_hash_names_a_kept_file() {
        let d = Path::new("/data");
        assert!(path_of(d, "../x").is_none());
        assert!(path_of(d, &"a".repeat(64)).is_some());
    }
}
