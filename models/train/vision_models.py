"""The surrogate architectures: small members of the studies' families, built from torchvision's own
ResNet pieces (Bottleneck blocks, _make_layer, forward) so the layer names (conv1, layer1..layer4, fc)
and block structure are those of Wide-ResNet / ResNeXt / FCN / DUC.

Every model takes pixel/255 and normalises inside (Sub/Div at the front of the exported graph).
"""
import torch
import torch.nn as nn
import torch.nn.functional as F
from torchvision.models.resnet import Bottleneck, ResNet

import fashion_mnist

NUM_CLASSES = 10
SCENE_CLASSES = 11


class Normalize(nn.Module):
    def forward(self, x):
        return (x - fashion_mnist.MEAN) / fashion_mnist.STD


class SmallResNet(ResNet):
    """torchvision's ResNet (Bottleneck blocks) for 1-channel inputs with stage widths
    base/2base/4base/8base (x4 expansion at each block's output) instead of 64/128/256/512.

    The stem is a 3x3 conv (stride `stem_stride`), followed by torchvision's 3x3/2 max-pool only when
    `maxpool` is set, as the inputs are 28x28 or 64x64.
    `dilate` replaces the stride of layer2..layer4 by dilation, as torchvision's segmentation
    backbones do. groups/width_per_group give the Wide-ResNet (width_per_group 128 = 2x the plain
    bottleneck width) and ResNeXt (groups = cardinality) variants.
    """

    def __init__(self, layers, base, groups=1, width_per_group=64, stem_stride=1, maxpool=False,
                 dilate=(False, False, False), num_classes=NUM_CLASSES):
        nn.Module.__init__(self)
        self._norm_layer = nn.BatchNorm2d
        self.inplanes = base
        self.dilation = 1
        self.groups = groups
        self.base_width = width_per_group
        self.normalize = Normalize()
        self.conv1 = nn.Conv2d(1, base, kernel_size=3, stride=stem_stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(base)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(3, 2, 1) if maxpool else nn.Identity()
        self.layer1 = self._make_layer(Bottleneck, base, layers[0])
        self.layer2 = self._make_layer(Bottleneck, 2 * base, layers[1], stride=2, dilate=dilate[0])
        self.layer3 = self._make_layer(Bottleneck, 4 * base, layers[2], stride=2, dilate=dilate[1])
        self.layer4 = self._make_layer(Bottleneck, 8 * base, layers[3], stride=2, dilate=dilate[2])
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(8 * base * Bottleneck.expansion, num_classes)
        self.out_channels = 8 * base * Bottleneck.expansion
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
        for m in self.modules():  # zero-init the last BN of each block: starts as identity, trains faster
            if isinstance(m, Bottleneck):
                nn.init.zeros_(m.bn3.weight)

    def _forward_impl(self, x):
        return super()._forward_impl(self.normalize(x))

    def features(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(self.normalize(x)))))
        return self.layer4(self.layer3(self.layer2(self.layer1(x))))


def set_block_dilations(layer, rates):
    """Hybrid dilated convolution: each block's 3x3 conv gets its own rate (padding = rate)."""
    for block, rate in zip(layer, rates):
        block.conv2.dilation = (rate, rate)
        block.conv2.padding = (rate, rate)


class FCN(nn.Module):
    """FCN-ResNet: dilated backbone, FCNHead (3x3 conv + BN + ReLU + dropout + 1x1 conv), bilinear
    upsampling of the logits to the input size, as torchvision's fcn_resnet101."""

    def __init__(self, backbone, num_classes=SCENE_CLASSES):
        super().__init__()
        self.backbone = backbone
        inter = backbone.out_channels // 4
        self.classifier = nn.Sequential(
            nn.Conv2d(backbone.out_channels, inter, 3, padding=1, bias=False), nn.BatchNorm2d(inter),
            nn.ReLU(inplace=True), nn.Dropout(0.1), nn.Conv2d(inter, num_classes, 1))

    def forward(self, x):
        y = self.classifier(self.backbone.features(x))
        return F.interpolate(y, size=x.shape[-2:], mode="bilinear", align_corners=False)


class DUC(nn.Module):
    """ResNet-DUC-HDC: dilated backbone with hybrid dilation rates, dense upsampling convolution
    head: a 3x3 conv to classes*r*r channels whose output is the logits, rearranged by a pixel
    shuffle (DepthToSpace) by r to the input size. A 1x1 conv + BN + ReLU first reduces the backbone's
    channels by 4 (as the FCN head does), to keep the file small: the original applies its 3x3 convs
    to the backbone's 2048 channels directly."""

    def __init__(self, backbone, ratio, num_classes=SCENE_CLASSES):
        super().__init__()
        self.backbone = backbone
        inter = backbone.out_channels // 4
        self.reduce = nn.Sequential(nn.Conv2d(backbone.out_channels, inter, 1, bias=False),
                                    nn.BatchNorm2d(inter), nn.ReLU(inplace=True))
        self.conv = nn.Conv2d(inter, num_classes * ratio * ratio, 3, padding=1)
        self.shuffle = nn.PixelShuffle(ratio)

    def forward(self, x):
        return self.shuffle(self.conv(self.reduce(self.backbone.features(x))))
