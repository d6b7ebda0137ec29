#!/usr/bin/env bash
# The firmware example end to end (usage: firmware_test.sh BUILD_DIR SOURCE_DIR):
#  1. the host tools make the INT8 (SPTQ) ResNet-50, its .edgr, its C array and its arena size;
#  2. the firmware build (-DEDGERUN_MINIMAL=ON: no exceptions, RTTI, threads or dependencies) builds
#     libedgerun.a and examples/firmware with that arena and the model compiled in;
#  3. the example's outputs must equal, bit for bit, `edgerun run` on the same .edgr and input;
#  4. the image's sizes are printed: code, the model's bytes, the static arena.
set -euo pipefail
build="$(cd "$1" && pwd)"
src="$(cd "$2" && pwd)"
edgerun="$build/tools/edgerun"
work="$build/firmware"
mkdir -p "$work"

"$edgerun" quantize --model resnet50 --samples 4 --batch 1 -o "$work/resnet50_int8.onnx" >/dev/null
"$edgerun" convert --model "$work/resnet50_int8.onnx" -o "$work/resnet50_int8.edgr" >/dev/null
"$edgerun" convert --model "$work/resnet50_int8.onnx" -o "$work/model_edgr.c" --c-array --symbol model_edgr >/dev/null
"$edgerun" arena "$work/resnet50_int8.edgr" | tee "$work/arena.txt"
arena_bytes="$(awk '$1 == "arena" {print $2}' "$work/arena.txt")"

cmake -S "$src" -B "$work/build" -G Ninja -DEDGERUN_MINIMAL=ON -DEDGERUN_WERROR=ON \
  -DCMAKE_BUILD_TYPE=MinSizeRel -DEDGERUN_FIRMWARE_MODEL_C="$work/model_edgr.c" -DEDGERUN_FIRMWARE_ARENA_BYTES="$arena_bytes" >/dev/null
cmake --build "$work/build" --target edgerun_firmware_example
example="$work/build/examples/firmware/edgerun_firmware_example"
"$example" >"$work/example.txt"
head -2 "$work/example.txt"

# The same input through the host engine (the example's pattern, in float32 as C computes it).
/usr/bin/python3 - "$work/input.npy" <<'EOF'
import sys
import numpy as np
i = np.arange(3 * 224 * 224, dtype=np.uint64)
x = ((i * 37) % 256).astype(np.float32) / np.float32(255) - np.float32(0.5)
np.save(sys.argv[1], x.reshape(1, 3, 224, 224))
EOF
rm -rf "$work/host"
"$edgerun" run "$work/resnet50_int8.edgr" -i "input=$work/input.npy" -o "$work/host" >/dev/null
/usr/bin/python3 - "$work/example.txt" "$work/host/logits.npy" <<'EOF'
import sys
import numpy as np
lines = open(sys.argv[1]).read().split("\n")
firmware = np.array([float(v) for v in lines[2:] if v], dtype=np.float32)
host = np.load(sys.argv[2]).reshape(-1)
if firmware.shape != host.shape or not np.array_equal(firmware.view(np.uint32), host.view(np.uint32)):
    sys.exit(f"firmware outputs differ from edgerun run's: {firmware[:4]} vs {host[:4]}")
if int(lines[1].split()[1]) != int(np.argmax(host)):
    sys.exit("firmware top-1 differs from edgerun run's")
print(f"firmware example: {host.size} outputs equal edgerun run's bit for bit (top-1 class {np.argmax(host)})")
EOF

# Sizes: code is every allocated section but the model's bytes (in .rodata) and the arena (in .bss).
model_bytes="$(stat -c %s "$work/resnet50_int8.edgr")"
size -A "$example" | awk -v model="$model_bytes" -v arena="$arena_bytes" -v lib="$(stat -c %s "$work/build/libedgerun.a")" '
  $1 == ".text" { text = $2 }
  $1 ~ /^\.(rodata|data|data\.rel\.ro|eh_frame|eh_frame_hdr|gcc_except_table|init_array|fini_array)$/ { other += $2 }
  $1 == ".bss" { bss = $2 }
  END {
    printf "image: .text %d bytes, other read-only and data %d bytes (model excluded), model %d bytes, .bss %d bytes (arena %d)\n",
           text, other - model, model, bss, arena
    printf "code size (.text + read-only and data, model excluded): %d bytes; libedgerun.a %d bytes\n", text + other - model, lib
  }'
