"""The six vision surrogates: architecture, task and training settings, by zoo name."""
from dataclasses import dataclass, field

import vision_models as vm


@dataclass
class Spec:
    name: str
    architecture: str
    task: str                 # "fashion-mnist" or "fashion-scenes"
    build: object             # () -> nn.Module
    train_samples: int        # Fashion-MNIST images or generated training scenes
    epochs: int
    lr: float
    batch_size: int
    teacher: str = None
    variants: list = field(default_factory=lambda: ["fp32"])

    @property
    def metric(self):
        return "top1" if self.task == "fashion-mnist" else "miou"

    @property
    def image_size(self):
        return 28 if self.task == "fashion-mnist" else 64


def wide_resnet(layers, base):
    # width_per_group 128: bottleneck width twice a plain ResNet's, as Wide-ResNet-*-2.
    return vm.SmallResNet(layers, base, width_per_group=128, stem_stride=2)


def resnext(layers, base, groups):
    # width_per_group 16: 3x3 conv width = planes * groups / 4 (2 channels per group in layer1).
    return vm.SmallResNet(layers, base, groups=groups, width_per_group=16, stem_stride=2)


def seg_backbone():
    # torchvision's segmentation backbone: layer3 and layer4 dilated instead of strided, output
    # stride 8 (64x64 input -> 8x8 features); plain (not wide) bottlenecks as ResNet-101.
    return vm.SmallResNet([1, 1, 2, 3], 8, stem_stride=2, maxpool=True, dilate=(False, True, True))


def duc_model():
    backbone = seg_backbone()
    # Hybrid dilated convolution: rates without a common factor, sawtooth per stage, as
    # ResNet-101-DUC-HDC (res4 1,2,5,9...; res5 5,9,17) scaled to an 8x8 feature map.
    vm.set_block_dilations(backbone.layer3, [1, 2])
    vm.set_block_dilations(backbone.layer4, [1, 2, 5])
    return vm.DUC(backbone, ratio=8)


SPECS = {s.name: s for s in [
    Spec("resnet", "Wide-ResNet-23-2: bottleneck blocks [1,1,2,3], base 8, 3x3 widths 16/32/64/128, "
         "outputs 32/64/128/256 (surrogate of Wide-ResNet-101-2)", "fashion-mnist",
         lambda: wide_resnet([1, 1, 2, 3], 8), 60000, 2, 0.1, 128, variants=["fp32", "qat", "pruned"]),
    Spec("resnext", "ResNeXt-23 8x2d: bottleneck blocks [1,1,2,3], cardinality 8, base 8, 3x3 widths "
         "16/32/64/128, outputs 32/64/128/256 (surrogate of ResNeXt-101 64x4d)", "fashion-mnist",
         lambda: resnext([1, 1, 2, 3], 8, 8), 60000, 2, 0.1, 128, variants=["fp32", "qat", "pruned"]),
    Spec("resnet-student", "Wide-ResNet-17-2: bottleneck blocks [1,1,1,2], base 6, 3x3 widths "
         "12/24/48/96, outputs 24/48/96/192 (surrogate of Wide-ResNet-50-2)", "fashion-mnist",
         lambda: wide_resnet([1, 1, 1, 2], 6), 60000, 2, 0.1, 128, teacher="resnet"),
    Spec("resnext-student", "ResNeXt-17 4x2d: bottleneck blocks [1,1,1,2], cardinality 4, base 8, 3x3 "
         "widths 8/16/32/64, outputs 32/64/128/256 (surrogate of ResNeXt-50 32x4d)", "fashion-mnist",
         lambda: resnext([1, 1, 1, 2], 8, 4), 60000, 2, 0.1, 128, teacher="resnext"),
    Spec("fcn", "FCN-ResNet-23: dilated bottleneck ResNet [1,1,2,3], base 8, output stride 8, FCNHead "
         "(3x3 conv 256->64, BN, ReLU, dropout 0.1, 1x1 conv to 11), bilinear upsampling to 64x64 "
         "(surrogate of FCN-ResNet101)", "fashion-scenes", lambda: vm.FCN(seg_backbone()),
         12000, 5, 0.05, 32),
    Spec("duc", "ResNet-23-DUC-HDC: dilated bottleneck ResNet [1,1,2,3], base 8, output stride 8, "
         "hybrid dilation rates layer3 1,2 and layer4 1,2,5; DUC head (1x1 conv 256->64 + BN + ReLU, "
         "3x3 conv to 11*8*8 logits, pixel shuffle x8 to 64x64) (surrogate of ResNet-101-DUC-HDC)", "fashion-scenes", duc_model,
         12000, 5, 0.05, 32),
]}
