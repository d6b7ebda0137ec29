#!/usr/bin/python3
"""fashion-scenes: a segmentation task built from Fashion-MNIST items (the seeded generator).

A scene is a 64x64 uint8 canvas, background 0, with 2 to 4 Fashion-MNIST items pasted at random
positions (each 28x28 item lies wholly inside: top-left corner uniform in [0, 36] x [0, 36]).
Items are pasted in order, so later items lie on top:
  - the item's "ink" pixels, intensity > THRESHOLD (= 40 of 255), overwrite the canvas and set the label
    of that pixel to the item's class, Fashion-MNIST label + 1 (1..10);
  - its faint pixels (<= THRESHOLD) only brighten the canvas (canvas = max(canvas, pixel)) and leave
    the label alone.
Label 0 = background. Each scene draws, from numpy's default_rng(seed): the item count, then for each
item an image index (uniform over the split) and its top-left corner (row, then column).
Training scenes come from the "train" images, test scenes from the "t10k" images.

Writing the committed test split (models/data/fashion_scenes/):
    /usr/bin/python3 models/train/fashion_scenes.py --split t10k --count 300 --seed 1 \
        --out models/data/fashion_scenes
"""
import argparse
import os

import numpy as np

import fashion_mnist

SIZE = 64
ITEM = 28
THRESHOLD = 40
MIN_ITEMS, MAX_ITEMS = 2, 4
NUM_CLASSES = 11


def generate(images, labels, count, seed):
    """images uint8 [M,28,28], labels [M] -> scenes uint8 [count,1,64,64], masks uint8 [count,64,64]."""
    rng = np.random.default_rng(seed)
    scenes = np.zeros((count, 1, SIZE, SIZE), dtype=np.uint8)
    masks = np.zeros((count, SIZE, SIZE), dtype=np.uint8)
    for s in range(count):
        canvas, mask = scenes[s, 0], masks[s]
        for _ in range(int(rng.integers(MIN_ITEMS, MAX_ITEMS + 1))):
            index = int(rng.integers(0, len(images)))
            row, col = (int(v) for v in rng.integers(0, SIZE - ITEM + 1, size=2))
            item = images[index]
            window = canvas[row:row + ITEM, col:col + ITEM]
            ink = item > THRESHOLD
            np.maximum(window, item, out=window)
            window[ink] = item[ink]
            mask[row:row + ITEM, col:col + ITEM][ink] = labels[index] + 1
    return scenes, masks


def load_split(split, count, seed):
    images, labels = fashion_mnist.load(split)
    return generate(images, labels, count, seed)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--split", choices=["train", "t10k"], default="t10k")
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    scenes, masks = load_split(args.split, args.count, args.seed)
    os.makedirs(args.out, exist_ok=True)
    np.save(os.path.join(args.out, "images.npy"), scenes)
    np.save(os.path.join(args.out, "labels.npy"), masks)
    counts = np.bincount(masks.ravel(), minlength=NUM_CLASSES)
    print(f"{args.count} scenes -> {args.out}; pixels per class {counts.tolist()}")


if __name__ == "__main__":
    main()
