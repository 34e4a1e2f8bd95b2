#!/usr/bin/env python3
"""Synthetic province for scripts/bench-scale.sh: N plan files in the interchange JSON (the shape of
fixtures/plans/yangquan-2022-2024.gold.json), each a 2022–2024 plan (12 quarters) of one of the
province's cities with 50 responsible units drawn from a shared pool (provincial departments
and the city's own departments), so that units report to several plans.

    make-plans.py N OUTDIR [SEED]

Every plan is the Yangquan plan's structure (22 tasks, its targets and milestones) under a new
title, with its 41 units replaced by pool units and 9 more pool units added as participating
units; plan codes are p001 … pNNN (the file names). Deterministic for a seed.
"""
import json
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
GOLD = os.path.join(HERE, "..", "..", "fixtures", "plans", "yangquan-2022-2024.gold.json")

CITIES = ["太原", "大同", "朔州", "忻州", "阳泉", "吕梁", "晋中", "长治", "晋城", "临汾", "运城"]
PROVINCE = [
    "省发展改革委", "省科技厅", "省工信厅", "省教育厅", "省财政厅", "省人社厅", "省自然资源厅",
    "省生态环境厅", "省住建厅", "省交通运输厅", "省水利厅", "省农业农村厅", "省商务厅", "省文旅厅",
    "省卫健委", "省应急厅", "省审计厅", "省国资委", "省市场监管局", "省统计局", "省能源局",
    "省地方金融监管局", "省大数据局", "省知识产权局", "省税务局", "省科协", "省总工会", "省团委",
    "省妇联", "省社科院",
]
CITY_DEPTS = [
    "发展改革委", "科技局", "工信局", "教育局", "财政局", "人社局", "自然资源局", "生态环境局",
    "住建局", "交通运输局", "水务局", "农业农村局", "商务局", "文旅局", "卫健委", "应急局",
    "国资委", "市场监管局", "统计局", "能源局", "行政审批局", "大数据中心", "医保局", "民政局",
    "公安局", "司法局", "体育局", "科协", "高新区管委会", "经开区管委会",
]
THEMES = [
    "国家创新型城市建设", "数字经济发展", "制造业振兴升级", "科技创新能力提升", "营商环境优化",
    "新型基础设施建设", "绿色低碳发展", "乡村振兴", "文化旅游融合发展", "人才引育",
    "开发区改革创新", "医疗卫生服务提升", "教育高质量发展", "交通强市建设", "生态环境保护",
    "城市更新", "中小企业专精特新培育", "能源革命综合改革", "现代物流发展", "知识产权强市建设",
    "智慧城市建设", "农产品精深加工", "养老服务体系建设", "安全生产治本攻坚", "水资源节约利用",
    "大数据产业发展", "新能源汽车产业发展", "招商引资提质增效",
]
UNITS_PER_PLAN = 50
FROM_PROVINCE = 22


def replace_strings(value, old, new):
    if isinstance(value, str):
        return value.replace(old, new)
    if isinstance(value, list):
        return [replace_strings(v, old, new) for v in value]
    if isinstance(value, dict):
        return {k: replace_strings(v, old, new) for k, v in value.items()}
    return value


def make_plan(gold, i, rng):
    city = CITIES[i % len(CITIES)]
    theme = THEMES[(i // len(CITIES)) % len(THEMES)]
    # The title is unique: the city, the theme and, past the first round of themes, a number.
    n = i // (len(CITIES) * len(THEMES))
    title = f"{city}市{theme}三年行动计划" + (f"（第{n + 1}批）" if n else "") + "(2022—2024年)"
    pool = rng.sample(PROVINCE, FROM_PROVINCE) + [
        f"{city}市{d}" for d in rng.sample(CITY_DEPTS, UNITS_PER_PLAN - FROM_PROVINCE)
    ]
    rng.shuffle(pool)
    old_units = gold["units"]
    mapping = dict(zip(old_units, pool))
    extra = pool[len(old_units):]
    plan = json.loads(json.dumps(gold))
    for t in plan["tasks"]:
        t["lead_units"] = [mapping[u] for u in t["lead_units"]]
        t["participating_units"] = [mapping[u] for u in t["participating_units"]]
    for k, u in enumerate(extra):
        plan["tasks"][(k * 5 + i) % len(plan["tasks"])]["participating_units"].append(u)
    plan["units"] = sorted(pool)
    plan["title"] = title
    plan.pop("title_raw", None)
    plan["source"] = {"file": f"p{i + 1:03d}.json", "note": "示例数据：scripts/bench-scale/make-plans.py 生成的合成计划"}
    plan.pop("source_anomalies", None)
    plan["goals"] = replace_strings(plan["goals"], "阳泉", city)
    # The guarantee measures name units too (领导小组办公室设在市科技局): the same replacement.
    for old in sorted(mapping, key=len, reverse=True):
        plan["guarantee_measures"] = replace_strings(plan["guarantee_measures"], old, mapping[old])
    plan["guarantee_measures"] = replace_strings(plan["guarantee_measures"], "阳泉", city)
    plan["attachments"] = replace_strings(plan["attachments"], "阳泉", city)
    for t in plan["tasks"]:
        for k in ("title", "body"):
            if k in t:
                t[k] = t[k].replace("阳泉", city)
    return plan


def main():
    count, out = int(sys.argv[1]), sys.argv[2]
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 17
    gold = json.load(open(GOLD, encoding="utf-8"))
    assert len(gold["units"]) <= UNITS_PER_PLAN
    os.makedirs(out, exist_ok=True)
    rng = random.Random(seed)
    units = set()
    for i in range(count):
        plan = make_plan(gold, i, rng)
        units.update(plan["units"])
        with open(os.path.join(out, f"p{i + 1:03d}.json"), "w", encoding="utf-8") as f:
            json.dump(plan, f, ensure_ascii=False)
    print(f"{count} plans, {len(units)} distinct units in the pool")


if __name__ == "__main__":
    main()
