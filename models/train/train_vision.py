#!/usr/bin/python3
"""Trains the vision surrogates and their white-box variants, exports them to ONNX and writes
models/trained/<name>/record.json. Run from the repository root:

    /usr/bin/python3 models/train/train_vision.py [--only NAME ...] [--variants fp32,qat,pruned]
                                                  [--edgerun build/tools/edgerun]

Names: resnet, resnext, resnet-student, resnext-student, fcn, duc (see vision_specs.py). A student
needs its teacher's fp32 checkpoint (build/vision_checkpoints/<teacher>.pt, not in git, so train the
teacher first in the same checkout). qat and pruned start from the fp32 checkpoint.
Everything is seeded; CPU, one thread.
"""
import argparse
import os
import sys

import torch

import vision_data
import vision_export
import vision_prune
import vision_quant
import vision_train
from vision_specs import SPECS

SEED = 0
QAT_SAMPLES, QAT_EPOCHS, QAT_LR = 30000, 1, 0.01
PRUNE_SAMPLES, PRUNE_EPOCHS, PRUNE_LR, SPARSITY = 60000, 1, 0.03, 0.75
CHECK_INPUTS = 16  # test inputs that --edgerun runs through each exported file
TRAINED = os.path.join(vision_data.REPO, "models", "trained")
CHECKPOINTS = os.path.join(vision_data.REPO, "build", "vision_checkpoints")


def folder(name):
    return os.path.join(TRAINED, name)


def checkpoint(name):
    # Trained weights (fp32: for the students' teacher and the white-box variants; qat: for
    # debugging the export); under build/, which git ignores.
    os.makedirs(CHECKPOINTS, exist_ok=True)
    return os.path.join(CHECKPOINTS, f"{name}.pt")


def load_task(spec):
    if spec.task == "fashion-mnist":
        train = vision_data.fashion_mnist_split("train", spec.train_samples)
        test = vision_data.fashion_mnist_split("t10k")
    else:
        train = vision_data.scenes_train(spec.train_samples)
        test = vision_data.scenes_test()
    return train, test


def evaluate(spec, model, test):
    logits = vision_train.predict(model, test[0])
    if spec.task == "fashion-mnist":
        return vision_train.classification_metrics(logits, test[1])
    return vision_train.miou(logits, test[1], 11)


def header(spec):
    record = {"zoo_name": spec.name, "architecture": spec.architecture, "task": spec.task,
              "metric": spec.metric}
    if spec.teacher:
        record["teacher"] = spec.teacher
    return record


def load_fp32(name):
    model = SPECS[name].build()
    model.load_state_dict(torch.load(checkpoint(name)))
    return model.eval()


def run_fp32(spec, train, test):
    model = spec.build()
    params = sum(p.numel() for p in model.parameters())
    teacher = load_fp32(spec.teacher) if spec.teacher else None
    print(f"{spec.name} fp32: {params} parameters", flush=True)
    seconds = vision_train.train(model, *train, spec.epochs, SEED, spec.lr, spec.batch_size,
                                 teacher=teacher)
    os.makedirs(folder(spec.name), exist_ok=True)
    torch.save(model.state_dict(), checkpoint(spec.name))
    vision_export.export(model, os.path.join(folder(spec.name), "model.onnx"), spec.image_size)
    metrics = evaluate(spec, model, test)
    how = (f"SGD momentum 0.9 Nesterov, weight decay 5e-4, one-cycle LR max {spec.lr}, batch "
           f"{spec.batch_size}, no augmentation")
    if teacher is not None:
        how += f"; distilled from {spec.teacher}: 0.5 * CE + 0.5 * KL, temperature 1"
    return "fp32", {"file": "model.onnx", "epochs": spec.epochs, "seed": SEED,
                    "train_seconds": round(seconds, 1), "train_samples": len(train[0]),
                    "metrics": metrics, "model": model, "how": how}


