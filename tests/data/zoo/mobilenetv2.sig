# mobilenetv2: torchvision mobilenet_v2, torch 1.13.0a0, torchvision 0.14.1a0
# exported to ONNX opset 17 (eval, BatchNorm kept), imported by edgerun and passed through the
# engine's passes: models/tools/make_zoo_signatures.py. 'params' is edgerun's count of the import.
input 1x3x224x224
torch_params 3504872
params 3504872
macs 300774272
Conv w=32x3x3x3 out=1x32x112x112 stride=2,2 pad=1,1,1,1 dil=1,1 group=1 bias=1 act=Clip(0,6)
Conv w=32x1x3x3 out=1x32x112x112 stride=1,1 pad=1,1,1,1 dil=1,1 group=32 bias=1 act=Clip(0,6)
Conv w=16x32x1x1 out=1x16x112x112 stride=1,1 pad=0,0,0,0 dil=1,1 group=1 bias=1 act=none
Conv w=96x16x1x1 out=1x96x112x112 stride=1,1 pad=0,0,0,0 dil=1,1 group=1 bias=1 act=Clip(0,6)
Conv w=96x1x3x3 out=1x96x56x56 stride=2,2 pad=1,1,1,1 dil=1,1 group=96 bias=1 act=Clip(0,6)
Conv w=24x96x1x1 out=1x24x56x56 stride=1,1 pad=0,0,0,0 dil=1,1 group=1 bias=1 act=none
Conv w=144x24x1x1 out=1x144x56x56 stride=1,1 pad=0,0,0,0 dil=1,1 group=1 bias=1 act=Clip(0,6)
Conv w=144x1x3x3 out=1x144x56x56 stride=1,1 pad=1,1,1,1 dil=1,1 group=144 bias=1 act=Clip(0,6)
Conv w=24x144x1x1 out=1x24x56x56 stride=1,1 pad=0,0,0,0 dil=1,1 group=1 bias=1 act=none
Conv w=144x24x1x1 out=1x144x56x56 stride=1,1 pad=0,0,0,0 dil=1,1 group=1 bias=1 act=Clip(0,6)
Conv w=144x1x3x3 out=1x144x28x28 stride=2,2 pad=1,1,1,1 dil=1,1 group=144 bias=1 act=Clip(0,6)
Conv w=32x144x1x1 out=1x32x28x28 stride=1,1 pad=0,0,0,0 dil=1,1 group=1 bias=1 act=none
Conv w=192x32x1x1 out=1x192x28x28 stride=1,1 pad=0,0,0,0 dil=1,1 group=1 bias=1 act=Clip(0,6)
Conv w=192x1x3x3 out=1x192x28x28 stride=1,1 pad=1,1,1,1 dil=1,1 group=192 bias=1 act=Clip(0,6)
Conv w=32x192x1x1 out=1x32x28x28 stride=1,1 pad=0,0,0,0 dil=1,1 group=1 bias=1 act=none
Conv w=192x32x1x1 out=1x192x28x28 stride=1,1 pad=0,0,0,0 dil=1,1 group=1 bias=1 act=Clip(0,6)
Conv w=192x1x3x3 out=1x192x28x28 stride=1,1 pad=1,1,1,1 dil=1,1 group=192 bias=1 act=Clip(0,6)
Conv w=32x192x1x1 out=1x32x28x28 stride=1,1 pad=0,0,0,0 dil=1,1 group=1 bias=1 act=none
Conv w=192x32x1x1 out=1x192x28x28 stride=1,1 pad=0,0,0,0 dil=1,1 group=1 bias=1 act=Clip(0,6)
Conv w=192x1x3x3 out=1x192x14x14 stride=2,2 pad=1,1,1,1 dil=1,1 group=192 bias=1 act=Clip(0,6)
Conv w=64x192x1x1 out=1x64x14x14 stride=1,1 pad=0,0,0,0 dil=1,1 group=1 bias=1 act=none
Conv w=384x64x1x1 out=1x384x14x14 stride=1,1 pad=0,0,0,0 dil=1,1 group=1 bias=1 act=Clip(0,6)
Conv w=384x1x3x3 out=1x384x14x14 stride=1,1 pad=1,1,1,1 dil=1,1 group=384 bias=1 act=Clip(0,6)
Conv w=64x384x1x1 out=1x64x14x14 stride=1,1 pad=0,0,0,0 dil=1,1 group=1 bias=1 act=none
Conv w=384x64x1x1 out=1x384x14x14 stride=1,1 pad=0,0,0,0 dil=1,1 group=1 bias=1 act=Clip(0,6)
Conv w=384x1x3x3 out=1x384x14x14 stride=1,1 pad=1,1,1,1 dil=1,1 group=384 bias=1 act=Clip(0,6)
Conv w=64x384x1x1 out=1x64x14x14 stride=1,1 pad=0,0,0,0 dil=1,1 group=1 bias=1 act=none
Conv w=384x64x1x1 out=1x384x14x14 stride=1,1 pad=0,0,0,0 dil=1,1 group=1 bias=1 act=Clip(0,6)
Conv w=384x1x3x3 out=1x384x14x14 stride=1,1 pad=1,1,1,1 dil=1,1 group=384 bias=1 act=Clip(0,6)
Conv w=64x384x1x1 out=1x64x14x14 stride=1,1 pad=0,0,0,0 dil=1,1 group=1 bias=1 act=none
Conv w=384x64x1x1 out=1x384x14x14 stride=1,1 pad=0,0,0,0 dil=1,1 group=1 bias=1 act=Clip(0,6)
Conv w=384x1x3x3 out=1x384x14x14 stride=1,1 pad=1,1,1,1 dil=1,1 group=384 bias=1 act=Clip(0,6)
Conv w=96x384x1x1 out=1x96x14x14 stride=1,1 pad=0,0,0,0 dil=1,1 group=1 bias=1 act=none
Conv w=576x96x1x1 out=1x576x14x14 stride=1,1 pad=0,0,0,0 dil=1,1 group=1 bias=1 act=Clip(0,6)
Conv w=576x1x3x3 out=1x576x14x14 stride=1,1 pad=1,1,1,1 dil=1,1 group=576 bias=1 act=Clip(0,6)
Conv w=96x576x1x1 out=1x96x14x14 stride=1,1 pad=0,0,0,0 dil=1,1 group=1 bias=1 act=none
Conv w=576x96x1x1 out=1x576x14x14 stride=1,1 pad=0,0,0,0 dil=1,1 group=1 bias=1 act=Clip(0,6)
Conv w=576x1x3x3 out=1x576x14x14 stride=1,1 pad=1,1,1,1 dil=1,1 group=576 bias=1 act=Clip(0,6)
Conv w=96x576x1x1 out=1x96x14x14 stride=1,1 pad=0,0,0,0 dil=1,1 group=1 bias=1 act=none
Conv w=576x96x1x1 out=1x576x14x14 stride=1,1 pad=0,0,0,0 dil=1,1 group=1 bias=1 act=Clip(0,6)
Conv w=576x1x3x3 out=1x576x7x7 stride=2,2 pad=1,1,1,1 dil=1,1 group=576 bias=1 act=Clip(0,6)
Conv w=160x576x1x1 out=1x160x7x7 stride=1,1 pad=0,0,0,0 dil=1,1 group=1 bias=1 act=none
Conv w=960x160x1x1 out=1x960x7x7 stride=1,1 pad=0,0,0,0 dil=1,1 group=1 bias=1 act=Clip(0,6)
Conv w=960x1x3x3 out=1x960x7x7 stride=1,1 pad=1,1,1,1 dil=1,1 group=960 bias=1 act=Clip(0,6)
Conv w=160x960x1x1 out=1x160x7x7 stride=1,1 pad=0,0,0,0 dil=1,1 group=1 bias=1 act=none
Conv w=960x160x1x1 out=1x960x7x7 stride=1,1 pad=0,0,0,0 dil=1,1 group=1 bias=1 act=Clip(0,6)
Conv w=960x1x3x3 out=1x960x7x7 stride=1,1 pad=1,1,1,1 dil=1,1 group=960 bias=1 act=Clip(0,6)
Conv w=160x960x1x1 out=1x160x7x7 stride=1,1 pad=0,0,0,0 dil=1,1 group=1 bias=1 act=none
Conv w=960x160x1x1 out=1x960x7x7 stride=1,1 pad=0,0,0,0 dil=1,1 group=1 bias=1 act=Clip(0,6)
Conv w=960x1x3x3 out=1x960x7x7 stride=1,1 pad=1,1,1,1 dil=1,1 group=960 bias=1 act=Clip(0,6)
Conv w=320x960x1x1 out=1x320x7x7 stride=1,1 pad=0,0,0,0 dil=1,1 group=1 bias=1 act=none
Conv w=1280x320x1x1 out=1x1280x7x7 stride=1,1 pad=0,0,0,0 dil=1,1 group=1 bias=1 act=Clip(0,6)
Gemm w=1000x1280 out=1x1000 transA=0 transB=1 act=none
