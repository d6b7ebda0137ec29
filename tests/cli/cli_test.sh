#!/usr/bin/env bash
# The edgerun and bench_engine tools, as a user runs them: outputs written as .npy must match PyTorch's
# (read back with NumPy, an independent reader), and bad input must give a one-line error and exit 1.
# Usage: cli_test.sh BUILD_DIR SOURCE_DIR
set -uo pipefail
build="$1"
src="$2"
edgerun="$build/tools/edgerun"
bench="$build/tools/bench_engine"
fixture="$src/tests/data/e2e/bert"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
failures=0
passes=0

check() {  # check NAME COMMAND...: the command must succeed
  if "${@:2}" >"$tmp/out" 2>&1; then
    passes=$((passes + 1))
  else
    echo "FAIL $1"; cat "$tmp/out"; failures=$((failures + 1))
  fi
}
check_error() {  # check_error NAME PATTERN COMMAND...: must exit 1 with one stderr line matching PATTERN
  "${@:3}" >"$tmp/out" 2>"$tmp/err"
  local rc=$?
  if [[ $rc -eq 1 && $(wc -l <"$tmp/err") -eq 1 ]] && grep -q -- "$2" "$tmp/err"; then
    passes=$((passes + 1))
  else
    echo "FAIL $1 (exit $rc)"; cat "$tmp/err"; failures=$((failures + 1))
  fi
}

check "inspect prints parameters and MACs" bash -c "'$edgerun' inspect '$src/tests/data/e2e/resnext/model.onnx' --dim batch=2 | grep -q '^MACs'"
check "run writes every output" "$edgerun" run "$fixture/model.onnx" -o "$tmp/out_dir" \
  -i "input_ids=$fixture/input_0.npy" -i "attention_mask=$fixture/input_1.npy" -i "token_type_ids=$fixture/input_2.npy"
check "outputs match PyTorch (read by NumPy)" /usr/bin/python3 - "$tmp/out_dir" "$fixture" <<'PY'
import glob, sys, numpy as np
out_dir, fixture = sys.argv[1], sys.argv[2]
files = sorted(glob.glob(out_dir + "/*.npy"))
assert len(files) == 2, files
expected = [np.load(f"{fixture}/output_{i}.npy") for i in range(2)]
for f in files:
    got = np.load(f)
    assert any(e.shape == got.shape and np.allclose(got, e, rtol=1e-4, atol=1e-4) for e in expected), f
PY
check "bench_engine prints latency" bash -c "'$bench' --placement local --model '$src/tests/data/e2e/wide_resnet/model.onnx' --repeats 3 --warmup 1 | grep -q median"

check "bench_engine makes valid inputs for a text model" bash -c "'$bench' --placement local --model '$fixture/model.onnx' --dim batch=2 --dim sequence=8 --repeats 2 --warmup 0 | grep -q median"

check_error "missing model file" "model.onnx" "$edgerun" inspect "$tmp/model.onnx"
head -c 1000 "$fixture/model.onnx" >"$tmp/truncated.onnx"
check_error "truncated model" "truncated.onnx\|past the end\|invalid model" "$edgerun" inspect "$tmp/truncated.onnx"
check_error "wrong input name" "no input named" "$edgerun" run "$fixture/model.onnx" -o "$tmp/o" \
  -i "input_ids=$fixture/input_0.npy" -i "attention_mask=$fixture/input_1.npy" -i "token_type_ids=$fixture/input_2.npy" \
  -i "bogus=$fixture/input_0.npy"
