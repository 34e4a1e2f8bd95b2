//! .docx files written by python-docx (a real Word writer): a task breakdown table with merged
//! cells, and headings numbered by Word's automatic list numbering.

mod common;

use common::{fixture, render};
use planwatch_plantext::extract_bytes;

fn extract(name: &str) -> String {
    let bytes = std::fs::read(fixture(name)).expect("fixture");
    render(&extract_bytes(&bytes, name).expect("docx is read"))
}

fn lines(expected: &str) -> String {
    expected
        .lines()
        .map(str::trim_end)
        .filter(|l| !l.trim().is_empty())
        .map(|l| format!("{}\n", l.strip_prefix("        ").unwrap_or(l)))
        .collect()
}

#[test]
fn a_task_table_with_merged_cells_becomes_tasks_with_yearly_targets() {
    assert_eq!(
        extract("task-table.docx"),
        lines(
            r"
        title 某市科技创新重点任务分解表（2023—2025年）
        task 1 1 建设省级重点实验室 §1
          lead 市科技局
          part 市财政局|市工信局
          target 2 家 2023 equal
          target 3 家 2024 equal
          target 20 家 2025 at_least
        task 2 2 建设新型研发机构 §1
          lead 市科技局
          part 市发展改革委
          target 5 家 2023 equal
          target 8 家 2024 equal
          target 15 家 2025 at_least
        task 3 3 培育高新技术企业 §2
          lead 市科技局
          part 各县（市、区）人民政府
          target 300 家 2023 at_least
          target 400 家 2024 at_least
          target 500 家 2025 at_least
        task 4 4 培育科技型中小企业 §2
          lead 市科技局
          part 市工信局
          target 200 家 2023 equal
          target 250 家 2024 equal
          target 300 家 2025 equal
          milestone 2025 建成企业服务平台
        task 5 5 引进高层次人才 §3
          lead 市委人才办
          part 市人社局|市教育局
          target 50 人 2023 equal
          target 60 人 2024 equal
          target 1 次 annual equal
        "
        )
    );
}

#[test]
fn automatic_list_numbers_are_read_as_heading_numbers() {
    assert_eq!(
        extract("auto-numbered.docx"),
        lines(
            r"
        title 某区科技创新行动方案（2023—2025年）
        goal 120 家 2025 at_least
        goal 2.8 % 2025 at_least
        task 1 （一） 建设创新平台 §二
          lead 区科技局
          part 区财政局|区工信局
          target 10 个 2025 equal
        task 2 （二） 培育创新主体 §二
          lead 区工信局
          target 100 家 2024 equal
        measure （一） 加强组织领导
        "
        )
    );
}
