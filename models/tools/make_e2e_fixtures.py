#!/usr/bin/python3
"""Builds the end-to-end test fixtures: reduced-size copies of the study models, exported to ONNX by
PyTorch, with a fixed random input and PyTorch's output for each. Also writes the tiny .npy files the
C++ .npy reader test reads.

Run from the repository root with the system Python (it has torch):
    /usr/bin/python3 models/tools/make_e2e_fixtures.py [--only NAME ...]

Writes tests/data/e2e/<name>/{model.onnx, input_<i>.npy, output_<i>.npy}, tests/data/e2e/MANIFEST.txt
and tests/data/npy/*.npy. Everything is seeded, weights are random (nothing is downloaded).
"""
import argparse
import io
import math
import os
import sys

import numpy as np
import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision
from torchvision.models.resnet import Bottleneck, ResNet
from torchvision.models.segmentation.fcn import FCN, FCNHead
from torchvision.models._utils import IntermediateLayerGetter

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
E2E_DIR = os.path.join(REPO, "tests", "data", "e2e")
NPY_DIR = os.path.join(REPO, "tests", "data", "npy")
SEED = 20240531


# ----------------------------------------------------------------------------------------------
# Vision models
# ----------------------------------------------------------------------------------------------

class ScaledResNet(ResNet):
    """torchvision's ResNet with the stage widths 64/128/256/512 scaled to base/2base/4base/8base.

    torchvision has no width knob, so this repeats ResNet.__init__ with a `base` and reuses its
    _make_layer, blocks (Bottleneck) and forward unchanged.
    """

    def __init__(self, layers, base=8, groups=1, width_per_group=64, num_classes=10,
                 replace_stride_with_dilation=(False, False, False)):
        nn.Module.__init__(self)
        self._norm_layer = nn.BatchNorm2d
        self.inplanes = base
        self.dilation = 1
        self.groups = groups
        self.base_width = width_per_group
        self.conv1 = nn.Conv2d(3, base, kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(base)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        dil = replace_stride_with_dilation
        self.layer1 = self._make_layer(Bottleneck, base, layers[0])
        self.layer2 = self._make_layer(Bottleneck, 2 * base, layers[1], stride=2, dilate=dil[0])
        self.layer3 = self._make_layer(Bottleneck, 4 * base, layers[2], stride=2, dilate=dil[1])
        self.layer4 = self._make_layer(Bottleneck, 8 * base, layers[3], stride=2, dilate=dil[2])
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(8 * base * Bottleneck.expansion, num_classes)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")


def wide_resnet():
    # Wide-ResNet-101-2: width_per_group 128 = twice the bottleneck width of a plain ResNet. base 6
    # gives channel counts (12, 24, 48, 96, 192) that are not multiples of a SIMD width. layer4 keeps
    # three blocks, as the studies' early exit skips layer4.1 and layer4.2.
    return ScaledResNet([1, 1, 2, 3], base=6, width_per_group=128)


def resnext():
    # ResNeXt-101 64x4d pattern: 32 groups in every 3x3 conv (1, 2, 4 and 8 channels per group here).
    return ScaledResNet([1, 1, 2, 3], base=8, groups=32, width_per_group=8)


def resnet50_small():
    # The ResNet-50 stage layout [3, 4, 6, 3] with torchvision's Bottleneck, at 1/8 of the width.
    return ScaledResNet([3, 4, 6, 3], base=8)


class FcnOut(nn.Module):
    """torchvision's FCN returns a dict; export its 'out' tensor."""

    def __init__(self, fcn):
        super().__init__()
        self.fcn = fcn

    def forward(self, x):
        return self.fcn(x)["out"]


def fcn():
    # torchvision's fcn_resnet50 (33M parameters) is too large for a fixture; this builds the same
    # torchvision FCN + FCNHead around a dilated (output stride 8) ResNet at 1/8 width.
    backbone = ScaledResNet([2, 2, 3, 2], base=8, replace_stride_with_dilation=(False, True, True))
    backbone = IntermediateLayerGetter(backbone, return_layers={"layer4": "out"})
    return FcnOut(FCN(backbone, FCNHead(8 * 8 * 4, 5), aux_classifier=None))


class DucHdc(nn.Module):
    """ResNet101-DUC-HDC pattern (ONNX model zoo): ResNet with res4/res5 dilated instead of strided,
    hybrid dilated convolution (HDC) rates cycling inside each stage, then dense upsampling
    convolution (DUC): a sum of four dilated 3x3 convs to classes * r^2 channels, a pixel shuffle
    written as Reshape/Transpose/Reshape, and a Softmax over the classes."""

    def __init__(self, base=4, classes=3, ratio=8, layer3_rates=(1, 2, 5, 9), layer4_rates=(5, 9, 17)):
        super().__init__()
        self.classes, self.ratio = classes, ratio
        stem = ScaledResNet([1, 1, 1, 1], base=base)  # borrow the stem, layer1 and layer2 recipe
        stem.inplanes = base
        stem.layer1 = stem._make_layer(Bottleneck, base, 2)
        stem.layer2 = stem._make_layer(Bottleneck, 2 * base, 2, stride=2)
        self.stem = nn.Sequential(stem.conv1, stem.bn1, stem.relu, stem.maxpool, stem.layer1, stem.layer2)
        inplanes = 2 * base * 4
        self.layer3, inplanes = self._hdc_stage(inplanes, 4 * base, layer3_rates)
        self.layer4, inplanes = self._hdc_stage(inplanes, 8 * base, layer4_rates)
        out = classes * ratio * ratio
        self.aspp = nn.ModuleList(
            nn.Conv2d(inplanes, out, 3, padding=d, dilation=d) for d in (6, 12, 18, 24))
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")

    @staticmethod
    def _hdc_stage(inplanes, planes, rates):
        blocks = []
        for i, rate in enumerate(rates):
            down = None
            if i == 0:
                down = nn.Sequential(nn.Conv2d(inplanes, planes * 4, 1, bias=False), nn.BatchNorm2d(planes * 4))
            blocks.append(Bottleneck(inplanes, planes, 1, down, dilation=rate))
            inplanes = planes * 4
        return nn.Sequential(*blocks), inplanes

    def forward(self, x):
        x = self.layer4(self.layer3(self.stem(x)))
        branches = [conv(x) for conv in self.aspp]
        x = branches[0]
        for b in branches[1:]:
            x = x + b
        n, _, h, w = x.shape
        r = self.ratio
        x = x.reshape(n, self.classes, r, r, h, w).permute(0, 1, 4, 2, 5, 3)
        x = x.reshape(n, self.classes, h * r, w * r)
        return torch.softmax(x, dim=1)


def duc():
    return DucHdc()


def mobilenet_small():
    return torchvision.models.mobilenet_v2(weights=None, width_mult=0.35, num_classes=10)


def mobilenet_v3_small():
    return torchvision.models.mobilenet_v3_small(weights=None, width_mult=0.5, reduced_tail=True,
                                                 num_classes=10)


# ----------------------------------------------------------------------------------------------
# Text models: BERT and RoBERTa encoders written as Hugging Face's modeling code exports them
# ----------------------------------------------------------------------------------------------

class ManualLayerNorm(nn.Module):
    """LayerNorm by hand, so the export is ReduceMean/Sub/Pow/ReduceMean/Add/Sqrt/Div/Mul/Add
    whatever the opset (nn.LayerNorm becomes LayerNormalization at opset 17)."""

    def __init__(self, dim, eps=1e-12):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(dim))
        self.bias = nn.Parameter(torch.zeros(dim))
        self.eps = eps

    def forward(self, x):
        mean = x.mean(-1, keepdim=True)
        var = (x - mean).pow(2).mean(-1, keepdim=True)
        return self.weight * ((x - mean) / torch.sqrt(var + self.eps)) + self.bias


