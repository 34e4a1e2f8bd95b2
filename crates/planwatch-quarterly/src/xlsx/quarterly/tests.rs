//! Round trip and malformed-workbook tests of the quarterly form.

use super::*;
use crate::scope::tests::yangquan_inputs;
use crate::settings::ReportingSettings;
use crate::xlsx::ImportError;
use crate::xlsx::edit::{CellValue, SheetCopy, copy_with};
use calamine::SheetVisible;

fn q(s: &str) -> Quarter {
    Quarter::parse(s).expect("quarter")
}

type Forces = BTreeMap<u32, String>;
type PreviousValues = BTreeMap<String, (Quarter, f64)>;
type Contributions = BTreeMap<u32, Vec<Contribution>>;

fn empty_maps() -> (
    &'static Forces,
    &'static PreviousValues,
    &'static Contributions,
) {
    (
        Box::leak(Box::default()),
        Box::leak(Box::default()),
        Box::leak(Box::default()),
    )
}

fn scope_kjj() -> &'static ReportScope<'static> {
    Box::leak(Box::new(
        yangquan_inputs().scope(&"市科技局".into(), q("2023Q3")),
    ))
}

fn template_for(scope: &'static ReportScope<'static>, prefill: Option<&ReportContent>) -> Vec<u8> {
    let (forces, prev, contrib) = empty_maps();
    write_quarterly(&QuarterlyTemplate {
        scope,
        plan_title: "阳泉市国家创新型城市建设三年行动计划（2022—2024年）",
        plan_code: None,
        deadline: NaiveDate::from_ymd_opt(2023, 10, 10).expect("date"),
        task_forces: forces,
        previous: None,
        previous_values: prev,
        contributions: contrib,
        prefill,
    })
    .expect("template")
}

fn read(bytes: &[u8], scope: &ReportScope<'_>) -> Result<ReportContent, ImportError> {
    let history = BTreeMap::new();
    let settings = ReportingSettings::default();
    read_quarterly(
        bytes,
        &ReadContext {
            scope,
            history: &history,
            settings: &settings,
            require_complete: true,
        },
    )
}

/// Fills every required cell of the template the way a careful unit would.
fn fill_completely(s: &mut SheetCopy) {
    let rows: Vec<(u32, String)> = s
        .cells
        .iter()
        .filter_map(|((r, c), v)| match v {
            CellValue::Text(t) if *c == 0 && *r >= FIRST_ROW => Some((*r, t.clone())),
            _ => None,
        })
        .collect();
    if s.name == TASK_SHEET {
        s.set("H2", CellValue::Text("张三".into()));
        s.set("J2", CellValue::Number(13_800_000_000.0));
        for (r, id) in rows {
            let put = |s: &mut SheetCopy, c: u16, v: CellValue| {
                s.cells.insert((r, c), v);
            };
            put(s, tcol::CONTACT, CellValue::Text("李四".into()));
            put(
                s,
                tcol::PROGRESS,
                CellValue::Text(format!("{id} 本季度推进顺利")),
            );
            put(
                s,
                tcol::CUMULATIVE,
                CellValue::Text("累计完成年度任务的七成".into()),
            );
            if id.starts_with("T:") || id.starts_with("I:") {
                put(s, tcol::STATUS, CellValue::Text("序时推进".into()));
                put(s, tcol::SHARE, CellValue::Number(70.0));
            }
            put(
                s,
                tcol::EVIDENCE,
                CellValue::Text("会议纪要.pdf；现场照片.jpg".into()),
            );
        }
    } else if s.name == INDICATOR_SHEET {
        for (i, (r, id)) in rows.into_iter().enumerate() {
            let v = if id == "V:dc-pue" {
                1.25
            } else {
                10.0 + i as f64
            };
            s.cells.insert((r, icol::VALUE), CellValue::Number(v));
            s.cells
                .insert((r, icol::SOURCE), CellValue::Text("部门统计台账".into()));
        }
    }
}

fn filled() -> (Vec<u8>, &'static ReportScope<'static>) {
    let scope = scope_kjj();
    let bytes = copy_with(&template_for(scope, None), fill_completely).expect("fill");
    (bytes, scope)
}

