#!/usr/bin/env node
// Kernel benchmarks for @loom/ops, run on the built package (dist/): GEMM GFLOP/s for square products at
// n = 64…1024 in float32 and float64, the naive i-k-j loop at n = 512 for the speed-up ratio, and elementwise
// Melem/s (add, mul, tanh, sigmoid, exp) at 1M elements; then the shapes of a recurrent step: its two skinny
// products in both layouts of B, and a gate-sized mul into a reused or a new output. Writes
// packages/ops/bench/results.json and prints tables.
//
// Usage: pnpm bench:kernels            (builds first)
//        node packages/ops/bench/kernels.bench.mjs [--quick] [--out FILE]
// --quick shortens each measurement (for a smoke run; the figures are noisier).
//
// A benchmark, not a test: it asserts nothing about time. The pure TypeScript kernels (`js`) are always measured;
// when the native addon serves a kernel, the served kernel (`native`, from kernelsFor) is measured beside them.
// Each row's `impl` says which one it is.

import Benchmark from 'benchmark';
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { backendInfo, kernelsFor } from '../dist/index.js';
import { createJsKernels } from '../dist/js/index.js';

const here = dirname(fileURLToPath(import.meta.url));

function parseArgs(argv) {
  const args = { quick: false, out: join(here, 'results.json') };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--quick') args.quick = true;
    else if (arg === '--out' && argv[i + 1] !== undefined) args.out = argv[++i];
    else {
      console.error(`kernels.bench: unknown argument ${JSON.stringify(arg)}\nusage: kernels.bench.mjs [--quick] [--out FILE]`);
      process.exit(2);
    }
  }
  return args;
}

const args = parseArgs(process.argv.slice(2));
// benchmark.js runs each case for at least maxTime seconds and minSamples samples.
const options = args.quick ? { maxTime: 0.2, minSamples: 2 } : { maxTime: 2, minSamples: 5 };
const GEMM_SIZES = [64, 128, 256, 512, 1024];
const NAIVE_SIZE = 512;
const ELEMENTWISE_LENGTH = 1 << 20;
const DTYPES = [
  { name: 'float32', Array: Float32Array },
  { name: 'float64', Array: Float64Array },
];

