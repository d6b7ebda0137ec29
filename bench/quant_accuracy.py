#!/usr/bin/env python3
"""Accuracy of the trained zoo models in FP32, after SPTQ with each calibrator, and as their QAT variant.

    bench/quant_accuracy.py [--models resnet,bert-student] [--calibrators minmax,percentile,entropy,mse]
                            [--limit N] [--calib-samples N] [--threads T] [--build build] [--out FILE]

For each model in models/trained/: `edgerun eval --json` on the fp32 file; per calibrator
`edgerun quantize --model M --calibrator C -o TMP` (calibrated on the task's train data) and
`edgerun eval --model TMP --data TASK --json`; the qat variant where the model has one. Prints (and
writes to --out) a Markdown table model x {FP32, calibrators, QAT}: the model's primary metric from its
record.json (top1, miou or f1) and the drop vs FP32 in points, the best calibrator and the model's wall
time. A step that fails is marked in its cell and explained below the table; the others go on.
Exit status: 0 when every step ran, 1 otherwise.
"""
import argparse
import json
import os
import platform
import shlex
import subprocess
import sys
import tempfile
import time

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
TRAINED = os.path.join(REPO, "models", "trained")
MODELS = "resnet,resnext,resnet-student,resnext-student,fcn,duc,bert,bert-student,roberta,roberta-student"
CALIBRATORS = "minmax,percentile,entropy,mse"


class StepError(Exception):
    pass


def run_json(cmd):
    """Runs an edgerun command with --json and returns its parsed output (the last JSON object printed)."""
    result = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if result.returncode != 0:
        raise StepError(f"`{shlex.join(cmd)}` exit {result.returncode}: {result.stderr.strip()[-400:]}")
    out = result.stdout
    start = out.find("{")
    try:
        return json.loads(out[start:]) if start >= 0 else None
    except json.JSONDecodeError as e:
        raise StepError(f"`{shlex.join(cmd)}` printed no JSON ({e}): {out[-400:]}") from None


def run_quiet(cmd):
    result = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if result.returncode != 0:
        raise StepError(f"`{shlex.join(cmd)}` exit {result.returncode}: {result.stderr.strip()[-400:]}")


class Evaluator:
    def __init__(self, args):
        self.edgerun = os.path.join(args.build, "tools", "edgerun")
        self.common = ["--threads", str(args.threads)] + (["--limit", str(args.limit)] if args.limit else [])
        self.calib = (["--samples", str(args.calib_samples)] if args.calib_samples else []) + \
                     ["--threads", str(args.threads)]

    def metric(self, cmd, name):
        out = run_json([self.edgerun, "eval"] + cmd + self.common + ["--json"])
        if not out or name not in out.get("metrics", {}):
            raise StepError(f"`edgerun eval {shlex.join(cmd)}` reported no '{name}': {out}")
        return out["metrics"][name], out["samples"]

    def quantize(self, model, calibrator, output):
        run_quiet([self.edgerun, "quantize", "--model", model, "--calibrator", calibrator, "-o", output] +
                  self.calib)


def evaluate_model(ev, name, calibrators, tmp):
    """Returns a row dict: metric, task, samples, values {column: percent or None}, errors, seconds."""
    folder = os.path.join(TRAINED, name)
    with open(os.path.join(folder, "record.json")) as f:
        record = json.load(f)
    metric, task = record["metric"], record["task"]
    vocab = os.path.join(folder, "vocab.txt")
    data = ["--data", task] + (["--vocab", vocab] if os.path.exists(vocab) else [])
    row = {"metric": metric, "task": task, "samples": None, "values": {}, "errors": {}}
    start = time.monotonic()

    def step(column, fn):
        try:
            row["values"][column], row["samples"] = fn()
        except StepError as e:
            row["values"][column] = None
            row["errors"][column] = str(e)

    step("FP32", lambda: ev.metric(["--model", name], metric))
    for c in calibrators:
        qdq = os.path.join(tmp, f"{name}.{c}.onnx")

        def quantized(c=c, qdq=qdq):
            ev.quantize(name, c, qdq)
            try:
                return ev.metric(["--model", qdq] + data, metric)
            finally:
                os.remove(qdq)
        step(c, quantized)
    if "qat" in record.get("variants", {}):
        step("QAT", lambda: ev.metric(["--model", name, "--variant", "qat"], metric))
    row["seconds"] = time.monotonic() - start
    return row