check_error "missing input" "missing input" "$edgerun" run "$fixture/model.onnx" -o "$tmp/o" -i "input_ids=$fixture/input_0.npy"
check_error "input file is not .npy" "npy" "$edgerun" run "$fixture/model.onnx" -o "$tmp/o" -i "input_ids=$fixture/model.onnx"
check_error "bad dim binding" "NAME=SIZE" "$bench" --placement local --model "$fixture/model.onnx" --dim batch
check "info names the CPU features and a kernel per family" bash -c "'$edgerun' info | grep -q '^  conv2d'"
check "EDGERUN_ISA=ref caps every family at the reference" bash -c "EDGERUN_ISA=ref '$edgerun' info | grep '^  ' | grep -v -q -E '__ref$' && exit 1 || exit 0"
check_error "bad EDGERUN_ISA" "EDGERUN_ISA: unknown ISA 'sse9'" env EDGERUN_ISA=sse9 "$edgerun" info
check_error "bad --backend" "unknown backend 'tensorrt'" "$bench" --placement local --model "$fixture/model.onnx" --backend tensorrt
check "export --list" "$edgerun" export --list
check "export writes a zoo model" "$edgerun" export --model mobilenetv2 --image-size 64 -o "$tmp/mobilenetv2.onnx"
check "exported model passes onnx.checker (full check)" /usr/bin/python3 -c \
  "import onnx, sys; onnx.checker.check_model(onnx.load(sys.argv[1]), full_check=True)" "$tmp/mobilenetv2.onnx"
check_error "export: unknown model" "no zoo model named 'no-such-model'" "$edgerun" export --model no-such-model -o "$tmp/m.onnx"
check_error "export: unwritable path" "cannot write '$tmp/no_dir/m.onnx'" "$edgerun" export --model mobilenetv2 -o "$tmp/no_dir/m.onnx"
check_error "export: output is a folder" "it is a folder" "$edgerun" export --model mobilenetv2 -o "$tmp"
check_error "export: zero image size" "--image-size must be between" "$edgerun" export --model mobilenetv2 --image-size 0 -o "$tmp/m.onnx"
check_error "export: negative sequence length" "--sequence-length must be between" "$edgerun" export --model bert --sequence-length -5 -o "$tmp/m.onnx"
check_error "export: no model named" "--model NAME is required" "$edgerun" export -o "$tmp/m.onnx"
check_error "export: no output file" "-o FILE is required" "$edgerun" export --model mobilenetv2
# edgerun convert: a zoo model and an ONNX file to .edgr; the .edgr runs bitwise as its source does; the C
# array compiles and holds the .edgr bytes; a truncated .edgr gives a one-line error.
check "convert a zoo model" bash -c "'$edgerun' convert --model mobilenetv2 -o '$tmp/zoo.edgr' | grep -q '^input .*\[1,3,224,224\]'"
check "convert an ONNX file" "$edgerun" convert --model "$tmp/mobilenetv2.onnx" -o "$tmp/mobilenetv2.edgr"
/usr/bin/python3 -c "import numpy as np, sys; np.save(sys.argv[1], np.random.default_rng(3).random((1, 3, 64, 64), dtype=np.float32))" "$tmp/image.npy"
check "run the ONNX file" "$edgerun" run "$tmp/mobilenetv2.onnx" -i "input=$tmp/image.npy" -o "$tmp/onnx_out"
check "run the .edgr file" "$edgerun" run "$tmp/mobilenetv2.edgr" -i "input=$tmp/image.npy" -o "$tmp/edgr_out"
check "the .edgr outputs are bitwise the ONNX ones" /usr/bin/python3 -c "import numpy as np, sys; \
a, b = np.load(sys.argv[1]), np.load(sys.argv[2]); assert a.shape == (1, 1000) and np.array_equal(a, b)" \
  "$tmp/onnx_out/logits.npy" "$tmp/edgr_out/logits.npy"
check "convert --c-array" "$edgerun" convert --model "$fixture/model.onnx" --dim batch=2 --dim sequence=4 --c-array \
  --symbol bert_edgr -o "$tmp/bert_edgr.c"
