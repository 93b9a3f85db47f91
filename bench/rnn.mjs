#!/usr/bin/env node
// RNN training-step benchmark, following the contract of ../shared/bench/compare.py (see docs/performance.md).
//
//   pnpm bench:rnn [--json]                        builds the packages (output to stderr), then runs this file
//   LOOM_BENCH_CFGS=abc LOOM_BENCH_CELLS=LSTM,GRU,RNN LOOM_BENCH_THREADS=1 pnpm bench:rnn --json
// (pnpm 12 rejects `pnpm -s bench:rnn`; plain `pnpm bench:rnn` already keeps its own output off stdout.)
//
// One step = zeroGrad + forward of Recurrent(cell) over the whole seq-first [T,B,I] input (all outputs) + mseLoss
// against a fixed random [T,B,H] target + backward through time + SGD(lr 0.01), as torch_worker.py measures it.
// Stdout gets one JSON line per measurement ({"kind":"rnn",...}); extra lines of kind "rss" and "gradgrad" follow
// (compare.py ignores them; LOOM_BENCH_EXTRAS=0 skips them), the last one PyTorch's gradgrad figure from
// torch-gradgrad.py when Debian's python3 has torch. Without --json a table also goes to stderr.
// Imports the packages' dist/ (relative paths: the repository root has no @loom/* in node_modules).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as ops from '../packages/ops/dist/index.js';
import { add, mul, randn, seed, sum } from '../packages/core/dist/index.js';
/** @typedef {import('../packages/core/dist/index.js').Tensor} Tensor */
import { GRUCell, LSTMCell, RNNCell, Recurrent, SGD, mseLoss } from '../packages/layers/dist/index.js';

/** @type {Record<string, [number, number, number, number]>} */
const CONFIGS = { a: [1, 100, 32, 64], b: [32, 64, 128, 256], c: [64, 128, 256, 512] }; // B, T, I, H
const CELLS = { LSTM: LSTMCell, GRU: GRUCell, RNN: RNNCell };
const SELF = fileURLToPath(import.meta.url);

const args = process.argv.slice(2);
const json = args.includes('--json');
const env = process.env;
const sys = ops.backendInfo().native.available ? 'loom-native' : 'loom-js';

/** stdout carries only JSON lines; everything for people goes to stderr. */
const emit = (record) => process.stdout.write(JSON.stringify(record) + '\n');
const note = (text) => process.stderr.write(text + '\n');
const median = (xs) => [...xs].sort((p, q) => p - q)[Math.floor(xs.length / 2)];
const rssMb = () => process.memoryUsage.rss() / 2 ** 20;

/** A model, optimizer, fixed data and a step function for one (cell, config); everything seeded. */
function setup(cellName, cfg) {
  const dims = CONFIGS[cfg];
  if (dims === undefined) throw new Error(`bench:rnn: unknown config '${cfg}'`);
  const [B, T, I, H] = dims;
  seed(0);
  const rnn = new Recurrent(new CELLS[cellName](I, H));
  const opt = new SGD(rnn.parameters(), { lr: 0.01 });
  const x = randn([T, B, I]);
  const y = randn([T, B, H]);
  return () => {
    opt.zeroGrad();
    const loss = mseLoss(rnn.forward(x).outputs, y);
    loss.backward();
    opt.step();
    return loss.item();
  };
}

/** Warm up, then time steps until both `minSteps` and `budgetMs` are reached; median ms per step. */
function timeSteps(step, { warm, minSteps, budgetMs, maxSteps = Infinity }) {
  for (let i = 0; i < warm; i++) step();
  const ts = [];
  const start = performance.now();
  while (ts.length < maxSteps && (ts.length < minSteps || performance.now() - start < budgetMs)) {
    const t0 = performance.now();
    step();
    ts.push(performance.now() - t0);
  }
  return { ms: median(ts), steps: ts.length };
}

// Config c takes seconds per step in pure JS: fewer warm-up steps, and the minimum of 3 timed steps decides.
const BUDGET = {
  a: { warm: 3, minSteps: 5, budgetMs: 5000 },
  b: { warm: 2, minSteps: 3, budgetMs: 5000 },
  c: { warm: 1, minSteps: 3, budgetMs: 0 },
};

