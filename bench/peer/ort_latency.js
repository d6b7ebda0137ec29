// ONNX Runtime's latency on one ONNX file, for tools/ort_compare and bench_engine (ort_peer.h).
//
//   node bench/peer/ort_latency.js --model FILE --threads T [--warmup W] [--repeats R]
//                                  [--inputs SETS.json] [--outputs DIR]
//   node bench/peer/ort_latency.js --check      # exits 77 when onnxruntime-node is missing
//
// The session runs as an engine would for one request: intraOpNumThreads = T, interOpNumThreads = 1,
// graphOptimizationLevel 'all', sequential execution. Inputs: with --inputs, a JSON array of input sets,
// each an object {input name: .npy file}; run i (warm-up runs counted) takes set i % sets, as
// bench_engine cycles its sets. Without it one pseudo-random set like bench_engine's (floats uniform in
// [-1, 1), integers 0 or 1, bools alternating; symbolic dims 1). --outputs DIR writes the outputs of
// run 0 (set 0) as DIR/output_<k>.npy, k in session output order. Prints one line of JSON:
// {"ort_version", "threads", "median_ms", "min_ms", "samples", "outputs": [output names]}.
// onnxruntime-node is loaded from <repo>/.peer/node_modules (tools/install-deps) or else NODE_PATH.
'use strict';
const { performance } = require('perf_hooks');

const fs = require('fs');
const path = require('path');

const { SKIP, loadOrt, random, randomInput, readNpy, writeNpy } = require('../../tools/common/ort_common.js');

function parseArgs(argv) {
  const args = { warmup: 2, repeats: 10 };
  for (let i = 0; i < argv.length; ++i) {
    const key = argv[i].replace(/^--/, '');
    if (key === 'check') {
      args.check = true;
    } else {
      if (i + 1 >= argv.length) throw new Error(`${argv[i]} needs a value`);
      args[key] = argv[++i];
    }
  }
  if (!args.check && (!args.model || !args.threads)) throw new Error('--model FILE and --threads T are required');
  return args;
}

// One pseudo-random feed per session input (seed 1, symbolic dims 1).
function randomFeeds(ort, session) {
  const next = random(1);
  const feeds = {};
  for (const meta of session.inputMetadata) {
    const input = randomInput(meta, next, 1);
    feeds[meta.name] = new ort.Tensor(input.type, input.data, input.shape);
  }
  return feeds;
}

// The input sets of --inputs: [{name: file.npy, ...}, ...] -> feeds.
function readInputSets(ort, file) {
  return JSON.parse(fs.readFileSync(file, 'utf8')).map((set) => {
    const feeds = {};
    for (const [name, npy] of Object.entries(set)) {
      const t = readNpy(npy);
      feeds[name] = new ort.Tensor(t.type, t.data, t.shape);
    }
    return feeds;
  });
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const loaded = loadOrt();
  if (!loaded) {
    console.error('onnxruntime-node is not installed (tools/install-deps puts it in .peer/node_modules)');
    return SKIP;
  }
  if (args.check) {
    console.log(loaded.version);
    return 0;
  }
  const { ort, version } = loaded;
  const threads = Number(args.threads);
  const session = await ort.InferenceSession.create(args.model, {
    intraOpNumThreads: threads, interOpNumThreads: 1, graphOptimizationLevel: 'all', executionMode: 'sequential',
  });
  const sets = args.inputs ? readInputSets(ort, args.inputs) : [randomFeeds(ort, session)];
  if (sets.length === 0) throw new Error(`${args.inputs}: no input sets`);
  const warmup = Number(args.warmup);
  const samples = [];
  let first = null;
  for (let i = 0; i < warmup + Number(args.repeats); ++i) {
    const t0 = performance.now();
    const results = await session.run(sets[i % sets.length]);
    const ms = performance.now() - t0;
    if (i >= warmup) samples.push(ms);
    if (i === 0) first = results;
  }
  if (args.outputs && first) {
    session.outputNames.forEach((name, k) => {
      const t = first[name];
      writeNpy(path.join(args.outputs, `output_${k}.npy`), t.type, t.dims, t.data);
    });
  }
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  console.log(JSON.stringify({
    ort_version: version, threads, median_ms: median, min_ms: sorted[0], samples, outputs: session.outputNames,
  }));
  return 0;
}

main().then((code) => process.exit(code), (e) => { console.error(`ort_latency: ${e.message}`); process.exit(1); });