#[test]
fn a_generated_template_has_the_two_sheets_and_a_very_hidden_identification() {
    let scope = scope_kjj();
    let bytes = template_for(scope, None);
    let meta = crate::xlsx::read_meta(&bytes, &ReportingSettings::default()).expect("meta");
    assert_eq!(
        meta,
        crate::xlsx::WorkbookMeta::quarterly("市科技局", q("2023Q3"))
    );
    let mut names = Vec::new();
    copy_with(&bytes, |s| names.push((s.name.clone(), s.visible))).expect("copy");
    assert_eq!(
        names,
        [
            (TASK_SHEET.to_string(), SheetVisible::Visible),
            (INDICATOR_SHEET.to_string(), SheetVisible::Visible),
            ("_planwatch".to_string(), SheetVisible::VeryHidden),
        ]
    );
}

#[test]
fn the_round_trip_returns_exactly_what_was_filled_in() {
    let (bytes, scope) = filled();
    let content = read(&bytes, scope).expect("valid");
    assert_eq!(content.unit, "市科技局");
    assert_eq!(content.filled_by, "张三");
    assert_eq!(content.phone, "13800000000");
    assert_eq!(content.tasks.len(), scope.rows.len());
    assert_eq!(content.indicators.len(), scope.indicators.len());
    let t13 = content.task(&RowKey::Task { task: 13 }).expect("task 13");
    assert_eq!(t13.progress, "T:13 本季度推进顺利");
    assert_eq!(t13.status, Some(TaskStatus::OnSchedule));
    assert_eq!(t13.share_complete, Some(70.0));
    assert_eq!(t13.evidence, ["会议纪要.pdf", "现场照片.jpg"]);
    let c20 = content
        .task(&RowKey::Contribution { task: 20 })
        .expect("contribution");
    assert_eq!(c20.status, None);
    for (i, row) in content.indicators.iter().enumerate() {
        assert_eq!(row.value, Some(10.0 + i as f64), "{}", row.code);
        assert_eq!(row.source, "部门统计台账");
    }
}

#[test]
fn a_prefilled_template_reads_back_to_the_same_content() {
    let (bytes, scope) = filled();
    let content = read(&bytes, scope).expect("valid");
    let again = template_for(scope, Some(&content));
    let back = read(&again, scope).expect("valid");
    assert_eq!(back, content);
    assert_eq!(back.content_hash(), content.content_hash());
}

#[test]
fn the_same_content_resaved_has_the_same_hash() {
    let (filled, scope) = filled();
    let content = read(&filled, scope).expect("valid");
    let bytes = template_for(scope, Some(&content));
    let resaved = copy_with(&bytes, |_| {}).expect("resave");
    assert_ne!(bytes, resaved);
    assert_eq!(
        read(&bytes, scope).expect("a").content_hash(),
        read(&resaved, scope).expect("b").content_hash()
    );
}

/// Applies `change` to the filled workbook and returns the problems found.
fn problems_after(change: impl FnMut(&mut SheetCopy)) -> Vec<String> {
    let (bytes, scope) = filled();
    let broken = copy_with(&bytes, change).expect("copy");
    match read(&broken, scope) {
        Ok(_) => Vec::new(),
        Err(ImportError::Invalid(v)) => v.iter().map(|i| i.to_string()).collect(),
        Err(e) => vec![e.to_string()],
    }
}

fn row_of(s: &SheetCopy, id: &str) -> u32 {
    s.find_row(0, id).expect("row present")
}

#[test]
fn three_deliberate_errors_give_three_precise_messages() {
    let mut status_row = 0;
    let p = problems_after(|s| {
        if s.name == TASK_SHEET {
            let r = row_of(s, "T:13");
            status_row = r + 1;
            s.cells
                .insert((r, tcol::STATUS), CellValue::Text("进行中".into()));
        } else if s.name == INDICATOR_SHEET {
            let r = row_of(s, "V:rd-gdp-share");
            s.cells.insert((r, icol::VALUE), CellValue::Number(180.0));
            let r = row_of(s, "V:hightech-enterprises");
            s.cells
                .insert((r, icol::VALUE), CellValue::Text("约150家".into()));
        }
    });
    assert_eq!(p.len(), 3, "{p:#?}");
    assert!(
        p[0].starts_with(&format!(
            "工作表“重点任务季度进展报送表” 第{status_row}行 N列（N{status_row}）：状态“进行中”不在可选范围内"
        )),
        "{}",
        p[0]
    );
    assert!(
        p.iter()
            .any(|m| m.contains("指标季度报送表") && m.contains("应为数字，实际为文本“约150家”"))
    );
    assert!(
        p.iter()
            .any(|m| m.contains("是百分比，应在 0 到 100 之间，填写的是 180"))
    );
}