def gelu_erf(x):
    return 0.5 * x * (1.0 + torch.erf(x / math.sqrt(2.0)))


class SelfAttention(nn.Module):
    def __init__(self, hidden, heads, masked_fill):
        super().__init__()
        self.heads, self.head_size = heads, hidden // heads
        self.query = nn.Linear(hidden, hidden)
        self.key = nn.Linear(hidden, hidden)
        self.value = nn.Linear(hidden, hidden)
        self.masked_fill = masked_fill

    def split_heads(self, x):
        # HF's transpose_for_scores: the new shape comes from x.size() -> Shape/Gather/Concat/Reshape.
        x = x.view(x.size()[:-1] + (self.heads, self.head_size))
        return x.permute(0, 2, 1, 3)

    def forward(self, x, mask):
        q, k, v = self.split_heads(self.query(x)), self.split_heads(self.key(x)), self.split_heads(self.value(x))
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.head_size)
        if self.masked_fill:
            # mask: (batch, seq) int64 -> expanded boolean, filled with the most negative float.
            keep = mask[:, None, None, :].expand(scores.size())
            scores = scores.masked_fill(keep == 0, torch.finfo(scores.dtype).min)
        else:
            scores = scores + mask  # HF's additive extended mask
        probs = torch.softmax(scores, dim=-1)
        ctx = torch.matmul(probs, v).permute(0, 2, 1, 3).contiguous()
        return ctx.view(ctx.size()[:-2] + (self.heads * self.head_size,))


