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

/// The file types the plan readers take, for an upload form's `accept` and messages.
pub const PLAN_FILE_TYPES: &str =
    ".txt,.docx,.pdf,.html,.htm,.doc,.wps,.xlsx,.xlsm,.ods,.csv,.tsv,.json";

/// The same, in words, for a person.
pub const PLAN_FILE_TYPES_ZH: &str = "计划文本 (.txt，UTF-8 或 GBK)、Word 文档 (.docx；旧版 .doc/.wps 需本机装有 LibreOffice)、带文字层的 PDF、政府网站上保存的网页 (.html/.htm)、任务分解表 (.xlsx/.ods/.csv) 或计划 JSON";

/// Whether the file is an old Word or WPS document (.doc/.wps): by its name, or an OLE
/// container whose directory names a `WordDocument` stream.
pub fn is_legacy_word(file_name: &str, bytes: &[u8]) -> bool {
    let lower = file_name.to_lowercase();
    if !bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return false;
    }
    if lower.ends_with(".doc") || lower.ends_with(".wps") || lower.ends_with(".dot") {
        return true;
    }
    const WORD_DOCUMENT: &[u8] = b"W\0o\0r\0d\0D\0o\0c\0u\0m\0e\0n\0t\0";
    let by_name_is_sheet = [".xls", ".et"].iter().any(|e| lower.ends_with(e));
    !by_name_is_sheet
        && bytes
            .windows(WORD_DOCUMENT.len())
            .any(|w| w == WORD_DOCUMENT)
}

/// Whether the file is a task table (任务分解表 / 任务清单) in a spreadsheet rather than plan
/// text: an .xlsx/.xlsm/.ods/.csv/.tsv/.xls/.et name, a legacy Excel container (an old Word
/// file is a container too, and stays a document), or a zip that holds a workbook (a .docx is a
/// zip too, and stays plan text).
pub fn is_spreadsheet(file_name: &str, bytes: &[u8]) -> bool {
    let lower = file_name.to_lowercase();
    let by_name = [".xlsx", ".xlsm", ".ods", ".csv", ".tsv", ".xls", ".et"]
        .iter()
        .any(|e| lower.ends_with(e));
    if by_name
        || (bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) && !is_legacy_word(file_name, bytes))
    {
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
/// workbook is checked before it is parsed), an old Word/WPS file converted by LibreOffice, or
/// plan text (UTF-8, GB18030, UTF-16, .docx, a PDF's text layer, a saved web page). The error
/// says what is wrong with the file, in Chinese.
pub fn extract_plan_bytes(bytes: &[u8], file_name: &str) -> Result<Plan, String> {
    if is_spreadsheet(file_name, bytes) {
        let sheets = planwatch_quarterly::task_sheets::read_sheets(bytes, file_name)
            .map_err(|e| e.to_string())?;
        return Ok(planwatch_plantext::extract_sheets(&sheets));
    }
    if is_legacy_word(file_name, bytes) {
        let docx = crate::legacy_word::to_docx(bytes, file_name)?;
        return planwatch_plantext::extract_bytes(&docx, file_name).map_err(|e| e.to_string());
    }
    planwatch_plantext::extract_bytes(bytes, file_name).map_err(|e| e.to_string())
}

/// The plan text of a document file, as the extractor reads it (the web's preview shows it and
/// extracts it again on confirmation): plain text, .docx, an old Word/WPS file through
/// LibreOffice, a PDF's text layer (pages separated by form feeds) or a web page's article.
pub fn plan_text(bytes: &[u8], file_name: &str) -> Result<String, String> {
    plan_document(bytes, file_name).map(|d| d.text)
}

/// [`plan_text`] with where the text came from (a web page's source line for each line of the
/// text), so that [`planwatch_plantext::extract_decoded`] gives the same spans as the command
/// line.
pub fn plan_document(bytes: &[u8], file_name: &str) -> Result<planwatch_plantext::Decoded, String> {
    if is_legacy_word(file_name, bytes) {
        let docx = crate::legacy_word::to_docx(bytes, file_name)?;
        return planwatch_plantext::decode_document(&docx, file_name).map_err(|e| e.to_string());
    }
    planwatch_plantext::decode_document(bytes, file_name).map_err(|e| e.to_string())
}

/// Reads a plan file: interchange JSON (checked field by field), a task table in a spreadsheet,
/// or plan text — UTF-8, GB18030, UTF-16, .docx, .doc/.wps (LibreOffice), PDF or a web page —
/// through the extractor.
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

/// Adds another plan under `code` beside those already held (the office's `plan add`), and
/// sets up its reporting: quarters, the proposed indicator catalogue and the yearly breakdown.
/// Units and people are shared with the other plans; the organisation is not changed.
pub async fn add_plan(
    store: &planwatch_store::Store,
    data_dir: &std::path::Path,
    caller: crate::Caller<'_>,
    code: &str,
    plan: &Plan,
    source: &PlanSource,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<(planwatch_store::PlanImport, planwatch_store::Store)> {
    let (actor, who) = caller
        .actors(store, planwatch_model::Role::Office, None)
        .await?;
    crate::error::require(who.role, crate::policy::Permission::ImportPlan)?;
    let imp = store.add_plan(&actor, code, plan, source, now).await?;
    let scoped = store.scoped(imp.plan_id);
    crate::reporting::prepare(&scoped, data_dir, &actor, now).await?;
    Ok((imp, scoped))
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
        // An old Word file is a container too, and is a document.
        let mut doc = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
        doc.extend_from_slice(b"W\0o\0r\0d\0D\0o\0c\0u\0m\0e\0n\0t\0");
        assert!(is_legacy_word("plan", &doc) && !is_spreadsheet("plan", &doc));
        assert!(is_legacy_word("计划.WPS", &doc[..8]) && !is_spreadsheet("计划.WPS", &doc[..8]));
        assert!(!is_legacy_word("a.xls", &doc));
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
