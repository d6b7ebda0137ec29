# tiny_bert: HF BertForSequenceClassification, layers 2, hidden 32, heads 4, ffn 32, vocab 32; torch 1.13.0a0
# exported to ONNX opset 17, imported by edgerun and passed through the engine's passes:
# models/tools/make_transformer_signatures.py. 'params' is edgerun's count of the import.
input 2x16
torch_params 15970
params 15970
macs 460928
MatMul w=32x32 out=2x16x32 act=none
MatMul w=32x32 out=2x16x32 act=none
MatMul w=32x32 out=2x16x32 act=none
MatMul w=2x4x8x16 out=2x4x16x16 act=none
MatMul w=2x4x16x8 out=2x4x16x8 act=none
MatMul w=32x32 out=2x16x32 act=none
MatMul w=32x32 out=2x16x32 act=none
MatMul w=32x32 out=2x16x32 act=none
MatMul w=32x32 out=2x16x32 act=none
MatMul w=32x32 out=2x16x32 act=none
MatMul w=32x32 out=2x16x32 act=none
MatMul w=2x4x8x16 out=2x4x16x16 act=none
MatMul w=2x4x16x8 out=2x4x16x8 act=none
MatMul w=32x32 out=2x16x32 act=none
MatMul w=32x32 out=2x16x32 act=none
MatMul w=32x32 out=2x16x32 act=none
Gemm w=32x32 out=2x32 transA=0 transB=1 act=Tanh
Gemm w=2x32 out=2x2 transA=0 transB=1 act=none