#[test]
fn a_missing_sheet_names_the_sheets_that_are_there() {
    let p = problems_after(|s| {
        if s.name == INDICATOR_SHEET {
            s.name = "Sheet2".into();
        }
    });
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(
        p[0].contains("缺少此工作表；文件中的工作表为：重点任务季度进展报送表、Sheet2"),
        "{}",
        p[0]
    );
}

#[test]
fn moved_columns_are_reported_column_by_column() {
    let p = problems_after(|s| {
        if s.name == TASK_SHEET {
            s.move_column(tcol::CUMULATIVE, tcol::PROGRESS);
        }
    });
    assert_eq!(p.len(), 2, "{p:?}");
    assert!(
        p[0].contains("第3行 L列（L3）：表头应为“本季度进展情况”，实际为“累计完成情况”"),
        "{}",
        p[0]
    );
}

#[test]
fn the_share_column_says_it_is_this_years_share_and_the_old_header_is_still_read() {
    let (bytes, scope) = filled();
    let mut header = None;
    copy_with(&bytes, |s| {
        if s.name == TASK_SHEET {
            header = s.cells.get(&(HEADER_ROW, tcol::SHARE)).cloned();
        }
    })
    .expect("copy");
    assert_eq!(header, Some(CellValue::Text("本年度完成比例（%）".into())));
    let old = copy_with(&bytes, |s| {
        if s.name == TASK_SHEET {
            s.cells.insert(
                (HEADER_ROW, tcol::SHARE),
                CellValue::Text("完成比例（%）".into()),
            );
        }
    })
    .expect("copy");
    let content = read(&old, scope).expect("a form handed out before the rename is read");
    let t13 = content.task(&RowKey::Task { task: 13 }).expect("task 13");
    assert_eq!(t13.share_complete, Some(70.0));
    let p = problems_after(|s| {
        if s.name == TASK_SHEET {
            s.cells.insert(
                (HEADER_ROW, tcol::SHARE),
                CellValue::Text("累计完成比例（%）".into()),
            );
        }
    });
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(p[0].contains("表头应为“本年度完成比例（%）”"), "{}", p[0]);
}

#[test]
fn an_inserted_column_is_reported() {
    let p = problems_after(|s| {
        if s.name == INDICATOR_SHEET {
            s.move_column(99, icol::NOTE);
            s.set("N3", CellValue::Text("新增列".into()));
        }
    });
    assert!(
        p.iter()
            .any(|m| m.contains("N3") && m.contains("表头应为“说明”，实际为“新增列”")),
        "{p:?}"
    );
}

#[test]
fn a_formula_in_an_input_cell_is_refused() {
    let p = problems_after(|s| {
        if s.name == INDICATOR_SHEET {
            let r = row_of(s, "V:hightech-enterprises");
            s.cells
                .insert((r, icol::VALUE), CellValue::Formula("100+50".into()));
        }
    });
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(
        p[0].contains("G列") && p[0].contains("含公式（=100+50）"),
        "{}",
        p[0]
    );
}

#[test]
fn text_in_a_number_cell_is_refused_but_plain_numbers_typed_as_text_are_read() {
    let (bytes, scope) = filled();
    let ok = copy_with(&bytes, |s| {
        if s.name == INDICATOR_SHEET {
            let r = row_of(s, "V:hightech-enterprises");
            s.cells
                .insert((r, icol::VALUE), CellValue::Text("１５０".into()));
        }
    })
    .expect("copy");
    let c = read(&ok, scope).expect("valid");
    assert_eq!(
        c.indicator("hightech-enterprises").and_then(|i| i.value),
        Some(150.0)
    );
}

