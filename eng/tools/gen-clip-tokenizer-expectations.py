#!/usr/bin/env python3
"""Writes Python-made expectations for the CLIP tokenizer tests (the tests themselves need no Python).

The reference is OpenAI's simple_tokenizer.py (``import regex as re``, html.unescape twice, whitespace_clean, lower,
CLIP's pattern, byte-level BPE with '</w>'), with ftfy replaced by NFC, as the fixture README describes. The script
first checks that it reproduces every row of tests/fixtures/clip-tokenizer/tokenizer_public.jsonl, then writes

- tests/VectorImageSearch.Onnx.Tests/Text/clip_tokenizer_python.jsonl: more texts (HTML references, case mapping,
  Unicode whitespace, long texts, seeded random strings) with their ids and context77;
- tests/VectorImageSearch.Onnx.Tests/Text/clip_codepoint_chunks.txt: every code point, 256 at a time (surrogates left
  out), as one text each: "start count sha256-prefix" of the ids (SHA-256 of the ids joined by ',', 16 hex digits);
- tests/VectorImageSearch.Onnx.Tests/Text/clip_pattern_classes.txt: for every code point, which part of CLIP's pattern
  takes it under the regex module (L letter run, N single number, O other run, S skipped), as runs "start class".

Needs: python3 with the `regex` module.  Run: python3 eng/tools/gen-clip-tokenizer-expectations.py
"""
import hashlib
import html
import json
import os
import random
import sys
import unicodedata

import regex

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FIXTURE = os.path.join(ROOT, "tests", "fixtures", "clip-tokenizer")
OUT = os.path.join(ROOT, "tests", "VectorImageSearch.Onnx.Tests", "Text")
PATTERN = regex.compile(
    r"""<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+""", regex.IGNORECASE)


def bytes_to_unicode():
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, [chr(c) for c in cs]))


class Reference:
    def __init__(self):
        with open(os.path.join(FIXTURE, "vocab.json"), encoding="utf-8") as f:
            self.encoder = json.load(f)
        with open(os.path.join(FIXTURE, "merges.txt"), encoding="utf-8") as f:
            merges = [tuple(line.split()) for line in f.read().split("\n")[1:] if line]
        self.ranks = dict(zip(merges, range(len(merges))))
        self.byte_encoder = bytes_to_unicode()
        self.cache = {"<|startoftext|>": "<|startoftext|>", "<|endoftext|>": "<|endoftext|>"}

    def bpe(self, token):
        if token in self.cache:
            return self.cache[token]
        word = tuple(token[:-1]) + (token[-1] + "</w>",)
        pairs = set(zip(word, word[1:]))
        if not pairs:
            return token + "</w>"
        while True:
            bigram = min(pairs, key=lambda p: self.ranks.get(p, float("inf")))
            if bigram not in self.ranks:
                break
            first, second = bigram
            new_word, i = [], 0
            while i < len(word):
                try:
                    j = word.index(first, i)
                    new_word.extend(word[i:j])
                    i = j
                except ValueError:
                    new_word.extend(word[i:])
                    break
                if word[i] == first and i < len(word) - 1 and word[i + 1] == second:
                    new_word.append(first + second)
                    i += 2
                else:
                    new_word.append(word[i])
                    i += 1
            word = tuple(new_word)
            if len(word) == 1:
                break
            pairs = set(zip(word, word[1:]))
        result = " ".join(word)
        self.cache[token] = result
        return result

    def encode(self, text):
        text = unicodedata.normalize("NFC", text)
        text = html.unescape(html.unescape(text)).strip()
        text = regex.sub(r"\s+", " ", text).strip().lower()
        ids = []
        for token in PATTERN.findall(text):
            token = "".join(self.byte_encoder[b] for b in token.encode("utf-8"))
            ids.extend(self.encoder[t] for t in self.bpe(token).split(" "))
        return ids


def context(ids, length=77):
    tokens = [49406] + ids + [49407]
    if len(tokens) > length:
        tokens = tokens[:length]
        tokens[-1] = 49407
    return tokens + [0] * (length - len(tokens))


HAND_PICKED = [
    "&amp;amp; twice", "&amp;lt;b&amp;gt;", "&AMP no semicolon", "&ampfoo;", "&notin; and &notit; and &not",
    "&#65;&#x42;&#X43 &#x;&#; &#", "&#0; &#13; &#128; &#150; &#159;", "&#xD800; &#x110000; &#99999999999999999999;",
    "&#1; &#11; &#xFDD0; &#x10FFFF; &#x1F600;", "&abcdefghijklmnopqrstuvwxyzabcdefghijkl; long name",
    "&lt&gt&quot&apos&nbsp;", "AT&T and Q&A", "&&& &; &", "&\u00e9;", "&amp\u00e9",
    "ΟΔΥΣΣΕΥΣ", "Σ", "ΑΣ ΑΣ.", "Α\u0301Σ", "ΑΣ\u0301Β", "İstanbul", "İ", "KELVIN \u212a", "ß and ẞ", "ǅ ǈ ǋ",
    "ﬁ ligature", "Ⅻ roman", "Ⓐ circled", "'ſ 'S ſtop", "α\u0345 ᾳ \u0345", "\u0130\u0307",
    "a\u001cb\u001d c \u001e", "\u001f padded \u001c", "a\u0085b\u2028c\u2029d\u3000e\u00a0f", "\u200b\u2060\ufeff",
    "tab\t\tsep\nline\r\nend\x0b\x0c", "mixed <|ENDOFTEXT|> case", "<|startoftext|><|endoftext|>", "<|endoftext",
    "it'S I'LL WE'RE", "''s 's'", "x'", "'", "'re'", "e\u0301 vs \u00e9", "\u212b angstrom sign", "\u1e9b\u0323",
    "\x00 nul \x07 bell \x7f del", "\ufffd replacement", "\U0001f468\u200d\U0001f469\u200d\U0001f467 family",
    "\U0001d400\U0001d401 math bold", "\U00020000 cjk ext b", "١٢٣ arabic digits ४२", "½ ² ³ vulgar",
    " ".join(["word"] * 100), "a" * 300, "ab" * 200, "\U0001f600" * 40, "123456789" * 12,
    "a photo of " + ", ".join("item %d" % i for i in range(60)),
]