cat >"$tmp/dump.c" <<'C'
#include <stdio.h>
extern const unsigned char bert_edgr[];
extern const unsigned long bert_edgr_size;
int main(void) { return fwrite(bert_edgr, 1, bert_edgr_size, stdout) == bert_edgr_size ? 0 : 1; }
C
check "the C array compiles and holds the .edgr bytes" bash -c "cc -c '$tmp/bert_edgr.c' -o '$tmp/bert_edgr.o' && \
  cc '$tmp/dump.c' '$tmp/bert_edgr.o' -o '$tmp/dump' && '$tmp/dump' >'$tmp/dumped.edgr' && \
  '$edgerun' convert --model '$fixture/model.onnx' --dim batch=2 --dim sequence=4 -o '$tmp/bert.edgr' >/dev/null && \
  cmp '$tmp/dumped.edgr' '$tmp/bert.edgr'"
head -c 5000 "$tmp/mobilenetv2.edgr" >"$tmp/truncated.edgr"
check_error "run a truncated .edgr" "edgr: the header says the file has .* bytes, got 5000 (truncated?)" \
  "$edgerun" run "$tmp/truncated.edgr" -i "input=$tmp/image.npy" -o "$tmp/o"
check_error "convert: unknown model" "neither a zoo model" "$edgerun" convert --model no-such-model -o "$tmp/x.edgr"
check_error "convert: bad --symbol" "is not a C identifier" "$edgerun" convert --model mobilenetv2 --c-array --symbol 9x -o "$tmp/x.c"
check_error "convert: output is a folder" "it is a folder" "$edgerun" convert --model "$tmp/mobilenetv2.onnx" -o "$tmp"
# edgerun arena: the C API's arena of a .edgr model and the resolver lines for its ops.
check "arena prints the size and the resolver" bash -c "'$edgerun' arena '$tmp/mobilenetv2.edgr' >'$tmp/arena.txt' && \
  grep -q '^arena  *[1-9][0-9]* bytes' '$tmp/arena.txt' && grep -q 'edgerun_op_resolver_add_Conv(&ops);' '$tmp/arena.txt'"
check_error "arena of an ONNX file" "is not a .edgr model" "$edgerun" arena "$tmp/mobilenetv2.onnx"
check_error "arena of a truncated .edgr" "truncated" "$edgerun" arena "$tmp/truncated.edgr"
# edgerun eval on the fixture models of tests/data/eval (their metrics are checked in the unit tests).
eval_dir="$src/tests/data/eval"
check "eval prints JSON with the metrics" bash -c "'$edgerun' eval --model '$eval_dir/classifier.onnx' --data fashion-mnist \
  --limit 100 --batch 32 --json | /usr/bin/python3 -c 'import json, sys; r = json.load(sys.stdin); assert r[\"samples\"] == 100 and 0 <= r[\"metrics\"][\"top1\"] <= 100, r'"
check "eval finds a text model's vocab.txt next to it" bash -c "'$edgerun' eval --model '$eval_dir/text_bert.onnx' --data '$eval_dir/pairs.tsv' | grep -q '^f1'"
check_error "eval: unknown trained model" "neither a model file nor a trained model" "$edgerun" eval --model no-such-model
check_error "eval: model file without --data" "--data is needed" "$edgerun" eval --model "$eval_dir/classifier.onnx"
check_error "eval: model for another task" "does not feed" "$edgerun" eval --model "$eval_dir/text_bert.onnx" --data fashion-mnist
check_error "eval: unknown data" "not a task name" "$edgerun" eval --model "$eval_dir/classifier.onnx" --data "$eval_dir/vocab.txt"
mkdir -p "$tmp/fmnist"
cp /usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz "$tmp/fmnist/"
head -c 100000 /usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz >"$tmp/fmnist/t10k-images-idx3-ubyte.gz"
check_error "eval: truncated Fashion-MNIST" "truncated gzip" "$edgerun" eval --model "$eval_dir/classifier.onnx" --data "$tmp/fmnist"
mkdir -p "$tmp/trained"
echo '{"zoo_name": "x", "task": "fashion-mnist"' >"$tmp/trained/record.json"
check_error "eval: corrupt record.json" "not valid JSON" "$edgerun" eval --model "$tmp/trained"
# edgerun quantize: a trained model on its train data, the QDQ file it writes runs in `edgerun eval`;
# a model file on .npy calibration data; bad calibrator / exclude / data give one-line errors.
check "quantize writes a QDQ model and prints the report" bash -c "'$edgerun' quantize --model resnet-student \
  --samples 64 --calibrator mse --exclude Gemm --report -o '$tmp/q.onnx' | grep -q 'excluded     /fc/Gemm\\|excluded     .*Gemm' \
  && grep -q QuantizeLinear '$tmp/q.onnx'"
