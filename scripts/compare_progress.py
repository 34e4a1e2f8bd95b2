#!/usr/bin/env python3
"""Compare `planwatch progress` output with expected progress vectors.

Usage: scripts/compare_progress.py EXPECTED.csv ACTUAL.csv

EXPECTED has the vectors' columns (case, ..., progress_value, status, score); ACTUAL is the
output of `planwatch progress` (case, progress_value, status, score). Rows are matched by case.
Numbers must agree to a relative tolerance of 1e-9 (empty = not computable), statuses exactly.
Exit status 0 when every expected row matches, 1 otherwise.
"""
import csv
import math
import sys

REL_TOL = 1e-9


def num(cell):
    cell = (cell or "").strip()
    return None if cell == "" else float(cell)


def same(a, b):
    if a is None or b is None:
        return a is None and b is None
    return a == b or math.isclose(a, b, rel_tol=REL_TOL, abs_tol=0.0)


def main(argv):
    if len(argv) != 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    with open(argv[1], newline="", encoding="utf-8") as f:
        expected = list(csv.DictReader(f))
    with open(argv[2], newline="", encoding="utf-8") as f:
        actual = {row["case"]: row for row in csv.DictReader(f)}
    bad = []
    for row in expected:
        case = row["case"]
        got = actual.get(case)
        if got is None:
            bad.append(f"{case}: missing from the output")
            continue
        problems = []
        if not same(num(row["progress_value"]), num(got["progress_value"])):
            problems.append(f"progress_value {got['progress_value']!r} != {row['progress_value']!r}")
        if row["status"] != got["status"]:
            problems.append(f"status {got['status']!r} != {row['status']!r}")
        if not same(num(row["score"]), num(got["score"])):
            problems.append(f"score {got['score']!r} != {row['score']!r}")
        if problems:
            bad.append(f"{case}: " + "; ".join(problems))
    extra = set(actual) - {row["case"] for row in expected}
    for line in bad:
        print("MISMATCH " + line)
    print(
        f"{len(expected) - len(bad)}/{len(expected)} rows match "
        f"(progress_value and score to relative {REL_TOL:g}, status exactly)"
        + (f"; {len(extra)} extra rows in the output" if extra else "")
    )
    return 0 if not bad and not extra else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
