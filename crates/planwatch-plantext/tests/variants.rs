//! One small test per variant of the genre (numbering styles, unit lines and inline units,
//! task tables, half-width punctuation, numbers, comparators, years), each from a hand-made
//! snippet, compared with a compact rendering of the plan (see `common::render`).

mod common;

use common::check;

// Numbering styles.

#[test]
fn chinese_comma_parts_with_arabic_dot_tasks() {
    check(
        "二、重点任务\n1.建设创新平台。到2024年，新增省级重点实验室10家。\n牵头单位：市科技局\n配合单位：市财政局\n2.培育创新主体。\n牵头单位：市工信局\n",
        r"
        task 1 1. 建设创新平台 §二
          lead 市科技局
          part 市财政局
          target 10 家 2024 equal
        task 2 2. 培育创新主体 §二
          lead 市工信局
        ",
    );
}

#[test]
fn chinese_paren_tasks_beside_chinese_paren_guarantee_measures() {
    check(
        "XX市科技创新实施方案\n一、主要任务\n（一）建设创新平台。2023年建成孵化器3个。\n责任单位：市科技局\n（二）培育企业。\n责任单位：市工信局\n二、保障措施\n（一）加强组织领导。成立科技创新专班、产业发展专班。\n（二）强化资金保障。\n附件：1. 重点任务清单\n2. 重点项目表\n",
        r"
        title XX市科技创新实施方案
        task 1 （一） 建设创新平台 §一
          lead 市科技局
          target 3 个 2023 equal
        task 2 （二） 培育企业 §一
          lead 市工信局
        measure （一） 加强组织领导
        measure （二） 强化资金保障
        task forces 科技创新专班|产业发展专班
        attachment 1 重点任务清单
        attachment 2 重点项目表
        ",
    );
}

#[test]
fn full_and_half_width_arabic_paren_tasks_under_arabic_dot_sections() {
    check(
        "二、主要任务\n1. 增强竞争力，培育新动能\n(1) 打造产业基地。到2024年，产值达到200亿元以上。\n牵头单位：市工信局\n（2）加快能源发展。\n牵头单位：市能源局、市发展改革委\n2.实施示范\n（3）打造智车之城。\n牵头单位：市大数据局\n",
        r"
        task 1 (1) 打造产业基地 §1
          lead 市工信局
          target 200 亿元 2024 at_least
        task 2 （2） 加快能源发展 §1
          lead 市能源局|市发展改革委
        task 3 （3） 打造智车之城 §2
          lead 市大数据局
        ",
    );
}

#[test]
fn articles_numbered_di_yi_tiao() {
    // No period is stated (no title): a target without a year stays undated rather than taking
    // a year inferred from the other targets (decision 0053).
    check(
        "第一条 加快建设科技创新平台。到2023年底建成5个孵化器。（牵头单位：区科技局；配合单位：区财政局）\n第二条 推进成果转化。技术合同成交额达到12.5亿元。（责任单位：区科技局）\n",
        r"
        task 1 第一条 加快建设科技创新平台
          lead 区科技局
          part 区财政局
          target 5 个 2023 equal
        task 2 第二条 推进成果转化
          lead 区科技局
          target 12.5 亿元 - at_least
        ",
    );
}

// Units: lines, inline annotations, lists.

#[test]
fn participating_cooperating_and_assisting_unit_lines() {
    check(
        "（1）建设平台。\n牵头单位：市科技局\n参加单位：市财政局\n配合单位：市工信局、市商务局\n协办单位：市税务局\n",
        r"
        task 1 （1） 建设平台
          lead 市科技局
          part 市财政局|市工信局|市商务局|市税务局
        ",
    );
}

#[test]
fn labelled_units_inline_in_brackets() {
    check(
        "1.加快建设。（牵头单位：市科技局；配合单位：市财政局、市工信局）\n",
        r"
        task 1 1. 加快建设
          lead 市科技局
          part 市财政局|市工信局
        ",
    );
}