check "the QDQ model evaluates" bash -c "'$edgerun' eval --model '$tmp/q.onnx' --data fashion-mnist --limit 64 | grep -q '^top1'"
mkdir -p "$tmp/calib/a" "$tmp/calib/b"
/usr/bin/python3 -c "import numpy as np, sys; [np.save(f'{sys.argv[1]}/{d}/input.npy', np.random.default_rng(i).random((2, 1, 28, 28), dtype=np.float32)) for i, d in enumerate('ab')]" "$tmp/calib"
check "quantize a model file on .npy sample folders" bash -c "'$edgerun' quantize --model '$eval_dir/classifier.onnx' \
  --calib-data '$tmp/calib' -o '$tmp/c.onnx' | grep -q 'calibration  .*calib, 2 batches'"
check "quantize a model file on random inputs" "$edgerun" quantize --model "$eval_dir/classifier.onnx" --calibrator entropy -o "$tmp/r.onnx"
check_error "quantize: unknown calibrator" "unknown calibrator 'kl'" "$edgerun" quantize --model resnet-student --calibrator kl -o "$tmp/x.onnx"
check_error "quantize: unknown exclude" "exclude 'conv99' names no node" "$edgerun" quantize --model resnet-student --samples 32 --exclude conv99 -o "$tmp/x.onnx"
check_error "quantize: a QAT model is quantized already" "quantized already" "$edgerun" quantize --model resnet --variant qat -o "$tmp/x.onnx"
check_error "quantize: unknown model" "neither a model file" "$edgerun" quantize --model no-such-model
check_error "quantize: missing calibration data" "does not exist" "$edgerun" quantize --model resnet-student --calib-data "$tmp/none" -o "$tmp/x.onnx"
mkdir -p "$tmp/calib_bad" && cp "$tmp/calib/a/input.npy" "$tmp/calib_bad/other.npy"
check_error "quantize: .npy folder without the input" "no .*input.npy" "$edgerun" quantize --model resnet-student --calib-data "$tmp/calib_bad" -o "$tmp/x.onnx"
# Early exit: the study's static skipping and trained exit heads, on the full-size model and its surrogate.
check "bench_engine --op early_exit: skipped share of MACs beside the latency saved" bash -c "'$bench' --placement local --model resnet-student \
  --op early_exit --repeats 1 --warmup 0 --accuracy-limit 200 | grep -q 'skipped blocks. share of identity.s step time'"
check "bench_engine --ee dynamic: exit rates per exit and the full-size paths mixed by them" bash -c "'$bench' --placement local \
  --model resnet-student --op early_exit --ee dynamic --ee-fit-rows 512 --ee-calib-rows 512 --repeats 1 --warmup 0 \
  --accuracy-limit 300 | grep -q 'full-size model, its exit paths mixed by these rates'"
check_error "bench_engine: unknown early exit" "unknown early exit 'soon'" "$bench" --placement local --model resnet-student --op early_exit --ee soon
check_error "bench_engine: unknown exit point" "layer9" "$bench" --placement local --model resnet-student --op early_exit --ee dynamic \
  --ee-points layer9 --no-accuracy --repeats 1 --warmup 0
check_error "bench_engine: exit points need dynamic early exit" "--ee-points places the heads of --ee dynamic" "$bench" --placement local \
  --model resnet-student --op early_exit --ee-points layer2 --repeats 1 --warmup 0