def run_qat(spec, train, test):
    model = vision_quant.prepare_qat(load_fp32(spec.name))
    inputs, labels = train[0][:QAT_SAMPLES], train[1][:QAT_SAMPLES]

    def freeze(step, total):  # observers settle during the first half, scales fixed after
        if step == total // 2:
            vision_quant.freeze_observers(model)

    print(f"{spec.name} qat", flush=True)
    seconds = vision_train.train(model, inputs, labels, QAT_EPOCHS, SEED, QAT_LR, spec.batch_size,
                                 weight_decay=0.0, after_step=freeze)
    vision_quant.freeze_observers(model)
    torch.save(model.state_dict(), checkpoint(f"{spec.name}-qat"))
    path = os.path.join(folder(spec.name), "qat.onnx")
    vision_export.export(model, path, spec.image_size)
    exported = vision_quant.onnx_arithmetic(model)
    print(f"  PyTorch fake-quant arithmetic: {evaluate(spec, model, test)}", flush=True)
    return "qat", {"file": "qat.onnx", "epochs": QAT_EPOCHS, "seed": SEED,
                   "train_seconds": round(seconds, 1), "train_samples": len(inputs),
                   "metrics": evaluate(spec, exported, test), "model": exported,
                   "how": "fake-quant fine-tuning from fp32 (BatchNorm folded first), exported as QDQ: "
                          "weights per-channel symmetric int8, activations (every Conv/Gemm input) "
                          "per-tensor asymmetric uint8 with moving-average min/max observers frozen "
                          f"after half the steps; SGD one-cycle LR max {QAT_LR}, no weight decay; "
                          "metrics with ONNX's QuantizeLinear arithmetic (round(x / scale))"}


def run_pruned(spec, train, test):
    model = load_fp32(spec.name)
    pruner = vision_prune.GradualPruner(model, SPARSITY)
    inputs, labels = train[0][:PRUNE_SAMPLES], train[1][:PRUNE_SAMPLES]
    print(f"{spec.name} pruned", flush=True)
    seconds = vision_train.train(model, inputs, labels, PRUNE_EPOCHS, SEED, PRUNE_LR, spec.batch_size,
                                 after_step=pruner)
    path = os.path.join(folder(spec.name), "pruned.onnx")
    vision_export.export(model, path, spec.image_size)
    zero, total = vision_prune.onnx_block_sparsity(vision_export.conv_weights(path))
    print(f"  exported 2x1 block sparsity {zero}/{total} = {zero / total:.4f}", flush=True)
    if zero / total < SPARSITY - 1e-3:
        sys.exit(f"{path}: block sparsity {zero / total:.4f} is below {SPARSITY}")
    return "pruned", {"file": "pruned.onnx", "epochs": PRUNE_EPOCHS, "seed": SEED,
                      "train_seconds": round(seconds, 1), "train_samples": len(inputs),
                      "metrics": evaluate(spec, model, test), "model": model,
                      "sparsity": SPARSITY, "pattern": "2x1",
                      "how": "global magnitude pruning of 2x1 blocks (2 consecutive output channels at "
                             "one input position) over all convs but the first, sparsity ramped "
                             "cubically to 0.75 over the first half of fine-tuning, masks held after; "
                             f"SGD one-cycle LR max {PRUNE_LR}; exported dense (zeros in the weights). "
                             f"Exported: {zero} of {total} blocks zero"}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", nargs="+", choices=list(SPECS), default=list(SPECS))
    parser.add_argument("--variants", default=None, help="comma-separated subset of fp32,qat,pruned")
    parser.add_argument("--edgerun", default=None, metavar="BINARY",
                        help="also run each exported file with `BINARY run` on a few test inputs and "
                             "compare with PyTorch (build/tools/edgerun)")
    args = parser.parse_args()
    torch.set_num_threads(1)
    runners = {"fp32": run_fp32, "qat": run_qat, "pruned": run_pruned}
    for name in args.only:
        spec = SPECS[name]
        variants = args.variants.split(",") if args.variants else spec.variants
        train, test = load_task(spec)
        for variant in variants:
            if variant not in spec.variants:
                sys.exit(f"{name} has no {variant} variant")
            key, entry = runners[variant](spec, train, test)
            model = entry.pop("model")
            if args.edgerun:
                vision_export.check_with_edgerun(args.edgerun, os.path.join(folder(name), entry["file"]),
                                                 model, test[0][:CHECK_INPUTS])
            print(f"{name} {key}: {entry['metrics']} in {entry['train_seconds']} s", flush=True)
            vision_export.update_record(folder(name), header(spec), key, entry)


if __name__ == "__main__":
    main()