#[test]
fn lead_and_cooperate_words_inline_in_brackets() {
    check(
        "1.推进成果转化（市科技局牵头，市财政局、市市场监管局配合）\n加快推动科技成果转化为现实生产力。\n",
        r"
        task 1 1. 推进成果转化
          lead 市科技局
          part 市财政局|市市场监管局
        ",
    );
}

#[test]
fn square_brackets_with_huitong() {
    check(
        "1.引育高层次人才。[市人社局牵头,会同市科技局、市教育局负责]\n",
        r"
        task 1 1. 引育高层次人才
          lead 市人社局
          part 市科技局|市教育局
        ",
    );
}

#[test]
fn a_single_responsible_line_makes_its_first_unit_lead() {
    check(
        "（1）优化营商环境。\n责任单位：市行政审批局、市市场监管局、各县（区）人民政府\n",
        r"
        task 1 （1） 优化营商环境
          lead 市行政审批局
          part 市市场监管局|各县（区）人民政府
        ",
    );
}

#[test]
fn fenbie_qiantou_makes_every_named_unit_lead() {
    check(
        "（1）实施倍增计划。\n责任单位：市科技局、市税务局分别牵头，各县（市、区）人民政府配合\n（2）推进改革。\n责任单位：市发展改革委、市财政局按职责分工负责\n",
        r"
        task 1 （1） 实施倍增计划
          lead 市科技局|市税务局
          part 各县（市、区）人民政府
        task 2 （2） 推进改革
          lead 市发展改革委|市财政局
        ",
    );
}

#[test]
fn a_leader_line_names_a_person_not_a_unit() {
    check(
        "（1）培育市场主体。\n牵头负责领导：李四\n责任单位：市市场监管局\n",
        r"
        task 1 （1） 培育市场主体
          lead 市市场监管局
        ",
    );
}

#[test]
fn unit_lists_split_on_dun_and_comma_but_keep_fixed_phrases_and_drop_deng() {
    check(
        "（1）建设平台。\n牵头单位：市科技局\n参加单位：市财政局，市工信局、各县（市、区）人民政府、市商务局等\n",
        r"
        task 1 （1） 建设平台
          lead 市科技局
          part 市财政局|市工信局|各县（市、区）人民政府|市商务局
        ",
    );
}

#[test]
fn units_separated_by_spaces_on_a_unit_line() {
    check(
        "（1）建设平台。\n牵头单位：市科技局\n参加单位：市财政局 市工信局\n",
        r"
        task 1 （1） 建设平台
          lead 市科技局
          part 市财政局|市工信局
        ",
    );
}

#[test]
fn unit_labels_after_the_task_text_on_the_same_line() {
    check(
        "（二）推进技术改造。2023年底前完成10条生产线智能化改造。牵头单位：县工信局；协办单位：县财政局、县科技局。\n",
        r"
        task 1 （二） 推进技术改造
          lead 县工信局
          part 县财政局|县科技局
          target 10 条 2023 equal
        ",
    );
}

// Task breakdown tables.

#[test]
fn a_task_breakdown_table_with_one_target_column_per_year() {
    check(
        "序号\t重点任务\t牵头部门\t配合部门\t2023年\t2024年\t2025年\n1\t建设重点实验室\t市科技局\t市财政局、市工信局\t新增2家\t新增3家\t累计达到20家\n2\t建设新型研发机构\t\t市发改委\t认定5家\t认定8家\t建成研发机构15家\n",
        r"
        task 1 1 建设重点实验室
          lead 市科技局
          part 市财政局|市工信局
          target 2 家 2023 equal
          target 3 家 2024 equal
          target 20 家 2025 at_least
        task 2 2 建设新型研发机构
          lead 市科技局
          part 市发改委
          target 5 家 2023 equal
          target 8 家 2024 equal
          target 15 家 2025 equal
        ",
    );
}

// Half-width punctuation.