check_error "bench_engine: early exit on a model without residual stages" "has no block structure" "$bench" --placement local --model mobilenetv2 \
  --op early_exit --repeats 1 --warmup 0

# Pruning: the study's pattern by default, channel pruning per layer; the sparse kernels by policy.
check "bench_engine --op prune prunes 2x1 blocks at 75% of a CNN" bash -c "'$bench' --placement local --model '$src/tests/data/e2e/resnet50_small/model.onnx' \
  --op prune --repeats 1 --warmup 0 | grep -q '^operator   prune: 2x1 at 75.0% (global)'"
check "bench_engine --op prune --pattern channel --per-layer removes filters in every layer" bash -c "'$bench' --placement local \
  --model '$src/tests/data/e2e/resnet50_small/model.onnx' --op prune --pattern channel --sparsity 0.5 --per-layer \
  --repeats 1 --warmup 0 | grep -q '^operator   prune: channel at .* (per layer)'"
check "bench_engine --sparse always runs the pruned convolutions on the sparse kernels" bash -c "'$bench' --placement local \
  --model '$src/tests/data/e2e/resnet50_small/model.onnx' --op prune --sparse always --repeats 1 --warmup 0 \
  | grep '^kernels' | grep -q 'f32_conv2d_spmm__'"
check "bench_engine --backend xnnpack: pruned 1x1 convolutions on XNNPACK's sparse path" bash -c "'$bench' --placement local \
  --model '$src/tests/data/e2e/resnet50_small/model.onnx' --op prune --sparse always --backend xnnpack --repeats 1 \
  --warmup 0 | grep '^kernels' | grep -q 'xnnpack_conv2d_spmm'"
check_error "bench_engine: unknown sparse kernel policy" "unknown sparse kernel policy 'sometimes'" "$bench" --placement local \
  --model "$src/tests/data/e2e/resnet50_small/model.onnx" --op prune --sparse sometimes --repeats 1 --warmup 0
check_error "bench_engine: unknown pruning pattern" "unknown pruning pattern '3:2'" "$bench" --placement local \
  --model "$src/tests/data/e2e/resnet50_small/model.onnx" --op prune --pattern 3:2 --repeats 1 --warmup 0

# Cold requests (the studies' protocol): each request compiles a fresh copy of the model.
check "bench_engine --cold times fresh sessions" bash -c "'$bench' --placement local --model '$src/tests/data/e2e/resnet50_small/model.onnx' \
  --cold --inputs 1 --repeats 2 --warmup 0 --no-accuracy | grep -q '^local      cold: .*(2 requests, each a copy of the graph compiled'"
check "bench_engine --inputs cycles over seeded input sets" bash -c "'$bench' --placement local --model '$src/tests/data/e2e/resnet50_small/model.onnx' \
  --inputs 3 --repeats 3 --warmup 1 --no-accuracy --format csv | grep -q '^.*,identity,local,warm,6,'"
check "bench_engine --cold on placements: every tier rebuilds per request (in its compute), peak memory per tier" \
  bash -c "'$bench' --model '$src/tests/data/e2e/resnet50_small/model.onnx' --cold --placement mobile-edge --cut 20 \
  --inputs 2 --repeats 2 --warmup 0 --no-accuracy | awk '/^  rebuild    mobile [0-9.]+ ms edge [0-9.]+ ms/ && \$3 > 0 && \$6 > 0 {r = 1}
  /^  memory     mobile peak [0-9.]+ MiB edge peak [0-9.]+ MiB/ && \$4 > 0 && \$8 > 0 {m = 1} END {exit !(r && m)}'"

