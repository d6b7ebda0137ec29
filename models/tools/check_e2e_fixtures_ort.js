// Cross-checks the end-to-end fixtures with ONNX Runtime: runs every tests/data/e2e/<name>/model.onnx
// on its input_<i>.npy and compares with output_<i>.npy under the tolerance in MANIFEST.txt. This
// checks that the exported ONNX graph computes what PyTorch computed (the fixtures' premise).
//
//   npm install --ignore-scripts --prefix /tmp/ort onnxruntime-node
//   NODE_PATH=/tmp/ort/node_modules node models/tools/check_e2e_fixtures_ort.js
const fs = require('fs');
const path = require('path');
const ort = require('onnxruntime-node');

const E2E = path.join(__dirname, '..', '..', 'tests', 'data', 'e2e');
const TYPES = { '<f4': ['float32', Float32Array], '<i8': ['int64', BigInt64Array] };

function readNpy(file) {
  const buf = fs.readFileSync(file);
  if (buf.toString('latin1', 0, 6) !== '\x93NUMPY') throw new Error(`${file}: not .npy`);
  const v1 = buf[6] === 1;
  const hlen = v1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = (v1 ? 10 : 12) + hlen;
  const header = buf.toString('latin1', v1 ? 10 : 12, start);
  const descr = /'descr':\s*'([^']+)'/.exec(header)[1];
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header)[1].split(',').filter((s) => s.trim()).map(Number);
  const [type, Ctor] = TYPES[descr];
  const bytes = buf.subarray(start);
  const data = new Ctor(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  return new ort.Tensor(type, data, shape);
}

function tolerances(manifest) {
  const tol = {};
  let name = null;
  for (const line of manifest.split('\n')) {
    const sec = /^\[(.+)\]$/.exec(line);
    if (sec) { name = sec[1]; tol[name] = []; continue; }
    const t = /^tolerance_(\d+): atol=(\S+) rtol=(\S+)/.exec(line);
    if (t) tol[name][Number(t[1])] = { atol: Number(t[2]), rtol: Number(t[3]) };
  }
  return tol;
}

async function main() {
  const tol = tolerances(fs.readFileSync(path.join(E2E, 'MANIFEST.txt'), 'utf8'));
  let failed = 0;
  for (const name of Object.keys(tol)) {
    const dir = path.join(E2E, name);
    const session = await ort.InferenceSession.create(path.join(dir, 'model.onnx'),
      { graphOptimizationLevel: 'disabled' });
    const feeds = {};
    session.inputNames.forEach((n, i) => { feeds[n] = readNpy(path.join(dir, `input_${i}.npy`)); });
    const results = await session.run(feeds);
    session.outputNames.forEach((n, i) => {
      const want = readNpy(path.join(dir, `output_${i}.npy`)).data;
      const got = results[n].data;
      const { atol, rtol } = tol[name][i];
      let worst = 0; let bad = 0;
      for (let k = 0; k < want.length; ++k) {
        const d = Math.abs(got[k] - want[k]);
        worst = Math.max(worst, d);
        if (!(d <= atol + rtol * Math.abs(want[k]))) ++bad;
      }
      if (got.length !== want.length) bad = want.length;
      failed += bad > 0;
      console.log(`${bad ? 'FAIL' : 'ok  '} ${name} output_${i}: max_abs_diff=${worst.toExponential(2)} ` +
                  `atol=${atol} rtol=${rtol} mismatches=${bad}/${want.length}`);
    });
  }
  process.exit(failed ? 1 : 0);
}

main().catch((e) => { console.error(e.message); process.exit(1); });
