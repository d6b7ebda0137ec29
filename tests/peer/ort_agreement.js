// Peer agreement: ONNX Runtime and edgerun run the same exported model on the same input and must agree.
//
//   node tests/peer/ort_agreement.js --edgerun BUILD/tools/edgerun --model mobilenetv2 [--image-size N] [--seed N]
//   node tests/peer/ort_agreement.js --edgerun BUILD/tools/edgerun --onnx FILE
//
// With --model, `edgerun export` writes the zoo model to a temporary folder; with --onnx, the given file
// is used. A deterministic pseudo-random input is written as .npy (floats uniform in [-1, 1), integers
// 0 or 1, bools alternating; every symbolic or unknown dim is 2), `edgerun run` computes the outputs,
// and ONNX Runtime (onnxruntime-node, graph optimizations off) computes them again. Float outputs must
// agree within a relative L2 error of --rtol (default 1e-4) and a max abs difference of 10 * rtol *
// max|reference|; other outputs exactly.
//
// onnxruntime-node is loaded from <repo>/.peer/node_modules (tools/install-deps puts it there) or else
// from NODE_PATH. Without it the test prints why and exits 77, which CTest reports as skipped.
'use strict';
const childProcess = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const SKIP = 77;
const REPO = path.join(__dirname, '..', '..');

function parseArgs(argv) {
  const args = { rtol: 1e-4, seed: 1 };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, '').replace(/-([a-z])/g, (_, c) => c.toUpperCase());
    if (i + 1 >= argv.length) throw new Error(`${argv[i]} needs a value`);
    args[key] = argv[i + 1];
  }
  if (!args.edgerun) throw new Error('--edgerun PATH is required');
  if (!args.model === !args.onnx) throw new Error('give one of --model NAME and --onnx FILE');
  args.rtol = Number(args.rtol);
  return args;
}

function loadOrt() {
  for (const where of [path.join(REPO, '.peer', 'node_modules', 'onnxruntime-node'), 'onnxruntime-node']) {
    try {
      return require(where);
    } catch (e) {
      if (e.code !== 'MODULE_NOT_FOUND') throw e;
    }
  }
  return null;
}

// ---- .npy ----

const NPY_TYPES = {
  float32: ['<f4', Float32Array], float64: ['<f8', Float64Array], int8: ['|i1', Int8Array],
  uint8: ['|u1', Uint8Array], int16: ['<i2', Int16Array], uint16: ['<u2', Uint16Array],
  int32: ['<i4', Int32Array], uint32: ['<u4', Uint32Array], int64: ['<i8', BigInt64Array],
  uint64: ['<u8', BigUint64Array], bool: ['|b1', Uint8Array],
};

function writeNpy(file, type, shape, data) {
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(', ');
  let header = `{'descr': '${NPY_TYPES[type][0]}', 'fortran_order': False, 'shape': (${dims}), }`;
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';  // data starts at a multiple of 64
  const prefix = Buffer.alloc(10);
  Buffer.from('\x93NUMPY', 'latin1').copy(prefix);
  prefix[6] = 1;
  prefix.writeUInt16LE(header.length, 8);
  const body = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  fs.writeFileSync(file, Buffer.concat([prefix, Buffer.from(header, 'latin1'), body]));
}

function readNpy(file) {
  const buf = fs.readFileSync(file);
  if (buf.toString('latin1', 0, 6) !== '\x93NUMPY') throw new Error(`${file}: not .npy`);
  const v1 = buf[6] === 1;
  const start = (v1 ? 10 : 12) + (v1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8));
  const header = buf.toString('latin1', v1 ? 10 : 12, start);
  const descr = /'descr':\s*'([^']+)'/.exec(header)[1];
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header)[1].split(',').filter((s) => s.trim()).map(Number);
  const type = Object.keys(NPY_TYPES).find((t) => NPY_TYPES[t][0] === descr);
  if (!type) throw new Error(`${file}: unsupported dtype ${descr}`);
  const bytes = buf.subarray(start);
  const Ctor = NPY_TYPES[type][1];
  return { type, shape, data: new Ctor(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length)) };
}

// ---- inputs ----

// mulberry32: a tiny seeded generator, so every run (and machine) feeds the same input.
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6D2B79F5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function makeInput(meta, next) {
  if (!meta.isTensor || !NPY_TYPES[meta.type]) throw new Error(`input '${meta.name}': unsupported type ${meta.type}`);
  const shape = meta.shape.map((d) => (typeof d === 'number' && d >= 0 ? d : 2));
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new NPY_TYPES[meta.type][1](n);
  for (let i = 0; i < n; ++i) {
    if (meta.type === 'float32' || meta.type === 'float64') data[i] = 2 * next() - 1;
    else if (meta.type === 'bool') data[i] = i % 2;
    else data[i] = typeof data[0] === 'bigint' ? BigInt(next() < 0.5 ? 0 : 1) : (next() < 0.5 ? 0 : 1);
  }
  return { type: meta.type, shape, data };
}