/**
 * Peak RSS above the baseline (after imports, before the model) over 3 config-b steps (the first sets the peak), in a
 * fresh process. With `collect`, a full collection runs after every step (the child has `--expose-gc`), so the
 * previous step's garbage is gone and the figure is what one step alone reaches.
 */
function rssChild(cellName, collect) {
  const base = rssMb();
  const step = setup(cellName, 'b');
  for (let i = 0; i < 3; i++) {
    step();
    if (collect) globalThis.gc?.();
  }
  const peak = process.resourceUsage().maxRSS / 1024;
  const what = collect ? { what: 'gc-after-each-step' } : {};
  emit({
    kind: 'rss',
    ...what,
    sys,
    cell: cellName,
    cfg: 'b',
    base_mb: round(base),
    peak_mb: round(peak),
    above_base_mb: round(peak - base),
  });
}

/**
 * RSS of config-a training, read ten times over `steps` (each reading after a full GC, when exposed, and a pause that
 * lets V8 free the swept array buffers). A settled reading still moves between levels some 30 MB apart, depending
 * on whether the allocator has handed freed arrays back to the OS, so each half is summarised by its lowest reading.
 * `growth_mb` compares the halves: a leak grows with the number of steps, while the allocator's warm-up (from the
 * reading after 20 steps to the first half's level, `warmup_rise_mb`) happens once.
 */
async function rssGrowthChild(cellName, steps) {
  const step = setup(cellName, 'a');
  const settle = async () => {
    globalThis.gc?.();
    await new Promise((resolve) => setTimeout(resolve, 100));
    globalThis.gc?.();
    return rssMb();
  };
  for (let i = 0; i < 20; i++) step();
  const early = await settle();
  const t0 = performance.now();
  const readings = [];
  for (let r = 0; r < 10; r++) {
    for (let i = Math.floor((r * steps) / 10); i < Math.floor(((r + 1) * steps) / 10); i++) step();
    readings.push(await settle());
  }
  const ms = (performance.now() - t0 - 1000) / steps; // minus the ten pauses
  const [first, second] = [Math.min(...readings.slice(0, 5)), Math.min(...readings.slice(5))];
  emit({
    kind: 'rss',
    what: 'growth',
    sys,
    cell: cellName,
    cfg: 'a',
    steps,
    after_warmup_mb: round(early),
    first_half_mb: round(first),
    second_half_mb: round(second),
    readings_mb: readings.map(round),
    warmup_rise_mb: round(first - early),
    growth_mb: round(second - first),
    ms_per_step: round(ms),
  });
}

/**
 * One LSTM step (config b sizes) and a scalar of its output: the time of a plain backward against a backward that
 * records itself (createGraph) followed by a second backward through the parameter gradients (gradgrad).
 */
function gradgrad() {
  const [B, , I, H] = /** @type {[number, number, number, number]} */ (CONFIGS.b);
  seed(1);
  const cell = new LSTMCell(I, H);
  const params = cell.parameters();
  const x = randn([B, I]);
  /** @type {[Tensor, Tensor]} */
  const state = [randn([B, H]), randn([B, H])];
  const v = params.map((p) => randn(p.shape));
  const forward = () => {
    for (const p of params) p.grad = null;
    const [h] = cell.step(x, state);
    return sum(mul(h, h));
  };
  const once = () => forward().backward();
  const twice = () => {
    forward().backward(undefined, { createGraph: true });
    const g = params.map((p) => /** @type {Tensor} */ (p.grad));
    for (const p of params) p.grad = null;
    // d/dθ ⟨∇θ loss, v⟩: a Hessian-vector product, the usual reason to ask for order 2.
    g.map((gi, i) => sum(mul(gi, /** @type {Tensor} */ (v[i]))))
      .reduce((s, t) => add(s, t))
      .backward();
  };
  // Interleaved rounds, so that load from elsewhere on the machine hits the three variants alike.
  const variants = [() => forward(), once, twice];
  const times = variants.map(() => /** @type {number[]} */ ([]));
  // 100 rounds: a plain backward takes about 1 ms here, and a GC pause of 1–4 ms lands in a few of them.
  for (let round = -3; round < 100; round++) {
    variants.forEach((run, i) => {
      const t0 = performance.now();
      run();
      if (round >= 0) times[i]?.push(performance.now() - t0);
    });
  }
  const [f, one, two] = times.map(median);
  emit({
    kind: 'gradgrad',
    sys,
    cell: 'LSTM',
    cfg: 'b-step',
    forward_ms: round(f),
    backward_ms: round(one - f),
    gradgrad_ms: round(two - f),
    ratio: round((two - f) / (one - f)),
    ratio_incl_forward: round(two / one),
  });
}

