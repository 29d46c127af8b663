#!/usr/bin/python3
"""PIL + draft side of the stage-by-stage split (benchmarks/VectorImageSearch.Benchmarks/Compare/StageTimings.cs).

The same steps as pil_preprocess.py --draft, timed one by one on one thread:
  header     Image.open(path) + draft("RGB", (448, 448)): the file opened, the JPEG header parsed, the DCT scale chosen
  decode     image.load(): the DCT-scaled decode (libjpeg-turbo; its YCbCr -> RGB conversion included, and with draft()
             PIL also sets libjpeg's fast integer IDCT and turns fancy upsampling off)
  convert    image.convert("RGB") (a copy when the image is RGB already) + np.array (to_numpy_array)
  resample   Image.fromarray + resize(BICUBIC) + np.array + centre crop
  normalise  float64 rescale -> float32, (x - mean) / std, HWC -> CHW
Prints one JSON line per stage: the median over --reps passes of the per-image milliseconds, wall and process CPU time.
"""
import argparse
import json
import statistics
import time
from datetime import datetime, timezone

import numpy as np
from PIL import Image

MEAN = np.array([0.48145466, 0.4578275, 0.40821073], dtype=np.float32)
STD = np.array([0.26862954, 0.26130258, 0.27577711], dtype=np.float32)
SIZE = 224
STAGES = ["header", "decode", "convert", "resample", "normalise"]

parser = argparse.ArgumentParser()
parser.add_argument("--list", required=True)
parser.add_argument("--reps", type=int, default=5)
args = parser.parse_args()
files = [line.strip() for line in open(args.list) if line.strip()]


def clocks():
    return time.perf_counter(), time.process_time()


def one(path, totals):
    def mark(stage, start):
        now = clocks()
        totals[stage][0] += now[0] - start[0]
        totals[stage][1] += now[1] - start[1]
        return now

    t = clocks()
    image = Image.open(path)
    image.draft("RGB", (2 * SIZE, 2 * SIZE))
    t = mark("header", t)
    image.load()
    t = mark("decode", t)
    array = np.array(image.convert("RGB"))
    t = mark("convert", t)
    h, w = array.shape[:2]
    if w <= h:
        new_w, new_h = SIZE, int(SIZE * h / w)
    else:
        new_w, new_h = int(SIZE * w / h), SIZE
    array = np.array(Image.fromarray(array).resize((new_w, new_h), resample=Image.BICUBIC))
    top, left = int((new_h - SIZE) / 2), int((new_w - SIZE) / 2)
    array = array[top:top + SIZE, left:left + SIZE]
    t = mark("resample", t)
    array = (array.astype(np.float64) * (1 / 255)).astype(np.float32)
    array = ((array - MEAN) / STD).transpose(2, 0, 1)
    mark("normalise", t)
    return array, image.size


samples = {s: ([], []) for s in STAGES}
for rep in range(-1, args.reps):
    totals = {s: [0.0, 0.0] for s in STAGES}
    for path in files:
        tensor, decoded = one(path, totals)
    if rep < 0:
        continue
    for s in STAGES:
        samples[s][0].append(totals[s][0] * 1000 / len(files))
        samples[s][1].append(totals[s][1] * 1000 / len(files))

load = " ".join(open("/proc/loadavg").read().split()[:3])
utc = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%SZ")
for s in STAGES:
    print(json.dumps({
        "what": "stages", "side": "pil", "variant": "draft", "stage": s, "images": len(files), "reps": args.reps,
        "wall_ms": round(statistics.median(samples[s][0]), 2), "cpu_ms": round(statistics.median(samples[s][1]), 2),
        "wall_ms_all": [round(v, 2) for v in samples[s][0]], "decoded_size": list(decoded), "load": load, "utc": utc,
    }), flush=True)
