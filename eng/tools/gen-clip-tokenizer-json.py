#!/usr/bin/env python3
"""Writes a Hugging Face `tokenizers` tokenizer.json for a CLIP model folder that has vocab.json + merges.txt.

transformers.js (and the Rust/Python `tokenizers` fast tokenizer) read only tokenizer.json. The layout follows the
fast CLIP tokenizer that Hugging Face publishes for openai/clip-vit-base-patch32: a BPE model with "</w>" word ends,
the normalizer NFC + whitespace runs to " " + lowercase, the pre-tokenizer CLIP pattern split + byte level, the
post-processor <|startoftext|> ids <|endoftext|>, and added tokens 49406/49407.

Note: like Hugging Face's own file, this pipeline has no HTML unescaping (the reference and VectorImageSearch's
ClipTokenizer unescape twice), so texts holding HTML references tokenize differently there.

Usage: python3 eng/tools/gen-clip-tokenizer-json.py [MODEL_FOLDER]   (default: samples/models/clip-tiny-shapes)
"""
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PATTERN = r"""<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+"""


def special(token_id, content):
    return {"id": token_id, "content": content, "single_word": False, "lstrip": False, "rstrip": False,
            "normalized": False, "special": True}


def main():
    folder = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "samples", "models", "clip-tiny-shapes")
    with open(os.path.join(folder, "vocab.json"), encoding="utf-8") as f:
        vocab = json.load(f)
    with open(os.path.join(folder, "merges.txt"), encoding="utf-8") as f:
        lines = f.read().split("\n")
    merges = [line for i, line in enumerate(lines) if line and not (i == 0 and line.startswith("#version"))]
    for merge in merges:
        assert len(merge.split(" ")) == 2, merge
    start, end = vocab["<|startoftext|>"], vocab["<|endoftext|>"]

    tokenizer = {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [special(start, "<|startoftext|>"), special(end, "<|endoftext|>")],
        "normalizer": {
            "type": "Sequence",
            "normalizers": [
                {"type": "NFC"},
                {"type": "Replace", "pattern": {"Regex": r"\s+"}, "content": " "},
                {"type": "Lowercase"},
            ],
        },
        "pre_tokenizer": {
            "type": "Sequence",
            "pretokenizers": [
                {"type": "Split", "pattern": {"Regex": PATTERN}, "behavior": "Removed", "invert": True},
                {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": False},
            ],
        },
        "post_processor": {
            "type": "RobertaProcessing",
            "sep": ["<|endoftext|>", end],
            "cls": ["<|startoftext|>", start],
            "trim_offsets": False,
            "add_prefix_space": False,
        },
        "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
        "model": {
            "type": "BPE",
            "dropout": None,
            "unk_token": "<|endoftext|>",
            "continuing_subword_prefix": "",
            "end_of_word_suffix": "</w>",
            "fuse_unk": False,
            "byte_fallback": False,
            "ignore_merges": False,
            "vocab": vocab,
            "merges": merges,
        },
    }
    path = os.path.join(folder, "tokenizer.json")
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        json.dump(tokenizer, f, ensure_ascii=False, indent=None, separators=(",", ":"))
        f.write("\n")
    print("wrote", path, "(%d tokens, %d merges)" % (len(vocab), len(merges)))


if __name__ == "__main__":
    main()