/** PyTorch's figure for the gradgrad line, from bench/torch-gradgrad.py, when Debian's python3 has torch; else none. */
function torchGradgrad() {
  const script = fileURLToPath(new URL('torch-gradgrad.py', import.meta.url));
  const r = spawnSync('/usr/bin/python3', [script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) {
    note('bench:rnn: no PyTorch gradgrad figure (/usr/bin/python3 with torch not found; bash ../shared/bench/setup.sh installs it)');
    return [];
  }
  return relay(r.stdout);
}

const round = (v) => Math.round(v * 1000) / 1000;
function runChild(mode, extra = []) {
  const r = spawnSync(process.execPath, ['--expose-gc', SELF, mode, ...extra], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) throw new Error(`bench child ${mode} failed with status ${r.status}`);
  return relay(r.stdout);
}

/** Passes a child's JSON lines on to stdout (as one-line JSON, like ours) and returns them parsed. */
function relay(stdout) {
  const records = stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l));
  records.forEach(emit);
  return records;
}

async function main() {
  if (args[0] === '--child-rss') return rssChild(args[1] ?? 'LSTM', args[2] === 'collect');
  if (args[0] === '--child-growth') return await rssGrowthChild(args[1] ?? 'LSTM', Number(args[2] ?? 500));

  const cfgs = [...(env.LOOM_BENCH_CFGS ?? 'ab')];
  const cells = (env.LOOM_BENCH_CELLS ?? 'LSTM').split(',').map((s) => s.trim());
  const threads = (env.LOOM_BENCH_THREADS ?? '1').split(',').map((s) => s.trim());
  for (const c of cfgs) if (!(c in CONFIGS)) throw new Error(`bench:rnn: unknown config '${c}' in LOOM_BENCH_CFGS (a, b or c)`);
  for (const c of cells) if (!(c in CELLS)) throw new Error(`bench:rnn: unknown cell '${c}' in LOOM_BENCH_CELLS (LSTM, GRU or RNN)`);

  const rows = [];
  for (const t of threads) {
    // The JS kernels are single-threaded; a native build may export setNumThreads.
    if (typeof ops.setNumThreads === 'function') ops.setNumThreads(Number(t));
    else if (t !== '1') note(`bench:rnn: ${sys} has no setNumThreads; threads=${t} runs on one thread`);
    for (const cfg of cfgs) {
      for (const cell of cells) {
        const { ms, steps } = timeSteps(setup(cell, cfg), BUDGET[cfg]);
        const rec = { kind: 'rnn', sys, cell, cfg, threads: Number(t), ms: round(ms), steps };
        emit(rec);
        rows.push(rec);
      }
    }
  }
  const extras = env.LOOM_BENCH_EXTRAS !== '0';
  const more = [];
  if (extras) {
    more.push(...runChild('--child-rss', ['LSTM']));
    more.push(...runChild('--child-rss', ['LSTM', 'collect']));
    more.push(...runChild('--child-growth', ['LSTM', env.LOOM_BENCH_RSS_STEPS ?? '200']));
    if (typeof ops.setNumThreads === 'function') ops.setNumThreads(1);
    gradgrad();
    more.push(...torchGradgrad());
  }
  if (!json) {
    note(`\nloom RNN training step (${sys}), ms/step median`);
    note('| cfg | cell | threads | ms/step | steps |\n|---|---|---|---|---|');
    for (const r of rows) note(`| ${r.cfg} | ${r.cell} | ${r.threads} | ${r.ms.toFixed(2)} | ${r.steps} |`);
    for (const m of more) note(JSON.stringify(m));
  }
}

await main();
