#!/usr/bin/python3
"""Python faiss side of the search comparison (benchmarks/compare/run.sh).

Loads the very index files our side built (faiss.read_index, FAISS 1.7.3 format) and the same query file, and times
what our `compare faiss-search` times: one batched search of all queries with --threads OpenMP threads, and --single
one-query searches (index.search(x[i:i+1], k)) with --single-threads threads; median of --reps repetitions after a
warm-up. Prints one JSON line per index kind. Run it with Debian's /usr/bin/python3 (python3-faiss).
"""
import argparse
import json
import os
import statistics
import time
from datetime import datetime, timezone

import faiss
import numpy as np

K = 10

parser = argparse.ArgumentParser()
parser.add_argument("--dir", required=True)
parser.add_argument("--kinds", default="flat,ivfflat,ivfpq,ivfpqr,hnsw")
parser.add_argument("--threads", type=int, default=os.cpu_count())
parser.add_argument("--single", type=int, default=200)
parser.add_argument("--single-threads", type=int, default=1)
parser.add_argument("--reps", type=int, default=3)
args = parser.parse_args()

queries = np.fromfile(os.path.join(args.dir, "queries.f32"), dtype=np.float32)
for kind in args.kinds.split(","):
    index = faiss.read_index(os.path.join(args.dir, kind + ".faiss"))
    d = index.d
    xq = queries.reshape(-1, d)
    nq = xq.shape[0]
    singles = min(args.single, nq)

    faiss.omp_set_num_threads(args.threads)
    index.search(xq, K)
    faiss.omp_set_num_threads(args.single_threads)
    for q in range(min(20, singles)):
        index.search(xq[q:q + 1], K)

    batched, single = [], []
    ids = None
    for _ in range(args.reps):
        faiss.omp_set_num_threads(args.threads)
        t = time.perf_counter()
        _, ids = index.search(xq, K)
        batched.append(time.perf_counter() - t)

        faiss.omp_set_num_threads(args.single_threads)
        t = time.perf_counter()
        for q in range(singles):
            index.search(xq[q:q + 1], K)
        single.append(time.perf_counter() - t)

    b, s = statistics.median(batched), statistics.median(single)
    print(json.dumps({
        "what": "faiss-search", "side": "python-faiss", "kind": kind, "n": index.ntotal, "d": d, "threads": args.threads,
        "single_threads": args.single_threads, "queries": nq, "singles": singles,
        "batched_s": b, "batched_qps": nq / b, "single_us": s / singles * 1e6, "single_qps": singles / s,
        "checksum": int(ids[0].sum()), "faiss": faiss.__version__,
        "utc": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%SZ"),
    }), flush=True)