# The result table: CSV / JSON on stdout (the detail on stderr) or into --out; a study name checked.
check "bench_engine --format json: one parseable report with every sample" bash -c "'$bench' --placement local \
  --model '$src/tests/data/e2e/resnet50_small/model.onnx' --inputs 2 --repeats 2 --format json 2>/dev/null | /usr/bin/python3 -c \
  'import json,sys; r=json.load(sys.stdin); row=r[\"rows\"][0]; assert row[\"placement\"]==\"local\" and len(row[\"samples_ms\"])==2 and row[\"median_ms\"]>0, r'"
check "bench_engine --out writes the CSV table to a file" bash -c "'$bench' --placement local --no-accuracy \
  --model '$src/tests/data/e2e/resnet50_small/model.onnx' --inputs 1 --repeats 2 --format csv --out '$tmp/table.csv' >/dev/null \
  && head -1 '$tmp/table.csv' | grep -q '^model,op,placement,latency,samples,median_ms' && grep -q ',identity,local,warm,1,' '$tmp/table.csv'"
check_error "bench_engine: unknown --format" "--format must be table, csv or json, got 'xml'" "$bench" --placement local \
  --model "$src/tests/data/e2e/resnet50_small/model.onnx" --format xml
check_error "bench_engine: unknown --study" "--study must be blackbox or whitebox, got 'greybox'" "$bench" --study greybox
check_error "bench_engine: nothing left to time" "--repeats (1) must exceed the dropped warm-up" "$bench" --placement local \
  --model "$src/tests/data/e2e/resnet50_small/model.onnx" --repeats 1 --warmup 1

# Profiling: the per-step table and a Chrome trace with an event per step.
check "bench_engine --profile: per-step table, --trace: a Chrome trace of one run" bash -c "'$bench' --placement local \
  --model '$src/tests/data/e2e/resnet50_small/model.onnx' --inputs 1 --repeats 2 --no-accuracy --profile 3 --profile-top 5 \
  --trace '$tmp/trace.json' | grep -q '^step profile: [0-9]* steps, median of 3 runs' && /usr/bin/python3 -c \
  'import json,sys; e=json.load(open(sys.argv[1]))[\"traceEvents\"]; assert len(e)>10 and all(x[\"ph\"]==\"X\" and x[\"dur\"]>=0 for x in e), e[:2]; assert any(x[\"args\"][\"macs\"]>0 for x in e)' '$tmp/trace.json'"

# A study grid resumes from its results file: the committed quick grids' cells are all there, so a rerun
# measures nothing and writes the tables, statistics, plots and findings from them.
cp -r "$src/bench/results/study/whitebox-quick" "$tmp/whitebox-quick" && rm -f "$tmp/whitebox-quick/"*.md "$tmp/whitebox-quick/"*.svg
check "bench_engine --study resumes: finished cells skipped, the reports written" bash -c "'$bench' --study whitebox --quick \
  --study-dir '$tmp' | grep -q '38 cells, 0 to measure' && grep -q '^## Finding 5' '$tmp/whitebox-quick/findings.md' \
  && grep -q '^| BERT |' '$tmp/whitebox-quick/tables_cold.md' && test -s '$tmp/whitebox-quick/plot_bert_edge.svg'"

# Tiers and placements: bench_engine on real tier servers, edgerun partition, edgerun-serve with curl.
serve="$build/tools/edgerun-serve"
small="$src/tests/data/e2e/resnet50_small/model.onnx"

# Operator pipelines (--op a+b+c, issue 8): distillation, DSPTQ, prune+SPTQ, partition; nonsense rejected with the reason.
check "bench_engine --op distill: the full-size student's latency, its surrogate beside the teacher's" bash -c "'$bench' --placement local \
  --model resnet --op distill --repeats 1 --warmup 0 --accuracy-limit 200 >'$tmp/distill' \
  && grep -q \"^operator   distill: the full-size student 'resnet-student'\" '$tmp/distill' \
  && grep -q '^           identity: teacher fp32 (200 of' '$tmp/distill' && grep -q '^           distill: student fp32 (200 of' '$tmp/distill'"
