//! Task tables from spreadsheets, end to end: workbooks written here (rust_xlsxwriter for .xlsx,
//! the XML zipped by hand for .ods, CSV in GB18030) in each header form an office uses, read with
//! `read_sheets` and turned into a plan with `extract_sheets`; the gold tasks of dev plans
//! written into office-style workbooks and scored; a 1 000-row workbook timed.

use planwatch_model::Plan;
use planwatch_plantext::extract_sheets;
use planwatch_quarterly::read_sheets;
use rust_xlsxwriter::{Format, FormatAlign, Workbook, Worksheet};
use serde_json::Value;
use std::collections::HashSet;
use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

fn plan_of(bytes: &[u8], name: &str) -> Plan {
    let sheets = read_sheets(bytes, name).expect("read");
    extract_sheets(&sheets)
}

fn put(ws: &mut Worksheet, row: u32, cells: &[&str]) {
    for (c, t) in cells.iter().enumerate() {
        if !t.is_empty() {
            ws.write_string(row, c as u16, *t).expect("write");
        }
    }
}

fn merge(ws: &mut Worksheet, r0: u32, c0: u16, r1: u32, c1: u16, text: &str) {
    let f = Format::new().set_align(FormatAlign::Center);
    ws.merge_range(r0, c0, r1, c1, text, &f).expect("merge");
}

fn xlsx(build: impl FnOnce(&mut Workbook)) -> Vec<u8> {
    let mut wb = Workbook::new();
    build(&mut wb);
    wb.save_to_buffer().expect("save")
}

fn units(p: &Plan, task: usize) -> (Vec<&str>, Vec<&str>) {
    let t = &p.tasks[task];
    (
        t.lead_units.iter().map(String::as_str).collect(),
        t.participating_units.iter().map(String::as_str).collect(),
    )
}

#[test]
fn plain_header_lead_and_participating_columns() {
    let bytes = xlsx(|wb| {
        let ws = wb.add_worksheet();
        put(
            ws,
            0,
            &["序号", "重点任务", "牵头单位", "配合单位", "完成时限"],
        );
        put(
            ws,
            1,
            &[
                "1",
                "建设科技创新平台",
                "市科技局",
                "市财政局、市发展改革委",
                "2024年12月底前",
            ],
        );
        put(
            ws,
            2,
            &[
                "2",
                "培育高新技术企业",
                "市工信局",
                "市科技局\n市税务局",
                "持续推进",
            ],
        );
    });
    let p = plan_of(&bytes, "任务.xlsx");
    assert_eq!(p.tasks.len(), 2, "{:#?}", p.diagnostics);
    assert_eq!(
        units(&p, 0),
        (vec!["市科技局"], vec!["市财政局", "市发展改革委"])
    );
    assert_eq!(
        units(&p, 1),
        (vec!["市工信局"], vec!["市科技局", "市税务局"])
    );
    assert_eq!(p.tasks[0].milestones[0].year, Some(2024));
    let s = p.tasks[1].span.expect("span");
    assert_eq!((s.sheet, s.line, s.column), (Some(1), 3, 2));
    assert!(!p.has_blocking_diagnostics(), "{:#?}", p.diagnostics);
}

#[test]
fn single_responsible_column_first_unit_leads() {
    let bytes = xlsx(|wb| {
        let ws = wb.add_worksheet();
        put(ws, 0, &["序号", "任务内容", "责任单位", "时间节点"]);
        put(
            ws,
            1,
            &["1", "推进老旧小区改造", "市住建局、市财政局", "2025年"],
        );
        put(ws, 2, &["2", "开展专项检查", "市市场监管局", "每季度"]);
    });
    let p = plan_of(&bytes, "a.xlsx");
    assert_eq!(units(&p, 0), (vec!["市住建局"], vec!["市财政局"]));
    assert_eq!(units(&p, 1), (vec!["市市场监管局"], vec![]));
}

#[test]
fn department_columns_and_other_task_words() {
    for (task, lead, part) in [
        ("工作任务", "牵头部门", "协办部门"),
        ("具体任务", "牵头部门", "配合部门"),
        ("工作内容", "牵头单位", "参与单位"),
    ] {
        let bytes = xlsx(|wb| {
            let ws = wb.add_worksheet();
            put(ws, 0, &[task, lead, part]);
            put(
                ws,
                1,
                &["完善政策体系", "区发展改革委", "区财政局，区商务委"],
            );
        });
        let p = plan_of(&bytes, "a.xlsx");
        assert_eq!(
            units(&p, 0),
            (vec!["区发展改革委"], vec!["区财政局", "区商务委"]),
            "{task} {lead} {part}"
        );
    }
}

