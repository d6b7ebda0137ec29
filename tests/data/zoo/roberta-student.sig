# roberta-student: layers 4, hidden 512, heads 8, ffn 2048, vocab 50265; PyTorch HF-structure export, opset 17; written by models/tools/make_transformer_signatures.py
params 38873602
macs 201327616
MatMul 512x512 0x128x512
MatMul 512x512 0x128x512
MatMul 512x512 0x128x512
MatMul - 1x8x128x128
MatMul - 1x8x128x64
MatMul 512x512 1x128x512
MatMul 512x2048 0x128x2048
MatMul 2048x512 0x128x512
MatMul 512x512 0x128x512
MatMul 512x512 0x128x512
MatMul 512x512 0x128x512
MatMul - 1x8x128x128
MatMul - 1x8x128x64
MatMul 512x512 1x128x512
MatMul 512x2048 0x128x2048
MatMul 2048x512 0x128x512
MatMul 512x512 0x128x512
MatMul 512x512 0x128x512
MatMul 512x512 0x128x512
MatMul - 1x8x128x128
MatMul - 1x8x128x64
MatMul 512x512 1x128x512
MatMul 512x2048 0x128x2048
MatMul 2048x512 0x128x512
MatMul 512x512 0x128x512
MatMul 512x512 0x128x512
MatMul 512x512 0x128x512
MatMul - 1x8x128x128
MatMul - 1x8x128x64
MatMul 512x512 1x128x512
MatMul 512x2048 0x128x2048
MatMul 2048x512 0x128x512
Gemm 512x512 0x512
Gemm 2x512 1x2
