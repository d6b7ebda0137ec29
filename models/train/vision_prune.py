"""Magnitude pruning in 2x1 blocks, global over the conv layers.

A conv weight [out, in/groups, kh, kw] is read as the matrix [out, in/groups*kh*kw]. A 2x1 block is
two consecutive output channels (rows 2k and 2k+1) at the same column, i.e. the same input channel and
kernel position. A block's score is the sum of its two absolute values; one global threshold over all
blocks of all conv layers except the first (the 1-channel stem) keeps the largest (1 - sparsity).
"""
import numpy as np
import torch
import torch.nn as nn


def prunable_convs(model):
    convs = [m for m in model.modules() if isinstance(m, nn.Conv2d)]
    return convs[1:]  # the stem (first conv) stays dense, as the studies'


def block_view(weight):
    if weight.shape[0] % 2:
        raise ValueError(f"2x1 blocks need an even number of output channels, got {weight.shape[0]}")
    return weight.reshape(weight.shape[0] // 2, 2, -1)


def compute_masks(convs, sparsity):
    """One mask per conv (shape of its weight, 0/1), `sparsity` of all blocks globally zero."""
    scores = [block_view(c.weight.detach()).abs().sum(1) for c in convs]
    flat = torch.cat([s.reshape(-1) for s in scores])
    keep = int(round(flat.numel() * (1 - sparsity)))
    threshold = flat.topk(keep).values[-1] if keep > 0 else float("inf")
    masks = []
    for conv, score in zip(convs, scores):
        block_mask = (score >= threshold).to(conv.weight.dtype)
        masks.append(block_mask.repeat_interleave(2, dim=0).reshape(conv.weight.shape))
    return masks


def apply_masks(convs, masks):
    with torch.no_grad():
        for conv, mask in zip(convs, masks):
            conv.weight.mul_(mask)


class GradualPruner:
    """after_step hook: sparsity rises as 0.75 * (1 - (1 - t)^3) over the first `ramp` of the steps
    (t = fraction of the ramp done), masks recomputed every `every` steps, then held; the masks are
    re-applied after every step so momentum cannot revive pruned weights."""

    def __init__(self, model, sparsity, ramp=0.5, every=25):
        self.convs = prunable_convs(model)
        self.sparsity, self.ramp, self.every = sparsity, ramp, every
        self.masks = None

    def __call__(self, step, total):
        ramp_steps = max(1, int(total * self.ramp))
        if step <= ramp_steps and (step % self.every == 0 or step == ramp_steps or self.masks is None):
            t = step / ramp_steps
            self.masks = compute_masks(self.convs, self.sparsity * (1 - (1 - t) ** 3))
        apply_masks(self.convs, self.masks)


def onnx_block_sparsity(conv_weights):
    """(zero blocks, all blocks) over the Conv weights of an exported file, the first conv excluded."""
    zero = total = 0
    for _, weight in conv_weights[1:]:
        blocks = np.abs(weight.reshape(weight.shape[0] // 2, 2, -1)).sum(axis=1)
        zero += int((blocks == 0).sum())
        total += blocks.size
    return zero, total