/// The office form: a title merged across, 责任单位 merged over 牵头单位 | 配合单位, 年度目标
/// merged over the years, group rows merged across, a lead cell merged down two tasks.
#[test]
fn two_row_merged_header_title_groups_years_and_merged_leads() {
    let bytes = xlsx(|wb| {
        let ws = wb.add_worksheet();
        ws.set_name("任务分解").expect("name");
        merge(
            ws,
            0,
            0,
            0,
            6,
            "某市制造业高质量发展三年行动计划（2024—2026年）重点任务分解表",
        );
        merge(ws, 1, 0, 2, 0, "序号");
        merge(ws, 1, 1, 2, 1, "重点任务");
        merge(ws, 1, 2, 1, 3, "责任单位");
        put(ws, 2, &["", "", "牵头单位", "配合单位"]);
        merge(ws, 1, 4, 1, 5, "年度目标");
        put(ws, 2, &["", "", "", "", "2024年", "2025"]);
        merge(ws, 1, 6, 2, 6, "完成时限");
        merge(ws, 3, 0, 3, 6, "一、壮大优势产业");
        put(
            ws,
            4,
            &[
                "1",
                "培育龙头企业",
                "",
                "市财政局",
                "新增规上企业20家",
                "新增规上企业30家",
                "2026年底",
            ],
        );
        merge(ws, 4, 2, 5, 2, "市工信局");
        put(ws, 5, &["2", "建设产业园区", "", "市自然资源局\n市住建局"]);
        merge(ws, 6, 0, 6, 6, "二、提升创新能力");
        put(
            ws,
            7,
            &["3", "建设创新平台", "市科技局", "", "", "建成省级平台5个"],
        );
    });
    let p = plan_of(&bytes, "任务分解.xlsx");
    assert_eq!(
        p.title,
        "某市制造业高质量发展三年行动计划（2024—2026年）重点任务分解表"
    );
    assert_eq!((p.period.start, p.period.end), (2024, 2026));
    let sections: Vec<(&str, &str)> = p
        .sections
        .iter()
        .map(|s| (s.number.as_str(), s.title.as_str()))
        .collect();
    assert_eq!(sections, [("一", "壮大优势产业"), ("二", "提升创新能力")]);
    assert_eq!(p.tasks.len(), 3, "{:#?}", p.tasks);
    assert_eq!(units(&p, 0), (vec!["市工信局"], vec!["市财政局"]));
    assert_eq!(
        units(&p, 1),
        (vec!["市工信局"], vec!["市自然资源局", "市住建局"])
    );
    assert_eq!(units(&p, 2), (vec!["市科技局"], vec![]));
    assert_eq!(
        p.tasks
            .iter()
            .map(|t| t.section.as_str())
            .collect::<Vec<_>>(),
        ["一", "一", "二"]
    );
    let years: Vec<Option<i32>> = p.tasks[0].targets.iter().map(|t| t.year).collect();
    assert_eq!(years, [Some(2024), Some(2025)], "{:#?}", p.tasks[0].targets);
    assert_eq!(p.tasks[0].targets[1].value, Some(30.0));
    assert_eq!(p.tasks[2].targets[0].year, Some(2025));
    // The merged lead of task 2 points at the cell that holds it.
    let s = p.sections[1].span.expect("span");
    assert_eq!((s.line, s.column), (7, 1));
    assert!(!p.has_blocking_diagnostics(), "{:#?}", p.diagnostics);
}

#[test]
fn relative_year_columns_and_several_sheets() {
    let bytes = xlsx(|wb| {
        let ws = wb.add_worksheet();
        ws.set_name("产业").expect("name");
        put(ws, 0, &["某县现代农业发展规划（2011—2015年）任务表"]);
        put(
            ws,
            1,
            &["序号", "任务", "牵头单位", "前三年目标", "五年目标"],
        );
        put(
            ws,
            2,
            &["1", "建设高标准农田", "县农业局", "建成5万亩", "建成10万亩"],
        );
        let ws = wb.add_worksheet();
        ws.set_name("民生").expect("name");
        put(ws, 0, &["序号", "任务", "牵头单位", "配合单位"]);
        put(ws, 1, &["1", "改造农村公路", "县交通局", "各乡镇人民政府"]);
        let ws = wb.add_worksheet();
        ws.set_name("隐藏").expect("name");
        ws.set_hidden(true);
        put(ws, 0, &["序号", "任务", "牵头单位"]);
        put(ws, 1, &["1", "不应读取", "县财政局"]);
    });
    let sheets = read_sheets(&bytes, "a.xlsx").expect("read");
    assert_eq!(sheets.len(), 2, "the hidden sheet is left out");
    let p = extract_sheets(&sheets);
    assert_eq!(p.tasks.len(), 2);
    let years: Vec<Option<i32>> = p.tasks[0].targets.iter().map(|t| t.year).collect();
    assert_eq!(years, [Some(2013), Some(2015)]);
    assert_eq!(p.tasks[1].span.and_then(|s| s.sheet), Some(2));
    assert_eq!(units(&p, 1), (vec!["县交通局"], vec!["各乡镇人民政府"]));
}

