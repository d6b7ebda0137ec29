"""ONNX export with the zoo's I/O contract, record.json upkeep, and a check of the exported file."""
import json
import os
import subprocess
import tempfile

import numpy as np
import onnx
from onnx import numpy_helper
import torch


def export(model, path, image_size, opset=17):
    """input "input" [N,1,H,W] float32, output "logits"; batch dimension named "N"."""
    model.eval()
    dummy = torch.rand(2, 1, image_size, image_size)
    torch.onnx.export(model, dummy, path, opset_version=opset, input_names=["input"],
                      output_names=["logits"], dynamic_axes={"input": {0: "N"}, "logits": {0: "N"}},
                      do_constant_folding=True)
    onnx.checker.check_model(onnx.load(path))
    print(f"  wrote {path} ({os.path.getsize(path) / 1e6:.2f} MB)", flush=True)


def update_record(folder, header, variant, entry):
    """Merges one variant into folder/record.json, keeping the variants made by other runs."""
    path = os.path.join(folder, "record.json")
    record = {}
    if os.path.exists(path):
        with open(path) as f:
            record = json.load(f)
    variants = record.get("variants", {})
    variants[variant] = entry
    record = dict(header)
    record["variants"] = {k: variants[k] for k in ("fp32", "qat", "pruned") if k in variants}
    if "teacher" in header:  # the brief's key order: teacher last
        record["teacher"] = record.pop("teacher")
    with open(path, "w") as f:
        json.dump(record, f, indent=2)
        f.write("\n")


def conv_weights(path):
    """name -> weight array of every Conv node's weight initializer, in graph order."""
    model = onnx.load(path)
    inits = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    return [(n.input[1], inits[n.input[1]]) for n in model.graph.node
            if n.op_type == "Conv" and n.input[1] in inits]


def check_with_edgerun(binary, path, model, inputs, tolerance=1e-4):
    """Runs the exported file with `edgerun run` and compares its logits with the PyTorch model's.
    Prints the largest difference and how many logits differ by more than `tolerance`."""
    with tempfile.TemporaryDirectory() as work:
        np.save(os.path.join(work, "input.npy"), inputs.numpy())
        result = subprocess.run([binary, "run", path, "-i", f"input={work}/input.npy", "-o", work],
                                capture_output=True, text=True)
        if result.returncode != 0:
            print(f"  edgerun run {path} FAILED: {result.stderr.strip()}", flush=True)
            return False
        ours = np.load(os.path.join(work, "logits.npy"))
    with torch.no_grad():
        model.eval()
        theirs = model(inputs).numpy()
    diff = np.abs(ours - theirs)
    over = int((diff > tolerance).sum())
    agree = (ours.argmax(1) == theirs.argmax(1)).mean()
    print(f"  edgerun vs PyTorch on {len(inputs)} inputs: max |diff| {diff.max():.2e}, {over} of "
          f"{diff.size} logits over {tolerance}, argmax agreement {100 * agree:.2f}%", flush=True)
    return over == 0
