"""Fashion-MNIST reader: the gzipped IDX files Debian's dataset-fashion-mnist installs.

IDX layout: big-endian magic (0x00000803 images, 0x00000801 labels), then one big-endian uint32 per
dimension, then the uint8 data. Images come back as uint8 [N, 28, 28], labels as uint8 [N].
"""
import gzip
import os

import numpy as np

DATA_DIR = "/usr/share/datasets/fashion-mnist"
MEAN = 0.2860  # pixel/255 mean and std of the training images; the models normalise inside
STD = 0.3530


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] != 0x08:
        raise ValueError(f"{path}: not a uint8 IDX file")
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    offset = 4 + 4 * ndim
    count = int(np.prod(dims))
    if len(data) != offset + count:
        raise ValueError(f"{path}: {len(data) - offset} data bytes, header says {count}")
    return np.frombuffer(data, dtype=np.uint8, offset=offset).reshape(dims)


def load(split, data_dir=DATA_DIR):
    """split "train" (60,000) or "t10k" (10,000): (images uint8 [N,28,28], labels uint8 [N])."""
    images = read_idx(os.path.join(data_dir, f"{split}-images-idx3-ubyte.gz"))
    labels = read_idx(os.path.join(data_dir, f"{split}-labels-idx1-ubyte.gz"))
    if images.shape[0] != labels.shape[0] or images.shape[1:] != (28, 28):
        raise ValueError(f"{split}: images {images.shape} and labels {labels.shape} disagree")
    return images, labels