fn zip_of(parts: &[(&str, &[u8])]) -> Vec<u8> {
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    for (name, data) in parts {
        z.start_file(*name, opts).expect("start");
        z.write_all(data).expect("write");
    }
    z.finish().expect("finish").into_inner()
}

fn ods(body: &str) -> Vec<u8> {
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>{body}</office:spreadsheet></office:body></office:document-content>"#
    );
    zip_of(&[
        (
            "mimetype",
            b"application/vnd.oasis.opendocument.spreadsheet".as_slice(),
        ),
        ("content.xml", content.as_bytes()),
    ])
}

fn ods_row(cells: &[&str]) -> String {
    let cs: String = cells
        .iter()
        .map(|c| {
            if c.is_empty() {
                "<table:table-cell/>".to_string()
            } else {
                let ps: String = c
                    .split('\n')
                    .map(|l| format!("<text:p>{l}</text:p>"))
                    .collect();
                format!("<table:table-cell office:value-type=\"string\">{ps}</table:table-cell>")
            }
        })
        .collect();
    format!("<table:table-row>{cs}</table:table-row>")
}

#[test]
fn ods_with_two_row_header_and_multi_line_cells() {
    let body = format!(
        r#"<table:table table:name="任务清单"><table:table-row><table:table-cell table:number-columns-spanned="4"><text:p>某区优化营商环境行动方案任务清单</text:p></table:table-cell><table:covered-table-cell table:number-columns-repeated="3"/></table:table-row><table:table-row><table:table-cell table:number-rows-spanned="2"><text:p>序号</text:p></table:table-cell><table:table-cell table:number-rows-spanned="2"><text:p>任务内容</text:p></table:table-cell><table:table-cell table:number-columns-spanned="2"><text:p>责任单位</text:p></table:table-cell><table:covered-table-cell/></table:table-row>{}{}{}<table:table-row table:number-rows-repeated="1048570"><table:table-cell table:number-columns-repeated="1024"/></table:table-row></table:table>"#,
        r#"<table:table-row><table:covered-table-cell table:number-columns-repeated="2"/><table:table-cell><text:p>牵头单位</text:p></table:table-cell><table:table-cell><text:p>配合单位</text:p></table:table-cell></table:table-row>"#,
        ods_row(&[
            "1",
            "压缩审批时限",
            "区政务服务办",
            "区发展改革委\n区市场监管局"
        ]),
        ods_row(&["2", "推行告知承诺制", "区司法局", ""]),
    );
    let p = plan_of(&ods(&body), "清单.ods");
    assert_eq!(p.title, "某区优化营商环境行动方案任务清单");
    assert_eq!(p.tasks.len(), 2, "{:#?}", p.diagnostics);
    assert_eq!(
        units(&p, 0),
        (vec!["区政务服务办"], vec!["区发展改革委", "区市场监管局"])
    );
    assert_eq!(units(&p, 1), (vec!["区司法局"], vec![]));
    assert_eq!(p.tasks[1].span.map(|s| (s.line, s.column)), Some((5, 2)));
}

#[test]
fn csv_in_gb18030_gives_the_same_plan() {
    let text =
        "序号,重点任务,牵头单位,配合单位\r\n1,建设智慧城市,市大数据局,\"市公安局\n市财政局\"\r\n";
    let (gbk, _, _) = encoding_rs::GB18030.encode(text);
    let p = plan_of(&gbk, "任务.csv");
    assert_eq!(
        units(&p, 0),
        (vec!["市大数据局"], vec!["市公安局", "市财政局"])
    );
}

// ---- the acceptance check: gold tasks in office workbooks ----------------------------------

fn dev(name: &str) -> Value {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/plans/dev")
        .join(name);
    serde_json::from_str(&std::fs::read_to_string(p).expect("gold")).expect("json")
}