def cell(row, column):
    if column not in row["values"]:
        return "-"
    value, fp32 = row["values"][column], row["values"].get("FP32")
    if value is None:
        return "failed"
    if column == "FP32" or fp32 is None:
        return f"{value:.2f}"
    return f"{value:.2f} ({value - fp32:+.2f})"


def best_calibrator(row, calibrators):
    scored = [(row["values"][c], c) for c in calibrators if row["values"].get(c) is not None]
    if not scored or row["values"].get("FP32") is None:
        return "-"
    value, c = max(scored, key=lambda vc: vc[0])  # ties: the first in --calibrators order
    return f"{c} ({value - row['values']['FP32']:+.2f})"


def machine_line():
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    rev = subprocess.run(["git", "-C", REPO, "rev-parse", "--short", "HEAD"], stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, text=True).stdout.strip()
    return f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}, edgerun {rev or 'unknown'}"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", default=MODELS, help="trained zoo models, comma separated")
    parser.add_argument("--calibrators", default=CALIBRATORS, help="SPTQ calibrators, comma separated")
    parser.add_argument("--limit", type=int, default=0, help="test samples per evaluation (0: the whole split)")
    parser.add_argument("--calib-samples", type=int, default=0,
                        help="calibration samples (edgerun quantize --samples; 0: its default)")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--build", default=os.path.join(REPO, "build"), help="edgerun's build folder")
    parser.add_argument("--out", help="also write the Markdown report to this file")
    args = parser.parse_args()
    models = [m for m in args.models.split(",") if m]
    calibrators = [c for c in args.calibrators.split(",") if c]
    for m in models:
        if not os.path.isfile(os.path.join(TRAINED, m, "record.json")):
            parser.error(f"'{m}' has no {TRAINED}/{m}/record.json")
    ev = Evaluator(args)
    if not os.access(ev.edgerun, os.X_OK):
        print(f"quant_accuracy: {ev.edgerun} is missing (cmake --build {args.build} --target edgerun_cli)",
              file=sys.stderr)
        return 1

    columns = ["FP32"] + calibrators + ["QAT"]
    lines = [
        "# SPTQ accuracy: FP32 vs each calibrator vs QAT",
        "",
        f"Command: `{shlex.join(['bench/quant_accuracy.py'] + sys.argv[1:])}`  ",
        f"Machine: {machine_line()}  ",
        f"Samples: {'first ' + str(args.limit) if args.limit else 'whole test split'}; calibration: "
        f"{args.calib_samples or 'edgerun quantize default'} train samples; {args.threads} thread(s)",
        "",
        "Cells: the model's primary metric in % (drop vs FP32 in points).",
        "",
        "| model | metric | samples | " + " | ".join(columns) + " | best calibrator | wall s |",
        "|---|---|---:|" + "---:|" * len(columns) + "---|---:|",
    ]
    for line in lines:
        print(line)
    sys.stdout.flush()
    errors = []
    with tempfile.TemporaryDirectory(prefix="edgerun-quant-accuracy-") as tmp:
        for m in models:
            row = evaluate_model(ev, m, calibrators, tmp)
            line = (f"| {m} | {row['metric']} | {row['samples'] or '-'} | " +
                    " | ".join(cell(row, c) for c in columns) +
                    f" | {best_calibrator(row, calibrators)} | {row['seconds']:.0f} |")
            print(line)
            sys.stdout.flush()
            lines.append(line)
            errors += [f"- {m} {column}: {e}" for column, e in row["errors"].items()]
    if errors:
        lines += ["", "Failures:"] + errors
        print("\n".join([""] + lines[-len(errors) - 1:]))
    if args.out:
        os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
        with open(args.out, "w") as f:
            f.write("\n".join(lines) + "\n")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
