#!/usr/bin/python3
"""Prints the Markdown tables of a benchmarks/compare/run.sh results file: medians over rounds and ratios."""
import json
import statistics
import sys
from collections import defaultdict

rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
machine = next((r for r in rows if r.get("what") == "machine"), {})
end = next((r for r in rows if r.get("what") == "end"), {})


def med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else float("nan")


def fmt(x, digits=1):
    return f"{x:,.{digits}f}"


print(f"Machine: {machine.get('cpu')}, {machine.get('cores')} cores, {machine.get('mem_gib')} GiB; "
      f"{machine.get('utc')} → {end.get('utc')}; load average before {machine.get('load_before')}, after {end.get('load_after')}; "
      f"{machine.get('rounds')} round(s), both sides alternating; .NET SDK {machine.get('dotnet')}, Node {machine.get('node')}, "
      f"Python {machine.get('python')}.")
print()

pre = defaultdict(list)
for r in rows:
    if r.get("what") == "preprocess":
        pre[(r["side"], r["mode"])].append(r["ms_per_image"])
if pre:
    ours_shrink = med(pre[("ours", "shrink-on-load")])
    ours_full = med(pre[("ours", "full-decode")])
    pil_full = med(pre[("pil", "full-decode")])
    pil_draft = med(pre[("pil", "draft")])
    n = next(r["images"] for r in rows if r.get("what") == "preprocess")
    print(f"### (c) Decode + CLIP preprocessing, 4000 × 3000 JPEG → 3 × 224 × 224 float32 (one thread, {n} files, ms per image)")
    print()
    print("| ours (default: shrink-on-load) | ours (full decode) | PIL, CLIPImageProcessor steps (full decode) | PIL + draft (shrink-on-load) | PIL ÷ ours, default vs reference recipe (target ≥ 3×) | same pixels: PIL full ÷ ours full | PIL draft ÷ ours default |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    print(f"| {fmt(ours_shrink)} | {fmt(ours_full)} | {fmt(pil_full)} | {fmt(pil_draft)} | **{pil_full / ours_shrink:.2f}×** | {pil_full / ours_full:.2f}× | {pil_draft / ours_shrink:.2f}× |")
    print()
    extra = [(mode, med(v)) for (side, mode), v in pre.items() if side == "ours" and mode not in ("shrink-on-load", "full-decode")]
    if extra:
        print("Other settings of ours (not defaults; faster, further from PIL's pixels): "
              + "; ".join(f"{mode}: {fmt(ms)} ms ({pil_full / ms:.1f}× PIL)" for mode, ms in extra) + ".")
        print()

def is_demo(r):
    """(b) rows: the demo model with the default settings (older result files have no model field)."""
    threads = r.get("inference_threads", r.get("intra_op_threads", 0))
    return r.get("model", "clip-tiny-shapes") == "clip-tiny-shapes" and threads in (0, "ORT default (one per core)") and r.get("spinning", True)


idx = defaultdict(list)
for r in rows:
    if r.get("what") == "index" and is_demo(r):
        idx["ours"].append(r)
    elif r.get("side") == "transformers.js":
        idx["tjs"].append(r)
split = next((r for r in rows if r.get("what") == "split" and is_demo(r)), None)
if idx:
    ours = med([r["images_per_s"] for r in idx["ours"]])
    tjs = med([r["images_per_s"] for r in idx["tjs"]])
    images = idx["ours"][0]["images"] if idx["ours"] else idx["tjs"][0]["images"]
    batch = idx["ours"][0]["batch"] if idx["ours"] else idx["tjs"][0]["batch"]
    print(f"### (b) End-to-end CLIP indexing, {images} JPEGs (1600 × 1200 to 4000 × 3000), clip-tiny-shapes, batch {batch} (images/s)")
    print()
    print("| ours: IndexDirectoryAsync | transformers.js 4.3.1 (Node) | ours ÷ transformers.js (target ≥ 1.5×) | ours: pure inference at batch %d | end-to-end ÷ pure inference (target ≥ 0.85) |" % batch)
    print("|---:|---:|---:|---:|---:|")
    inf = split["inference_images_per_s"] if split else float("nan")
    print(f"| {fmt(ours)} | {fmt(tjs)} | **{ours / tjs:.2f}×** | {fmt(inf)} | **{ours / inf:.3f}** |")
    print()
    print("Per-round images/s — ours: " + ", ".join(fmt(r["images_per_s"]) for r in idx["ours"]) +
          "; transformers.js: " + ", ".join(fmt(r["images_per_s"]) for r in idx["tjs"]) + ".")
    cpu = med([r.get("cpu_s") for r in idx["ours"]])
    wall = med([r["seconds"] for r in idx["ours"]])
    print(f"Ours used {fmt(cpu)} s of CPU in {fmt(wall)} s of wall time ({cpu / wall:.2f} cores busy on average).")
    print()
    if split:
        n = split["images"]
        stages = [("read file", split["read_s"]), ("SHA-256 (change detection)", split["hash_s"]), ("JPEG decode (libvips, shrink-on-load)", split["decode_s"]),
                  ("resize + centre crop (bicubic)", split["resize_crop_s"]), ("normalise to float CHW", split["normalise_s"]),
                  (f"inference at batch {split['batch']} (ORT, {split['cores']} threads)", split["inference_s"]), ("add to the index", split["index_add_s"])]
        total = sum(s for _, s in stages)
        print(f"Where the time goes (ours; each stage run alone over the same {n} files, one thread except inference):")
        print()
        print("| stage | ms per image | share of the serial total |")
        print("|---|---:|---:|")
        for name, seconds in stages:
            print(f"| {name} | {seconds / n * 1000:.2f} | {seconds / total * 100:.1f} % |")
        print(f"| **total (serial)** | **{total / n * 1000:.2f}** | 100 % |")
        cores = split["cores"]
        cpu_stages = total - split["inference_s"]
        bound = n / max(split["inference_s"], cpu_stages / cores)
        print()
        print(f"With {cores} cores the decode-side stages alone allow at most {n / (cpu_stages / cores):,.1f} images/s "
              f"(serial decode-side time ÷ {cores} cores) — the pipeline's ceiling on this machine is ≈ {bound:,.1f} images/s; "
              f"end-to-end reached {ours / bound * 100:.0f} % of it.")
        print()
    tj = idx["tjs"]
    if tj:
        print(f"transformers.js time split (median of rounds, ms per image): decode (RawImage.read / sharp) {med([r['decode_s'] for r in tj]) / images * 1000:.2f}, "
              f"preprocess (CLIPImageProcessor) {med([r['preprocess_s'] for r in tj]) / images * 1000:.2f}, "
              f"inference {med([r['inference_s'] for r in tj]) / images * 1000:.2f}, normalise + store {med([r['index_s'] for r in tj]) / images * 1000:.3f}.")
        print()

heavy = [r for r in rows if r.get("what") in ("index", "split") and not is_demo(r)]
if heavy:
    def setting_name(r):
        """The options that differ from the defaults, as a user would set them."""
        changed = []
        if setting(r)[0]:
            changed.append(f"InferenceThreads = {setting(r)[0]}")
        if r["decode_parallelism"] != r.get("cores", machine.get("cores")):
            changed.append(f"DecodeParallelism = {r['decode_parallelism']}")
        if not setting(r)[1]:
            changed.append("InferenceThreadSpinning = false")
        return ", ".join(changed) or "defaults"

    def setting(r):
        threads = r.get("inference_threads", r.get("intra_op_threads", 0))  # index rows / split rows
        threads = 0 if threads == "ORT default (one per core)" else int(threads)
        return threads, r.get("spinning", True)

    print(f"### (d) End-to-end indexing vs pure inference, models of real CLIP cost (random weights), batch {heavy[0]['batch']}")
    print()
    print("| model | images | inference threads | pure inference, images/s | end-to-end setting | end-to-end, images/s | end-to-end ÷ pure inference (target ≥ 0.85) | CPU cores busy | model loop waiting for images |")
    print("|---|---:|---|---:|---|---:|---:|---:|---:|")
    rows_d = []
    if idx["ours"] and split:
        rows_d.append(("clip-tiny-shapes (demo)", split["images"], "default (2)", split["inference_images_per_s"], "defaults",
                       med([r["images_per_s"] for r in idx["ours"]]), med([r["cpu_s"] / r["seconds"] for r in idx["ours"]]),
                       med([r.get("waiting_for_images_s", float("nan")) / r["seconds"] for r in idx["ours"]])))
    for model in sorted({r["model"] for r in heavy}):
        mine = [r for r in heavy if r["model"] == model]
        for threads in sorted({setting(r)[0] for r in mine if r["what"] == "split"}):
            pure = med([r["inference_images_per_s"] for r in mine if r["what"] == "split" and setting(r) == (threads, True)])
            runs = defaultdict(list)
            for r in mine:
                if r["what"] == "index" and setting(r)[0] == threads:
                    runs[setting_name(r)].append(r)
            for name, rs in runs.items():
                rows_d.append((model, rs[0]["images"], "default (2)" if threads == 0 else str(threads), pure, name,
                               med([r["images_per_s"] for r in rs]), med([r["cpu_s"] / r["seconds"] for r in rs]),
                               med([r["waiting_for_images_s"] / r["seconds"] for r in rs])))
    for model, n, threads, pure, name, e2e, busy, waiting in rows_d:
        print(f"| {model} | {n} | {threads} | {fmt(pure, 2)} | {name} | {fmt(e2e, 2)} | **{e2e / pure:.3f}** | {busy:.2f} | {waiting * 100:.1f} % |")
    print()
    print("Per-round end-to-end images/s: " + "; ".join(
        f"{r['model']} ({r['inference_threads']} threads, {r['decode_parallelism']} decoders, spin {r['spinning']}) {fmt(r['images_per_s'], 2)}"
        for r in heavy if r["what"] == "index") + ".")
    print()

fs = defaultdict(lambda: defaultdict(list))
build = {}
for r in rows:
    if r.get("what") == "faiss-search":
        fs[r["kind"]][r["side"]].append(r)
    elif r.get("what") == "faiss-build":
        build[r["kind"]] = r
if fs:
    first = next(iter(next(iter(fs.values())).values()))[0]
    print(f"### (a) FAISS search, {first['n']:,} × {first['d']} (clustered unit vectors, inner product), k = 10, same index files "
          f"(batched: {first['queries']} queries in one call, {first['threads']} threads; single: {first['singles']} one-query calls, {first['single_threads']} thread)")
    print()
    print("| kind | index | batched q/s ours | batched q/s Python | ours ÷ Python (target ≥ 0.95) | single µs ours | single µs Python | Python ÷ ours (target > 1) | bytes/vector (file) |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for kind, sides in fs.items():
        o, p = sides.get("ours", []), sides.get("python-faiss", [])
        ob, pb = med([r["batched_qps"] for r in o]), med([r["batched_qps"] for r in p])
        osu, psu = med([r["single_us"] for r in o]), med([r["single_us"] for r in p])
        b = build.get(kind, {})
        print(f"| {kind} | {b.get('description', '')} | {fmt(ob, 0)} | {fmt(pb, 0)} | **{ob / pb:.2f}** | {fmt(osu)} | {fmt(psu)} | **{psu / osu:.2f}** | {fmt(b.get('file_bytes_per_vector', float('nan')))} |")
    print()
    if build:
        print("Build (ours, train + add, measured once when the index files were made; "
              + ", ".join(f"{k}: {v['train_s']:.1f} + {v['add_s']:.1f} s" for k, v in build.items()) + ").")
        print()
