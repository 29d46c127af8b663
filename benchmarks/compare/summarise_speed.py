#!/usr/bin/python3
"""Prints the tables of docs/benchmarks.md "Speed" from a speed.sh results.jsonl: decode stages (ours vs PIL + draft),
the JPEG floor, pure inference against the cores' peak, and end-to-end indexing against the I / (I + D) bound.
Usage: benchmarks/compare/summarise_speed.py DIR/results.jsonl
"""
import collections
import json
import statistics
import sys

rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
med = statistics.median

marks = [r for r in rows if r["what"] == "mark"]
if marks:
    print(f"Run: {marks[0]['utc']} -> {marks[-1]['utc']}; load average at each step: "
          + "; ".join(f"{m['step']} {m['load']}" for m in marks))

# Decode stages: medians over rounds of each stage's per-image ms (wall and CPU).
stages = collections.defaultdict(lambda: ([], []))
for r in rows:
    if r["what"] == "stages":
        key = (r["side"], r["variant"], r["stage"])
        stages[key][0].append(r["wall_ms"])
        stages[key][1].append(r["cpu_ms"])
if stages:
    print("\n| side / variant | stage | wall ms | CPU ms |\n|---|---|---:|---:|")
    for (side, variant, stage), (wall, cpu) in stages.items():
        print(f"| {side} {variant} | {stage} | {med(wall):.2f} | {med(cpu):.2f} |")

djpeg = collections.defaultdict(list)
for r in rows:
    if r["what"] == "djpeg":
        djpeg[r["scale"]].append(r["cpu_ms"])
if djpeg:
    print("\n| djpeg scale | CPU ms per image (median of 3, process start included) |\n|---|---:|")
    for scale, values in djpeg.items():
        print(f"| {scale} | {med(values):.1f} |")

peak = {(r["threads"], r["vector_bits"]): r["gflops_best"] for r in rows if r["what"] == "peak"}
flops = {}
for r in rows:
    if r["what"] == "flops":
        name = "clip-vit-b32-random" if "b32" in r["model"] else "clip-vit-b16-random"
        flops[name] = r["gflop"]
if peak:
    print("\npeak GFLOP/s (best of 5):", ", ".join(f"{t} thread(s) {b}-bit: {g}" for (t, b), g in peak.items()))
# The cores' peak: the best one-thread FMA loop (any vector width) times the cores the variant uses (t1: one).
core = max(g for (t, _), g in peak.items() if t == 1) if peak else None
cores = max((t for (t, _) in peak), default=2)
inference = [r for r in rows if r["what"] == "inference"]
if inference:
    print("\n| model | variant | images/s (median) | per round | GFLOP/s | % of measured peak |\n|---|---|---:|---|---:|---:|")
    for r in inference:
        gflops = r["images_per_s"] * flops.get(r["model"], float("nan"))
        used = 1 if r["variant"].startswith("t1") else cores
        share = f"{100 * gflops / (core * used):.0f} %" if core else "-"
        print(f"| {r['model']} | {r['variant']} | {r['images_per_s']:.2f} | {r['images_per_s_all']} | {gflops:.1f} | {share} |")

splits = [r for r in rows if r["what"] == "split"]
index = [r for r in rows if r["what"] == "index"]
if splits or index:
    print("\n| model | setting | images/s | CPU cores busy | waiting for images |\n|---|---|---:|---:|---:|")
    for r in index:
        setting = f"spin {r['spinning']}, decoders {r['decode_parallelism']}, {r.get('ort_config') or 'no extra config'}"
        print(f"| {r['model']} | {setting} | {r['images_per_s']:.2f} | {r['cpu_s'] / r['seconds']:.2f} | {100 * r['waiting_for_images_s'] / r['seconds']:.1f} % |")
    for r in splits:
        n = r["images"]
        d = 1000 * (r["read_s"] + r["hash_s"] + r["decode_s"] + r["resize_crop_s"] + r["normalise_s"]) / n
        i = 1000 * r["inference_s"] / n * r["cores"]  # ORT's default: one thread per core, all busy
        pure = r["inference_images_per_s"]
        bound = pure * i / (i + d)
        print(f"split {r['model']}: D = {d:.1f} ms-core per image (read, hash, decode, resize, normalise), "
              f"I = {i:.1f} ms-core per image ({r['cores']} threads), pure inference {pure:.2f} images/s, "
              f"bound pure x I/(I+D) = {bound:.2f} images/s ({i / (i + d):.3f} of pure)")
        for x in index:
            if x["model"] == r["model"]:
                print(f"  end-to-end {x['images_per_s']:.2f} images/s (spin {x['spinning']}, decoders {x['decode_parallelism']}): "
                      f"{x['images_per_s'] / pure:.3f} of pure, {x['images_per_s'] / bound:.3f} of the bound")
