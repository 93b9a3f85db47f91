import { Generator, zeros } from '@loom/core';
import { loadCheckpoint, saveCheckpoint } from '@loom/layers/node';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Module } from '../src/module.js';
import { Parameter } from '../src/parameter.js';

// Crash safety of saveCheckpoint: a child process saves 4 MB checkpoints in a loop and is SIGKILLed at random
// moments. After every kill the checkpoint must load and be one complete version, never a mix or a torn file,
// and the only debris allowed is the killed process's one temporary file, which the next save removes.

const KILLS = 20;
const SIDE = 1024; // a 1024 × 1024 float32 parameter: 4 MB per checkpoint

// The child runs loom's TypeScript sources as plain JS: the files it imports (followed from its entry points) are
// transpiled here with TypeScript's transpileModule into a mirror tree whose @loom/* imports point at the mirrored
// packages; sources import './x.js', so relative imports work as they are. Transpiled files are cached by content
// in the system temp directory, so only the first run pays. The child uses the TypeScript kernels (no addon).
const ENTRIES = ['layers/src/io/node.ts', 'layers/src/module.ts', 'layers/src/parameter.ts', 'core/src/index.ts'];
const IMPORT = /^(?:import|export)(?!\s+type\b)[^;]*?\sfrom\s+'([^']+)'|^import\s+'([^']+)'/gm;

async function mirror(root: string, out: string): Promise<void> {
  const { default: ts } = await import('typescript');
  const options = { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true };
  const cache = join(tmpdir(), 'loom-kill-test-cache');
  await mkdir(cache, { recursive: true });
  const packageIndex = (spec: string) => /^@loom\/(ops|core)(\/testing)?$/.exec(spec);
  const todo = [...ENTRIES];
  const done = new Set<string>();
  while (todo.length > 0) {
    const file = todo.pop()!;
    if (done.has(file)) continue;
    done.add(file);
    const source = await readFile(join(root, file), 'utf8');
    for (const [, a, b] of source.matchAll(IMPORT)) {
      const spec = (a ?? b)!;
      const pkg = packageIndex(spec);
      if (pkg !== null) todo.push(`${pkg[1]}/src/${pkg[2] === undefined ? '' : 'testing/'}index.ts`);
      else if (spec.startsWith('.')) todo.push(join(dirname(file), spec.replace(/\.js$/, '.ts')));
    }
    const cached = join(cache, `${createHash('sha1').update(source).digest('hex')}.js`);
    const js = await readFile(cached, 'utf8').catch(async () => {
      const text = ts.transpileModule(source, { compilerOptions: options, fileName: file }).outputText;
      await writeFile(cached, text);
      return text;
    });
    const rewritten = js.replace(/from '(@loom\/[a-z/]+)'/g, (whole, spec: string) => {
      const pkg = packageIndex(spec);
      if (pkg === null) return whole;
      return `from ${JSON.stringify(pathToFileURL(join(out, pkg[1]!, 'src', pkg[2] === undefined ? 'index.js' : 'testing/index.js')).href)}`;
    });
    const target = join(out, file.replace(/\.ts$/, '.js'));
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, rewritten);
  }
}

const childSource = (mirrored: string) => `
const [path, first] = process.argv.slice(2);
const at = (file) => import(${JSON.stringify(pathToFileURL(mirrored).href)} + '/' + file);
const { saveCheckpoint } = await at('layers/src/io/node.js');
const { Module } = await at('layers/src/module.js');
const { Parameter } = await at('layers/src/parameter.js');
const { full } = await at('core/src/index.js');
class Big extends Module { w = new Parameter(full([${SIDE}, ${SIDE}], 0)); }
const model = new Big();
process.stdout.write('ready\\n');
for (let version = Number(first); ; version++) {
  model.w.data.fill(version); // in place, so the child spends its time saving
  await saveCheckpoint(path, { model, step: version });
  process.stdout.write('saved ' + version + '\\n');
}
`;

class Big extends Module {
  w = new Parameter(zeros([SIDE, SIDE]));
}

let dir = '';
let work = '';
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'loom-kill-'));
  dir = join(work, 'checkpoints');
  await mkdir(dir);
  await mirror(fileURLToPath(new URL('../../', import.meta.url)), join(work, 'mirror'));
  await writeFile(join(work, 'child.mjs'), childSource(join(work, 'mirror')));
}, 180_000);
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

