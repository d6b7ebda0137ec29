#!/usr/bin/python3
"""Adds PyTorch's metrics on the first N Fashion-MNIST test images to each classifier's record.json
("subset_metrics" of the fp32 variant), so the eval test can compare edgerun with PyTorch on a subset
in a sanitizer build, where the full split is too slow.

Needs the fp32 checkpoints train_vision.py wrote (build/vision_checkpoints/). It first re-checks the
full-split metrics against the record, which proves the checkpoint is the exported model.
Usage: /usr/bin/python3 models/train/record_subset_metrics.py [--samples 2000]
"""
import argparse
import json
import os

import torch

import train_vision
import vision_data
import vision_train
from vision_specs import SPECS


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=2000)
    args = parser.parse_args()
    torch.set_num_threads(1)
    images, labels = vision_data.fashion_mnist_split("t10k")
    for name, spec in SPECS.items():
        if spec.task != "fashion-mnist":
            continue
        path = os.path.join(train_vision.folder(name), "record.json")
        with open(path) as f:
            record = json.load(f)
        model = train_vision.load_fp32(name)
        logits = vision_train.predict(model, images)
        full = vision_train.classification_metrics(logits, labels)
        if full != record["variants"]["fp32"]["metrics"]:
            raise SystemExit(f"{name}: checkpoint gives {full}, record says "
                             f"{record['variants']['fp32']['metrics']}: not the exported model")
        subset = vision_train.classification_metrics(logits[:args.samples], labels[:args.samples])
        record["variants"]["fp32"]["subset_metrics"] = {"samples": args.samples, **subset}
        with open(path, "w") as f:
            json.dump(record, f, indent=2)
            f.write("\n")
        print(f"{name}: full {full}, first {args.samples}: {subset}")


if __name__ == "__main__":
    main()