#[test]
fn a_deleted_row_and_an_inserted_row_are_both_reported() {
    let p = problems_after(|s| {
        if s.name == TASK_SHEET {
            let r = row_of(s, "T:15");
            s.cells.retain(|(row, _), _| *row != r);
            s.set("L60", CellValue::Text("补充一行".into()));
        }
    });
    assert_eq!(p.len(), 2, "{p:?}");
    assert!(
        p.iter()
            .any(|m| m.contains("第60行") && m.contains("没有隐藏的行标识"))
    );
    assert!(
        p.iter()
            .any(|m| m.contains("缺少“任务15：") && m.contains("T:15"))
    );
}

#[test]
fn a_template_of_another_unit_or_quarter_is_refused() {
    let other = Box::leak(Box::new(
        yangquan_inputs().scope(&"市科技局".into(), q("2023Q4")),
    ));
    let (bytes, _) = filled();
    let e = read(&bytes, other).expect_err("wrong quarter");
    assert!(
        e.to_string()
            .contains("该模板是2023年第三季度的，不能作为2023年第四季度的报告提交"),
        "{e}"
    );
    let fin = Box::leak(Box::new(
        yangquan_inputs().scope(&"市财政局".into(), q("2023Q3")),
    ));
    let e = read(&bytes, fin).expect_err("wrong unit");
    assert!(e.to_string().contains("该模板属于“市科技局”"), "{e}");
}

#[test]
fn the_status_rules_ask_for_what_is_missing() {
    let p = problems_after(|s| {
        if s.name == TASK_SHEET {
            let r = row_of(s, "T:13");
            s.cells
                .insert((r, tcol::STATUS), CellValue::Text("滞后序时".into()));
            let r = row_of(s, "T:15");
            s.cells
                .insert((r, tcol::STATUS), CellValue::Text("已完成".into()));
            let r = row_of(s, "T:17");
            s.cells
                .insert((r, tcol::STATUS), CellValue::Text("其他".into()));
            let r = row_of(s, "C:20");
            s.cells
                .insert((r, tcol::STATUS), CellValue::Text("序时推进".into()));
        }
    });
    let joined = p.join("\n");
    assert!(
        joined.contains("状态为滞后序时，请填写存在问题"),
        "{joined}"
    );
    assert!(
        joined.contains("状态为滞后序时，请填写下一步措施"),
        "{joined}"
    );
    assert!(
        joined.contains("状态为已完成，本年度完成比例应为 100，填写的是 70"),
        "{joined}"
    );
    assert!(
        joined.contains("状态为其他，请在备注中说明具体情况"),
        "{joined}"
    );
    assert!(
        joined.contains("本单位是共同牵头单位，不填写状态"),
        "{joined}"
    );
    assert_eq!(p.len(), 5, "{joined}");
}

#[test]
fn a_completed_milestone_needs_its_date_and_a_date_after_the_quarter_is_refused() {
    let inputs = yangquan_inputs();
    let scope = Box::leak(Box::new(inputs.scope(&"市大数据局".into(), q("2022Q4"))));
    let bytes = copy_with(&template_for(scope, None), fill_completely).expect("fill");
    let broken = copy_with(&bytes, |s| {
        if s.name == TASK_SHEET {
            let r = row_of(s, "I:2022-T10-P01");
            s.cells
                .insert((r, tcol::STATUS), CellValue::Text("已完成".into()));
            s.cells.insert((r, tcol::SHARE), CellValue::Number(100.0));
            let r = row_of(s, "I:2022-T09-M01");
            s.cells
                .insert((r, tcol::STATUS), CellValue::Text("已完成".into()));
            s.cells.insert((r, tcol::SHARE), CellValue::Number(100.0));
            s.cells.insert(
                (r, tcol::REACHED),
                CellValue::Date(NaiveDate::from_ymd_opt(2023, 1, 5).expect("d")),
            );
        }
    })
    .expect("copy");
    let e = read(&broken, scope).expect_err("invalid");
    let msgs: Vec<String> = e.issues().iter().map(|i| i.to_string()).collect();
    assert_eq!(msgs.len(), 2, "{msgs:#?}");
    assert!(
        msgs.iter()
            .any(|m| m.contains("项目已完成，请填写实际完成日期"))
    );
    assert!(
        msgs.iter()
            .any(|m| m.contains("节点完成日期 2023-01-05 晚于本季度末 2022-12-31"))
    );
    let fixed = copy_with(&broken, |s| {
        if s.name == TASK_SHEET {
            let r = row_of(s, "I:2022-T10-P01");
            s.cells
                .insert((r, tcol::REACHED), CellValue::Text("2022年11月30日".into()));
            let r = row_of(s, "I:2022-T09-M01");
            s.cells.insert(
                (r, tcol::REACHED),
                CellValue::Date(NaiveDate::from_ymd_opt(2022, 12, 20).expect("d")),
            );
        }
    })
    .expect("copy");
    let c = read(&fixed, scope).expect("valid");
    let p = c
        .task(&RowKey::Item {
            id: "2022-T10-P01".into(),
        })
        .expect("item");
    assert_eq!(p.reached_on, NaiveDate::from_ymd_opt(2022, 11, 30));
}

