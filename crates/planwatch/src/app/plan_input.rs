//! Reading a plan from a file: interchange JSON as is, anything else through the extractor.

use anyhow::Context as _;
use planwatch_model::{Plan, Severity};
use planwatch_store::{PlanSource, parse_plan_json};
use std::path::Path;

/// The Yangquan plan text embedded in the binary: the default plan of `planwatch init`.
const YANGQUAN_TEXT: &str = include_str!("../../../../fixtures/plans/yangquan-2022-2024.txt");
const YANGQUAN_NAME: &str = "阳泉市国家创新型城市建设三年行动计划（内置）";

/// The embedded default plan, extracted.
pub fn embedded_plan() -> (Plan, PlanSource) {
    (
        planwatch_plantext::extract_text(YANGQUAN_TEXT),
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

/// Reads a plan file: interchange JSON (checked field by field) or plan text (extracted).
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
    let text = String::from_utf8(bytes).map_err(|_| {
        anyhow::anyhow!("计划文件 {file_name} 不是 UTF-8 文本：请另存为 UTF-8 编码的 .txt")
    })?;
    Ok((
        planwatch_plantext::extract_text(&text),
        PlanSource::Text { file_name },
    ))
}

/// The extractor's non-blocking diagnostics, one line each.
pub fn warnings(plan: &Plan) -> Vec<String> {
    plan.diagnostics
        .iter()
        .filter(|d| d.severity != Severity::Error)
        .map(|d| format!("第 {} 行第 {} 列：{}", d.line, d.column, d.message))
        .collect()
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
