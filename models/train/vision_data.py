"""The two vision tasks as float tensors: inputs pixel/255 [N,1,H,W], targets int64."""
import os

import numpy as np
import torch

import fashion_mnist
import fashion_scenes

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SCENES_DIR = os.path.join(REPO, "models", "data", "fashion_scenes")
TRAIN_SCENE_SEED = 2  # the committed test split uses seed 1 (see models/data/fashion_scenes/README.md)


def _to_input(pixels):
    return torch.from_numpy(pixels.astype(np.float32) / 255.0)


def fashion_mnist_split(split, count=None):
    """(inputs [N,1,28,28], labels [N]); `count` takes the first `count` samples."""
    images, labels = fashion_mnist.load(split)
    if count is not None:
        images, labels = images[:count], labels[:count]
    return _to_input(images[:, None]), torch.from_numpy(labels.astype(np.int64))


def scenes_train(count):
    scenes, masks = fashion_scenes.load_split("train", count, TRAIN_SCENE_SEED)
    return _to_input(scenes), torch.from_numpy(masks.astype(np.int64))


def scenes_test():
    """The committed test split, exactly what `edgerun eval` reads."""
    scenes = np.load(os.path.join(SCENES_DIR, "images.npy"))
    masks = np.load(os.path.join(SCENES_DIR, "labels.npy"))
    return _to_input(scenes), torch.from_numpy(masks.astype(np.int64))
