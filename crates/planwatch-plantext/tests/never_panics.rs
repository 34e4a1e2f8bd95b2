//! Property tests: whatever text or bytes come in, extraction returns (a plan, or an input
//! error for bytes that are not text) and never panics. The public entry points catch a panic
//! as a last resort and report it as an `internal-error` diagnostic, so the properties check
//! that this diagnostic never appears.

mod common;

use planwatch_plantext::{YANGQUAN_PLAN, extract_bytes, extract_text};
use proptest::prelude::*;

fn completes(text: &str) -> Result<(), TestCaseError> {
    let plan = extract_text(text);
    prop_assert!(
        !plan.diagnostics.iter().any(|d| d.code == "internal-error"),
        "extractor panicked on {text:?}"
    );
    Ok(())
}

/// Text made of the characters plans are made of, so that the parser's branches get exercised.
fn plan_alphabet() -> impl Strategy<Value = String> {
    let atoms = prop::sample::select(vec![
        "一、",
        "（一）",
        "(1)",
        "1.",
        "1、",
        "（12）",
        "第一条",
        "①",
        "二",
        "十",
        "两",
        "三十",
        "零突破",
        "牵头单位：",
        "参加单位：",
        "责任单位：",
        "配合单位:",
        "牵头负责领导：",
        "完成时限：",
        "市科技局",
        "各县（市、区）人民政府",
        "、",
        "，",
        "。",
        "；",
        "：",
        ",",
        ".",
        ";",
        "（",
        "）",
        "(",
        ")",
        "“",
        "”",
        "《",
        "》",
        "[",
        "]",
        "到",
        "2024年",
        "2023—2024年",
        "2022 年",
        "年底前",
        "6月",
        "达到",
        "达",
        "以上",
        "以下",
        "左右",
        "不少于",
        "不低于",
        "翻一番",
        "每年",
        "一次",
        "万",
        "亿元",
        "亿级",
        "百",
        "家",
        "个",
        "%",
        "×",
        "-",
        "3-5座",
        "1.3",
        "24.5",
        "1,000",
        "1OO",
        "NO.7",
        "5G",
        "等",
        "牵头",
        "配合",
        "会同",
        "分别牵头",
        "孟县",
        "盂县",
        "专班",
        "附件",
        "\n",
        "\n\n",
        "\t",
        " ",
        "　",
        "|",
        "目标",
        "任务",
        "保障措施",
    ]);
    prop::collection::vec(atoms, 0..120).prop_map(|v| v.concat())
}

fn yangquan_lines() -> Vec<&'static str> {
    YANGQUAN_PLAN.lines().collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn arbitrary_text_never_panics(s in any::<String>()) {
        completes(&s)?;
    }

    #[test]
    fn text_made_of_plan_pieces_never_panics(s in plan_alphabet()) {
        completes(&s)?;
    }

    #[test]
    fn shuffled_plan_fragments_never_panic(
        picks in prop::collection::vec(0usize..1000, 0..60),
        seps in prop::collection::vec(prop::sample::select(vec!["\n", "\n\n", "", "\t", "。"]), 60),
    ) {
        let lines = yangquan_lines();
        let mut text = String::new();
        for (k, p) in picks.iter().enumerate() {
            text.push_str(lines[p % lines.len()]);
            text.push_str(seps[k % seps.len()]);
        }
        completes(&text)?;
    }

    #[test]
    fn any_slice_of_the_plan_never_panics(a in 0usize..30000, len in 0usize..4000) {
        let start = (0..=a.min(YANGQUAN_PLAN.len())).rev().find(|&i| YANGQUAN_PLAN.is_char_boundary(i)).unwrap_or(0);
        let end = (start + len).min(YANGQUAN_PLAN.len());
        let end = (start..=end).rev().find(|&i| YANGQUAN_PLAN.is_char_boundary(i)).unwrap_or(start);
        completes(&YANGQUAN_PLAN[start..end])?;
    }

    #[test]
    fn arbitrary_bytes_are_read_or_refused(bytes in prop::collection::vec(any::<u8>(), 0..3000)) {
        if let Ok(plan) = extract_bytes(&bytes, "x.txt") {
            prop_assert!(!plan.diagnostics.iter().any(|d| d.code == "internal-error"));
        }
    }

    #[test]
    fn damaged_docx_files_are_read_or_refused(cut in 0usize..100_000, flip in 0usize..100_000) {
        let mut bytes = common::docx(&["一、目标", "（1）建设平台。到2024年达到5家。", "牵头单位：市科技局"], &[&["序号", "任务", "牵头单位"], &["1", "建设", "市科技局"]]);
        let n = bytes.len();
        bytes[flip % n] ^= 0x5a;
        bytes.truncate(cut % (n + 1));
        if let Ok(plan) = extract_bytes(&bytes, "x.docx") {
            prop_assert!(!plan.diagnostics.iter().any(|d| d.code == "internal-error"));
        }
    }
}
