"""White-box variants of a trained text model: QAT (exported as QDQ ONNX) and 4x1 block pruning."""
import math

import torch
from torch import nn

import text_train_lib as L

QAT_EPOCHS, QAT_LR = 2, 1e-4
PRUNE_EPOCHS, PRUNE_LR, SPARSITY, BLOCK = 4, 5e-4, 0.9, 4


class FakeQuantLinear(nn.Module):
    """nn.Linear with fake-quantized input (per-tensor affine uint8, range from an exponential moving
    average of the batch min/max, frozen at export) and weight (per-output-channel symmetric int8).
    torch.onnx exports both fake-quant ops as QuantizeLinear + DequantizeLinear."""

    def __init__(self, linear, momentum=0.01):
        super().__init__()
        self.weight, self.bias = linear.weight, linear.bias
        self.momentum = momentum
        self.register_buffer("lo", torch.tensor(float("inf")))
        self.register_buffer("hi", torch.tensor(float("-inf")))
        self.register_buffer("w_scale", torch.ones(linear.weight.shape[0]))

    def observe(self, x):
        lo, hi = float(x.detach().min()), float(x.detach().max())
        if torch.isinf(self.lo):
            self.lo.fill_(lo)
            self.hi.fill_(hi)
        else:
            self.lo.mul_(1 - self.momentum).add_(self.momentum * lo)
            self.hi.mul_(1 - self.momentum).add_(self.momentum * hi)

    def act_qparams(self):
        lo, hi = min(float(self.lo), 0.0), max(float(self.hi), 0.0)  # the range must hold 0
        scale = max(hi - lo, 1e-8) / 255.0
        return scale, int(round(-lo / scale))

    def forward(self, x):
        if self.training:
            self.observe(x)
        scale, zp = self.act_qparams()
        x = torch.fake_quantize_per_tensor_affine(x, scale, zp, 0, 255)
        if self.training:  # in eval (and export) the scales are constants
            self.w_scale.copy_((self.weight.detach().abs().amax(1) / 127.0).clamp(min=1e-8))
        w = torch.fake_quantize_per_channel_affine(
            self.weight, self.w_scale, torch.zeros_like(self.w_scale, dtype=torch.int32), 0, -128, 127)
        return nn.functional.linear(x, w, self.bias)


def _replace_linears(module, make):
    for name, child in module.named_children():
        if isinstance(child, nn.Linear):
            setattr(module, name, make(child))
        else:
            _replace_linears(child, make)


def qat(model, data, seed, match_weight):
    """Every nn.Linear becomes a FakeQuantLinear; ranges are calibrated on 16 training batches (no
    weight update), then the model is fine-tuned QAT_EPOCHS epochs at a small learning rate."""
    _replace_linears(model, FakeQuantLinear)
    model.train()
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for idx in L.length_buckets(data["train"], 32, g)[:16]:
            L.run_model(model, *data["train"].batch(idx, trim=True))
    seconds = L.train(model, data["train"], data["dev"], QAT_EPOCHS, QAT_LR, seed, warmup=0.0,
                      match_weight=match_weight, resample=True)
    how = (f"fake-quant fine-tuning from fp32 ({QAT_EPOCHS} epochs, AdamW lr {QAT_LR}, linear decay): every "
           "linear layer (encoder, pooler, classifier) with per-output-channel symmetric int8 weights and "
           "per-tensor uint8 inputs (EMA min/max range, calibrated on 16 batches first); exported as QDQ "
           "(QuantizeLinear/DequantizeLinear), opset 17; fine-tuned with the token-match loss (weight "
           f"{match_weight}) and fresh negatives")
    return seconds, QAT_EPOCHS, how, {}


def encoder_linears(model):
    return [m for layer in model.layers for m in layer.modules() if isinstance(m, nn.Linear)]


def block_mask(weight, sparsity):
    """Keep the largest-L1 4x1 blocks of a [out, in] weight: a block is BLOCK consecutive output rows at
    one input column. Returns a {0,1} mask of weight's shape with ceil(sparsity * blocks) blocks zero."""
    out, inp = weight.shape
    score = weight.detach().abs().reshape(out // BLOCK, BLOCK, inp).sum(1)
    k = math.ceil(sparsity * score.numel() - 1e-9)  # at least the target sparsity
    mask = torch.ones_like(score)
    if k:
        mask.view(-1)[torch.argsort(score.view(-1), stable=True)[:k]] = 0
    return mask.repeat_interleave(BLOCK, dim=0)


def block_sparsity(weight):
    """Fraction of all-zero 4x1 blocks of a [out, in] weight."""
    out, inp = weight.shape
    return float((weight.reshape(out // BLOCK, BLOCK, inp).abs().sum(1) == 0).float().mean())


def prune(model, data, seed, match_weight, epochs=PRUNE_EPOCHS):
    """Magnitude pruning of the encoder's linear layers to SPARSITY in 4x1 blocks, per layer. Sparsity
    rises on a cubic schedule over the first half of fine-tuning (masks recomputed every 20 steps),
    then the masks are held; pruned weights are zeroed after every optimizer step. Both variants
    fine-tune with the fp32 recipe's aids (text_train_lib.train): the token-match loss at match_weight,
    fresh negatives every epoch."""
    linears = encoder_linears(model)
    masks = [torch.ones_like(m.weight) for m in linears]

    def after_step(step, total):
        ramp = max(1, total // 2)
        if step <= ramp and (step % 20 == 0 or step == ramp):
            s = SPARSITY * (1 - (1 - step / ramp) ** 3)
            for i, m in enumerate(linears):
                masks[i] = block_mask(m.weight, s)
        with torch.no_grad():
            for m, mask in zip(linears, masks):
                m.weight.mul_(mask)

    seconds = L.train(model, data["train"], data["dev"], epochs, PRUNE_LR, seed, after_step=after_step,
                      warmup=0.0,
                      match_weight=match_weight, resample=True)
    got = [block_sparsity(m.weight) for m in linears]
    if min(got) < SPARSITY - 1e-3:
        raise RuntimeError(f"block sparsity {min(got):.4f} below {SPARSITY}")
    zeros = sum(int((m.weight == 0).sum()) for m in linears) / sum(m.weight.numel() for m in linears)
    how = (f"magnitude pruning of the encoder's {len(linears)} linear layers (attention q/k/v/output, FFN) "
           f"to {SPARSITY:.0%} per layer in 4x1 blocks (4 consecutive output rows at one input column of "
           f"the [out, in] weight, scored by L1), cubic schedule over the first half of {epochs} "
           f"fine-tuning epochs (AdamW lr {PRUNE_LR}, token-match loss weight {match_weight}, fresh "
           "negatives), then masks held; exported dense with zeros")
    return seconds, epochs, how, {"sparsity": SPARSITY, "pattern": "4x1",
                                        "zero_fraction": round(zeros, 4)}


def onnx_block_sparse_weights(path, sparsity=SPARSITY):
    """Number of 2-D initializers of the exported file whose 4x1 blocks are >= sparsity all-zero. The
    exporter stores a linear layer's weight transposed ([in, out], for MatMul), so a 4x1 block of the
    [out, in] weight is 4 consecutive entries along the last axis there."""
    import onnx
    from onnx import numpy_helper
    count = 0
    for init in onnx.load(path).graph.initializer:
        w = numpy_helper.to_array(init)
        if w.ndim == 2 and w.shape[1] % BLOCK == 0:
            blocks = (abs(w).reshape(w.shape[0], -1, BLOCK).sum(2) == 0).mean()
            count += int(blocks >= sparsity - 1e-3)
    return count