class EncoderLayer(nn.Module):
    def __init__(self, hidden, heads, ffn, norm, masked_fill):
        super().__init__()
        self.attention = SelfAttention(hidden, heads, masked_fill)
        self.attn_out = nn.Linear(hidden, hidden)
        self.attn_norm = norm(hidden)
        self.intermediate = nn.Linear(hidden, ffn)
        self.output = nn.Linear(ffn, hidden)
        self.out_norm = norm(hidden)

    def forward(self, x, mask):
        x = self.attn_norm(x + self.attn_out(self.attention(x, mask)))
        return self.out_norm(x + self.output(gelu_erf(self.intermediate(x))))


class TextEncoder(nn.Module):
    """BERT (roberta=False) or RoBERTa (roberta=True) sequence classifier.

    BERT: word + absolute position (a slice of a position_ids buffer by the input length) + token
    type embeddings; HF's get_extended_attention_mask (Unsqueeze, Cast, Sub, Mul); nn.LayerNorm.
    RoBERTa: position ids from create_position_ids_from_input_ids (Equal/Not, Cast, CumSum, Mul,
    Add), no token types, attention mask by masked_fill (Expand, Equal, Where), hand-written
    LayerNorm. Both: GELU by erf, Tanh pooler on the first token, a 2-class classifier."""

    def __init__(self, roberta, vocab=100, hidden=64, heads=4, layers=2, ffn=128, max_pos=40, pad_id=1):
        super().__init__()
        self.roberta, self.pad_id = roberta, pad_id
        norm = (lambda d: ManualLayerNorm(d, 1e-5)) if roberta else (lambda d: nn.LayerNorm(d, eps=1e-12))
        self.word = nn.Embedding(vocab, hidden, padding_idx=pad_id if roberta else None)
        self.position = nn.Embedding(max_pos, hidden)
        if not roberta:
            self.token_type = nn.Embedding(2, hidden)
            self.register_buffer("position_ids", torch.arange(max_pos).expand((1, -1)))
        self.emb_norm = norm(hidden)
        self.layers = nn.ModuleList(EncoderLayer(hidden, heads, ffn, norm, roberta) for _ in range(layers))
        self.pooler = nn.Linear(hidden, hidden)
        self.classifier = nn.Linear(hidden, 2)

    def forward(self, input_ids, attention_mask, token_type_ids=None):
        if self.roberta:
            not_pad = input_ids.ne(self.pad_id).int()
            position_ids = (torch.cumsum(not_pad, dim=1).type_as(not_pad) * not_pad).long() + self.pad_id
            x = self.word(input_ids) + self.position(position_ids)
            mask = attention_mask
        else:
            position_ids = self.position_ids[:, : input_ids.size(1)]
            x = self.word(input_ids) + self.position(position_ids) + self.token_type(token_type_ids)
            mask = attention_mask[:, None, None, :].to(dtype=x.dtype)
            mask = (1.0 - mask) * torch.finfo(x.dtype).min
        x = self.emb_norm(x)
        for layer in self.layers:
            x = layer(x, mask)
        pooled = torch.tanh(self.pooler(x[:, 0]))
        return self.classifier(pooled), x