#[test]
fn half_width_punctuation_reads_like_full_width() {
    check(
        "二、主要任务\n(1)加快数字基础设施建设.2022年新建5G基站1000个,2023-2024年每年新建不少于800个.\n牵头单位:市工信局\n配合单位:市通信管理办公室,各县(市、区)人民政府\n",
        r"
        task 1 (1) 加快数字基础设施建设 §二
          lead 市工信局
          part 市通信管理办公室|各县(市、区)人民政府
          target 1000 个 2022 equal
          target 800 个 annual at_least
        ",
    );
}

// Numbers and comparators.

#[test]
fn wan_is_multiplied_out_and_yi_yuan_is_kept_as_unit() {
    check(
        "（1）建设数据中心。2022年服务器规模达到24.5万台，年产值达8亿元，培训10万人次。\n牵头单位：市大数据局\n",
        r"
        task 1 （1） 建设数据中心
          lead 市大数据局
          target 245000 台 2022 at_least
          target 8 亿元 2022 at_least
          target 100000 人次 2022 equal
        ",
    );
}

#[test]
fn chinese_numerals_two_and_thirty() {
    check(
        "（1）建设实验室。到2025年，新增省级重点实验室两家，市级重点实验室不少于三十家。\n牵头单位：市科技局\n",
        r"
        task 1 （1） 建设实验室
          lead 市科技局
          target 2 家 2025 equal
          target 30 家 2025 at_least
        ",
    );
}

#[test]
fn ranges_give_a_lower_and_an_upper_bound() {
    check(
        "XX市能源行动计划（2022—2024年）\n（1）建设智能矿井。建成3-5座智能化矿井，培育10至15家示范企业。\n牵头单位：市能源局\n",
        r"
        title XX市能源行动计划（2022—2024年）
        task 1 （1） 建设智能矿井
          lead 市能源局
          target 3-5 座 2024 at_least
          target 10-15 家 2024 at_least
        ",
    );
}

#[test]
fn comparators_reach_bound_about_and_doubling() {
    check(
        "（1）壮大产业。到2024年，新材料产值达到200亿元以上，企业不少于80家，占比不低于10%，数据中心PUE达到1.3以下，比重达到15%左右，营业收入翻一番，研发经费增长速度20%。\n牵头单位：市工信局\n",
        r"
        task 1 （1） 壮大产业
          lead 市工信局
          target 200 亿元 2024 at_least
          target 80 家 2024 at_least
          target 10 % 2024 at_least
          target 1.3 - 2024 at_most
          target 15 % 2024 about
          target - - 2024 double
          target 20 % 2024 equal
        ",
    );
}

#[test]
fn scale_classes_and_zero_breakthroughs() {
    check(
        "XX市产业发展行动计划（2022—2024年）\n（1）打造集群。打造百亿级数字经济产业集群、500亿级现代服务业集群，力争实现省级领军企业零突破。\n牵头单位：市商务局\n",
        r"
        title XX市产业发展行动计划（2022—2024年）
        task 1 （1） 打造集群
          lead 市商务局
          target 100 亿元 2024 at_least
          target 500 亿元 2024 at_least
          target 1 家 2024 at_least
        ",
    );
}

#[test]
fn a_yearly_commitment_has_no_single_year() {
    check(
        "（1）促进转化。每年组织一次科技成果对接活动。\n牵头单位：市科技局\n",
        r"
        task 1 （1） 促进转化
          lead 市科技局
          target 1 次 annual equal
        ",
    );
}

// Years.

#[test]
fn years_are_inherited_within_a_sentence_and_from_the_paragraph() {
    check(
        "（1）建设基站。2022年全市5G基站累计建成2000个，2024年累计建成3600个。到2024年，市场主体达到400家。场景不少于100个。\n牵头单位：市大数据局\n",
        r"
        task 1 （1） 建设基站
          lead 市大数据局
          target 2000 个 2022 equal
          target 3600 个 2024 equal
          target 400 家 2024 at_least
          target 100 个 2024 at_least
        ",
    );
}

#[test]
fn a_year_range_dates_a_milestone_from_its_first_to_its_last_year() {
    check(
        "（1）建设公路。2022年完成112公里，2023—2024年根据全省规划有序推进。\n牵头单位：市交通运输局\n",
        r"
        task 1 （1） 建设公路
          lead 市交通运输局
          target 112 公里 2022 equal
          milestone 2023-2024 根据全省规划有序推进
        ",
    );
}

