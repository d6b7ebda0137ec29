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

const { SKIP, loadOrt, random, randomInput, writeNpy, readNpy } = require('../../tools/common/ort_common.js');

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

// ---- inputs ----

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
  const loaded = loadOrt();
  if (!loaded) {
    console.log('SKIPPED: onnxruntime-node is not installed (tools/install-deps puts it in .peer/node_modules)');
    return SKIP;
  }
  const { ort } = loaded;
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
      const input = randomInput(meta, next, 2);
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