def bert():
    return TextEncoder(roberta=False)


def roberta():
    return TextEncoder(roberta=True)


# ----------------------------------------------------------------------------------------------
# Fixture table
# ----------------------------------------------------------------------------------------------

def image_input(gen, batch, size):
    return [torch.randn(batch, 3, size, size, generator=gen)]


def text_inputs(gen, roberta, batch=2, seq=16, vocab=100, pad_id=1):
    ids = torch.randint(3, vocab, (batch, seq), generator=gen)
    mask = torch.ones(batch, seq, dtype=torch.int64)
    mask[1, 11:] = 0  # the second sequence is padded
    ids[1, 11:] = pad_id
    ids[:, 0] = 0  # <s> / [CLS]
    if roberta:
        return [ids, mask]
    token_type = torch.zeros(batch, seq, dtype=torch.int64)
    token_type[:, 7:] = 1
    return [ids, mask, token_type]


# name: (builder, inputs(gen), input names, output names, opset, constant folding, dynamic axes, notes)
FIXTURES = {
    "wide_resnet": dict(build=wide_resnet, inputs=lambda g: image_input(g, 1, 64), opset=17,
                        note="Wide-ResNet-101-2 pattern: Bottleneck, width_per_group 128"),
    "resnext": dict(build=resnext, inputs=lambda g: image_input(g, 2, 64), opset=13, dynamic_batch=True,
                    note="ResNeXt pattern: grouped 3x3 convs, groups 32; dynamic batch, run at batch 2"),
    "resnet50_small": dict(build=resnet50_small, inputs=lambda g: image_input(g, 1, 64), opset=13,
                           note="torchvision ResNet-50 layout [3,4,6,3] at 1/8 width"),
    "fcn": dict(build=fcn, inputs=lambda g: image_input(g, 1, 64), opset=11, fold=False,
                note="torchvision FCN + FCNHead, dilated ResNet backbone, bilinear resize to input size; "
                     "no constant folding, so Resize's size comes from a Shape/Slice/Concat chain"),
    "duc": dict(build=duc, inputs=lambda g: image_input(g, 1, 64), opset=12,
                note="ResNet-DUC-HDC pattern: HDC dilations, 4-branch dilated head, Reshape/Transpose "
                     "pixel shuffle, Softmax over classes (opset 12: Transpose+Softmax(last)+Transpose)"),
    "bert": dict(build=bert, inputs=lambda g: text_inputs(g, False), opset=17, dynamic_batch=True,
                 input_names=["input_ids", "attention_mask", "token_type_ids"],
                 output_names=["logits", "last_hidden_state"],
                 note="BERT encoder, 2 layers, hidden 64, 4 heads, seq 16; LayerNormalization (opset 17); "
                      "dynamic batch and sequence axes"),
    "roberta": dict(build=roberta, inputs=lambda g: text_inputs(g, True), opset=13, fold=False,
                    input_names=["input_ids", "attention_mask"], output_names=["logits", "last_hidden_state"],
                    note="RoBERTa encoder: CumSum position ids, masked_fill attention mask, hand-written "
                         "LayerNorm; no constant folding"),
    "mobilenet_small": dict(build=mobilenet_small, inputs=lambda g: image_input(g, 1, 64), opset=13,
                            note="torchvision mobilenet_v2(width_mult=0.35): depthwise convs, ReLU6 as Clip"),
    "mobilenet_v3_small": dict(build=mobilenet_v3_small, inputs=lambda g: image_input(g, 1, 64), opset=14,
                               keep_bn=False,
                               note="torchvision mobilenet_v3_small(width_mult=0.5): HardSwish, "
                                    "HardSigmoid squeeze-excitation; BatchNorm fused into Conv by the "
                                    "exporter (a default eval-mode export)"),
}