fn s<'a>(v: &'a Value, k: &str) -> &'a str {
    v.get(k).and_then(Value::as_str).unwrap_or("")
}

fn strs(v: &Value, k: &str) -> Vec<String> {
    v.get(k)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn norm(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .filter(|c| !c.is_whitespace() && !"。；;，,".contains(*c))
        .collect::<String>()
        .trim_end_matches('等')
        .to_string()
}

fn f1(tp: usize, pred: usize, gold: usize) -> f64 {
    let p = if pred > 0 {
        tp as f64 / pred as f64
    } else {
        1.0
    };
    let r = if gold > 0 {
        tp as f64 / gold as f64
    } else {
        1.0
    };
    if p + r > 0.0 {
        2.0 * p * r / (p + r)
    } else {
        0.0
    }
}

/// The gold tasks as an office writes them: a title merged across, the two-row header with
/// 责任单位 merged over 牵头单位 | 配合单位, a group row merged across for each new parent,
/// units one per line.
fn office_workbook(gold: &Value) -> Vec<u8> {
    let title = gold
        .get("title")
        .and_then(Value::as_str)
        .or_else(|| gold.get("title_external").and_then(Value::as_str))
        .unwrap_or("行动计划");
    let tasks = gold["tasks"].as_array().expect("tasks");
    xlsx(|wb| {
        let ws = wb.add_worksheet();
        ws.set_name("重点任务分解表").expect("name");
        merge(ws, 0, 0, 0, 4, &format!("{title}重点任务分解表"));
        merge(ws, 1, 0, 2, 0, "序号");
        merge(ws, 1, 1, 2, 1, "重点任务");
        merge(ws, 1, 2, 1, 3, "责任单位");
        put(ws, 2, &["", "", "牵头单位", "配合单位"]);
        merge(ws, 1, 4, 2, 4, "备注");
        let mut row = 3;
        let mut parent = String::new();
        for t in tasks {
            let p = t
                .get("parent")
                .map(|v| match v {
                    Value::String(s) => s.clone(),
                    Value::Array(a) => a
                        .iter()
                        .filter_map(Value::as_str)
                        .collect::<Vec<_>>()
                        .join(" "),
                    _ => String::new(),
                })
                .unwrap_or_default();
            if !p.is_empty() && p != parent {
                merge(ws, row, 0, row, 4, &p);
                row += 1;
                parent = p;
            }
            let number = match t.get("number") {
                Some(Value::String(s)) => s.clone(),
                Some(Value::Number(n)) => n.to_string(),
                _ => String::new(),
            };
            put(
                ws,
                row,
                &[
                    &number,
                    s(t, "title"),
                    &strs(t, "lead_units").join("\n"),
                    &strs(t, "participating_units").join("\n"),
                ],
            );
            row += 1;
        }
    })
}

/// Tasks matched by title; F1 of tasks, lead units and participating units (units counted per
/// matched task, the units of unmatched gold tasks as missed).
fn scores(gold: &Value, plan: &Plan) -> (f64, f64, f64) {
    let gt = gold["tasks"].as_array().expect("tasks");
    let mut used = vec![false; plan.tasks.len()];
    let mut pairs = Vec::new();
    for (gi, g) in gt.iter().enumerate() {
        let want = norm(s(g, "title"));
        if let Some(pi) =
            (0..plan.tasks.len()).find(|&i| !used[i] && norm(&plan.tasks[i].title) == want)
        {
            used[pi] = true;
            pairs.push((gi, pi));
        }
    }
    let tasks = f1(pairs.len(), plan.tasks.len(), gt.len());
    let field = |gold_key: &str, pred: &dyn Fn(usize) -> Vec<String>| {
        let (mut tp, mut np, mut ng) = (0, 0, 0);
        for (gi, g) in gt.iter().enumerate() {
            let gs: HashSet<String> = strs(g, gold_key).iter().map(|u| norm(u)).collect();
            ng += gs.len();
            if let Some(&(_, pi)) = pairs.iter().find(|p| p.0 == gi) {
                let ps: HashSet<String> = pred(pi).iter().map(|u| norm(u)).collect();
                tp += gs.intersection(&ps).count();
                np += ps.len();
            }
        }
        f1(tp, np, ng)
    };
    let leads = field("lead_units", &|i| plan.tasks[i].lead_units.clone());
    let parts = field("participating_units", &|i| {
        plan.tasks[i].participating_units.clone()
    });
    (tasks, leads, parts)
}

#[test]
fn gold_tasks_of_dev_plans_in_office_workbooks_come_back() {
    let mut failed = Vec::new();
    for (name, asserted) in [
        ("A-02-shanghai-jiaotong-jingxihua.gold.json", true),
        ("C-01-chengdu-mubiaorenwu.gold.json", true),
        ("A-01-huangpu-kezaishengnengyuan.gold.json", false),
        ("B-01-jingan-tanfeng2025.gold.json", false),
    ] {
        let gold = dev(name);
        let bytes = office_workbook(&gold);
        let plan = plan_of(&bytes, "任务分解表.xlsx");
        let (t, l, p) = scores(&gold, &plan);
        println!("{name}: tasks F1 {t:.3}, lead units F1 {l:.3}, participating units F1 {p:.3}");
        if asserted && (t < 0.95 || l < 0.95 || p < 0.95) {
            failed.push(format!("{name}: {t:.3} {l:.3} {p:.3}"));
        }
    }
    assert!(failed.is_empty(), "below 0.95: {failed:?}");
}

#[test]
fn a_thousand_row_workbook() {
    let bytes = xlsx(|wb| {
        let ws = wb.add_worksheet();
        merge(
            ws,
            0,
            0,
            0,
            5,
            "某市城市更新三年行动计划（2024—2026年）任务分解表",
        );
        merge(ws, 1, 0, 2, 0, "序号");
        merge(ws, 1, 1, 2, 1, "重点任务");
        merge(ws, 1, 2, 1, 3, "责任单位");
        put(ws, 2, &["", "", "牵头单位", "配合单位"]);
        put(ws, 1, &["", "", "", "", "2025年", "完成时限"]);
        let mut row = 3;
        for i in 0..1000u32 {
            if i % 50 == 0 {
                merge(
                    ws,
                    row,
                    0,
                    row,
                    5,
                    &format!("（{}）第{}组任务", i / 50 + 1, i / 50 + 1),
                );
                row += 1;
            }
            put(
                ws,
                row,
                &[
                    &(i + 1).to_string(),
                    &format!("推进第{}项城市更新工程建设，完善配套设施", i + 1),
                    &format!("市第{}局", i % 17 + 1),
                    "市财政局\n市自然资源局、市住建局",
                    &format!("完成改造{}个", i % 30 + 1),
                    "2026年底前",
                ],
            );
            row += 1;
        }
    });
    let start = Instant::now();
    let sheets = read_sheets(&bytes, "a.xlsx").expect("read");
    let read = start.elapsed();
    let p = extract_sheets(&sheets);
    let total = start.elapsed();
    println!(
        "1 000-row task workbook ({} bytes): read_sheets {:.1} ms, extract_sheets {:.1} ms, total {:.1} ms (debug build)",
        bytes.len(),
        read.as_secs_f64() * 1e3,
        (total - read).as_secs_f64() * 1e3,
        total.as_secs_f64() * 1e3
    );
    assert_eq!(p.tasks.len(), 1000);
    assert_eq!(p.sections.len(), 20);
    assert!(
        p.tasks
            .iter()
            .all(|t| t.lead_units.len() == 1 && t.participating_units.len() == 3)
    );
    assert!(
        p.tasks
            .iter()
            .all(|t| t.targets.len() == 1 && t.milestones.len() == 1)
    );
}

#[test]
fn a_diagnostic_names_the_sheet_row_and_column_of_its_cell() {
    let bytes = xlsx(|wb| {
        let ws = wb.add_worksheet();
        put(ws, 0, &["序号", "任务", "牵头单位"]);
        put(ws, 1, &["1", "建设高标准农田", "县农业局"]);
        let ws = wb.add_worksheet();
        put(ws, 0, &["序号", "任务", "牵头单位"]);
        put(ws, 1, &["1", "整治人居环境", ""]);
        put(ws, 2, &["2", "改造农村公路", "县交通局"]);
    });
    let p = plan_of(&bytes, "a.xlsx");
    let d = p
        .diagnostics
        .iter()
        .find(|d| d.code == "task-without-lead")
        .unwrap_or_else(|| panic!("{:#?}", p.diagnostics));
    assert_eq!(d.sheet, Some(2), "{d:?}");
    assert_eq!(d.line, 2, "the second row of the sheet: {d:?}");
    // A text's diagnostics name no sheet.
    let text = planwatch_plantext::extract_text("某计划\n一、任务\n1. 整治人居环境\n");
    assert!(text.diagnostics.iter().all(|d| d.sheet.is_none()));
}