#[test]
fn an_evidence_file_of_a_forbidden_type_is_refused() {
    let p = problems_after(|s| {
        if s.name == TASK_SHEET {
            let r = row_of(s, "T:13");
            s.cells.insert(
                (r, tcol::EVIDENCE),
                CellValue::Text("报告.pdf；setup.exe".into()),
            );
        }
    });
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(p[0].contains("佐证材料“setup.exe”的类型不允许"), "{}", p[0]);
}

#[test]
fn a_value_rule_is_checked_against_the_history_on_record() {
    let (bytes, scope) = filled();
    let history = BTreeMap::from([("hightech-enterprises".to_string(), vec![(q("2023Q2"), 4.0)])]);
    let settings = ReportingSettings::default();
    let e = read_quarterly(
        &bytes,
        &ReadContext {
            scope,
            history: &history,
            settings: &settings,
            require_complete: true,
        },
    )
    .expect_err("big change without note");
    assert_eq!(e.issues().len(), 1);
    assert!(
        e.issues()[0].message.contains("请在“说明”栏写明原因"),
        "{e}"
    );
}

#[test]
fn a_draft_may_leave_cells_blank_but_a_submission_may_not() {
    let scope = scope_kjj();
    let blank = template_for(scope, None);
    let settings = ReportingSettings::default();
    let history = BTreeMap::new();
    let mut ctx = ReadContext {
        scope,
        history: &history,
        settings: &settings,
        require_complete: false,
    };
    let draft = read_quarterly(&blank, &ctx).expect("a blank draft is fine");
    assert!(draft.tasks.iter().all(|t| t.progress.is_empty()));
    ctx.require_complete = true;
    let e = read_quarterly(&blank, &ctx).expect_err("incomplete");
    assert!(e.issues().len() > scope.rows.len());
}

#[test]
fn files_that_are_not_workbooks_are_refused_before_parsing() {
    let scope = scope_kjj();
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (Vec::new(), "文件为空"),
        (b"%PDF-1.7 ...".to_vec(), "这是 PDF 文件"),
        ("指标,期间,数值\n".as_bytes().to_vec(), "这是文本文件"),
        (
            vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1],
            "另存为” .xlsx",
        ),
        (b"PK\x03\x04garbage".to_vec(), "zip 结构错误"),
    ];
    for (bytes, want) in cases {
        let e = read(&bytes, scope).expect_err(want);
        assert!(e.to_string().contains(want), "{want}: {e}");
    }
}

#[test]
fn a_zip_that_is_not_a_workbook_is_refused() {
    let mut buf = Vec::new();
    {
        let mut z = zip::ZipWriter::new(std::io::Cursor::new(&mut buf));
        z.start_file(
            "word/document.xml",
            zip::write::SimpleFileOptions::default(),
        )
        .expect("entry");
        std::io::Write::write_all(&mut z, b"<w:document/>").expect("write");
        z.finish().expect("finish");
    }
    let e = read(&buf, scope_kjj()).expect_err("docx-like");
    assert!(e.to_string().contains("不含 Excel 工作簿"), "{e}");
}

