// ONNX Runtime's latency on one ONNX file, for tools/ort_compare.
//
//   node bench/peer/ort_latency.js --model FILE --threads T [--warmup W] [--repeats R]
//   node bench/peer/ort_latency.js --check      # exits 77 when onnxruntime-node is missing
//
// The session runs as an engine would for one request: intraOpNumThreads = T, interOpNumThreads = 1,
// graphOptimizationLevel 'all', sequential execution. Inputs are pseudo-random like bench_engine's
// (floats uniform in [-1, 1), integers 0 or 1, bools alternating; symbolic dims 1). Prints one line of
// JSON: {"ort_version", "threads", "median_ms", "min_ms", "samples"}.
// onnxruntime-node is loaded from <repo>/.peer/node_modules (tools/install-deps) or else NODE_PATH.
'use strict';
const { performance } = require('perf_hooks');

const { SKIP, loadOrt, random, randomInput } = require('../../tools/common/ort_common.js');

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
  const next = random(1);
  const feeds = {};
  for (const meta of session.inputMetadata) {
    const input = randomInput(meta, next, 1);
    feeds[meta.name] = new ort.Tensor(input.type, input.data, input.shape);
  }
  for (let i = 0; i < Number(args.warmup); ++i) await session.run(feeds);
  const samples = [];
  for (let i = 0; i < Number(args.repeats); ++i) {
    const t0 = performance.now();
    await session.run(feeds);
    samples.push(performance.now() - t0);
  }
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  console.log(JSON.stringify({ ort_version: version, threads, median_ms: median, min_ms: sorted[0], samples }));
  return 0;
}

main().then((code) => process.exit(code), (e) => { console.error(`ort_latency: ${e.message}`); process.exit(1); });
