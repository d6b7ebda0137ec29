// What the ONNX Runtime scripts share (tests/peer/ort_agreement.js, bench/peer/ort_latency.js):
// loading onnxruntime-node, the typed array of each tensor type, seeded pseudo-random inputs and
// .npy files.
'use strict';
const fs = require('fs');
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

// .npy files (version 1.0 written; 1.0 and 2.0 read), C order, little-endian.
const NPY_DESCR = {
  float32: '<f4', float64: '<f8', int8: '|i1', uint8: '|u1', int16: '<i2', uint16: '<u2', int32: '<i4',
  uint32: '<u4', int64: '<i8', uint64: '<u8', bool: '|b1',
};

function writeNpy(file, type, shape, data) {
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(', ');
  let header = `{'descr': '${NPY_DESCR[type]}', 'fortran_order': False, 'shape': (${dims}), }`;
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
  const type = Object.keys(NPY_DESCR).find((t) => NPY_DESCR[t] === descr);
  if (!type) throw new Error(`${file}: unsupported dtype ${descr}`);
  const bytes = buf.subarray(start);
  const Ctor = ARRAY_TYPES[type];
  return { type, shape, data: new Ctor(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length)) };
}

module.exports = { SKIP: 77, REPO, loadOrt, ARRAY_TYPES, random, randomInput, writeNpy, readNpy };