/** Deterministic values in [−1, 1) (mulberry32), so runs see the same data. */
function filled(Array, length, seed) {
  const buf = new Array(length);
  let s = seed >>> 0;
  for (let i = 0; i < length; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    buf[i] = (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  }
  return buf;
}

/**
 * The baseline the speed-up is measured against: out = A·B in i-k-j order with a double accumulator row, the
 * textbook cache-friendly loop (and what loom's matmul did before the packed GEMM).
 */
function naiveIkj(a, b, out, n, acc) {
  for (let i = 0; i < n; i++) {
    acc.fill(0);
    for (let p = 0; p < n; p++) {
      const aip = a[i * n + p];
      const row = p * n;
      for (let j = 0; j < n; j++) acc[j] += aip * b[row + j];
    }
    for (let j = 0; j < n; j++) out[i * n + j] = acc[j];
  }
}

const info = backendInfo();
const cases = [];

/** The implementations to measure for one dtype: the TS kernels, plus the served ones where the addon serves. */
function implementations(dtype, kernel) {
  const impls = [{ impl: 'js', k: createJsKernels() }];
  if (info.kernels[kernel].impl !== 'js') impls.push({ impl: info.kernels[kernel].impl, k: kernelsFor(dtype) });
  return impls;
}

for (const dt of DTYPES) {
  for (const { impl, k } of implementations(dt.name, 'matmul')) {
    for (const n of GEMM_SIZES) {
      const a = filled(dt.Array, n * n, 1);
      const b = filled(dt.Array, n * n, 2);
      const out = new dt.Array(n * n);
      const layout = { batch: 1, m: n, n, k: n, transA: false, transB: false, strideA: 0, strideB: 0 };
      cases.push({
        kind: 'gemm',
        name: `matmul ${impl} ${dt.name} n=${n}`,
        dtype: dt.name,
        n,
        impl,
        work: 2 * n ** 3,
        fn: () => k.matmul(a, b, out, layout),
      });
    }
  }
  const a = filled(dt.Array, NAIVE_SIZE ** 2, 1);
  const b = filled(dt.Array, NAIVE_SIZE ** 2, 2);
  const out = new dt.Array(NAIVE_SIZE ** 2);
  const acc = new Float64Array(NAIVE_SIZE);
  cases.push({
    kind: 'gemm',
    name: `naive i-k-j ${dt.name} n=${NAIVE_SIZE}`,
    dtype: dt.name,
    n: NAIVE_SIZE,
    impl: 'naive',
    work: 2 * NAIVE_SIZE ** 3,
    fn: () => naiveIkj(a, b, out, NAIVE_SIZE, acc),
  });
}

// The products of a recurrent step are skinny (B rows), and OpenBLAS's speed on them depends on how B is stored: a
// config-b LSTM step's h·W_hhᵀ (m 32, n 1024, k 256) and its ∂h = G·W_hh (m 32, n 256, k 1024), each in both
// layouts. The layout the op uses (W_hh stays [4H, H], so NT forward and NN backward) is the faster one for both.
const STEP_SHAPES = [
  { what: 'h·W_hhᵀ', m: 32, n: 1024, k: 256, used: 'NT' },
  { what: '∂h = G·W_hh', m: 32, n: 256, k: 1024, used: 'NN' },
];
for (const { impl, k } of implementations('float32', 'matmul')) {
  for (const { what, m, n, k: inner, used } of STEP_SHAPES) {
    const a = filled(Float32Array, m * inner, 1);
    const b = filled(Float32Array, n * inner, 2);
    const out = new Float32Array(m * n);
    for (const transB of [false, true]) {
      const layoutName = transB ? 'NT' : 'NN';
      const layout = { batch: 1, m, n, k: inner, transA: false, transB, strideA: 0, strideB: 0 };
      cases.push({
        kind: 'step-gemm',
        name: `matmul ${impl} ${m}x${n}x${inner} ${layoutName}${layoutName === used ? ` * ${what}` : ''}`,
        dtype: 'float32',
        n,
        shape: [m, n, inner],
        layout: layoutName,
        impl,
        work: 2 * m * n * inner,
        fn: () => k.matmul(a, b, out, layout),
      });
    }
  }
}

const ELEMENTWISE_OPS = ['add', 'mul', 'tanh', 'sigmoid', 'exp'];
for (const dt of DTYPES) {
  const len = ELEMENTWISE_LENGTH;
  const x = filled(dt.Array, len, 3);
  const y = filled(dt.Array, len, 4);
  const out = new dt.Array(len);
  const shape = [len];
  for (const op of ELEMENTWISE_OPS) {
    for (const { impl, k } of implementations(dt.name, op)) {
      const fn = op === 'add' || op === 'mul' ? () => k[op](x, shape, y, shape, out, shape) : () => k[op](x, out);
      cases.push({ kind: 'elementwise', name: `${op} ${impl} ${dt.name} 1M`, op, dtype: dt.name, n: len, impl, work: len, fn });
    }
  }
}

// A gate-sized mul ([32, 256]) into the same output every time, and into a new array each time, as every op of a
// forward pass writes: the difference is the cost of memory that is not in cache yet (see docs/performance.md).
{
  const len = 32 * 256;
  const shape = [32, 256];
  const x = filled(Float32Array, len, 3);
  const y = filled(Float32Array, len, 4);
  const hot = new Float32Array(len);
  for (const { impl, k } of implementations('float32', 'mul')) {
    for (const fresh of [false, true]) {
      const fn = fresh ? () => k.mul(x, shape, y, shape, new Float32Array(len), shape) : () => k.mul(x, shape, y, shape, hot, shape);
      const where = fresh ? 'new output' : 'same output';
      cases.push({
        kind: 'step-elementwise',
        name: `mul ${impl} float32 [32,256] ${where}`,
        op: 'mul',
        dtype: 'float32',
        n: len,
        impl,
        work: len,
        fn,
      });
    }
  }
}

const results = [];
const suite = new Benchmark.Suite('loom kernels');
for (const c of cases) suite.add(c.name, c.fn, options);
suite.on('cycle', (event) => {
  const bench = event.target;
  const c = cases.find((x) => x.name === bench.name);
  const seconds = bench.stats.mean;
  const rate = c.work / seconds;
  const row = {
    kind: c.kind,
    name: c.name,
    ...(c.op === undefined ? {} : { op: c.op }),
    dtype: c.dtype,
    n: c.n,
    impl: c.impl,
    meanMs: seconds * 1e3,
    rmePercent: bench.stats.rme,
    samples: bench.stats.sample.length,
    ...(c.shape === undefined ? {} : { shape: c.shape, layout: c.layout }),
    ...(c.kind.endsWith('gemm') ? { gflops: rate / 1e9 } : { melemPerSec: rate / 1e6 }),
  };
  results.push(row);
  const figure = c.kind.endsWith('gemm') ? `${row.gflops.toFixed(2)} GFLOP/s` : `${row.melemPerSec.toFixed(0)} Melem/s`;
  console.error(`  ${c.name.padEnd(28)} ${figure.padStart(16)}  ±${bench.stats.rme.toFixed(1)}%  (${row.samples} samples)`);
});

console.error(`loom kernel benchmarks (${args.quick ? 'quick' : 'full'}), node ${process.version}`);
suite.run({ async: false });

const IMPLS = [...new Set(results.filter((r) => r.impl !== 'naive').map((r) => r.impl))];
const find = (pred) => results.find(pred);
const speedup = {};
for (const impl of IMPLS) {
  for (const dt of DTYPES) {
    const fast = find((r) => r.kind === 'gemm' && r.impl === impl && r.dtype === dt.name && r.n === NAIVE_SIZE);
    const naive = find((r) => r.kind === 'gemm' && r.impl === 'naive' && r.dtype === dt.name);
    if (fast && naive) (speedup[impl] ??= {})[dt.name] = naive.meanMs / fast.meanMs;
  }
}

const report = {
  date: new Date().toISOString(),
  node: process.version,
  platform: `${process.platform}-${process.arch}`,
  cpu: cpus()[0]?.model ?? 'unknown',
  mode: args.quick ? 'quick' : 'full',
  native: info.native,
  matmulSpeedupOverNaiveAt512: speedup,
  results,
};
writeFileSync(args.out, `${JSON.stringify(report, null, 2)}\n`);

const columns = IMPLS.flatMap((impl) => DTYPES.map((dt) => ({ impl, dtype: dt.name, label: `${impl} ${dt.name.replace('float', 'f')}` })));
const header = (first) => `${first.padStart(8)} ${columns.map((c) => c.label.padStart(11)).join(' ')}`;
const cell = (value, digits) => (value === undefined ? '-' : value.toFixed(digits)).padStart(11);
console.log('\nGEMM (square, GFLOP/s)');
console.log(header('n'));
for (const n of GEMM_SIZES) {
  const g = (c) => find((r) => r.kind === 'gemm' && r.impl === c.impl && r.dtype === c.dtype && r.n === n)?.gflops;
  console.log(`${String(n).padStart(8)} ${columns.map((c) => cell(g(c), 2)).join(' ')}`);
}
const naiveRate = (dtype) => find((r) => r.impl === 'naive' && r.dtype === dtype)?.gflops;
console.log(
  `naive i-k-j at n=${NAIVE_SIZE}: float32 ${naiveRate('float32')?.toFixed(2)}, float64 ${naiveRate('float64')?.toFixed(2)} GFLOP/s`,
);
for (const impl of IMPLS) {
  const ratio = (dtype) => (speedup[impl]?.[dtype] === undefined ? '-' : `${speedup[impl][dtype].toFixed(2)}x`);
  console.log(`${impl} speed-up over naive at n=${NAIVE_SIZE}: float32 ${ratio('float32')}, float64 ${ratio('float64')}`);
}
console.log('\nElementwise (1M elements, Melem/s)');
console.log(header('op'));
for (const op of ELEMENTWISE_OPS) {
  const e = (c) => find((r) => r.op === op && r.impl === c.impl && r.dtype === c.dtype)?.melemPerSec;
  console.log(`${op.padStart(8)} ${columns.map((c) => cell(e(c), 0)).join(' ')}`);
}
console.log('\nRecurrent-step shapes, float32 (m×n×k and layout of B; * marks the layout loom uses)');
for (const r of results.filter((x) => x.kind.startsWith('step-'))) {
  const figure = r.kind === 'step-gemm' ? `${r.gflops.toFixed(2)} GFLOP/s` : `${(r.meanMs * 1e3).toFixed(2)} µs`;
  console.log(`  ${r.name.padEnd(48)} ${figure.padStart(16)}`);
}
console.log(`\nwrote ${args.out}`);
