"""Summarize an Autobahn|Testsuite fuzzingclient report as markdown.

    python3 tools/autobahn/summarize.py REPORT_DIR_OR_INDEX_JSON [--agent NAME]

Reads ``index.json`` (and, for the cases it lists, their own ``*.json`` for the
description), prints per agent a table with, for each case group (1.1, 1.2, 2, 3, 4.1,
4.2, 5, 6.1 ... 6.23, 7.1 ... 7.13, 9.1 ... 9.8, 10: groups 1, 4, 6, 7 and 9 split by their
second number), the number of cases by ``behavior`` and by ``behaviorClose``, then every
failed case with its description and the suite's verdict.

A case has failed when its behavior is FAILED, or its close behavior is FAILED or UNCLEAN
(the HTML report shows both in red). Exit status: 0 if none failed, 1 if any did, 2 if the
report cannot be read. Python 3, standard library only.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

BEHAVIORS = ("OK", "NON-STRICT", "INFORMATIONAL", "UNIMPLEMENTED", "FAILED")
CLOSE_ORDER = ("OK", "INFORMATIONAL", "NON-STRICT", "WRONG CODE", "FAILED BY CLIENT",
               "UNIMPLEMENTED", "UNCLEAN", "FAILED")
FAILED_CLOSE = {"FAILED", "UNCLEAN"}
#: Case groups whose second number makes the group (1.1, 4.2, 6.4, 7.9, 9.3, ...).
SPLIT = {1, 4, 6, 7, 9, 12, 13}


def case_key(case_id: str) -> tuple[int, ...]:
    return tuple(int(part) for part in case_id.split("."))


def group_of(case_id: str) -> str:
    parts = case_id.split(".")
    return ".".join(parts[:2]) if int(parts[0]) in SPLIT else parts[0]


def describe(report_dir: Path, entry: dict) -> dict:
    """The case's own report (description, result, resultClose), or {} if missing."""
    name = entry.get("reportfile")
    if not name:
        return {}
    try:
        return json.loads((report_dir / name).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def plain(html: str) -> str:
    """The description's text before its first HTML tag, whitespace coalesced (as the
    suite's own index does)."""
    return " ".join(re.split(r"<", html or "", maxsplit=1)[0].split())


def summarize(agent: str, cases: dict, report_dir: Path, out) -> int:
    groups: dict[str, list[str]] = defaultdict(list)
    for case_id in sorted(cases, key=case_key):
        groups[group_of(case_id)].append(case_id)
    closes = Counter(entry.get("behaviorClose") for entry in cases.values())
    close_cols = [c for c in CLOSE_ORDER if closes[c]] + sorted(
        c for c in closes if c not in CLOSE_ORDER and c is not None)
    others = sorted({e.get("behavior") for e in cases.values()} - set(BEHAVIORS) - {None})
    cols = list(BEHAVIORS) + others
    print(f"### {agent}: {len(cases)} cases\n", file=out)
    header = ["group", "cases"] + cols + [f"close {c}" for c in close_cols]
    print("| " + " | ".join(header) + " |", file=out)
    print("|" + "|".join("---" if i == 0 else "---:" for i in range(len(header))) + "|",
          file=out)
    total_b: Counter = Counter()
    total_c: Counter = Counter()
    for group in sorted(groups, key=case_key):
        ids = groups[group]
        b = Counter(cases[i].get("behavior") for i in ids)
        c = Counter(cases[i].get("behaviorClose") for i in ids)
        total_b += b
        total_c += c
        row = [group, str(len(ids))] + [str(b[k]) if b[k] else "" for k in cols] + \
              [str(c[k]) if c[k] else "" for k in close_cols]
        print("| " + " | ".join(row) + " |", file=out)
    row = ["**all**", f"**{len(cases)}**"] + [str(total_b[k]) for k in cols] + \
          [str(total_c[k]) for k in close_cols]
    print("| " + " | ".join(row) + " |\n", file=out)

    failed = [i for i in sorted(cases, key=case_key)
              if cases[i].get("behavior") == "FAILED"
              or cases[i].get("behaviorClose") in FAILED_CLOSE]
    if not failed:
        print(f"No failed case ({agent}).\n", file=out)
        return 0
    print(f"Failed cases ({agent}): {len(failed)}\n", file=out)
    for case_id in failed:
        entry = cases[case_id]
        detail = describe(report_dir, entry)
        what = plain(detail.get("description", "")) or "(no description: report file missing)"
        verdict = []
        if entry.get("behavior") == "FAILED":
            verdict.append(f"behavior FAILED: {detail.get('result', '?')}")
        if entry.get("behaviorClose") in FAILED_CLOSE:
            verdict.append(f"close {entry.get('behaviorClose')}: {detail.get('resultClose', '?')}")
        code = entry.get("remoteCloseCode")
        print(f"- **{case_id}** {what} — {'; '.join(verdict)} (close code {code})", file=out)
    print(file=out)
    return 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("report", help="the report folder (outdir) or its index.json")
    parser.add_argument("--agent", help="only this agent (server entry) of the report")
    args = parser.parse_args(argv)
    path = Path(args.report)
    index = path / "index.json" if path.is_dir() else path
    try:
        data = json.loads(index.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        print(f"summarize.py: cannot read {index}: {exc}", file=sys.stderr)
        return 2
    agents = [args.agent] if args.agent else sorted(data)
    if not agents or any(a not in data for a in agents):
        print(f"summarize.py: no agent {args.agent or ''} in {index}", file=sys.stderr)
        return 2
    status = 0
    for agent in agents:
        status |= summarize(agent, data[agent], index.parent, sys.stdout)
    return status


if __name__ == "__main__":
    sys.exit(main())