def randomize_norms(model, gen):
    """Non-trivial BatchNorm running stats and affine parameters, so BN folding is really tested."""
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            c = m.num_features
            m.running_mean.copy_(0.2 * torch.randn(c, generator=gen))
            m.running_var.copy_(0.5 + torch.rand(c, generator=gen))
            m.weight.data.copy_(0.6 + 0.8 * torch.rand(c, generator=gen))
            m.bias.data.copy_(0.2 * torch.randn(c, generator=gen))
        elif isinstance(m, (nn.LayerNorm, ManualLayerNorm)):
            m.weight.data.copy_(0.8 + 0.4 * torch.rand(m.weight.shape, generator=gen))
            m.bias.data.copy_(0.1 * torch.randn(m.bias.shape, generator=gen))


def randomize_text(model, gen):
    """HF initialises Linear/Embedding with N(0, 0.02); use a wider spread so attention is not uniform."""
    for m in model.modules():
        if isinstance(m, (nn.Linear, nn.Embedding)):
            m.weight.data.copy_(0.15 * torch.randn(m.weight.shape, generator=gen))
        if isinstance(m, nn.Linear):
            m.bias.data.copy_(0.05 * torch.randn(m.bias.shape, generator=gen))


def export(name, spec):
    # keep_bn: export BatchNormalization nodes (TrainingMode.PRESERVE on an eval-mode model skips the
    # exporter's Conv+BN fusion) so the engine's own BN folding is exercised; otherwise the exporter
    # folds BN into the convs as a default export does.
    gen = torch.Generator().manual_seed(SEED + sum(map(ord, name)))
    torch.manual_seed(SEED + sum(map(ord, name)))
    model = spec["build"]()
    with torch.no_grad():
        if isinstance(model, TextEncoder):
            randomize_text(model, gen)
        randomize_norms(model, gen)
    model.eval()
    inputs = spec["inputs"](gen)
    input_names = spec.get("input_names", [f"input_{i}" for i in range(len(inputs))])
    output_names = spec.get("output_names", ["output_0"])
    dynamic_axes = None
    if spec.get("dynamic_batch"):
        dynamic_axes = {n: {0: "batch"} for n in input_names + output_names}
        if isinstance(model, TextEncoder):
            for n in input_names:
                dynamic_axes[n][1] = "sequence"
            dynamic_axes["last_hidden_state"][1] = "sequence"

    with torch.no_grad():
        outputs = model(*inputs)
    outputs = list(outputs) if isinstance(outputs, (tuple, list)) else [outputs]

    buf = io.BytesIO()
    torch.onnx.export(model, tuple(inputs), buf, opset_version=spec["opset"], input_names=input_names,
                      output_names=output_names, dynamic_axes=dynamic_axes,
                      do_constant_folding=spec.get("fold", True),
                      training=torch.onnx.TrainingMode.PRESERVE if spec.get("keep_bn", True)
                      else torch.onnx.TrainingMode.EVAL)
    proto = onnx.load_from_string(buf.getvalue())
    onnx.checker.check_model(proto, full_check=True)

    out_dir = os.path.join(E2E_DIR, name)
    os.makedirs(out_dir, exist_ok=True)
    for f in os.listdir(out_dir):
        os.remove(os.path.join(out_dir, f))
    with open(os.path.join(out_dir, "model.onnx"), "wb") as f:
        f.write(buf.getvalue())
    for i, t in enumerate(inputs):
        np.save(os.path.join(out_dir, f"input_{i}.npy"), to_numpy(t))
    for i, t in enumerate(outputs):
        np.save(os.path.join(out_dir, f"output_{i}.npy"), to_numpy(t))

    errors = float64_error(model, inputs, outputs)
    return dict(name=name, proto=proto, inputs=inputs, outputs=outputs, input_names=input_names,
                output_names=output_names, errors=errors, dir=out_dir)