#[test]
fn undated_effort_clauses_are_not_milestones() {
    check(
        "（1）建设中心。2022年百度云计算中心全部投运，重点推进云峰智能算力中心建设，构建超级算力平台。坚决完成目标任务。\n牵头单位：市大数据局\n",
        r"
        task 1 （1） 建设中心
          lead 市大数据局
          milestone 2022 百度云计算中心全部投运
        ",
    );
}

// Goals.

#[test]
fn goals_under_a_main_goals_sub_heading() {
    check(
        "一、总体要求\n（一）指导思想\n坚持新发展理念，到2030年建成强市。\n（二）主要目标\n到2025年，全市高新技术企业达到500家以上，研发投入强度达到2.5%。\n二、重点任务\n（一）培育企业。\n牵头单位：市科技局\n",
        r"
        goal 500 家 2025 at_least
        goal 2.5 % 2025 at_least
        task 1 （一） 培育企业 §二
          lead 市科技局
        ",
    );
}

// Diagnostics.

#[test]
fn a_task_without_a_lead_unit_blocks_import() {
    check(
        "（1）建设平台。\n牵头单位：市科技局\n（2）培育企业。到2024年达到50家。\n",
        r"
        task 1 （1） 建设平台
          lead 市科技局
        task 2 （2） 培育企业
          target 50 家 2024 at_least
        error 3:1 task-without-lead
        ",
    );
}

#[test]
fn conflicting_targets_for_one_indicator_are_a_warning() {
    check(
        "一、主要目标\n到2024年，建设市级创新平台30家。\n二、主要任务\n（1）加强平台建设。到2024年，建设市级创新平台25家。\n牵头单位：市科技局\n",
        r"
        goal 30 家 2024 equal
        task 1 （1） 加强平台建设 §二
          lead 市科技局
          target 25 家 2024 equal
        warning 4:18 indicator-conflict
        ",
    );
}

#[test]
fn a_number_that_cannot_be_read_is_reported() {
    check(
        "（1）提升信用水平。信用评价覆盖率达到1OO%。\n牵头单位：市发改委\n",
        r"
        task 1 （1） 提升信用水平
          lead 市发改委
        warning 1:20 unreadable-number
        ",
    );
}

#[test]
fn a_county_name_one_character_off_is_reported() {
    check(
        "（1）发展能源。推进孟县抽水蓄能项目，盂县、平定县按要求完成建设。\n牵头单位：市能源局\n参加单位：盂县人民政府、平定县人民政府\n",
        r"
        task 1 （1） 发展能源
          lead 市能源局
          part 盂县人民政府|平定县人民政府
        warning 1:11 unit-name-typo
        ",
    );
}

#[test]
fn a_page_break_inside_a_word_is_repaired() {
    check(
        "（1）建设平台。到2024年，培养各类本地实用型专\n\n业人才不少于 1000 人。\n\n牵头单位：市科技局\n",
        r"
        task 1 （1） 建设平台
          lead 市科技局
          target 1000 人 2024 at_least
        ",
    );
}

// Whole documents.

#[test]
fn a_plan_inside_its_notice_with_section_leads_and_incentives() {
    check(
        "某市人民政府办公室关于印发某市制造业实施方案的通知\n各县（市、区）人民政府，市人民政府各部门：\n现印发给你们，请认真贯彻落实。\n2023年3月1日\n某市推动制造业高质量发展实施方案\n一、总体要求\n(一)发展目标。到2025年，制造业增加值占比达到30%左右。培育形成2个千亿级产业集群和5个五百亿级产业集群，力争培育8—10个百亿企业。\n二、主要任务\n(一)做强产业集群(市工信局牵头)\n1.壮大汽车产业。到2025年，汽车产量达到30万辆。(责任单位:市工信局、市发展改革委)\n2.支持技术改造。对年度技改投资超过1000万元的项目，给予最高200万元奖励。每年实施技改项目100个以上。(责任单位:市工信局、市财政局)\n",
        r"
        title 某市推动制造业高质量发展实施方案
        goal 30 % 2025 about
        goal 2 个 2025 equal
        goal 5 个 2025 equal
        goal 8-10 个 2025 at_least
        task 1 1. 壮大汽车产业 §一
          lead 市工信局
          part 市发展改革委
          target 300000 辆 2025 at_least
        task 2 2. 支持技术改造 §一
          lead 市工信局
          part 市财政局
          target 100 个 annual at_least
        ",
    );
}

