# tiny_bert: layers 2, hidden 32, heads 4, ffn 48, vocab 64; PyTorch HF-structure export, opset 17; written by models/tools/make_transformer_signatures.py
params 19074
macs 526464
MatMul 32x32 2x16x32
MatMul 32x32 2x16x32
MatMul 32x32 2x16x32
MatMul - 2x4x16x16
MatMul - 2x4x16x8
MatMul 32x32 2x16x32
MatMul 32x48 2x16x48
MatMul 48x32 2x16x32
MatMul 32x32 2x16x32
MatMul 32x32 2x16x32
MatMul 32x32 2x16x32
MatMul - 2x4x16x16
MatMul - 2x4x16x8
MatMul 32x32 2x16x32
MatMul 32x48 2x16x48
MatMul 48x32 2x16x32
Gemm 32x32 2x32
Gemm 2x32 2x2
