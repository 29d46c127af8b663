#!/usr/bin/python3
"""Writes a CLIP model folder with the architecture and cost of a real CLIP export, and random weights.

No real CLIP weights can be downloaded on the build machines, but the speed of indexing depends on what the model
costs, not on what it knows. This script writes the same graphs a Hugging Face / ONNX export of CLIP has — a ViT
vision tower (patch embedding, class token, pre-norm transformer blocks with QuickGELU, post layer norm, projection)
and a causal text transformer pooled at the end token — at the sizes of openai/clip-vit-base-patch32 (or -patch16),
in the folder layout the library loads (onnx/vision_model.onnx, onnx/text_model.onnx, config.json,
preprocessor_config.json, tokenizer files copied from the demo model). The embeddings are meaningless; use the folder
to measure speed only.

Usage: benchmarks/models/make_clip_model.py [--preset vit-b32|vit-b16] [--out DIR] [--seed N]
Needs Debian's python3-onnx and python3-numpy (benchmarks/compare/setup.sh installs them).
"""
import argparse
import json
import os
import shutil

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 17  # LayerNormalization is an ONNX operator from opset 17

PRESETS = {
    # openai/clip-vit-base-patch32 and -patch16: vision width 768, 12 layers, 12 heads; text width 512, 12 layers,
    # 8 heads; projection 512.
    "vit-b32": dict(patch=32, v_width=768, v_layers=12, v_heads=12, t_width=512, t_layers=12, t_heads=8, proj=512),
    "vit-b16": dict(patch=16, v_width=768, v_layers=12, v_heads=12, t_width=512, t_layers=12, t_heads=8, proj=512),
}
IMAGE_SIZE = 224
VOCAB = 49408
CONTEXT = 77


class Graph:
    """Collects nodes and random initialisers with unique names."""

    def __init__(self, rng):
        self.rng = rng
        self.nodes = []
        self.inits = []
        self.count = 0

    def name(self, hint):
        self.count += 1
        return f"{hint}_{self.count}"

    def weight(self, hint, shape, scale=0.02):
        return self.const(hint, (self.rng.standard_normal(shape, dtype=np.float32) * scale).astype(np.float32))

    def const(self, hint, array):
        name = self.name(hint)
        self.inits.append(numpy_helper.from_array(np.asarray(array), name))
        return name

    def op(self, op_type, inputs, hint=None, outputs=1, **attrs):
        names = [self.name(hint or op_type.lower()) for _ in range(outputs)]
        self.nodes.append(helper.make_node(op_type, inputs, names, **attrs))
        return names[0] if outputs == 1 else names

    def linear(self, x, width_in, width_out, bias=True):
        y = self.op("MatMul", [x, self.weight("w", (width_in, width_out))])
        return self.op("Add", [y, self.const("b", np.zeros(width_out, np.float32))]) if bias else y

    def layer_norm(self, x, width):
        gamma = self.const("ln_g", np.ones(width, np.float32))
        beta = self.const("ln_b", np.zeros(width, np.float32))
        return self.op("LayerNormalization", [x, gamma, beta], axis=-1, epsilon=1e-5)

    def block(self, x, width, heads, mask=None):
        """One pre-norm CLIP encoder layer: x + attention(ln(x)), then x + mlp(ln(x)) with QuickGELU."""
        head = width // heads
        h = self.layer_norm(x, width)
        split = self.const("heads", np.array([0, 0, heads, head], np.int64))
        q = self.op("Transpose", [self.op("Reshape", [self.linear(h, width, width), split])], perm=[0, 2, 1, 3])
        k = self.op("Transpose", [self.op("Reshape", [self.linear(h, width, width), split])], perm=[0, 2, 3, 1])
        v = self.op("Transpose", [self.op("Reshape", [self.linear(h, width, width), split])], perm=[0, 2, 1, 3])
        scores = self.op("Mul", [self.op("MatMul", [q, k]), self.const("scale", np.array(head ** -0.5, np.float32))])
        if mask is not None:
            scores = self.op("Add", [scores, mask])
        attn = self.op("MatMul", [self.op("Softmax", [scores], axis=-1), v])
        merged = self.op("Reshape", [self.op("Transpose", [attn], perm=[0, 2, 1, 3]),
                                     self.const("merge", np.array([0, 0, width], np.int64))])
        x = self.op("Add", [x, self.linear(merged, width, width)])
        h = self.linear(self.layer_norm(x, width), width, 4 * width)
        h = self.op("Mul", [h, self.op("Sigmoid", [self.op("Mul", [h, self.const("gelu", np.array(1.702, np.float32))])])])
        return self.op("Add", [x, self.linear(h, 4 * width, width)])