def random_strings(count, seed=20261121):
    rng = random.Random(seed)
    pools = [
        (0x20, 0x7E), (0x00, 0x1F), (0xA0, 0x24F), (0x370, 0x3FF), (0x400, 0x4FF), (0x590, 0x6FF), (0x900, 0x97F),
        (0x1E00, 0x1FFF), (0x2000, 0x206F), (0x2100, 0x214F), (0x3040, 0x30FF), (0x4E00, 0x4EFF), (0xAC00, 0xACFF),
        (0xFB00, 0xFB4F), (0xFE00, 0xFE0F), (0x1F300, 0x1F64F), (0x10400, 0x1044F), (0x1D400, 0x1D4FF),
    ]
    out = []
    for _ in range(count):
        parts = []
        for _ in range(rng.randint(1, 30)):
            r = rng.random()
            if r < 0.1:
                parts.append(rng.choice(["&amp;", "&lt;", "&#x41;", "&#169;", "&copy", "&", "Σ", "İ", "'s", "'LL", " ", "  \t"]))
            else:
                lo, hi = rng.choice(pools)
                c = rng.randint(lo, hi)
                if 0xD800 <= c <= 0xDFFF:
                    continue
                parts.append(chr(c))
        out.append("".join(parts))
    return out


def pattern_classes():
    classes = []
    letter, number = regex.compile(r"[\p{L}]", regex.I), regex.compile(r"[\p{N}]", regex.I)
    other = regex.compile(r"[^\s\p{L}\p{N}]", regex.I)
    for c in range(0x110000):
        if 0xD800 <= c <= 0xDFFF:
            classes.append("S" if c == 0xD800 else classes[-1])  # not text: keep the run going
            continue
        ch = chr(c)
        classes.append("L" if letter.match(ch) else "N" if number.match(ch) else "O" if other.match(ch) else "S")
    lines = []
    for c, k in enumerate(classes):
        if c == 0 or classes[c - 1] != k:
            lines.append("%X %s" % (c, k))
    return lines


def main():
    ref = Reference()
    rows = [json.loads(line) for line in open(os.path.join(FIXTURE, "tokenizer_public.jsonl"), encoding="utf-8")]
    for row in rows:
        ids = ref.encode(row["text"])
        assert ids == row["ids"], (row["text"], ids, row["ids"])
        assert context(ids) == row["context77"], row["text"]
    print("reference reproduces all %d fixture rows" % len(rows))

    texts = HAND_PICKED + random_strings(300)
    with open(os.path.join(OUT, "clip_tokenizer_python.jsonl"), "w", encoding="utf-8", newline="\n") as f:
        f.write(json.dumps({"generator": "eng/tools/gen-clip-tokenizer-expectations.py", "python": sys.version.split()[0],
                            "unicode": unicodedata.unidata_version, "regex": regex.__version__}) + "\n")
        for text in texts:
            ids = ref.encode(text)
            f.write(json.dumps({"text": text, "ids": ids, "context77": context(ids)}, ensure_ascii=True) + "\n")
    print("wrote %d texts" % len(texts))

    chunks = []
    for start in range(0, 0x110000, 256):
        text = "".join(chr(c) for c in range(start, start + 256) if not 0xD800 <= c <= 0xDFFF)
        ids = ref.encode(text)
        digest = hashlib.sha256(",".join(map(str, ids)).encode("ascii")).hexdigest()[:16]
        chunks.append("%X %d %s" % (start, len(ids), digest))
    with open(os.path.join(OUT, "clip_codepoint_chunks.txt"), "w", encoding="utf-8", newline="\n") as f:
        f.write("# every code point, 256 a text: hex start, id count, sha256(ids joined by ',')[:16]\n")
        f.write("\n".join(chunks) + "\n")
    print("wrote %d code point chunks" % len(chunks))

    lines = pattern_classes()
    with open(os.path.join(OUT, "clip_pattern_classes.txt"), "w", encoding="utf-8", newline="\n") as f:
        f.write("# regex %s: code point runs (hex start, class): L letter, N number, O other, S skipped\n" % regex.__version__)
        f.write("\n".join(lines) + "\n")
    print("wrote %d class runs" % len(lines))


if __name__ == "__main__":
    main()
