//! One test per kind of text seen in real plans of the genre beyond the seed (issue 14): unit
//! lines after numbered items with half-width colons, a leader line before the lead and
//! partner units, a single 责任单位 list, task tables flattened to text (one cell per line,
//! `|` lines, markdown pipes, merged cells, year columns), web-page boilerplate and notices
//! before the title, half-width punctuation. Each snippet is hand-made.

mod common;

use common::check;

#[test]
fn numbered_items_then_separate_unit_lines_with_half_width_colons() {
    check(
        "某区2024年重点工作任务分解\n一、主要指标\n1.全区生产总值增长6%左右。\n牵头单位:区发改委\n责任单位:区统计局、区财政局等\n2.新增市场主体3000户。\n牵头单位:区市场监管局\n二、重点工作\n3.建设智慧社区20个,完善社区服务。\n牵头单位:区民政局\n责任单位:各街道\n",
        r"
        title 某区2024年重点工作任务分解
        task 1 1. 全区生产总值增长6%左右 §一
          lead 区发改委
          part 区统计局|区财政局
          target 6 % 2024 about
        task 2 2. 新增市场主体3000户 §一
          lead 区市场监管局
          target 3000 户 2024 equal
        task 3 3. 建设智慧社区20个,完善社区服务 §二
          lead 区民政局
          part 各街道
          target 20 个 2024 equal
        ",
    );
}

#[test]
fn a_leader_line_names_a_person_then_lead_and_partner_units() {
    check(
        "某市优化营商环境行动方案(2023—2025年)\n一、重点任务\n(一)深化审批制度改革。企业开办时间压缩至1个工作日以内。\n牵头负责领导:王某某\n牵头责任单位:市政务服务局\n协同责任单位:市市场监管局,市税务局\n(二)提升监管效能。\n牵头负责领导:李某某\n牵头责任单位:市司法局、市市场监管局\n协同责任单位:各县(市、区)政府\n",
        r"
        title 某市优化营商环境行动方案(2023—2025年)
        task 1 (一) 深化审批制度改革 §一
          lead 市政务服务局
          part 市市场监管局|市税务局
          target 1 个工作日 2025 at_most
        task 2 (二) 提升监管效能 §一
          lead 市司法局|市市场监管局
          part 各县(市、区)政府
        ",
    );
}

#[test]
fn a_single_responsible_line_makes_the_first_unit_lead_unless_all_lead() {
    check(
        "某县乡村振兴重点任务清单\n注:责任单位排在第一位的为牵头单位。\n一、重点任务\n(一)提升农田质量。\n责任单位:县农业农村局、县水利局、县财政局\n(二)办好乡村教育和医疗。\n责任单位:县教育局、县卫健局分别牵头,各乡镇配合\n(三)改善人居环境。\n责任单位:县住建局、县生态环境分局按职责分工负责\n",
        r"
        title 某县乡村振兴重点任务清单
        task 1 (一) 提升农田质量 §一
          lead 县农业农村局
          part 县水利局|县财政局
        task 2 (二) 办好乡村教育和医疗 §一
          lead 县教育局|县卫健局
          part 各乡镇
        task 3 (三) 改善人居环境 §一
          lead 县住建局|县生态环境分局
        ",
    );
}

#[test]
fn a_group_heading_names_the_lead_of_the_items_below_it() {
    check(
        "一、重点任务\n(一)建设美丽城区(牵头单位:区绿化局)\n1.新建口袋公园5个。[责任单位:区建设局、区绿化局,各街道]\n2.提升道路绿化。[责任单位:区城管局]\n(二)繁荣文化事业(牵头单位:区文旅局)\n3.建设文化站。[责任单位:各街道]\n4.举办文化节。[牵头单位:区文化馆;配合单位:各街道]\n",
        r"
        task 1 1. 新建口袋公园5个 §一
          lead 区绿化局
          part 区建设局|各街道
          target 5 个 - equal
        task 2 2. 提升道路绿化 §一
          lead 区绿化局
          part 区城管局
        task 3 3. 建设文化站 §二
          lead 区文旅局
          part 各街道
        task 4 4. 举办文化节 §二
          lead 区文化馆
          part 各街道
        ",
    );
}

#[test]
fn a_task_table_printed_one_cell_per_line_with_groups_and_merged_unit_cells() {
    check(
        "某区2025年节能工作安排\n附件\n重点工作分工表\n序号\n重点任务\n具体工作\n完成时限\n责任部门\n一\n推进能源转型\n1\n新增光伏装机3000千瓦以上\n年内完成\n区发改委、区建管委、各街道\n2\n开展楼宇节能诊断\n全年推进\n区建管委\n二\n发展绿色交通\n3\n新增充电桩150根\n年内完成\n区交通委\n",
        r"
        title 某区2025年节能工作安排
        task 1 1 新增光伏装机3000千瓦以上 §一
          lead 区发改委
          part 区建管委|各街道
          target 3000 千瓦 2025 at_least
        task 2 2 开展楼宇节能诊断 §一
          lead 区建管委
        task 3 3 新增充电桩150根 §二
          lead 区交通委
          target 150 根 2025 equal
        ",
    );
}

