#!/usr/bin/env python3
"""Counts the naming styles of the xunit tests under tests/ (issue 19: one naming style).

The project's style is a sentence with underscores (``A_bad_record_refuses_the_whole_batch_naming_it``); a name
without an underscore (``PublicFixtureRowIsReproduced``) deviates. Prints the counts per test project, then with
``--list`` every deviating name with its file.

Run: python3 eng/tools/test-name-styles.py [--list]
"""
import collections
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TEST = re.compile(
    r"\[(?:Fact|Theory|SkippableFact|SkippableTheory)\b[^\]]*\]\s*(?:\[[^\]]*\]\s*)*"
    r"public\s+(?:async\s+)?(?:static\s+)?[\w<>\[\],\s]+?\s+(\w+)\s*\(")


def main():
    counts = collections.defaultdict(collections.Counter)
    deviating = []
    tests = os.path.join(ROOT, "tests")
    for folder, dirs, files in os.walk(tests):
        dirs[:] = [d for d in dirs if d not in ("bin", "obj")]
        for name in sorted(files):
            if not name.endswith(".cs"):
                continue
            path = os.path.join(folder, name)
            project = os.path.relpath(path, tests).split(os.sep)[0]
            with open(path, encoding="utf-8") as f:
                for match in TEST.finditer(f.read()):
                    test = match.group(1)
                    style = "sentence" if "_" in test else "other"
                    counts[project][style] += 1
                    if style == "other":
                        deviating.append((os.path.relpath(path, ROOT), test))
    total = collections.Counter()
    for project in sorted(counts):
        c = counts[project]
        total.update(c)
        print("%-40s %4d sentence_style %4d other" % (project, c["sentence"], c["other"]))
    print("%-40s %4d sentence_style %4d other" % ("all", total["sentence"], total["other"]))
    if "--list" in sys.argv[1:]:
        for path, test in deviating:
            print("  %s %s" % (path, test))


if __name__ == "__main__":
    main()