check "bench_engine --op distill+sptq: SPTQ of the student (DSPTQ)" bash -c "'$bench' --placement local --model bert --op distill+sptq \
  --repeats 1 --warmup 0 --accuracy-limit 100 >'$tmp/dsptq' && grep -q '^operator   distill+sptq:' '$tmp/dsptq' \
  && grep -q '^engine .*INT8' '$tmp/dsptq' && grep -q '^           distill+sptq: student fp32, quantized by sptq' '$tmp/dsptq'"
check "bench_engine --op prune+sptq: pruned, then quantized" bash -c "'$bench' --placement local --model bert-student --op prune+sptq \
  --repeats 1 --warmup 0 --accuracy-limit 100 >'$tmp/psptq' && grep -q '^           prune: 4x1 at 90.0% (global)' '$tmp/psptq' \
  && grep -q '^engine .*INT8' '$tmp/psptq' && grep -q '^           prune+sptq: fp32 pruned one-shot, 4x1 at 90.0%.*quantized by sptq' '$tmp/psptq'"
check "bench_engine --op sptq+partition: the split placements by default" bash -c "test \$('$bench' --model '$small' \
  --op sptq+partition --cut auto --repeats 1 --warmup 0 | grep -c -E '^placement  (mobile-edge|edge-cloud|mobile-cloud)$') = 3"
check_error "bench_engine: prune after sptq" "--op 'sptq+prune': prune after sptq: the weights are INT8 by then" "$bench" --placement local \
  --model "$small" --op sptq+prune --repeats 1 --warmup 0
check_error "bench_engine: distill of a model without a student" "'fcn' has no student in the zoo (models with a student: resnet" \
  "$bench" --placement local --model fcn --op distill --repeats 1 --warmup 0
check_error "bench_engine: partition on one tier" "placement 'edge' runs it on one" "$bench" --model "$small" \
  --op sptq+partition --placement edge --repeats 1 --warmup 0
check "edgerun partition takes a pipeline" bash -c "'$edgerun' partition --model '$small' --op sptq+partition \
  --placement edge-cloud --max-cuts 2 --repeats 1 --profile-runs 1 | grep -q '^model .*, operator sptq+partition, '"
check "bench_engine on a partitioned placement takes the request apart" bash -c "'$bench' --model '$small' \
  --placement edge,mobile-edge --cut 20 --repeats 2 --warmup 1 | grep -q 'link       mobile -> edge: .* (bytes / bandwidth + RTT'"
check "bench_engine --cut auto says what the cost model predicted" bash -c "'$bench' --model '$small' \
  --placement mobile-cloud --cut auto --repeats 1 --warmup 0 | grep -q '^  cut        auto (cost model: predicted'"
check_error "bench_engine: unknown placement" "unknown placement 'phone'" "$bench" --model "$small" --placement phone --repeats 1 --warmup 0
check_error "bench_engine: bad cut" "--cut must be paper, auto or a step index" "$bench" --model "$small" --placement mobile-edge --cut middle --repeats 1 --warmup 0
check_error "bench_engine: paper cut of a model file" "--cut paper needs a zoo model" "$bench" --model "$small" --placement mobile-edge --repeats 1 --warmup 0
echo '{"tiers": [{"name": "mobile"}]}' >"$tmp/tiers.json"
check_error "bench_engine: incomplete tier file" "tier 'mobile'" "$bench" --model "$small" --placement mobile --tiers "$tmp/tiers.json" --repeats 1 --warmup 0
check "edgerun partition measures every cut" bash -c "'$edgerun' partition --model '$small' --placement edge-cloud --max-cuts 4 \
  --repeats 1 --profile-runs 1 | grep -q '^cost model median absolute error'"
