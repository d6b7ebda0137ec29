# bert-student: HF BertForSequenceClassification, layers 4, hidden 512, heads 8, ffn 2048, vocab 30522; torch 1.13.0a0
# exported to ONNX opset 17, imported by edgerun and passed through the engine's passes:
# models/tools/make_transformer_signatures.py. 'params' is edgerun's count of the import.
input 1x128
torch_params 28764674
params 28764674
macs 1677984768
MatMul w=512x512 out=1x128x512 act=none
MatMul w=512x512 out=1x128x512 act=none
MatMul w=512x512 out=1x128x512 act=none
MatMul w=1x8x64x128 out=1x8x128x128 act=none
MatMul w=1x8x128x64 out=1x8x128x64 act=none
MatMul w=512x512 out=1x128x512 act=none
MatMul w=512x2048 out=1x128x2048 act=none
MatMul w=2048x512 out=1x128x512 act=none
MatMul w=512x512 out=1x128x512 act=none
MatMul w=512x512 out=1x128x512 act=none
MatMul w=512x512 out=1x128x512 act=none
MatMul w=1x8x64x128 out=1x8x128x128 act=none
MatMul w=1x8x128x64 out=1x8x128x64 act=none
MatMul w=512x512 out=1x128x512 act=none
MatMul w=512x2048 out=1x128x2048 act=none
MatMul w=2048x512 out=1x128x512 act=none
MatMul w=512x512 out=1x128x512 act=none
MatMul w=512x512 out=1x128x512 act=none
MatMul w=512x512 out=1x128x512 act=none
MatMul w=1x8x64x128 out=1x8x128x128 act=none
MatMul w=1x8x128x64 out=1x8x128x64 act=none
MatMul w=512x512 out=1x128x512 act=none
MatMul w=512x2048 out=1x128x2048 act=none
MatMul w=2048x512 out=1x128x512 act=none
MatMul w=512x512 out=1x128x512 act=none
MatMul w=512x512 out=1x128x512 act=none
MatMul w=512x512 out=1x128x512 act=none
MatMul w=1x8x64x128 out=1x8x128x128 act=none
MatMul w=1x8x128x64 out=1x8x128x64 act=none
MatMul w=512x512 out=1x128x512 act=none
MatMul w=512x2048 out=1x128x2048 act=none
MatMul w=2048x512 out=1x128x512 act=none
Gemm w=512x512 out=1x512 transA=0 transB=1 act=Tanh
Gemm w=2x512 out=1x2 transA=0 transB=1 act=none