// ---- comparison ----

function compare(name, got, want, rtol) {
  const sameShape = got.shape.length === want.dims.length && got.shape.every((d, i) => d === want.dims[i]);
  if (!sameShape || got.type !== want.type) {
    return { ok: false, line: `${name}: edgerun gives ${got.type} [${got.shape}], ONNX Runtime ${want.type} [${want.dims}]` };
  }
  if (want.type !== 'float32' && want.type !== 'float64') {
    const bad = want.data.findIndex((v, i) => v !== got.data[i]);
    return { ok: bad < 0, line: `${name}: ${bad < 0 ? 'identical' : `differs first at element ${bad}`}` };
  }
  let maxAbs = 0; let maxRef = 0; let diff2 = 0; let ref2 = 0; let nonFinite = 0;
  for (let i = 0; i < want.data.length; ++i) {
    const w = want.data[i]; const g = got.data[i];
    if (!Number.isFinite(w) || !Number.isFinite(g)) {
      nonFinite += !(Object.is(w, g) || (Number.isNaN(w) && Number.isNaN(g)));
      continue;
    }
    const d = Math.abs(g - w);
    maxAbs = Math.max(maxAbs, d);
    maxRef = Math.max(maxRef, Math.abs(w));
    diff2 += d * d;
    ref2 += w * w;
  }
  const relL2 = ref2 > 0 ? Math.sqrt(diff2 / ref2) : Math.sqrt(diff2);
  const ok = nonFinite === 0 && relL2 <= rtol && maxAbs <= 10 * rtol * maxRef;
  const line = `${name} [${want.dims}]: max_abs_diff=${maxAbs.toExponential(2)} rel_l2=${relL2.toExponential(2)} ` +
               `max|ref|=${maxRef.toExponential(2)}${nonFinite ? ` non-finite mismatches=${nonFinite}` : ''}`;
  return { ok, line };
}

function run(cmd, args) {
  const r = childProcess.spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.error) throw new Error(`${cmd}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${path.basename(cmd)} ${args[0]} failed (exit ${r.status}): ${r.stderr.trim()}`);
  return r.stdout;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const ort = loadOrt();
  if (!ort) {
    console.log('SKIPPED: onnxruntime-node is not installed (tools/install-deps puts it in .peer/node_modules)');
    return SKIP;
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'edgerun-ort-'));
  try {
    let model = args.onnx;
    if (args.model) {
      model = path.join(tmp, `${args.model}.onnx`);
      const extra = args.imageSize ? ['--image-size', args.imageSize] : [];
      process.stdout.write(run(args.edgerun, ['export', '--model', args.model, '--seed', String(args.seed), ...extra, '-o', model]));
    }
    const session = await ort.InferenceSession.create(model, { graphOptimizationLevel: 'disabled' });
    const next = random(Number(args.seed));
    const feeds = {};
    const runArgs = ['run', model, '-o', path.join(tmp, 'out')];
    session.inputMetadata.forEach((meta, i) => {
      const input = makeInput(meta, next);
      const file = path.join(tmp, `input_${i}.npy`);
      writeNpy(file, input.type, input.shape, input.data);
      feeds[meta.name] = new ort.Tensor(input.type, input.data, input.shape);
      runArgs.push('-i', `${meta.name}=${file}`);
    });
    run(args.edgerun, runArgs);
    const results = await session.run(feeds);
    let failed = 0;
    for (const name of session.outputNames) {
      const file = path.join(tmp, 'out', `${name.replace(/[/:\\]/g, '_')}.npy`);
      const verdict = compare(name, readNpy(file), results[name], args.rtol);
      failed += !verdict.ok;
      console.log(`${verdict.ok ? 'ok  ' : 'FAIL'} ${verdict.line}`);
    }
    console.log(`ort_agreement: ${path.basename(model)} on ONNX Runtime ${ort.env.versions.node}, rtol=${args.rtol}: ` +
                `${session.outputNames.length - failed} outputs agree, ${failed} disagree`);
    return failed ? 1 : 0;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().then((code) => process.exit(code), (e) => { console.error(`ort_agreement: ${e.message}`); process.exit(1); });
