#!/usr/bin/python3
"""Reference layer signatures for the CNN zoo builders (tests/unit/zoo_cnn_test.cc).

For each CNN zoo model this builds the reference architecture in PyTorch (torchvision's model, or for
`duc` a translation of TuSimple-DUC's MXNet symbol, which torchvision lacks), exports it to ONNX (eval
mode, opset 17, BatchNorm kept) under /tmp, and has edgerun import it and list its layers after the
engine's passes (`edgerun inspect --signature`). tests/data/zoo/<name>.sig gets that signature plus
PyTorch's own parameter count (sum of p.numel()); the ONNX files are deleted.

    /usr/bin/python3 models/tools/make_zoo_signatures.py             # all models (~3 min)
    /usr/bin/python3 models/tools/make_zoo_signatures.py --only duc  # one
Needs build/tools/edgerun (cmake --build build --target edgerun_cli).
"""
import argparse
import os
import subprocess
import sys
import tempfile

import torch
import torchvision
from torch import nn

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EDGERUN = os.path.join(ROOT, "build", "tools", "edgerun")
OUT_DIR = os.path.join(ROOT, "tests", "data", "zoo")


class DucHdc(nn.Module):
    """ResNet-101-DUC-HDC as TuSimple-DUC writes it (tusimple_duc/networks/resnet.py get_resnet_hdc and
    network_duc_hdc.py get_symbol_duc_hdc with cell_width 2, i.e. cell_cap 16, the ONNX model zoo's
    ResNet101-DUC-7): stem of three 3x3 convs (64/2, 64, 128) and a 3x3/2 max pool without padding;
    bottlenecks with the stride on the first 1x1 (res3a) and no conv bias; res4 (23 blocks) dilated
    2,2,5,9,1,2,5,9,...; res5 dilated 5,9,17; four 3x3 convs with bias, dilation 6,12,18,24, to
    classes*16 channels, summed; Reshape (0, classes, -1); softmax over the classes."""

    class Block(nn.Module):
        def __init__(self, cin, width, cout, stride, dilation, proj):
            super().__init__()
            self.conv1 = nn.Conv2d(cin, width, 1, stride, bias=False)
            self.bn1 = nn.BatchNorm2d(width, eps=1e-6)
            self.conv2 = nn.Conv2d(width, width, 3, 1, dilation, dilation, bias=False)
            self.bn2 = nn.BatchNorm2d(width, eps=1e-6)
            self.conv3 = nn.Conv2d(width, cout, 1, bias=False)
            self.bn3 = nn.BatchNorm2d(cout, eps=1e-6)
            self.proj = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False),
                                      nn.BatchNorm2d(cout, eps=1e-6)) if proj else None

        def forward(self, x):
            y = torch.relu(self.bn1(self.conv1(x)))
            y = torch.relu(self.bn2(self.conv2(y)))
            y = self.bn3(self.conv3(y))
            return torch.relu(y + (self.proj(x) if self.proj is not None else x))

    def __init__(self, classes=19, cells=16):
        super().__init__()
        self.classes = classes
        stem = []
        for cin, cout, stride in ((3, 64, 2), (64, 64, 1), (64, 128, 1)):
            stem += [nn.Conv2d(cin, cout, 3, stride, 1, bias=False), nn.BatchNorm2d(cout, eps=1e-6), nn.ReLU()]
        self.stem = nn.Sequential(*stem, nn.MaxPool2d(3, 2))
        res4 = [2] + [(1, 2, 5, 9)[(k - 1) % 4] for k in range(2, 24)]
        stages = ((64, 1, [1] * 3), (128, 2, [1] * 4), (256, 1, res4), (512, 1, [5, 9, 17]))
        blocks, cin = [], 128
        for planes, stride, rates in stages:
            for i, rate in enumerate(rates):
                blocks.append(self.Block(cin, planes, planes * 4, stride if i == 0 else 1, rate, i == 0))
                cin = planes * 4
        self.body = nn.Sequential(*blocks)
        self.aspp = nn.ModuleList(nn.Conv2d(cin, classes * cells, 3, 1, 6 * (i + 1), 6 * (i + 1)) for i in range(4))

    def forward(self, x):
        x = self.body(self.stem(x))
        s = self.aspp[0](x)
        for conv in self.aspp[1:]:
            s = s + conv(x)
        return torch.softmax(s.reshape(s.shape[0], self.classes, -1), dim=1)


