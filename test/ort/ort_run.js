// Runs an ONNX model with ONNX Runtime (CPU) on .npy inputs and writes .npy
// outputs: node ort_run.js [--default-precision] [--no-graph-opt] MODEL NAME=IN.npy... -- NAME=OUT.npy...
//
// --no-graph-opt runs the graph as written (graphOptimizationLevel
// 'disabled'), as ONNX Runtime's quantizer runs its calibration sessions:
// float Conv then runs MLAS's im2col SGEMM rather than its NCHWc kernels.
//
// ORT's u8 x s8 kernels on x86 hosts without VNNI (AVX2, AVX-512 without
// VNNI) saturate pairs of products at int16 (vpmaddubsw), so its results
// depend on the host. The reference therefore runs with the session option
// session.x64quantprecision=1, with which ORT turns s8 weights into u8 and
// uses its exact u8 x u8 kernels on such hosts (it changes nothing where
// VNNI is present). --default-precision leaves ORT's default, to show the
// saturation (docs/onnxruntime-saturation.md). It also sets
// session.qdq_matmulnbits_accuracy_level=0: by default (4) ORT fuses a
// blocked 4-bit DequantizeLinear -> MatMul into MatMulNBits and quantizes the
// float activations to int8 on the way, which ONNX's definition does not.
'use strict';
const fs = require('fs');
const ort = require('onnxruntime-node');

const DTYPES = {
  '<f4': ['float32', Float32Array], '|u1': ['uint8', Uint8Array], '|i1': ['int8', Int8Array],
  '<i4': ['int32', Int32Array], '<i8': ['int64', BigInt64Array], '<u8': ['uint64', BigUint64Array], '|b1': ['bool', Uint8Array],
  '<f2': ['float16', Uint16Array], '<u4': ['uint32', Uint32Array], '<u2': ['uint16', Uint16Array],
  '<i2': ['int16', Int16Array], '<f8': ['float64', Float64Array],
};

function readNpy(path) {
  const buf = fs.readFileSync(path);
  const major = buf[6];
  const hlen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const off = major === 1 ? 10 : 12;
  const header = buf.toString('latin1', off, off + hlen);
  const descr = /'descr':\s*'([^']+)'/.exec(header)[1];
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header)[1].split(',').map((s) => s.trim())
    .filter((s) => s.length).map(Number);
  const [type, Arr] = DTYPES[descr];
  const data = buf.subarray(off + hlen);
  const copy = new Uint8Array(data.length);
  copy.set(data);
  return new ort.Tensor(type, new Arr(copy.buffer), shape);
}

function writeNpy(path, tensor) {
  const descr = Object.keys(DTYPES).find((k) => DTYPES[k][0] === tensor.type);
  const shape = '(' + tensor.dims.join(', ') + (tensor.dims.length === 1 ? ',)' : ')');
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 0, 'latin1');
  head[6] = 1; head[7] = 0; head.writeUInt16LE(header.length, 8);
  const body = Buffer.from(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength);
  fs.writeFileSync(path, Buffer.concat([head, Buffer.from(header, 'latin1'), body]));
}

async function main() {
  const args = process.argv.slice(2);
  let exact = true, level = 'all';
  for (;;) {
    if (args[0] === '--default-precision') {
      exact = false;
      args.shift();
    } else if (args[0] === '--no-graph-opt') {
      level = 'disabled';
      args.shift();
    } else {
      break;
    }
  }
  const model = args.shift();
  const sep = args.indexOf('--');
  const ins = args.slice(0, sep), outs = args.slice(sep + 1);
  const opts = { intraOpNumThreads: 1, graphOptimizationLevel: level };
  if (exact)
    opts.extra = { session: { x64quantprecision: '1', qdq_matmulnbits_accuracy_level: '0' } };
  const session = await ort.InferenceSession.create(model, opts);
  const feeds = {};
  for (const spec of ins) {
    const [name, path] = spec.split('=');
    feeds[name] = readNpy(path);
  }
  const results = await session.run(feeds);
  for (const spec of outs) {
    const [name, path] = spec.split('=');
    writeNpy(path, results[name]);
  }
}
main().catch((e) => { console.error('ort_run: ' + e.message); process.exit(1); });