def to_numpy(t):
    a = t.detach().cpu().numpy()
    assert a.dtype in (np.float32, np.int64), a.dtype
    return np.ascontiguousarray(a.astype(a.dtype.newbyteorder("<")))


def float64_error(model, inputs, outputs32):
    """Max |float32 - float64| per output: the scale of float32 rounding error in this model."""
    m64 = model.double()
    with torch.no_grad():
        outs = m64(*[t.double() if t.is_floating_point() else t for t in inputs])
    model.float()
    outs = list(outs) if isinstance(outs, (tuple, list)) else [outs]
    result = []
    for o32, o64 in zip(outputs32, outs):
        d = (o32.double() - o64).abs()
        result.append(dict(abs=d.max().item(), rel=(d / (o64.abs() + 1e-6)).max().item(),
                           scale=o64.abs().max().item()))
    return result


def round_up_125(x):
    """Smallest of 1, 2, 5 x 10^k that is >= x."""
    k = math.floor(math.log10(x))
    for m in (1, 2, 5, 10):
        if m * 10 ** k >= x * (1 - 1e-12):
            return m * 10 ** k
    return 10 ** (k + 1)


def suggested_tolerance(err):
    # The engine sums in a different order than PyTorch and folds BatchNorm, so allow 10x the
    # observed float32 rounding error, and at least 1e-6 of the output's magnitude.
    atol = round_up_125(max(10 * err["abs"], 1e-6 * err["scale"], 1e-30))
    return atol, 1e-4


def op_counts(proto):
    counts = {}
    for node in proto.graph.node:
        counts[node.op_type] = counts.get(node.op_type, 0) + 1
    return counts


def fmt_shape(t):
    return "x".join(str(d) for d in t.shape) or "scalar"


def manifest_entry(r, spec):
    proto = r["proto"]
    opset = next(o.version for o in proto.opset_import if o.domain in ("", "ai.onnx"))
    lines = [f"[{r['name']}]", f"note: {spec['note']}", f"opset: {opset}",
             f"constant_folding_at_export: {'yes' if spec.get('fold', True) else 'no'}",
             f"dynamic_axes: {'yes' if spec.get('dynamic_batch') else 'no'}",
             f"batchnorm_nodes_kept: {'yes' if spec.get('keep_bn', True) else 'no (fused by the exporter)'}",
             f"parameters: {sum(int(np.prod(i.dims)) for i in proto.graph.initializer)}",
             f"nodes: {len(proto.graph.node)}"]
    files = sorted(os.listdir(r["dir"]))
    lines.append("files: " + ", ".join(f"{f} ({os.path.getsize(os.path.join(r['dir'], f))} B)" for f in files))
    for i, (n, t) in enumerate(zip(r["input_names"], r["inputs"])):
        lines.append(f"input_{i}: {n} {str(t.dtype).replace('torch.', '')} {fmt_shape(t)}")
    for i, (n, t, e) in enumerate(zip(r["output_names"], r["outputs"], r["errors"])):
        atol, rtol = suggested_tolerance(e)
        lines.append(f"output_{i}: {n} {str(t.dtype).replace('torch.', '')} {fmt_shape(t)} "
                     f"max|y|={e['scale']:.3g} f32-vs-f64 max_abs_err={e['abs']:.3g}")
        lines.append(f"tolerance_{i}: atol={atol:g} rtol={rtol:g}")
    counts = op_counts(proto)
    lines.append("ops: " + " ".join(f"{k}x{counts[k]}" for k in sorted(counts)))
    return "\n".join(lines)


