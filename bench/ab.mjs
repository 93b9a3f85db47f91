#!/usr/bin/env node
// Before/after comparison of two built checkouts of loom, run in turns: A, B, A, B, … each in a fresh process.
// On a shared machine absolute times drift by up to 2x within minutes; alternating runs see the same drift, so the
// median of the pairwise ratios B/A measures the change and not the machine (docs/performance.md uses it).
//
//   git worktree add /tmp/base <commit> && (cd /tmp/base && pnpm install --frozen-lockfile --offline && pnpm build)
//   pnpm bench:ab /tmp/base [--cfg b] [--cell LSTM] [--steps 8] [--pairs 4]     (B is this checkout)
//   node bench/ab.mjs /tmp/base /other/checkout --cfg a --pairs 8
//
// Prints each run's ms per step (wall and CPU; CPU above wall is V8's GC threads) and the medians of the ratios.
import { spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const SELF = fileURLToPath(import.meta.url);
/** @type {Record<string, [number, number, number, number]>} */
const CONFIGS = { a: [1, 100, 32, 64], b: [32, 64, 128, 256], c: [64, 128, 256, 512] }; // B, T, I, H

/** One run in this process: warm-up, then `steps` timed training steps of the bench's step (see rnn.mjs). */
async function child(root, cfg, cellName, steps) {
  const core = await import(resolve(root, 'packages/core/dist/index.js'));
  const layers = await import(resolve(root, 'packages/layers/dist/index.js'));
  const [B, T, I, H] = CONFIGS[cfg] ?? [];
  if (B === undefined) throw new Error(`bench:ab: unknown config '${cfg}' (a, b or c)`);
  const Cell = { LSTM: layers.LSTMCell, GRU: layers.GRUCell, RNN: layers.RNNCell }[cellName];
  if (Cell === undefined) throw new Error(`bench:ab: unknown cell '${cellName}' (LSTM, GRU or RNN)`);
  core.seed(0);
  const rnn = new layers.Recurrent(new Cell(I, H));
  const opt = new layers.SGD(rnn.parameters(), { lr: 0.01 });
  const x = core.randn([T, B, I]);
  const y = core.randn([T, B, H]);
  const step = () => {
    opt.zeroGrad();
    const loss = layers.mseLoss(rnn.forward(x).outputs, y);
    loss.backward();
    opt.step();
  };
  for (let i = 0; i < 3; i++) step();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) step();
  const cpu = process.cpuUsage(cpu0);
  process.stdout.write(JSON.stringify({ wall: (performance.now() - t0) / steps, cpu: (cpu.user + cpu.system) / 1000 / steps }) + '\n');
}

const median = (xs) => [...xs].sort((p, q) => p - q)[Math.floor(xs.length / 2)];

function main(args) {
  const roots = args.filter((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--'));
  const opt = (name, fallback) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback;
  };
  if (roots.length < 1) throw new Error('usage: bench/ab.mjs ROOT_A [ROOT_B] [--cfg b] [--cell LSTM] [--steps N] [--pairs N]');
  const [a, b = resolve(dirname(SELF), '..')] = roots;
  const cfg = opt('cfg', 'b');
  const cell = opt('cell', 'LSTM');
  const steps = opt('steps', cfg === 'a' ? '100' : cfg === 'b' ? '8' : '2');
  const pairs = Number(opt('pairs', '4'));
  const run = (root) => {
    const r = spawnSync(process.execPath, [SELF, '--child', root, cfg, cell, steps], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    if (r.status !== 0) throw new Error(`bench:ab: the run of ${root} failed with status ${r.status}`);
    return JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}');
  };
  /** @type {{ wall: number[], cpu: number[] }} */
  const ratios = { wall: [], cpu: [] };
  for (let p = 0; p < pairs; p++) {
    const [ra, rb] = [run(a), run(b)];
    ratios.wall.push(rb.wall / ra.wall);
    ratios.cpu.push(rb.cpu / ra.cpu);
    process.stderr.write(
      `pair ${p + 1}: A ${ra.wall.toFixed(2)} ms (cpu ${ra.cpu.toFixed(2)}), B ${rb.wall.toFixed(2)} ms (cpu ${rb.cpu.toFixed(2)})\n`,
    );
  }
  process.stdout.write(
    `${cell} config ${cfg}, ${pairs} pairs: B/A wall ${median(ratios.wall).toFixed(3)}, cpu ${median(ratios.cpu).toFixed(3)}\n` +
      `  A = ${a}\n  B = ${b}\n`,
  );
}

const argv = process.argv.slice(2);
if (argv[0] === '--child') await child(argv[1], argv[2], argv[3], Number(argv[4]));
else main(argv);
