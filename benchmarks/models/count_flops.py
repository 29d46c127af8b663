#!/usr/bin/python3
"""Counts the multiply-accumulates of a vision tower's MatMul, Gemm and Conv nodes for one 224 x 224 image (batch 1),
from ONNX shape inference: the FLOP count (2 x MACs) behind docs/benchmarks.md's "% of peak". Other ops (softmax,
layer norm, GELU, adds) are a few percent and are not counted.
Usage: benchmarks/models/count_flops.py MODEL_FOLDER/onnx/vision_model.onnx
"""
import sys

import onnx
from onnx import shape_inference

model = onnx.load(sys.argv[1])
inp = model.graph.input[0]
for d in inp.type.tensor_type.shape.dim:
    if not d.HasField("dim_value"):
        d.dim_value = 1  # batch 1
model = shape_inference.infer_shapes(model)
shapes = {}
for v in list(model.graph.value_info) + list(model.graph.input) + list(model.graph.output):
    shapes[v.name] = [d.dim_value for d in v.type.tensor_type.shape.dim]
for t in model.graph.initializer:
    shapes[t.name] = list(t.dims)
macs = 0
for n in model.graph.node:
    if n.op_type in ("MatMul", "Gemm"):
        a, b = shapes[n.input[0]], shapes[n.input[1]]
        out = shapes[n.output[0]]
        k = a[-1]
        count = 1
        for d in out:
            count *= d
        macs += count * k
    elif n.op_type == "Conv":
        w = shapes[n.input[1]]
        out = shapes[n.output[0]]
        count = 1
        for d in out:
            count *= d
        macs += count * w[1] * w[2] * w[3]
print(f'{{"model": "{sys.argv[1]}", "gmacs": {macs / 1e9:.3f}, "gflop": {2 * macs / 1e9:.3f}}}')