class SegOutputs(nn.Module):
    """torchvision's segmentation models return a dict; export its two tensors in order."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, x):
        out = self.model(x)
        return out["out"], out["aux"]


tv = torchvision.models
# zoo name -> (reference description, constructor, input size, input name, output names)
MODELS = {
    "resnet": ("torchvision wide_resnet101_2", lambda: tv.wide_resnet101_2(weights=None), 224, "input", ["logits"]),
    "resnext": ("torchvision resnext101_64x4d", lambda: tv.resnext101_64x4d(weights=None), 224, "input", ["logits"]),
    "fcn": ("torchvision fcn_resnet101(num_classes=21, aux_loss=True)",
            lambda: SegOutputs(tv.segmentation.fcn_resnet101(weights=None, weights_backbone=None, num_classes=21,
                                                             aux_loss=True)), 520, "input", ["out", "aux"]),
    "duc": ("TuSimple-DUC ResNet101-DUC-HDC (PyTorch translation in this script)", DucHdc, 800, "data",
            ["seg_score"]),
    "resnet-student": ("torchvision wide_resnet50_2", lambda: tv.wide_resnet50_2(weights=None), 224, "input",
                       ["logits"]),
    "resnext-student": ("torchvision resnext50_32x4d", lambda: tv.resnext50_32x4d(weights=None), 224, "input",
                        ["logits"]),
    "resnet50": ("torchvision resnet50", lambda: tv.resnet50(weights=None), 224, "input", ["logits"]),
    "mobilenetv2": ("torchvision mobilenet_v2", lambda: tv.mobilenet_v2(weights=None), 224, "input", ["logits"]),
}


def make(name, tmp):
    reference, build, size, input_name, output_names = MODELS[name]
    torch.manual_seed(0)
    model = build().eval()
    # Distinct values everywhere: the exporter merges equal initializers (all-ones BatchNorm scales,
    # all-zero running means, the latter behind Identity nodes), which would skew edgerun's count.
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.randn(p.shape) * 0.1)
        for b in model.buffers():
            if b.is_floating_point():
                b.copy_(0.5 + torch.rand(b.shape))
    params = sum(p.numel() for p in model.parameters())
    onnx_path = os.path.join(tmp, name + ".onnx")
    with torch.no_grad():
        torch.onnx.export(model, torch.randn(1, 3, size, size), onnx_path, opset_version=17,
                          training=torch.onnx.TrainingMode.PRESERVE, do_constant_folding=True,
                          input_names=[input_name], output_names=output_names)
    del model
    sig_path = os.path.join(tmp, name + ".edgerun.sig")
    subprocess.run([EDGERUN, "inspect", onnx_path, "--signature", sig_path], check=True, stdout=subprocess.DEVNULL)
    os.remove(onnx_path)
    with open(sig_path) as f:
        body = f.read()
    os.remove(sig_path)
    edgerun_params = int(body.split("\n", 1)[0].split()[1])
    header = (f"# {name}: {reference}, torch {torch.__version__}, torchvision {torchvision.__version__}\n"
              f"# exported to ONNX opset 17 (eval, BatchNorm kept), imported by edgerun and passed through the\n"
              f"# engine's passes: models/tools/make_zoo_signatures.py. 'params' is edgerun's count of the import.\n"
              f"input 1x3x{size}x{size}\n"
              f"torch_params {params}\n")
    with open(os.path.join(OUT_DIR, name + ".sig"), "w") as f:
        f.write(header + body)
    macs = int(body.split("\n", 2)[1].split()[1])
    status = "ok" if edgerun_params == params else "PARAM MISMATCH"
    print(f"{name:16s} torch params {params:>11d}  edgerun params {edgerun_params:>11d}  "
          f"GMAC {macs / 1e9:7.2f}  layers {body.count(chr(10)) - 2:4d}  {status}", flush=True)
    return edgerun_params == params


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", choices=sorted(MODELS), action="append")
    args = parser.parse_args()
    torch.set_num_threads(1)
    os.makedirs(OUT_DIR, exist_ok=True)
    ok = True
    with tempfile.TemporaryDirectory(prefix="edgerun_zoo_sig_") as tmp:
        for name in args.only or MODELS:
            ok &= make(name, tmp)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