#[test]
fn a_task_list_given_only_as_an_attachment() {
    check(
        "某市科技创新实施方案（2023—2025年）\n一、主要任务\n加快建设创新平台，培育创新主体。\n附件：重点任务分工\n附件\n重点任务分工\n1.建设创新平台。到2025年建成10个。\n牵头单位：市科技局\n2.培育创新主体。\n牵头单位：市工信局\n",
        r"
        title 某市科技创新实施方案（2023—2025年）
        task 1 1. 建设创新平台 §一
          lead 市科技局
          target 10 个 2025 equal
        task 2 2. 培育创新主体 §一
          lead 市工信局
        attachment 1 重点任务分工
        ",
    );
}

#[test]
fn unit_labels_with_a_bracketed_note() {
    check(
        "（1）建设平台。\n牵头单位（部门）：市科技局\n配合单位（部门）：市财政局\n",
        r"
        task 1 （1） 建设平台
          lead 市科技局
          part 市财政局
        ",
    );
}

#[test]
fn a_one_line_task_keeps_the_targets_after_its_first_clause_but_not_in_a_plain_title() {
    check(
        "（1）加快建设平台，到2024年建成10个（牵头单位：市科技局）\n（2）打造百亿级新材料产业基地。深入实施战略。\n牵头单位：市工信局\n",
        r"
        task 1 （1） 加快建设平台，到2024年建成10个
          lead 市科技局
          target 10 个 2024 equal
        task 2 （2） 打造百亿级新材料产业基地
          lead 市工信局
        ",
    );
}

#[test]
fn hard_wrapped_work_points_with_page_numbers_and_a_marked_lead() {
    check(
        "某市2023年数字经济工作要点\n\n一、夯实数字基础设施\n1.加快5G网络建设。全年新建5G基站1500个，实现县城以上区域\n5G网络全覆盖。（牵头单位：市工信局；责任单位：市通信发展办、\n各县（区）人民政府）\n\n— 2 —\n\n2.推进算力中心建设。推动数据中心集约化发展，新增标准机架\n2000架，力争算力规模达到500P。（市发展改革委牵头，市工信局\n等按职责分工负责）\n二、壮大数字产业\n3.培育数字经济核心企业。新增规上数字经济核心企业30家以上，\n数字经济核心产业营业收入增长15%。\n责任单位：市工信局（牵头），市商务局、市科技局\n4.建设数字经济园区。2023年底前建成省级数字经济示范园区2个。\n责任单位：市发展改革委、市工信局分别牵头\n                                                               - 3 -\n",
        r"
        title 某市2023年数字经济工作要点
        task 1 1. 加快5G网络建设 §一
          lead 市工信局
          part 市通信发展办|各县（区）人民政府
          target 1500 个 2023 equal
        task 2 2. 推进算力中心建设 §一
          lead 市发展改革委
          part 市工信局
          target 2000 架 2023 equal
          target 500 P 2023 at_least
        task 3 3. 培育数字经济核心企业 §二
          lead 市工信局
          part 市商务局|市科技局
          target 30 家 2023 at_least
          target 15 % 2023 equal
        task 4 4. 建设数字经济园区 §二
          lead 市发展改革委|市工信局
          target 2 个 2023 equal
        ",
    );
}

#[test]
fn a_part_that_names_no_unit_holds_no_tasks() {
    check(
        "二、主要任务\n（一）建设平台。\n牵头单位：市科技局\n三、推进措施\n（一）加强调度。\n（二）强化考核。\n",
        r"
        task 1 （一） 建设平台 §二
          lead 市科技局
        ",
    );
}

