#!/usr/bin/env python3
"""Summarises faiss-before-after.sh's results.jsonl: per kind, medians over rounds of batched queries/s and single-query
microseconds for ours (today's shim), ours-before (the shim before the given commit) and Python faiss, as a Markdown table."""
import json
import statistics
import sys
from collections import defaultdict

rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
machine = next((r for r in rows if r.get("what") == "machine"), {})
end = next((r for r in rows if r.get("what") == "end"), {})
search = defaultdict(lambda: defaultdict(list))
build = {r["kind"]: r for r in rows if r.get("what") == "faiss-build"}
for r in rows:
    if r.get("what") == "faiss-search":
        search[r["kind"]][r["side"]].append(r)


def med(side, key):
    values = [r[key] for r in side]
    return statistics.median(values) if values else float("nan")


print(f"{machine.get('utc')} – {end.get('utc')}; load {machine.get('load_before')} before, {end.get('load_after')} after; "
      f"{machine.get('rounds')} rounds, sides rotating; before = shim before {machine.get('before_commit')}")
print()
print("| kind | index | batched q/s ours | batched q/s before | batched q/s Python | single µs ours | single µs before | single µs Python | before ÷ ours (single) | Python ÷ ours (single) |")
print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
for kind, sides in search.items():
    o, b, p = sides.get("ours", []), sides.get("ours-before", []), sides.get("python-faiss", [])
    os_, bs, ps = med(o, "single_us"), med(b, "single_us"), med(p, "single_us")
    print(f"| {kind} | {build.get(kind, {}).get('description', '')} | {med(o, 'batched_qps'):,.0f} | {med(b, 'batched_qps'):,.0f} | "
          f"{med(p, 'batched_qps'):,.0f} | {os_:,.1f} | {bs:,.1f} | {ps:,.1f} | **{bs / os_:.2f}** | **{ps / os_:.2f}** |")
print()
print("Per round, single µs (ours / before / Python): " + "; ".join(
    f"{kind}: " + ", ".join(f"{o['single_us']:,.0f}/{b['single_us']:,.0f}/{p['single_us']:,.0f}"
                            for o, b, p in zip(sides.get("ours", []), sides.get("ours-before", []), sides.get("python-faiss", [])))
    for kind, sides in search.items()))