#[test]
fn a_huge_file_is_refused_by_size() {
    let scope = scope_kjj();
    let bytes = template_for(scope, None);
    let settings = ReportingSettings {
        max_workbook_bytes: 1000,
        ..Default::default()
    };
    let history = BTreeMap::new();
    let e = read_quarterly(
        &bytes,
        &ReadContext {
            scope,
            history: &history,
            settings: &settings,
            require_complete: true,
        },
    )
    .expect_err("too big");
    assert!(matches!(e, ImportError::TooLarge { max: 1000, .. }), "{e}");
    let settings = ReportingSettings {
        max_unpacked_bytes: 5000,
        ..Default::default()
    };
    let e = read_quarterly(
        &bytes,
        &ReadContext {
            scope,
            history: &history,
            settings: &settings,
            require_complete: true,
        },
    )
    .expect_err("unpacks too big");
    assert!(matches!(e, ImportError::TooLargeUnpacked { .. }), "{e}");
}

#[test]
fn a_workbook_not_made_by_planwatch_is_refused() {
    let p = problems_after(|s| {
        if s.name == "_planwatch" {
            s.keep = false;
        }
    });
    assert_eq!(p.len(), 1);
    assert!(p[0].contains("不是本系统生成的模板"), "{}", p[0]);
}

#[test]
fn a_lead_sees_what_participants_reported() {
    let scope = scope_kjj();
    let (forces, prev, _) = empty_maps();
    let contrib = BTreeMap::from([(
        13u32,
        vec![Contribution {
            unit: "矿区人民政府".into(),
            role: TaskRole::Participant,
            progress: "完成园区道路改造".into(),
            problems: String::new(),
            next_steps: String::new(),
        }],
    )]);
    let bytes = write_quarterly(&QuarterlyTemplate {
        scope,
        plan_title: "t",
        plan_code: None,
        deadline: NaiveDate::from_ymd_opt(2023, 10, 10).expect("date"),
        task_forces: forces,
        previous: None,
        previous_values: prev,
        contributions: &contrib,
        prefill: None,
    })
    .expect("template");
    let mut seen = String::new();
    copy_with(&bytes, |s| {
        if s.name == TASK_SHEET {
            let r = row_of(s, "T:13");
            if let Some(CellValue::Text(t)) = s.cells.get(&(r, tcol::CONTRIB)) {
                seen = t.clone();
            }
        }
    })
    .expect("copy");
    assert_eq!(seen, "【矿区人民政府（参加）】完成园区道路改造");
}

mod never_panics {
    use super::*;
    use proptest::prelude::*;

    fn cell_value() -> impl Strategy<Value = CellValue> {
        prop_oneof![
            ".{0,12}".prop_map(CellValue::Text),
            any::<f64>().prop_map(CellValue::Number),
            (1900i32..2200, 1u32..13, 1u32..29).prop_map(|(y, m, d)| CellValue::Date(
                NaiveDate::from_ymd_opt(y, m, d).expect("valid")
            )),
            "[A-Z]{1,3}[0-9]{1,3}\\+1".prop_map(CellValue::Formula),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

        #[test]
        fn reading_a_workbook_with_arbitrary_cells_never_panics(
            edits in proptest::collection::vec((0u32..40, 0u16..25, cell_value(), any::<bool>()), 1..12)
        ) {
            let (bytes, scope) = filled();
            let changed = copy_with(&bytes, |s| {
                for (r, c, v, on_tasks) in &edits {
                    let target = if *on_tasks { TASK_SHEET } else { INDICATOR_SHEET };
                    if s.name == target {
                        s.cells.insert((*r, *c), v.clone());
                    }
                }
            })
            .expect("copy");
            let _ = read(&changed, scope);
        }

        #[test]
        fn arbitrary_bytes_are_refused_without_panicking(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            let mut b = bytes;
            if b.len() > 4 && b[0] % 2 == 0 {
                b[..4].copy_from_slice(b"PK\x03\x04");
            }
            prop_assert!(read(&b, scope_kjj()).is_err());
        }
    }
}
