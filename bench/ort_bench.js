// Times ONNX Runtime (CPU, one intra-op thread, or OCTET_ORT_THREADS) on a
// model and .npy inputs:
// node ort_bench.js MODEL RUNS NAME=IN.npy...   -> prints "p50_ms"
'use strict';
const path = require('path');
const ort = require(path.join(__dirname, '..', 'test', 'ort', 'node_modules', 'onnxruntime-node'));
const fs = require('fs');

function readNpy(p) {
  const buf = fs.readFileSync(p);
  const hlen = buf.readUInt16LE(8);
  const header = buf.toString('latin1', 10, 10 + hlen);
  const descr = /'descr':\s*'([^']+)'/.exec(header)[1];
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header)[1].split(',').map((s) => s.trim())
    .filter((s) => s.length).map(Number);
  const data = new Uint8Array(buf.subarray(10 + hlen));
  if (descr === '<f4') return new ort.Tensor('float32', new Float32Array(data.buffer), shape);
  if (descr === '|u1') return new ort.Tensor('uint8', data, shape);
  throw new Error('unsupported dtype ' + descr);
}

async function main() {
  const [model, runs, ...specs] = process.argv.slice(2);
  const threads = Number(process.env.OCTET_ORT_THREADS || 1);
  const session = await ort.InferenceSession.create(model, { intraOpNumThreads: threads, interOpNumThreads: 1 });
  const feeds = {};
  for (const s of specs) { const [n, p] = s.split('='); feeds[n] = readNpy(p); }
  for (let i = 0; i < 5; ++i) await session.run(feeds);
  const ms = [];
  for (let i = 0; i < Number(runs); ++i) {
    const t0 = process.hrtime.bigint();
    await session.run(feeds);
    ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  ms.sort((a, b) => a - b);
  console.log(ms[Math.floor(ms.length / 2)].toFixed(4));
}
main().catch((e) => { console.error('ort_bench: ' + e.message); process.exit(1); });
