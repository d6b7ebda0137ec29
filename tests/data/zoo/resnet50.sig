# resnet50: torchvision resnet50, torch 1.13.0a0, torchvision 0.14.1a0
# exported to ONNX opset 17 (eval, BatchNorm kept), imported by edgerun and passed through the
# engine's passes: models/tools/make_zoo_signatures.py. 'params' is edgerun's count of the import.
input 1x3x224x224
torch_params 25557032
params 25557032
macs 4089184256
Conv w=64x3x7x7 out=1x64x112x112 stride=2,2 pad=3,3,3,3 dil=1,1 group=1 bias=1 act=Relu
Conv w=64x64x1x1 out=1x64x56x56 stride=1,1 pad=0,0,0,0 dil=1,1 group=1 bias=1 act=Relu
Conv w=64x64x3x3 out=1x64x56x56 stride=1,1 pad=1,1,1,1 dil=1,1 group=1 bias=1 act=Relu
Conv w=256x64x1x1 out=1x256x56x56 stride=1,1 pad=0,0,0,0 dil=1,1 group=1 bias=1 act=none
Conv w=256x64x1x1 out=1x256x56x56 stride=1,1 pad=0,0,0,0 dil=1,1 group=1 bias=1 act=none
Conv w=64x256x1x1 out=1x64x56x56 stride=1,1 pad=0,0,0,0 dil=1,1 group=1 bias=1 act=Relu
Conv w=64x64x3x3 out=1x64x56x56 stride=1,1 pad=1,1,1,1 dil=1,1 group=1 bias=1 act=Relu
Conv w=256x64x1x1 out=1x256x56x56 stride=1,1 pad=0,0,0,0 dil=1,1 group=1 bias=1 act=none
Conv w=64x256x1x1 out=1x64x56x56 stride=1,1 pad=0,0,0,0 dil=1,1 group=1 bias=1 act=Relu
Conv w=64x64x3x3 out=1x64x56x56 stride=1,1 pad=1,1,1,1 dil=1,1 group=1 bias=1 act=Relu
Conv w=256x64x1x1 out=1x256x56x56 stride=1,1 pad=0,0,0,0 dil=1,1 group=1 bias=1 act=none
Conv w=128x256x1x1 out=1x128x56x56 stride=1,1 pad=0,0,0,0 dil=1,1 group=1 bias=1 act=Relu
Conv w=128x128x3x3 out=1x128x28x28 stride=2,2 pad=1,1,1,1 dil=1,1 group=1 bias=1 act=Relu
Conv w=512x128x1x1 out=1x512x28x28 stride=1,1 pad=0,0,0,0 dil=1,1 group=1 bias=1 act=none
Conv w=512x256x1x1 out=1x512x28x28 stride=2,2 pad=0,0,0,0 dil=1,1 group=1 bias=1 act=none
Conv w=128x512x1x1 out=1x128x28x28 stride=1,1 pad=0,0,0,0 dil=1,1 group=1 bias=1 act=Relu
Conv w=128x128x3x3 out=1x128x28x28 stride=1,1 pad=1,1,1,1 dil=1,1 group=1 bias=1 act=Relu
Conv w=512x128x1x1 out=1x512x28x28 stride=1,1 pad=0,0,0,0 dil=1,1 group=1 bias=1 act=none
Conv w=128x512x1x1 out=1x128x28x28 stride=1,1 pad=0,0,0,0 dil=1,1 group=1 bias=1 act=Relu
Conv w=128x128x3x3 out=1x128x28x28 stride=1,1 pad=1,1,1,1 dil=1,1 group=1 bias=1 act=Relu
Conv w=512x128x1x1 out=1x512x28x28 stride=1,1 pad=0,0,0,0 dil=1,1 group=1 bias=1 act=none
Conv w=128x512x1x1 out=1x128x28x28 stride=1,1 pad=0,0,0,0 dil=1,1 group=1 bias=1 act=Relu
Conv w=128x128x3x3 out=1x128x28x28 stride=1,1 pad=1,1,1,1 dil=1,1 group=1 bias=1 act=Relu
Conv w=512x128x1x1 out=1x512x28x28 stride=1,1 pad=0,0,0,0 dil=1,1 group=1 bias=1 act=none
Conv w=256x512x1x1 out=1x256x28x28 stride=1,1 pad=0,0,0,0 dil=1,1 group=1 bias=1 act=Relu
Conv w=256x256x3x3 out=1x256x14x14 stride=2,2 pad=1,1,1,1 dil=1,1 group=1 bias=1 act=Relu
Conv w=1024x256x1x1 out=1x1024x14x14 stride=1,1 pad=0,0,0,0 dil=1,1 group=1 bias=1 act=none
Conv w=1024x512x1x1 out=1x1024x14x14 stride=2,2 pad=0,0,0,0 dil=1,1 group=1 bias=1 act=none
Conv w=256x1024x1x1 out=1x256x14x14 stride=1,1 pad=0,0,0,0 dil=1,1 group=1 bias=1 act=Relu
Conv w=256x256x3x3 out=1x256x14x14 stride=1,1 pad=1,1,1,1 dil=1,1 group=1 bias=1 act=Relu
Conv w=1024x256x1x1 out=1x1024x14x14 stride=1,1 pad=0,0,0,0 dil=1,1 group=1 bias=1 act=none
Conv w=256x1024x1x1 out=1x256x14x14 stride=1,1 pad=0,0,0,0 dil=1,1 group=1 bias=1 act=Relu
Conv w=256x256x3x3 out=1x256x14x14 stride=1,1 pad=1,1,1,1 dil=1,1 group=1 bias=1 act=Relu
Conv w=1024x256x1x1 out=1x1024x14x14 stride=1,1 pad=0,0,0,0 dil=1,1 group=1 bias=1 act=none
Conv w=256x1024x1x1 out=1x256x14x14 stride=1,1 pad=0,0,0,0 dil=1,1 group=1 bias=1 act=Relu
Conv w=256x256x3x3 out=1x256x14x14 stride=1,1 pad=1,1,1,1 dil=1,1 group=1 bias=1 act=Relu
Conv w=1024x256x1x1 out=1x1024x14x14 stride=1,1 pad=0,0,0,0 dil=1,1 group=1 bias=1 act=none
Conv w=256x1024x1x1 out=1x256x14x14 stride=1,1 pad=0,0,0,0 dil=1,1 group=1 bias=1 act=Relu
Conv w=256x256x3x3 out=1x256x14x14 stride=1,1 pad=1,1,1,1 dil=1,1 group=1 bias=1 act=Relu
Conv w=1024x256x1x1 out=1x1024x14x14 stride=1,1 pad=0,0,0,0 dil=1,1 group=1 bias=1 act=none
Conv w=256x1024x1x1 out=1x256x14x14 stride=1,1 pad=0,0,0,0 dil=1,1 group=1 bias=1 act=Relu
Conv w=256x256x3x3 out=1x256x14x14 stride=1,1 pad=1,1,1,1 dil=1,1 group=1 bias=1 act=Relu
Conv w=1024x256x1x1 out=1x1024x14x14 stride=1,1 pad=0,0,0,0 dil=1,1 group=1 bias=1 act=none
Conv w=512x1024x1x1 out=1x512x14x14 stride=1,1 pad=0,0,0,0 dil=1,1 group=1 bias=1 act=Relu
Conv w=512x512x3x3 out=1x512x7x7 stride=2,2 pad=1,1,1,1 dil=1,1 group=1 bias=1 act=Relu
Conv w=2048x512x1x1 out=1x2048x7x7 stride=1,1 pad=0,0,0,0 dil=1,1 group=1 bias=1 act=none
Conv w=2048x1024x1x1 out=1x2048x7x7 stride=2,2 pad=0,0,0,0 dil=1,1 group=1 bias=1 act=none
Conv w=512x2048x1x1 out=1x512x7x7 stride=1,1 pad=0,0,0,0 dil=1,1 group=1 bias=1 act=Relu
Conv w=512x512x3x3 out=1x512x7x7 stride=1,1 pad=1,1,1,1 dil=1,1 group=1 bias=1 act=Relu
Conv w=2048x512x1x1 out=1x2048x7x7 stride=1,1 pad=0,0,0,0 dil=1,1 group=1 bias=1 act=none
Conv w=512x2048x1x1 out=1x512x7x7 stride=1,1 pad=0,0,0,0 dil=1,1 group=1 bias=1 act=Relu
Conv w=512x512x3x3 out=1x512x7x7 stride=1,1 pad=1,1,1,1 dil=1,1 group=1 bias=1 act=Relu
Conv w=2048x512x1x1 out=1x2048x7x7 stride=1,1 pad=0,0,0,0 dil=1,1 group=1 bias=1 act=none
Gemm w=1000x2048 out=1x1000 transA=0 transB=1 act=none
