#!/usr/bin/env python3
"""Writes an office-style task workbook (任务分解表) for the extraction benchmark: a title row
merged across, a two-row header (责任单位 over 牵头单位 | 配合单位), 20 group rows merged across
and N numbered tasks with two-line participating-unit cells and a target column.

    pip install openpyxl
    python3 scripts/make-task-workbook.py /tmp/tasks-1000.xlsx 1000
"""
import sys

import openpyxl

out = sys.argv[1] if len(sys.argv) > 1 else "tasks-1000.xlsx"
total = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
groups = 20
per_group = max(1, total // groups)
units = ["市科技局", "市发展改革委", "市工信局", "市财政局", "市教育局", "市人社局", "市商务局", "市自然资源局"]

wb = openpyxl.Workbook()
ws = wb.active
ws.title = "任务分解表"
ws.append(["某市科技创新行动计划（2024—2026年）重点任务分解表"])
ws.merge_cells("A1:F1")
ws.append(["序号", "重点任务", "责任单位", None, "完成时限", "2026年目标"])
ws.append([None, None, "牵头单位", "配合单位", None, None])
for r in ["A2:A3", "B2:B3", "C2:D2", "E2:E3", "F2:F3"]:
    ws.merge_cells(r)
n = 0
for g in range(groups):
    ws.append([f"第{g + 1}组任务"])
    ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=6)
    for _ in range(per_group):
        n += 1
        ws.append([
            n,
            f"实施第{n}项重点工程，到2026年建成示范项目{n % 30 + 3}个",
            units[n % 8],
            units[(n + 1) % 8] + "\n" + units[(n + 3) % 8],
            "2026年12月底",
            f"{n % 30 + 3}个",
        ])
wb.save(out)
print(f"{out}: {n} tasks in {groups} groups")
