#!/usr/bin/env python3
"""The sparse vs dense kernel table from edgerun_kernel_bench's sparse families (bench/sparse_bench.cc).

    build/bench/edgerun_kernel_bench --models=resnet50,bert --benchmark_filter='sparse_.*/threads:1' \\
        --benchmark_repetitions=3 --benchmark_format=json > sparse.json
    python3 bench/sparse_summary.py sparse.json      # or sparse.json.gz

Per family (sparse_conv2d_2x1: convolutions pruned in 2x1 blocks at 75%; sparse_dense_4x1: dense
layers in 4x1 blocks at 90%), thread count and layer shape: the dense entry the engine runs unpruned,
the fastest sparse entry (kernels/sparse) on the same pruned weights, the speed-up, and XNNPACK's
SpMM where registered. Times are medians over the repetitions of one run (ratios side by side). The
last line gives the geometric mean speed-up and the layer-count weighted time of the dense and the
best-per-layer choice (what the engine's measured choice reaches on these layers).
"""
import gzip
import json
import math
import statistics
import sys
from collections import defaultdict


def main(path):
    with (gzip.open(path, "rt") if path.endswith(".gz") else open(path)) as f:
        benchmarks = json.load(f)["benchmarks"]
    times = defaultdict(list)
    counts = {}
    for b in benchmarks:
        if b.get("run_type", "iteration") != "iteration" or b.get("error_occurred"):
            continue
        parts = [p for p in b.get("run_name", b["name"]).split("/") if p != "real_time"]
        if len(parts) != 5 or not parts[0].startswith("sparse_"):
            continue
        family, model, layer, impl, threads = parts
        times[(family, threads, model, layer, impl)].append(b["real_time"])
        counts[(model, layer)] = int(b.get("layers", 1))
    rows = defaultdict(lambda: defaultdict(dict))
    for (family, threads, model, layer, impl), values in times.items():
        rows[(family, threads)][(model, layer)][impl] = statistics.median(values)
    for (family, threads), layers in sorted(rows.items()):
        print(f"\n### {family}, {threads}\n")
        print("| model | layer | layers | dense entry | dense ms | best sparse entry | sparse ms | speed-up "
              "| XNNPACK SpMM ms |")
        print("|---|---|---:|---|---:|---|---:|---:|---:|")
        speedups, dense_total, chosen_total = [], 0.0, 0.0
        for (model, layer), impls in sorted(layers.items()):
            dense = {i: t for i, t in impls.items() if "_spmm_" not in i and not i.startswith("xnnpack")}
            sparse = {i: t for i, t in impls.items() if "_spmm__" in i}
            if not dense or not sparse:
                continue
            d_name, d_ms = next(iter(dense.items()))
            s_name = min(sparse, key=sparse.get)
            s_ms = sparse[s_name]
            xnn = impls.get("xnnpack_spmm_native")
            n = counts.get((model, layer), 1)
            speedups.append(d_ms / s_ms)
            dense_total += n * d_ms
            chosen_total += n * min(d_ms, s_ms)
            print(f"| {model} | {layer} | {n} | {d_name} | {d_ms:.3f} | {s_name} | {s_ms:.3f} | "
                  f"{d_ms / s_ms:.2f}x | {f'{xnn:.3f}' if xnn else '-'} |")
        if speedups:
            geo = math.exp(sum(math.log(s) for s in speedups) / len(speedups))
            print(f"| all | geometric mean speed-up {geo:.2f}x | | dense total (x layers) | {dense_total:.3f} | "
                  f"best per layer | {chosen_total:.3f} | {dense_total / chosen_total:.2f}x | |")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
