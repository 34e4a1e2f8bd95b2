//! Reading a plan from a file: interchange JSON as is, anything else through the extractor.

use anyhow::Context as _;
use planwatch_model::{Plan, Severity};
use planwatch_store::{PlanSource, parse_plan_json};
use std::path::Path;

const YANGQUAN_NAME: &str = "阳泉市国家创新型城市建设三年行动计划（内置）";

/// The embedded default plan (the Yangquan text in the extractor crate), extracted.
pub fn embedded_plan() -> (Plan, PlanSource) {
    (
        planwatch_plantext::extract_text(planwatch_plantext::YANGQUAN_PLAN),
        PlanSource::Embedded {
            name: YANGQUAN_NAME.to_string(),
        },
    )
}

/// Whether the bytes are interchange JSON rather than plan text: a `.json` name or a document
/// that starts with `{`.
fn looks_like_json(path: &Path, bytes: &[u8]) -> bool {
    let by_name = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    by_name || text.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{')
}

/// Reads a plan file: interchange JSON (checked field by field) or plan text — UTF-8, GB18030,
/// UTF-16 or .docx — through the extractor.
pub fn read_plan_file(path: &Path) -> anyhow::Result<(Plan, PlanSource)> {
    let bytes =
        std::fs::read(path).with_context(|| format!("无法读取计划文件 {}", path.display()))?;
    let file_name = path.display().to_string();
    if looks_like_json(path, &bytes) {
        let text = String::from_utf8(bytes)
            .map_err(|_| anyhow::anyhow!("计划 JSON 文件 {file_name} 不是 UTF-8 编码"))?;
        let plan = parse_plan_json(&text, &file_name)?;
        return Ok((plan, PlanSource::Json { file_name }));
    }
    let plan = planwatch_plantext::extract_bytes(&bytes, &file_name)
        .map_err(|e| anyhow::anyhow!("计划文件 {file_name} {e}"))?;
    Ok((plan, PlanSource::Text { file_name }))
}

/// The extractor's non-blocking diagnostics, one line each.
pub fn warnings(plan: &Plan) -> Vec<String> {
    plan.diagnostics
        .iter()
        .filter(|d| d.severity != Severity::Error)
        .map(|d| format!("第 {} 行第 {} 列：{}", d.line, d.column, d.message))
        .collect()
}

/// Imports `plan` as the next revision (`ImportPlan`: the office or an administrator; the command
/// line acts as the office). A plan with blocking problems is refused and nothing is written.
pub async fn import_revision(
    store: &planwatch_store::Store,
    caller: crate::Caller<'_>,
    plan: &Plan,
    source: &PlanSource,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<planwatch_store::PlanImport, crate::AppError> {
    let (actor, who) = caller
        .actors(store, planwatch_model::Role::Office, None)
        .await?;
    crate::error::require(who.role, crate::policy::Permission::ImportPlan)?;
    Ok(store.import_plan(&actor, plan, source, now).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_is_recognised_by_name_or_by_its_first_character() {
        assert!(looks_like_json(Path::new("a.JSON"), b"x"));
        assert!(looks_like_json(
            Path::new("a.txt"),
            b"\xEF\xBB\xBF \n{\"title\":1}"
        ));
        assert!(!looks_like_json(
            Path::new("plan.txt"),
            "阳泉市…".as_bytes()
        ));
    }
}