#[test]
fn goals_under_general_requirements_tasks_with_separate_lead_and_responsible_lines() {
    check(
        "某市优化营商环境三年行动方案\n（2023—2025年）\n\n为持续优化营商环境，激发市场主体活力，制定本方案。\n\n一、总体要求\n\n到2025年，营商环境便利度明显提升，实现以下目标：\n\n——政务服务更加高效。政务服务事项“一网通办”率达到95%以上，企业开办时间压缩至1个工作日以内。\n\n——市场主体更加活跃。全市市场主体总量突破50万户，年均增长8%左右。\n\n二、重点任务\n\n（一）提升政务服务效能\n\n1.深化“一网通办”改革。2023年底前实现高频事项“掌上办”，2024年实现政务服务事项全程网办率达到90%。\n\n牵头单位：市政务服务中心\n\n责任单位：市直各有关部门，各县（市、区）人民政府\n\n2.优化企业开办服务。推行企业开办“一日办结”，到2025年企业开办全流程压缩至0.5个工作日。\n\n牵头单位：市市场监管局\n\n责任单位：市公安局、市税务局、市人社局\n\n（二）降低企业经营成本\n\n3.降低用能成本。2023年一般工商业电价平均降低5%，新增电力接入工程投资节省不少于2亿元。\n\n牵头单位：市发展改革委\n\n责任单位：国网某市供电公司\n\n三、实施步骤\n\n（一）动员部署阶段（2023年3月底前）。制定工作方案，明确责任分工。\n\n（二）全面推进阶段（2023年4月—2025年6月）。各责任单位按照任务分工抓好落实。\n\n四、保障措施\n\n（一）加强组织领导。成立优化营商环境工作领导小组。\n\n（二）强化督导考核。将营商环境工作纳入年度考核，每季度通报一次。\n",
        r"
        title 某市优化营商环境三年行动方案（2023—2025年）
        goal - - 2025 qualitative
        goal 95 % 2025 at_least
        goal 1 个工作日 2025 at_most
        goal 500000 户 2025 at_least
        goal 8 % 2025 about
        task 1 1. 深化“一网通办”改革 §一
          lead 市政务服务中心
          part 市直各有关部门|各县（市、区）人民政府
          target 90 % 2024 at_least
          milestone 2023 实现高频事项“掌上办”
        task 2 2. 优化企业开办服务 §一
          lead 市市场监管局
          part 市公安局|市税务局|市人社局
          target 0.5 个工作日 2025 at_most
        task 3 3. 降低用能成本 §二
          lead 市发展改革委
          part 国网某市供电公司
          target 5 % 2023 equal
          target 2 亿元 2023 at_least
        measure （一） 加强组织领导
        measure （二） 强化督导考核
        ",
    );
}

#[test]
fn an_indicator_table_in_the_goals_gives_one_goal_per_indicator_and_target_year() {
    check(
        "XX市科技创新规划（2021—2025年）\n一、发展目标\n序号\t指标名称\t单位\t2020年基期值\t2025年目标值\t属性\n1\t研发投入强度\t%\t1.8\t2.5\t预期性\n2\t高新技术企业数量\t家\t150\t≥300\t预期性\n3\t万人发明专利拥有量\t件\t5.2\t10左右\t预期性\n二、重点任务\n（一）建设平台。\n牵头单位：市科技局\n",
        r"
        title XX市科技创新规划（2021—2025年）
        goal 2.5 % 2025 equal
        goal 300 家 2025 at_least
        goal 10 件 2025 about
        task 1 （一） 建设平台 §二
          lead 市科技局
        ",
    );
}

#[test]
fn unit_lines_that_lost_their_colon_are_still_read() {
    check(
        "（1）建设平台。到2024年建成5个。\n牵头单位 市科技局\n参加单位 市财政局、市工信局\n",
        r"
        task 1 （1） 建设平台
          lead 市科技局
          part 市财政局|市工信局
          target 5 个 2024 equal
        ",
    );
}
