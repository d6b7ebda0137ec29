#!/usr/bin/python3
"""Runs torchvision's classification and segmentation models through edgerun and compares with PyTorch.

Each model is built with random weights (weights=None, weights_backbone=None; nothing is downloaded)
from a fixed seed, exported to ONNX at the smallest input size it accepts, run in PyTorch eval mode for
the reference and in edgerun through its CLI, and the outputs are compared. Every model runs in its
own worker process so its memory is returned before the next one starts.

    /usr/bin/python3 models/tools/check_torchvision_models.py                # the default set
    /usr/bin/python3 models/tools/check_torchvision_models.py --only resnet18 vit_b_16
    /usr/bin/python3 models/tools/check_torchvision_models.py --all          # every registered model

Exports and outputs go to a scratch folder (default /tmp/edgerun_tv), never into the repository, and
are deleted after each model unless --keep is given.
A model passes when np.allclose(edgerun, torch, rtol=1e-3, atol=1e-4 * max|torch|) holds.
Exit status: 0 when every model that exported passes, 1 otherwise.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import time

import torch

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SEED = 20240601
RTOL = 1e-3
ATOL_SCALE = 1e-4

# name -> (input size, constructor kwargs, opsets). Sizes are the smallest each model accepts:
# AlexNet and VGG end in an AdaptiveAvgPool2d to 6x6 / 7x7 that the exporter only handles when the
# feature map is a multiple of it, the transformers have fixed position tables or window grids.
CLASSIFICATION = {
    "alexnet": (224, {}, [13]),
    "vgg11_bn": (224, {}, [13]),
    "resnet18": (64, {}, [13, 17]),
    "resnext50_32x4d": (64, {}, [13]),
    "wide_resnet50_2": (64, {}, [13]),
    "squeezenet1_1": (64, {}, [13]),
    "densenet121": (64, {}, [13]),
    "inception_v3": (75, {"aux_logits": False, "init_weights": True}, [13]),
    "googlenet": (64, {"aux_logits": False, "init_weights": True}, [13]),
    "shufflenet_v2_x0_5": (64, {}, [13]),
    "mobilenet_v2": (64, {}, [13]),
    "mobilenet_v3_small": (64, {}, [13, 17]),
    "mnasnet0_5": (64, {}, [13]),
    "efficientnet_b0": (64, {}, [13]),
    "efficientnet_v2_s": (64, {}, [13]),
    "regnet_y_400mf": (64, {}, [13]),
    "convnext_tiny": (64, {}, [13, 17]),
    "vit_b_16": (224, {}, [13, 17]),
    "swin_t": (224, {}, [13, 17]),
    "maxvit_t": (224, {}, [13]),
    "swin_v2_t": (64, {}, [13]),
}
HUGE = ("vit_h_14", "regnet_y_128gf")
SEGMENTATION = {
    "fcn_resnet50": (64, {"weights_backbone": None, "aux_loss": False}, [13]),
    "deeplabv3_resnet50": (64, {"weights_backbone": None, "aux_loss": False}, [13]),
    "deeplabv3_mobilenet_v3_large": (64, {"weights_backbone": None, "aux_loss": False}, [13, 17]),
    "lraspp_mobilenet_v3_large": (64, {"weights_backbone": None}, [13]),
}


def default_size(name):
    """The smallest input of a model not in the tables above, by family."""
    if name.startswith(("vit_", "maxvit", "vgg", "alexnet")):
        return 224
    return 75 if name.startswith("inception") else 64


def build_model(name, kwargs):
    import torchvision

    torch.manual_seed(SEED)
    if name in SEGMENTATION or name.startswith(("fcn_", "deeplabv3_", "lraspp_")):
        kwargs = dict({"weights_backbone": None}, **kwargs)
        model = getattr(torchvision.models.segmentation, name)(weights=None, **kwargs)
        model = SegmentationOut(model)
    else:
        model = getattr(torchvision.models, name)(weights=None, **kwargs)
    randomize(model)
    return model.eval()


class SegmentationOut(torch.nn.Module):
    """Segmentation models return a dict; the export needs the 'out' tensor."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, x):
        return self.model(x)["out"]