# ----------------------------------------------------------------------------------------------
# .npy reader test data
# ----------------------------------------------------------------------------------------------

def write_npy_fixtures():
    """Tiny arrays for tests/unit/npy_test.cc. Integer files hold [min, max, 0, 1, 2, 3] (unsigned)
    or [min, max, 0, 1, -1, 2] (signed) in shape (2, 3); the test rebuilds them from
    std::numeric_limits. Float files hold (i * 0.5 - 3) for i in 0..23, shape (2, 3, 4)."""
    os.makedirs(NPY_DIR, exist_ok=True)
    for t in ("i1", "u1", "i2", "u2", "i4", "u4", "i8", "u8"):
        info = np.iinfo(np.dtype(t))
        tail = [0, 1, -1, 2] if info.min < 0 else [0, 1, 2, 3]
        a = np.array([info.min, info.max] + tail, dtype=np.dtype("<" + t)).reshape(2, 3)
        np.save(os.path.join(NPY_DIR, f"{t}.npy"), a)
    for t in ("f2", "f4", "f8"):
        np.save(os.path.join(NPY_DIR, f"{t}.npy"), (np.arange(24) * 0.5 - 3).astype("<" + t).reshape(2, 3, 4))
    np.save(os.path.join(NPY_DIR, "b1.npy"), np.array([True, False, False, True, True]))
    np.save(os.path.join(NPY_DIR, "scalar_f8.npy"), np.array(2.5, dtype="<f8"))
    np.save(os.path.join(NPY_DIR, "empty_f4.npy"), np.zeros((0, 3), dtype="<f4"))
    with open(os.path.join(NPY_DIR, "v2_i4.npy"), "wb") as f:
        np.lib.format.write_array(f, np.arange(7, dtype="<i4"), version=(2, 0))
    np.save(os.path.join(NPY_DIR, "fortran_f4.npy"), np.asfortranarray(np.arange(6, dtype="<f4").reshape(2, 3)))
    np.save(os.path.join(NPY_DIR, "big_endian_f4.npy"), np.arange(6, dtype=">f4"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", nargs="*", help="fixtures to rebuild (default: all)")
    args = parser.parse_args()
    torch.set_num_threads(2)
    write_npy_fixtures()
    names = args.only or list(FIXTURES)
    results = []
    for name in names:
        if name not in FIXTURES:
            sys.exit(f"unknown fixture {name}; known: {', '.join(FIXTURES)}")
        print(f"exporting {name} ...", flush=True)
        results.append((export(name, FIXTURES[name]), FIXTURES[name]))
    if args.only:
        return  # the manifest describes the full set only
    total = sum(os.path.getsize(os.path.join(r["dir"], f)) for r, _ in results for f in os.listdir(r["dir"]))
    header = [
        "# End-to-end fixtures made by models/tools/make_e2e_fixtures.py (regenerate:",
        "#   /usr/bin/python3 models/tools/make_e2e_fixtures.py). Each <name>/ holds model.onnx,",
        "# input_<i>.npy (ONNX graph input order) and output_<i>.npy (graph output order), from PyTorch "
        f"{torch.__version__} in eval mode.",
        "# tolerance_<i>: compare |engine - expected| <= atol + rtol * |expected| elementwise. atol is 10x",
        "# the max |float32 - float64| PyTorch error of the same model and input (at least 1e-6 max|y|),",
        "# rounded up to 1, 2 or 5 x 10^k.",
        f"# total size: {total} bytes",
        "",
    ]
    with open(os.path.join(E2E_DIR, "MANIFEST.txt"), "w") as f:
        f.write("\n".join(header) + "\n\n".join(manifest_entry(r, s) for r, s in results) + "\n")
    print(f"wrote {len(results)} fixtures, {total} bytes, manifest {os.path.join(E2E_DIR, 'MANIFEST.txt')}")


if __name__ == "__main__":
    main()
