// Segmentation models on the bottleneck ResNet: torchvision FCN-ResNet101 and ResNet-101-DUC-HDC as
// the ONNX model zoo has it (TuSimple-DUC, MXNet). Sources and counts: models/tools/README.md.
#pragma once

#include "models/zoo/graph_builder.h"

namespace edgerun::zoo {

// torchvision fcn_resnet101(num_classes, aux_loss=True): ResNet-101 with layer3/layer4 dilated
// (output stride 8), FCNHead on layer4 and on layer3 (aux), each resized back to the input size
// (bilinear, half_pixel). Input "input" [batch,3,size,size]; outputs "out" and "aux"
// [batch,classes,size,size].
Result<Graph> build_fcn_resnet101(uint64_t seed, int64_t batch, int64_t image_size, int64_t num_classes);

// ResNet-101-DUC-HDC (TuSimple-DUC get_symbol_duc_hdc, cell_width 2, as in the ONNX model zoo's
// ResNet101-DUC-7): three-conv stem, conv4/conv5 dilated with the hybrid rates (1,2,5,9 cycling; 5,9,17),
// four dilated 3x3 convs (6,12,18,24) to classes*16 channels summed, Reshape to [batch,classes,-1] and
// Softmax over the classes. Input "data" [batch,3,size,size]; output "seg_score"
// [batch, classes, 16 * (size/8)^2] (the caller rearranges the 4x4 cells to a half-resolution map).
Result<Graph> build_resnet101_duc_hdc(uint64_t seed, int64_t batch, int64_t image_size, int64_t num_classes);

}  // namespace edgerun::zoo