def randomize(model):
    """Makes every layer matter: default inits leave BatchNorm as identity, ViT's head all zero and
    ConvNeXt's layer scale at 1e-6, which would hide a wrong op behind a near-zero contribution."""

    g = torch.Generator().manual_seed(SEED + 1)
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, (torch.nn.BatchNorm1d, torch.nn.BatchNorm2d)):
                c = module.num_features
                module.running_mean.copy_(0.1 * torch.randn(c, generator=g))
                module.running_var.copy_(0.5 + torch.rand(c, generator=g))
                if module.affine:
                    module.weight.copy_(0.5 + torch.rand(c, generator=g))
                    module.bias.copy_(0.1 * torch.randn(c, generator=g))
            elif isinstance(module, torch.nn.LayerNorm) and module.elementwise_affine:
                n = module.weight.numel()
                module.weight.copy_((0.5 + torch.rand(n, generator=g)).view_as(module.weight))
                module.bias.copy_((0.1 * torch.randn(n, generator=g)).view_as(module.bias))
            elif isinstance(module, torch.nn.Linear) and not module.weight.any():
                module.weight.copy_(0.02 * torch.randn(module.weight.shape, generator=g))
        for pname, p in model.named_parameters():
            if pname.endswith("layer_scale"):
                p.copy_(0.5 + torch.rand(p.shape, generator=g))


def register_export_shims():
    """torch 1.13's exporter has no symbolic for aten::zero (Swin V2 zeroes the key third of its qkv
    bias in place with zero_()); x * 0 is the same for the finite bias."""
    from torch.onnx import register_custom_op_symbolic

    def zero(g, self):
        return g.op("Mul", self, g.op("Constant", value_t=torch.tensor(0.0)))

    for opset in range(9, 18):
        register_custom_op_symbolic("aten::zero", zero, opset)


def worker(name, opset, size, workdir, edgerun, threads):
    """Exports, runs and compares one model; returns a dict for the table."""
    import numpy as np
    import onnx

    torch.set_num_threads(max(1, threads))
    register_export_shims()
    kwargs = (CLASSIFICATION.get(name) or SEGMENTATION.get(name) or (size, {}, None))[1]
    result = {"model": name, "opset": opset, "size": size, "nodes": "", "ops": "", "status": "",
              "max_abs": None, "rel": None, "time_s": None}
    model = build_model(name, kwargs)
    torch.manual_seed(SEED + 2)
    x = torch.randn(1, 3, size, size)
    with torch.no_grad():
        ref = model(x)
    if isinstance(ref, (tuple, list)):
        ref = ref[0]
    ref = ref.numpy()

    os.makedirs(workdir, exist_ok=True)
    onnx_path = os.path.join(workdir, f"{name}_op{opset}.onnx")
    try:
        # Not under no_grad: there nn.MultiheadAttention takes its fused fast path
        # (aten::_native_multi_head_attention), which the torch 1.13 exporter cannot export.
        torch.onnx.export(model, x, onnx_path, opset_version=opset, input_names=["input"],
                          output_names=["output"], do_constant_folding=True)
    except Exception as e:  # noqa: BLE001 - any exporter failure is reported, not fatal
        result["status"] = "export-fail: " + first_line(str(e))
        return result
    proto = onnx.load(onnx_path, load_external_data=False)
    ops = {}
    for node in proto.graph.node:
        ops[node.op_type] = ops.get(node.op_type, 0) + 1
    result["nodes"] = len(proto.graph.node)
    result["ops"] = " ".join(sorted(ops))
    del proto, model

    in_path = os.path.join(workdir, f"{name}_input.npy")
    np.save(in_path, x.numpy())
    out_dir = os.path.join(workdir, f"{name}_op{opset}_out")
    out_file = os.path.join(out_dir, "output.npy")
    if os.path.exists(out_file):
        os.remove(out_file)
    cmd = [edgerun, "run", onnx_path, "-i", f"input={in_path}", "-o", out_dir, "--threads", str(threads)]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    result["time_s"] = time.perf_counter() - t0
    if proc.returncode != 0:
        msg = (proc.stderr.strip().splitlines() or [f"exit status {proc.returncode}"])[-1]
        result["status"] = "fail: " + msg
        return result
    got = np.load(out_file)
    if got.shape != ref.shape:
        result["status"] = f"mismatch: shape {got.shape} vs torch {ref.shape}"
        return result
    diff = np.abs(got.astype(np.float64) - ref.astype(np.float64))
    scale = float(np.abs(ref).max())
    result["max_abs"] = float(diff.max()) if diff.size else 0.0
    result["rel"] = result["max_abs"] / scale if scale > 0 else result["max_abs"]
    if not np.isfinite(got).all():
        result["status"] = "mismatch: non-finite output"
    elif np.allclose(got, ref, rtol=RTOL, atol=ATOL_SCALE * scale):
        result["status"] = "pass"
    else:
        result["status"] = "mismatch"
    return result


def first_line(text):
    lines = [l.strip() for l in text.strip().splitlines() if l.strip()]
    return lines[0][:200] if lines else "(no message)"


def fmt(v, spec):
    return "" if v is None else format(v, spec)