interface KilledRun {
  pid: number;
  saved: number[];
}

/** Starts a child saving versions first, first+1, … to `path`, and SIGKILLs it `delay` ms after it is ready. */
function runAndKill(path: string, first: number, delay: number): Promise<KilledRun> {
  const child = spawn(process.execPath, [join(work, 'child.mjs'), path, String(first)], {
    env: { ...process.env, LOOM_NO_NATIVE: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const saved: number[] = [];
  let stderr = '';
  let killed = false;
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  let pending = '';
  child.stdout.on('data', (d: Buffer) => {
    pending += d.toString();
    const lines = pending.split('\n');
    pending = lines.pop()!;
    for (const line of lines) {
      if (line === 'ready') setTimeout(() => (killed = child.kill('SIGKILL')), delay);
      else saved.push(Number(line.slice('saved '.length)));
    }
  });
  // A child that never gets ready must not be left saving forever: it is killed after 30 s and the run fails.
  const stuck = setTimeout(() => child.kill('SIGKILL'), 30_000);
  return new Promise((resolve, reject) =>
    child.on('exit', (code, signal) => {
      clearTimeout(stuck);
      if (killed && signal === 'SIGKILL') resolve({ pid: child.pid!, saved });
      else reject(new Error(`the child exited before the planned kill (code ${code}, signal ${signal}): ${stderr}`));
    }),
  );
}

describe('saveCheckpoint under SIGKILL', () => {
  it(`always leaves a complete checkpoint across ${KILLS} kills`, async () => {
    const path = join(dir, 'ckpt.safetensors');
    const model = new Big();
    await saveCheckpoint(path, { model, step: 0 });
    const g = new Generator(20261125);
    let confirmed = 0; // the newest version known to be completely saved
    let next = 1;
    let tornTemporaries = 0;
    let previous: string[] = [];
    for (let kill = 0; kill < KILLS; kill++) {
      const { pid, saved } = await runAndKill(path, next, g.int(0, 250));
      // The last version the child reported is durable; the one after it may have been renamed in just before the kill.
      const lastStarted = saved.length === 0 ? next : saved[saved.length - 1]! + 1;
      const low = saved.length === 0 ? confirmed : saved[saved.length - 1]!;
      const { step } = await loadCheckpoint(path, { model });
      expect(step).toBeGreaterThanOrEqual(low);
      expect(step).toBeLessThanOrEqual(lastStarted);
      expect(model.w.data.every((v) => v === step)).toBe(true); // one version throughout, never a mix
      // Debris is this child's one temporary file, plus, if it was killed before finishing a save (and so maybe
      // before its cleanup ran), what earlier children left.
      const debris = (await readdir(dir)).filter((f) => f !== 'ckpt.safetensors');
      const own = debris.filter((f) => new RegExp(`^\\.ckpt\\.safetensors\\.${pid}-\\d+\\.tmp$`).test(f));
      expect(own.length).toBeLessThanOrEqual(1);
      const left = debris.filter((f) => !own.includes(f));
      if (saved.length > 0) expect(left).toEqual([]);
      else expect(left.every((f) => previous.includes(f))).toBe(true);
      previous = debris;
      tornTemporaries += own.length;
      confirmed = step;
      next = lastStarted + 1;
    }
    // Kills inside a save (a temporary file left) are the case this test is about; measured 11 of 20 on a loaded
    // 2-core machine (the others hit startup or the gap between saves). At least 3 of 20 fails by chance < 0.1%.
    expect(tornTemporaries).toBeGreaterThanOrEqual(3);
    await saveCheckpoint(path, { model, step: next });
    expect(await readdir(dir)).toEqual(['ckpt.safetensors']);
  }, 180_000);
});