def vision_model(p, rng):
    g = Graph(rng)
    w, grid = p["v_width"], IMAGE_SIZE // p["patch"]
    patches = g.op("Conv", ["pixel_values", g.weight("patch", (w, 3, p["patch"], p["patch"]))],
                   kernel_shape=[p["patch"]] * 2, strides=[p["patch"]] * 2)
    x = g.op("Transpose", [g.op("Reshape", [patches, g.const("flat", np.array([0, w, -1], np.int64))])], perm=[0, 2, 1])
    batch = g.op("Shape", [x], end=1)
    cls_shape = g.op("Concat", [batch, g.const("one_w", np.array([1, w], np.int64))], axis=0)
    cls = g.op("Expand", [g.weight("class", (1, 1, w)), cls_shape])
    x = g.op("Concat", [cls, x], axis=1)
    x = g.op("Add", [x, g.weight("positions", (1, grid * grid + 1, w))])
    x = g.layer_norm(x, w)  # pre_layrnorm
    for _ in range(p["v_layers"]):
        x = g.block(x, w, p["v_heads"])
    pooled = g.layer_norm(g.op("Gather", [x, g.const("cls_index", np.array(0, np.int64))], axis=1), w)
    g.nodes.append(helper.make_node("MatMul", [pooled, g.weight("projection", (w, p["proj"]))], ["image_embeds"]))
    inputs = [helper.make_tensor_value_info("pixel_values", TensorProto.FLOAT, ["batch", 3, IMAGE_SIZE, IMAGE_SIZE])]
    outputs = [helper.make_tensor_value_info("image_embeds", TensorProto.FLOAT, ["batch", p["proj"]])]
    return g, inputs, outputs


def text_model(p, rng):
    g = Graph(rng)
    w = p["t_width"]
    x = g.op("Gather", [g.weight("tokens", (VOCAB, w)), "input_ids"], axis=0)
    length = g.op("Shape", ["input_ids"], start=1, end=2)
    zero = g.const("zero", np.array([0], np.int64))
    positions = g.op("Slice", [g.weight("positions", (CONTEXT, w), 0.01), zero, length, zero])
    x = g.op("Add", [x, positions])
    causal_full = np.triu(np.full((CONTEXT, CONTEXT), -1e9, np.float32), k=1)
    square = g.op("Concat", [length, length], axis=0)
    causal = g.op("Slice", [g.const("causal", causal_full), g.const("zeros2", np.array([0, 0], np.int64)), square,
                            g.const("axes01", np.array([0, 1], np.int64))])
    padding = g.op("Mul", [g.op("Sub", [g.const("one", np.array(1.0, np.float32)),
                                        g.op("Cast", ["attention_mask"], to=TensorProto.FLOAT)]),
                           g.const("neg", np.array(-1e9, np.float32))])
    padding = g.op("Unsqueeze", [padding, g.const("axes12", np.array([1, 2], np.int64))])
    mask = g.op("Add", [causal, padding])
    for _ in range(p["t_layers"]):
        x = g.block(x, w, p["t_heads"], mask)
    x = g.layer_norm(x, w)
    # CLIP pools the hidden state at the end token, the position of the largest id.
    end = g.op("ArgMax", ["input_ids"], axis=1, keepdims=0)
    one_hot = g.op("OneHot", [end, length, g.const("off_on", np.array([0.0, 1.0], np.float32))], axis=-1)
    pooled = g.op("MatMul", [g.op("Unsqueeze", [one_hot, g.const("axis1", np.array([1], np.int64))]), x])
    pooled = g.op("Squeeze", [pooled, g.const("axis1s", np.array([1], np.int64))])
    g.nodes.append(helper.make_node("MatMul", [pooled, g.weight("projection", (w, p["proj"]))], ["text_embeds"]))
    inputs = [helper.make_tensor_value_info(n, TensorProto.INT64, ["batch", "sequence"]) for n in ("input_ids", "attention_mask")]
    outputs = [helper.make_tensor_value_info("text_embeds", TensorProto.FLOAT, ["batch", p["proj"]])]
    return g, inputs, outputs


def save(graph_parts, name, path):
    g, inputs, outputs = graph_parts
    graph = helper.make_graph(g.nodes, name, inputs, outputs, g.inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="make_clip_model.py")
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, path)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    cache = os.environ.get("VIS_BENCH_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "vectorimagesearch", "bench")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", choices=sorted(PRESETS), default="vit-b32")
    parser.add_argument("--out", help="the model folder to write (default: <bench cache>/models/clip-<preset>-random)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    p = PRESETS[args.preset]
    out = args.out or os.path.join(cache, "models", f"clip-{args.preset}-random")
    demo = os.path.join(here, "..", "..", "samples", "models", "clip-tiny-shapes")
    if os.path.exists(os.path.join(out, "onnx", "text_model.onnx")):
        print(out)
        return
    os.makedirs(os.path.join(out, "onnx"), exist_ok=True)
    rng = np.random.default_rng(args.seed)
    save(vision_model(p, rng), "clip_vision", os.path.join(out, "onnx", "vision_model.onnx"))
    save(text_model(p, rng), "clip_text", os.path.join(out, "onnx", "text_model.onnx"))
    for name in ("vocab.json", "merges.txt", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json",
                 "preprocessor_config.json"):
        shutil.copyfile(os.path.join(demo, name), os.path.join(out, name))
    with open(os.path.join(demo, "config.json")) as f:
        config = json.load(f)
    config["projection_dim"] = p["proj"]
    config["text_config"].update(hidden_size=p["t_width"], intermediate_size=4 * p["t_width"],
                                 num_hidden_layers=p["t_layers"], num_attention_heads=p["t_heads"], projection_dim=p["proj"])
    config["vision_config"].update(hidden_size=p["v_width"], intermediate_size=4 * p["v_width"],
                                   num_hidden_layers=p["v_layers"], num_attention_heads=p["v_heads"],
                                   patch_size=p["patch"], projection_dim=p["proj"])
    config["_comment"] = f"random weights, written by benchmarks/models/make_clip_model.py --preset {args.preset}: for speed measurements only"
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
    print(out)


if __name__ == "__main__":
    main()