def print_table(rows):
    headers = ["model", "opset", "size", "nodes", "status", "max_abs", "rel_err", "edgerun_s", "ops"]
    table = [[r["model"], str(r["opset"]), str(r["size"]), str(r["nodes"]), r["status"],
              fmt(r["max_abs"], ".2e"), fmt(r["rel"], ".2e"), fmt(r["time_s"], ".2f"), r["ops"]]
             for r in rows]
    widths = [max(len(h), *(len(row[i]) for row in table)) if table else len(h)
              for i, h in enumerate(headers)]
    widths[-1] = 0
    widths[4] = min(widths[4], 60)
    line = lambda cells: "  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()
    print(line(headers))
    print(line(["-" * min(w, 60) if w else "---" for w in widths]))
    for row in table:
        print(line(row))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", nargs="+", help="model names to run")
    ap.add_argument("--all", action="store_true", help="every model torchvision.models.list_models() "
                    "has outside detection, video, optical flow and quantized (at opset 13)")
    ap.add_argument("--huge", action="store_true", help="with --all, also the models over 500M parameters "
                    "(vit_h_14, regnet_y_128gf: exports over 2 GB, several GB of memory)")
    ap.add_argument("--opsets", nargs="+", type=int, help="override the opsets of every model")
    ap.add_argument("--edgerun", default=os.path.join(REPO, "build", "tools", "edgerun"))
    ap.add_argument("--workdir", default="/tmp/edgerun_tv")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--json", help="also write the rows as JSON to this file")
    ap.add_argument("--keep", action="store_true", help="keep each model's export, input and outputs in "
                    "the workdir (deleted after the model by default)")
    ap.add_argument("--worker", nargs=3, metavar=("NAME", "OPSET", "SIZE"), help=argparse.SUPPRESS)
    args = ap.parse_args()

    if args.worker:
        name, opset = args.worker[0], int(args.worker[1])
        try:
            row = worker(name, opset, int(args.worker[2]), args.workdir, args.edgerun, args.threads)
        finally:
            if not args.keep:  # the exports of the big models take gigabytes
                for base in (f"{name}_op{opset}.onnx", f"{name}_input.npy", f"{name}_op{opset}_out"):
                    path = os.path.join(args.workdir, base)
                    if os.path.isdir(path):
                        shutil.rmtree(path)
                    elif os.path.exists(path):
                        os.remove(path)
        print("RESULT " + json.dumps(row))
        return 0

    models = dict(CLASSIFICATION, **SEGMENTATION)
    import torchvision

    registered = torchvision.models.list_models()
    if args.all:
        skip = ("quantized_", "fasterrcnn", "maskrcnn", "keypointrcnn", "retinanet", "fcos", "ssd",
                "raft", "r3d", "r2plus1d", "mc3", "s3d", "mvit")
        for n in registered:
            if n in HUGE and not args.huge:
                continue
            if not n.startswith(skip) and n not in models:
                models[n] = (default_size(n), {}, [13])
    names = args.only or list(models)
    for n in names:
        if n not in models and n in registered:
            models[n] = (default_size(n), {}, [13])
    unknown = [n for n in names if n not in models]
    if unknown:
        ap.error("unknown model(s): " + " ".join(unknown))
    if not os.path.exists(args.edgerun):
        ap.error(f"no edgerun CLI at {args.edgerun}: build it first (ninja -C build)")

    rows = []
    for name in names:
        for opset in args.opsets or models[name][2]:
            cmd = [sys.executable, os.path.abspath(__file__), "--worker", name, str(opset), str(models[name][0]),
                   "--workdir", args.workdir, "--edgerun", args.edgerun, "--threads", str(args.threads)]
            if args.keep:
                cmd.append("--keep")
            proc = subprocess.run(cmd, capture_output=True, text=True)
            line = [l for l in proc.stdout.splitlines() if l.startswith("RESULT ")]
            if line:
                row = json.loads(line[-1][len("RESULT "):])
            else:
                err = (proc.stderr.strip().splitlines() or ["no output"])[-1]
                row = {"model": name, "opset": opset, "size": models[name][0], "nodes": "", "ops": "",
                       "status": "worker-fail: " + err[:200], "max_abs": None, "rel": None, "time_s": None}
            rows.append(row)
            print(f"[{len(rows)}] {name} opset {opset}: {row['status']}"
                  + (f" (max_abs {row['max_abs']:.2e}, rel {row['rel']:.2e})" if row["max_abs"] is not None else "")
                  + (f" {row['time_s']:.2f}s" if row["time_s"] is not None else ""), flush=True)
    print()
    print_table(rows)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=1)
    bad = [r for r in rows if r["status"] != "pass" and not r["status"].startswith("export-fail")]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
