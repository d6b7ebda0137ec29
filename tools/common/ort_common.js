// What the ONNX Runtime scripts share (tests/peer/ort_agreement.js, bench/peer/ort_latency.js):
// loading onnxruntime-node, the typed array of each tensor type, and seeded pseudo-random inputs.
'use strict';
const path = require('path');

const REPO = path.join(__dirname, '..', '..');

// onnxruntime-node from <repo>/.peer/node_modules (tools/install-deps puts it there) or else
// NODE_PATH; null when it is not installed.
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

const ARRAY_TYPES = {
  float32: Float32Array, float64: Float64Array, int8: Int8Array, uint8: Uint8Array, int16: Int16Array,
  uint16: Uint16Array, int32: Int32Array, uint32: Uint32Array, int64: BigInt64Array, uint64: BigUint64Array,
  bool: Uint8Array,
};

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

// A pseudo-random input for a session's input metadata: floats uniform in [-1, 1), integers 0 or 1,
// bools alternating; every symbolic or unknown dim is `symbolic_dim`. Returns {type, shape, data}.
function randomInput(meta, next, symbolicDim) {
  if (!meta.isTensor || !ARRAY_TYPES[meta.type]) throw new Error(`input '${meta.name}': unsupported type ${meta.type}`);
  const shape = meta.shape.map((d) => (typeof d === 'number' && d >= 0 ? d : symbolicDim));
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new ARRAY_TYPES[meta.type](n);
  for (let i = 0; i < n; ++i) {
    if (meta.type === 'float32' || meta.type === 'float64') data[i] = 2 * next() - 1;
    else if (meta.type === 'bool') data[i] = i % 2;
    else data[i] = typeof data[0] === 'bigint' ? BigInt(next() < 0.5 ? 0 : 1) : (next() < 0.5 ? 0 : 1);
  }
  return { type: meta.type, shape, data };
}

module.exports = { SKIP: 77, REPO, loadOrt, ARRAY_TYPES, random, randomInput };
