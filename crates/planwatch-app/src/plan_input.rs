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

/// Whether the file is a task table (任务分解表 / 任务清单) in a spreadsheet rather than plan
/// text: an .xlsx/.xlsm/.ods/.csv/.tsv/.xls/.et name, a legacy Excel container, or a zip that
/// holds a workbook (a .docx is a zip too, and stays plan text).
pub fn is_spreadsheet(file_name: &str, bytes: &[u8]) -> bool {
    let lower = file_name.to_lowercase();
    let by_name = [".xlsx", ".xlsm", ".ods", ".csv", ".tsv", ".xls", ".et"]
        .iter()
        .any(|e| lower.ends_with(e));
    if by_name || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return true;
    }
    if bytes.starts_with(b"PK\x03\x04") {
        // Names are in the central directory; a short look is enough and reads no content.
        return zip::ZipArchive::new(std::io::Cursor::new(bytes)).is_ok_and(|z| {
            z.file_names()
                .any(|n| n == "xl/workbook.xml" || n == "content.xml")
                && !z.file_names().any(|n| n == "word/document.xml")
        });
    }
    false
}

/// Extracts a plan from a file's bytes: a task table in a spreadsheet (.xlsx, .ods, .csv; every
/// workbook is checked before it is parsed) or plan text (UTF-8, GB18030, UTF-16, .docx). The
/// error says what is wrong with the file, in Chinese.
pub fn extract_plan_bytes(bytes: &[u8], file_name: &str) -> Result<Plan, String> {
    if is_spreadsheet(file_name, bytes) {
        let sheets = planwatch_quarterly::task_sheets::read_sheets(bytes, file_name)
            .map_err(|e| e.to_string())?;
        return Ok(planwatch_plantext::extract_sheets(&sheets));
    }
    planwatch_plantext::extract_bytes(bytes, file_name).map_err(|e| e.to_string())
}

/// Reads a plan file: interchange JSON (checked field by field), a task table in a spreadsheet,
/// or plan text — UTF-8, GB18030, UTF-16 or .docx — through the extractor.
pub fn read_plan_file(path: &Path) -> anyhow::Result<(Plan, PlanSource)> {
    let bytes =
        std::fs::read(path).with_context(|| format!("无法读取计划文件 {}", path.display()))?;
    let file_name = path.display().to_string();
    if !is_spreadsheet(&file_name, &bytes) && looks_like_json(path, &bytes) {
        let text = String::from_utf8(bytes)
            .map_err(|_| anyhow::anyhow!("计划 JSON 文件 {file_name} 不是 UTF-8 编码"))?;
        let plan = parse_plan_json(&text, &file_name)?;
        return Ok((plan, PlanSource::Json { file_name }));
    }
    let plan = extract_plan_bytes(&bytes, &file_name)
        .map_err(|e| anyhow::anyhow!("计划文件 {file_name}：{e}"))?;
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
    fn task_tables_in_spreadsheets_go_to_the_sheet_reader_and_documents_do_not() {
        assert!(is_spreadsheet("任务分解表.XLSX", b""));
        assert!(is_spreadsheet("tasks.csv", b"a,b"));
        assert!(is_spreadsheet("old", &[0xD0, 0xCF, 0x11, 0xE0, 0, 0]));
        assert!(!is_spreadsheet("plan.txt", "阳泉市…".as_bytes()));
        // A .docx is a zip too, and stays plan text.
        assert!(!is_spreadsheet("plan.docx", b"PK\x03\x04 not really"));
        let csv = "序号,重点任务,牵头单位,配合单位\n1,建设省级创新平台20个,市科技局,\"市财政局\n市工信局\"\n";
        let plan = extract_plan_bytes(csv.as_bytes(), "任务表.csv").expect("a task table");
        assert_eq!(plan.tasks.len(), 1);
        assert_eq!(plan.tasks[0].lead_units, vec!["市科技局".to_string()]);
        assert_eq!(
            plan.tasks[0].participating_units,
            vec!["市财政局".to_string(), "市工信局".to_string()]
        );
        // An old binary Excel file is refused with what to do about it.
        let err = extract_plan_bytes(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1], "a.xls")
            .expect_err("legacy .xls");
        assert!(err.contains(".xlsx"), "{err}");
    }

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
