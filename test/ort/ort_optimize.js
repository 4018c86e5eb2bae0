// Saves the model ONNX Runtime's graph optimizer makes of MODEL (the form
// users keep from ORT: FusedConv, FusedMatMul, SkipLayerNormalization, ...):
// node ort_optimize.js MODEL OUT [basic|extended]
'use strict';
const ort = require('onnxruntime-node');

(async () => {
  const [src, dst, level] = process.argv.slice(2);
  if (!src || !dst) {
    console.error('usage: node ort_optimize.js MODEL OUT [basic|extended]');
    process.exit(2);
  }
  await ort.InferenceSession.create(src, {
    graphOptimizationLevel: level || 'extended',
    optimizedModelFilePath: dst,
    executionProviders: ['cpu'],
  });
})().catch((e) => {
  console.error('ort_optimize: ' + e.message);
  process.exit(1);
});