check_error "partition: one-tier placement" "runs on one tier" "$edgerun" partition --model "$small" --placement edge
"$serve" --model "$small" --name small --port 0 --port-file "$tmp/port" >"$tmp/serve.log" 2>&1 &
serve_pid=$!
for _ in $(seq 100); do [[ -s "$tmp/port" ]] && break; sleep 0.1; done
url="http://127.0.0.1:$(cat "$tmp/port" 2>/dev/null)"
check "edgerun-serve: curl sees it live and ready" bash -c "curl -sf '$url/v2/health/live' && curl -sf '$url/v2/health/ready'"
# A LISTEN socket's Send-Q in ss is its backlog: above httplib's 5, so a burst of clients loses no SYN.
check "edgerun-serve: listens with a backlog of at least 128" bash -c \
  "ss -ltnH 'sport = :$(cat "$tmp/port")' | awk '{ if (\$3 >= 128) ok = 1 } END { exit !ok }'"
check "edgerun-serve: metadata names inputs and outputs" bash -c "curl -sf '$url/v2/models/small' | /usr/bin/python3 -c \
  'import json, sys; m = json.load(sys.stdin); assert m[\"name\"] == \"small\" and m[\"inputs\"][0][\"datatype\"] == \"FP32\", m'"
check "edgerun-serve: a JSON infer from curl matches edgerun run" /usr/bin/python3 - "$url" "$small" "$edgerun" "$tmp" <<'PY'
import json, subprocess, sys, urllib.request, numpy as np
url, model, edgerun, tmp = sys.argv[1:]
meta = json.load(urllib.request.urlopen(url + "/v2/models/small"))
inp = meta["inputs"][0]
x = np.random.default_rng(3).random(inp["shape"], dtype=np.float32)
np.save(f"{tmp}/x.npy", x)
body = json.dumps({"inputs": [{"name": inp["name"], "datatype": "FP32", "shape": inp["shape"], "data": x.ravel().tolist()}]})
out = subprocess.run(["curl", "-sf", "-X", "POST", url + "/v2/models/small/infer", "-H", "Content-Type: application/json",
                      "--data-binary", "@-"], input=body.encode(), capture_output=True, check=True)
served = json.loads(out.stdout)["outputs"][0]
subprocess.run([edgerun, "run", model, "-i", f"{inp['name']}={tmp}/x.npy", "-o", f"{tmp}/run_out"], check=True, capture_output=True)
local = np.load(f"{tmp}/run_out/{served['name']}.npy")
assert np.array_equal(np.array(served["data"], dtype=np.float32).reshape(served["shape"]), local)
PY
check "edgerun-serve: a malformed body gets 400 and the server keeps serving" bash -c "\
  [[ \$(curl -s -o /dev/null -w '%{http_code}' -X POST '$url/v2/models/small/infer' -d '{\"inputs\": 3}') == 400 ]] && \
  [[ \$(curl -s -o /dev/null -w '%{http_code}' '$url/v2/models/nothing') == 404 ]] && curl -sf '$url/v2/health/ready'"
kill "$serve_pid"; wait "$serve_pid" 2>/dev/null
check_error "edgerun-serve: unknown tier" "no tier named 'phone'\|unknown tier\|phone" "$serve" --model "$small" --tier phone
# Model limits (graph/limits.h) from the command line: each cap refuses with its name and number.
check_error "run --max-nodes: a graph over the cap is refused" "has [0-9]* nodes, over the limit of 10 (ModelLimits::max_nodes)" \
  "$edgerun" run "$small" --max-nodes 10
check_error "run --max-model-mb: a file over the cap is refused" "over the limit of 1048576 (ModelLimits::max_model_bytes)" \
  "$edgerun" run "$small" --max-model-mb 1
check_error "bench_engine --max-nodes: a graph over the cap is refused" "over the limit of 10 (ModelLimits::max_nodes)" \
  "$bench" --model "$small" --placement local --max-nodes 10
check_error "edgerun-serve --max-tensor-elements: a tensor over the cap is refused" \
  "over the limit of 1000 (ModelLimits::max_tensor_elements)" "$serve" --model "$small" --max-tensor-elements 1000
echo "cli: $passes passed, $failures failed"
[[ $failures -eq 0 ]]
