#!/usr/bin/python3
"""PIL side of the decode + preprocessing comparison (benchmarks/compare/run.sh).

The reference CLIP recipe exactly as Hugging Face's CLIPImageProcessor runs it on a PIL image (transformers itself is
not installed here, so its steps are written out with the same library calls and dtypes):
  Image.open(path).convert("RGB")             full-resolution decode (PIL does not shrink on load unless asked)
  to_numpy_array                              uint8 HWC
  resize: shortest edge 224, long edge int(224 * long / short); to_pil_image + PIL resize(BICUBIC), back to numpy
  center_crop 224 × 224: top = int((h - 224) / 2), left = int((w - 224) / 2)
  rescale: astype(float64) * (1/255) then astype(float32)
  normalize: (x - mean) / std in float32, then HWC → CHW
--draft adds Image.draft("RGB", (448, 448)) before convert: PIL's JPEG shrink-on-load (DCT scaling), which neither
CLIPImageProcessor nor transformers' pipelines use, given to show what a hand-tuned PIL loop could do.
Prints one JSON line: the median over --reps passes of the mean time per image.
"""
import argparse
import json
import statistics
import time
from datetime import datetime, timezone

import numpy as np
import PIL
from PIL import Image

MEAN = np.array([0.48145466, 0.4578275, 0.40821073], dtype=np.float32)
STD = np.array([0.26862954, 0.26130258, 0.27577711], dtype=np.float32)
SIZE = 224

parser = argparse.ArgumentParser()
parser.add_argument("--list", required=True)
parser.add_argument("--reps", type=int, default=3)
parser.add_argument("--draft", action="store_true")
args = parser.parse_args()
files = [line.strip() for line in open(args.list) if line.strip()]


def preprocess(path):
    image = Image.open(path)
    if args.draft:
        image.draft("RGB", (2 * SIZE, 2 * SIZE))
    image = image.convert("RGB")
    array = np.array(image)  # to_numpy_array
    h, w = array.shape[:2]
    if w <= h:
        new_w, new_h = SIZE, int(SIZE * h / w)
    else:
        new_w, new_h = int(SIZE * w / h), SIZE
    array = np.array(Image.fromarray(array).resize((new_w, new_h), resample=Image.BICUBIC))
    top, left = int((new_h - SIZE) / 2), int((new_w - SIZE) / 2)
    array = array[top:top + SIZE, left:left + SIZE]
    array = (array.astype(np.float64) * (1 / 255)).astype(np.float32)
    array = (array - MEAN) / STD
    return array.transpose(2, 0, 1)


tensor = preprocess(files[0])  # warm-up
per_image = []
for _ in range(args.reps):
    t = time.perf_counter()
    for path in files:
        tensor = preprocess(path)
    per_image.append((time.perf_counter() - t) / len(files))

print(json.dumps({
    "what": "preprocess", "side": "pil", "mode": "draft" if args.draft else "full-decode", "images": len(files),
    "ms_per_image": statistics.median(per_image) * 1000, "tensor_sum": float(tensor.sum()), "pil": PIL.__version__,
    "utc": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%SZ"),
}), flush=True)
