"""Quantization-aware training: BatchNorm folded into the convs, then fake-quant modules around every
Conv and Linear (torch.ao.quantization.FakeQuantize):
  - weights: per output channel, symmetric int8 (zero point 0, range -128..127);
  - activations: each Conv/Linear input, per tensor, asymmetric uint8, moving-average min/max.
torch.onnx exports each fake-quant op as a QuantizeLinear/DequantizeLinear pair (QDQ, opset 13+).
"""
import copy

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.ao.quantization import (FakeQuantize, MovingAverageMinMaxObserver,
                                   MovingAveragePerChannelMinMaxObserver, disable_observer)
from torch.nn.utils.fusion import fuse_conv_bn_eval
from torchvision.models.resnet import Bottleneck


def activation_fake_quant():
    return FakeQuantize(observer=MovingAverageMinMaxObserver, quant_min=0, quant_max=255,
                        dtype=torch.quint8, qscheme=torch.per_tensor_affine)


def weight_fake_quant():
    return FakeQuantize(observer=MovingAveragePerChannelMinMaxObserver, quant_min=-128, quant_max=127,
                        dtype=torch.qint8, qscheme=torch.per_channel_symmetric, ch_axis=0)


class FakeQuantConv(nn.Module):
    def __init__(self, conv):
        super().__init__()
        self.conv = conv
        self.input_fq = activation_fake_quant()
        self.weight_fq = weight_fake_quant()

    def forward(self, x):
        return self.conv._conv_forward(self.input_fq(x), self.weight_fq(self.conv.weight), self.conv.bias)


class FakeQuantLinear(nn.Module):
    def __init__(self, linear):
        super().__init__()
        self.linear = linear
        self.input_fq = activation_fake_quant()
        self.weight_fq = weight_fake_quant()

    def forward(self, x):
        return F.linear(self.input_fq(x), self.weight_fq(self.linear.weight), self.linear.bias)


def _fold(owner, conv_name, bn_name):
    setattr(owner, conv_name, fuse_conv_bn_eval(getattr(owner, conv_name), getattr(owner, bn_name)))
    setattr(owner, bn_name, nn.Identity())


def fold_batchnorm(model):
    """A copy of a SmallResNet classifier with every BatchNorm folded into the conv before it."""
    model = copy.deepcopy(model).eval()
    _fold(model, "conv1", "bn1")
    for block in model.modules():
        if isinstance(block, Bottleneck):
            for i in (1, 2, 3):
                _fold(block, f"conv{i}", f"bn{i}")
            if block.downsample is not None:
                block.downsample = fuse_conv_bn_eval(block.downsample[0], block.downsample[1])
    return model


def _wrap(module):
    for name, child in module.named_children():
        if isinstance(child, nn.Conv2d):
            setattr(module, name, FakeQuantConv(child))
        elif isinstance(child, nn.Linear):
            setattr(module, name, FakeQuantLinear(child))
        else:
            _wrap(child)


def prepare_qat(model):
    """The fp32 classifier, BN folded, with fake-quant on every Conv/Linear (observers on)."""
    model = fold_batchnorm(model)
    _wrap(model)
    return model


def freeze_observers(model):
    model.apply(disable_observer)


class OnnxQDQ(nn.Module):
    """A frozen FakeQuantize computed as ONNX's QuantizeLinear/DequantizeLinear define it:
    q = saturate(round(x / scale) + zero_point), x' = (q - zero_point) * scale. PyTorch's fake-quant
    kernels multiply by 1/scale instead, which rounds a few values near a half-step the other way;
    this is the arithmetic of the exported file, so the recorded metrics use it."""

    def __init__(self, fake_quant):
        super().__init__()
        shape = [-1] + [1] * 3 if fake_quant.is_per_channel else [1]
        self.shape = shape
        self.register_buffer("scale", fake_quant.scale.detach().clone().float())
        self.register_buffer("zero_point", fake_quant.zero_point.detach().clone().float())
        self.quant_min, self.quant_max = fake_quant.quant_min, fake_quant.quant_max

    def forward(self, x):
        shape = self.shape[:x.dim()] if len(self.shape) > 1 else self.shape
        scale, zero_point = self.scale.reshape(shape), self.zero_point.reshape(shape)
        q = torch.clamp(torch.round(x / scale) + zero_point, self.quant_min, self.quant_max)
        return (q - zero_point) * scale


def onnx_arithmetic(model):
    """A copy of a frozen QAT model with each FakeQuantize replaced by OnnxQDQ."""
    model = copy.deepcopy(model).eval()
    for module in model.modules():
        for name, child in module.named_children():
            if isinstance(child, FakeQuantize):
                setattr(module, name, OnnxQDQ(child))
    return model