#[test]
fn a_flattened_table_with_broken_headers_year_columns_and_rows_inheriting_units() {
    check(
        "某市交通品质提升三年行动计划(2024-2026年)\n附件:任务清单\n重点任务\n2024年\n2025年\n2026年\n牵头\n部门\n配合\n部门\n实施\n主体\n(1)建设精品道路300条。\n建设精品道路100条。\n建设精品道路100条。\n建设精品道路100条。\n设施处\n各相关部门\n各区\n(2)改造公交站台90个。\n改造30个。\n改造30个。\n改造30个。\n(3)推进慢行交通建设。\n完成规划。\n开工建设。\n建成投用。\n客运处\n交通处\n市道运中心\n各区\n",
        r"
        title 某市交通品质提升三年行动计划(2024-2026年)
        task 1 (1) 建设精品道路300条
          lead 设施处
          part 各相关部门|各区
          target 300 条 2026 equal
          target 100 条 2024 equal
          target 100 条 2025 equal
          target 100 条 2026 equal
        task 2 (2) 改造公交站台90个
          lead 设施处
          part 各相关部门|各区
          target 90 个 2026 equal
          target 30 个 2024 equal
          target 30 个 2025 equal
          target 30 个 2026 equal
        task 3 (3) 推进慢行交通建设
          lead 客运处|交通处
          part 市道运中心|各区
          milestone 2024 完成规划
          milestone 2025 开工建设
          milestone 2026 建成投用
        ",
    );
}

#[test]
fn a_flattened_table_with_bar_lines_between_the_cells_of_a_row() {
    check(
        "某县2023年为民办实事项目分工方案\n序号\n|\n项目内容\n|\n牵头单位\n|\n配合单位\n1\n|\n新建幼儿园2所\n|\n县教育局\n|\n县住建局、县财政局\n2\n|\n改造农村公路50公里\n|\n县交通运输局\n|\n各乡镇\n",
        r"
        title 某县2023年为民办实事项目分工方案
        task 1 1 新建幼儿园2所
          lead 县教育局
          part 县住建局|县财政局
          target 2 所 2023 equal
        task 2 2 改造农村公路50公里
          lead 县交通运输局
          part 各乡镇
          target 50 公里 2023 equal
        ",
    );
}

#[test]
fn a_markdown_table_with_merged_unit_cells_and_target_year_columns() {
    check(
        "某市科技创新行动计划(2011—2015年)\n| 序号 | 工作任务 | 推进单位 | 前三年目标 | 五年目标 |\n| --- | --- | --- | --- | --- |\n| 1 | 培育高新技术企业 | 市科技局、市财政局 | 100家 | 200家 |\n| 2 | 建设孵化器 | | 5个 | 10个 |\n| 3 | 引进创新团队 | 市人社局 | 10个 | 20个 |\n",
        r"
        title 某市科技创新行动计划(2011—2015年)
        task 1 1 培育高新技术企业
          lead 市科技局
          part 市财政局
          target 100 家 2013 equal
          target 200 家 2015 equal
        task 2 2 建设孵化器
          lead 市科技局
          part 市财政局
          target 5 个 2013 equal
          target 10 个 2015 equal
        task 3 3 引进创新团队
          lead 市人社局
          target 10 个 2013 equal
          target 20 个 2015 equal
        ",
    );
}

#[test]
fn web_page_boilerplate_and_the_notice_come_before_the_title() {
    check(
        "当前位置：首页 >> 政务公开 >> 政策文件\n发布时间：2023-05-10  来源：区政府办公室\n浏览次数：1024\n字体：大 中 小  打印\n关于印发某区数字经济发展三年行动计划（2023—2025年）的通知\n各街道办事处,区政府各部门:\n现将《某区数字经济发展三年行动计划（2023—2025年）》印发给你们,请认真贯彻落实。\n某区人民政府办公室\n2023年5月8日\n某区数字经济发展三年行动计划\n（2023—2025年）\n一、主要任务\n(一)建设算力设施。到2025年,建成标准机架1000个。(牵头单位:区大数据局;配合单位:区发改委)\n(二)培育数字企业。(责任单位:区科技局,区商务局)\n",
        r"
        title 某区数字经济发展三年行动计划（2023—2025年）
        task 1 (一) 建设算力设施 §一
          lead 区大数据局
          part 区发改委
          target 1000 个 2025 equal
        task 2 (二) 培育数字企业 §一
          lead 区科技局
          part 区商务局
        ",
    );
}

#[test]
fn half_width_punctuation_throughout() {
    check(
        "某市制造业升级实施方案(2022-2024年)\n二、重点任务\n(一)壮大龙头企业.到2024年,培育营业收入超百亿元企业3家;规上工业增加值年均增长8%以上.(牵头单位:市工信局;配合单位:市发改委,市财政局)\n(二)推进技术改造.实施技改项目100项.(市工信局牵头,市财政局配合)\n",
        r"
        title 某市制造业升级实施方案(2022-2024年)
        task 1 (一) 壮大龙头企业 §二
          lead 市工信局
          part 市发改委|市财政局
          target 3 家 2024 equal
          target 8 % 2024 at_least
        task 2 (二) 推进技术改造 §二
          lead 市工信局
          part 市财政局
          target 100 项 2024 equal
        ",
    );
}
