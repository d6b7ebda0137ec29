#!/usr/bin/env python3
"""Markdown tables from edgerun_kernel_bench's JSON output: ours vs oneDNN vs XNNPACK per layer shape.

    build/bench/edgerun_kernel_bench --benchmark_repetitions=5 --benchmark_format=json > bench.json
    python3 bench/summarize.py bench.json [--peak 116]

One table per family (conv2d, dense, matmul) and thread count: shape | ours (the best entry of backend
native: its name, GFLOP/s, % of peak) | oneDNN native | XNNPACK native (the libraries run directly at
their own layouts) | ours/oneDNN. Values are medians over the repetitions; % of peak is of the per-core
FMA peak times the threads, as measured by the run (the context's fma_peak_gflops_per_core) unless
--peak gives it. The last line of each table averages over its shapes.

On a machine shared with other work, --cpu-time rates the 1-thread runs by the CPU time the
benchmark thread got instead of wall time (what the kernel does when it has the core to itself);
multi-thread runs stay on wall time, since the main thread's CPU time does not cover its workers.
"""
import argparse
import json
import math
import statistics
import sys
from collections import defaultdict

LIBRARIES = ("onednn_native", "xnnpack_native")


def parse_name(run_name):
    """family/model/layer/impl/threads:T[/real_time] -> (family, model, layer, impl, threads) or None."""
    parts = [p for p in run_name.split("/") if p != "real_time"]
    if len(parts) != 5 or not parts[4].startswith("threads:"):
        return None
    return parts[0], parts[1], parts[2], parts[3], int(parts[4].split(":")[1])


def collect(benchmarks, cpu_time):
    """{(family, threads): {(model, layer): {impl: (median GFLOP/s, label)}}}, skipping failed runs."""
    samples = defaultdict(list)
    labels = {}
    for b in benchmarks:
        if b.get("run_type", "iteration") != "iteration" or b.get("error_occurred") or "GFLOP/s" not in b:
            continue
        key = parse_name(b.get("run_name", b["name"]))
        if key is None:
            continue
        scale = b["real_time"] / b["cpu_time"] if cpu_time and key[4] == 1 and b.get("cpu_time") else 1.0
        samples[key].append(b["GFLOP/s"] * scale)
        labels[key] = b.get("label", "")
    tables = defaultdict(lambda: defaultdict(dict))
    for (family, model, layer, impl, threads), values in samples.items():
        label = labels[(family, model, layer, impl, threads)]
        tables[(family, threads)][(model, layer)][impl] = (statistics.median(values), label)
    return tables


def cell(gflops, peak):
    if gflops is None:
        return "-", "-"
    return f"{gflops:.1f}", (f"{100 * gflops / peak:.0f}%" if peak > 0 else "-")


def print_table(family, threads, rows, peak, clock):
    print(f"\n### {family}, {threads} thread{'s' if threads > 1 else ''}, {clock} "
          f"(peak {peak:.0f} GFLOP/s = {peak / threads:.1f} per core x {threads})\n")
    print("| model | layer | ours: best native entry | GFLOP/s | % peak | oneDNN native | % peak "
          "| XNNPACK native | % peak | ours/oneDNN |")
    print("|---|---|---|---:|---:|---:|---:|---:|---:|---:|")
    ours_pct, onednn_pct, xnn_pct, ratios = [], [], [], []
    for (model, layer), impls in sorted(rows.items()):
        native = {i: v for i, v in impls.items() if i not in LIBRARIES and v[1].split(" ")[0] == "native"}
        best = max(native, key=lambda i: native[i][0]) if native else None
        ours = native[best][0] if best else None
        onednn = impls.get("onednn_native", (None,))[0]
        xnn = impls.get("xnnpack_native", (None,))[0]
        ratio = f"{ours / onednn:.2f}" if ours and onednn else "-"
        for value, bucket in ((ours, ours_pct), (onednn, onednn_pct), (xnn, xnn_pct)):
            if value is not None and peak > 0:
                bucket.append(100 * value / peak)
        if ours and onednn:
            ratios.append(ours / onednn)
        print(f"| {model} | {layer} | {best or '-'} | {' | '.join(cell(ours, peak))} | "
              f"{' | '.join(cell(onednn, peak))} | {' | '.join(cell(xnn, peak))} | {ratio} |")

    def mean(xs, fmt):
        return fmt.format(statistics.mean(xs)) if xs else "-"
    geo = math.exp(statistics.mean(math.log(r) for r in ratios)) if ratios else None
    print(f"| **mean** | {len(rows)} shapes | | | {mean(ours_pct, '{:.0f}%')} | | {mean(onednn_pct, '{:.0f}%')} | "
          f"| {mean(xnn_pct, '{:.0f}%')} | {f'{geo:.2f} (geo)' if geo else '-'} |")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("json", help="--benchmark_format=json output ('-': standard input)")
    parser.add_argument("--peak", type=float, default=0, help="per-core FMA peak in GFLOP/s (default: the run's)")
    parser.add_argument("--cpu-time", action="store_true", help="rate 1-thread runs by CPU time, not wall time")
    args = parser.parse_args()
    with (sys.stdin if args.json == "-" else open(args.json)) as f:
        data = json.load(f)
    per_core = args.peak or float(data.get("context", {}).get("fma_peak_gflops_per_core", 0))
    tables = collect(data.get("benchmarks", []), args.cpu_time)
    if not tables:
        print("no kernel benchmark results in the input", file=sys.stderr)
        return 1
    print(f"FMA peak per core: {per_core:.1f} GFLOP/s; ISA {data.get('context', {}).get('edgerun_isa', '?')}; "
          "medians of the repetitions")
    for (family, threads) in sorted(tables):
        clock = "CPU time" if args.cpu_time and threads == 1 else "wall time"
        print_table(family, threads, tables[(family, threads)], per_core * threads, clock)
    return 0


if __name__ == "__main__":
    sys.exit(main())
