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
const path = require('path');
const { performance } = require('perf_hooks');

const SKIP = 77;
const REPO = path.join(__dirname, '..', '..');

function loadOrt() {
  for (const where of [path.join(REPO, '.peer', 'node_modules', 'onnxruntime-node'), 'onnxruntime-node']) {
    try {
      return { ort: require(where), version: require(path.join(where, 'package.json')).version };
    } catch (e) {
      if (e.code !== 'MODULE_NOT_FOUND') throw e;
    }
  }
  return null;
}

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

const TYPES = {
  float32: Float32Array, float64: Float64Array, int8: Int8Array, uint8: Uint8Array, int16: Int16Array,
  uint16: Uint16Array, int32: Int32Array, uint32: Uint32Array, int64: BigInt64Array, uint64: BigUint64Array,
  bool: Uint8Array,
};

function makeInput(ort, meta, next) {
  if (!meta.isTensor || !TYPES[meta.type]) throw new Error(`input '${meta.name}': unsupported type ${meta.type}`);
  const shape = meta.shape.map((d) => (typeof d === 'number' && d >= 0 ? d : 1));
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new TYPES[meta.type](n);
  for (let i = 0; i < n; ++i) {
    if (meta.type === 'float32' || meta.type === 'float64') data[i] = 2 * next() - 1;
    else if (meta.type === 'bool') data[i] = i % 2;
    else data[i] = typeof data[0] === 'bigint' ? BigInt(next() < 0.5 ? 0 : 1) : (next() < 0.5 ? 0 : 1);
  }
  return new ort.Tensor(meta.type, data, shape);
}

function random(seed) {  // mulberry32
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6D2B79F5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
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
  for (const meta of session.inputMetadata) feeds[meta.name] = makeInput(ort, meta, next);
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
