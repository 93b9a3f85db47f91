#!/usr/bin/env node
// Builds loom's optional native addon (node-gyp rebuild in this directory). Never fails: without a compiler,
// Python or node-gyp it prints one line saying why, and loom uses its TypeScript kernels. The full compiler output
// goes to native/build.log. Run by @loom/ops's `install` script and by `pnpm build:native` at the repository root.
// LOOM_NO_NATIVE_BUILD=1 skips the build; LOOM_NATIVE_NO_BLAS=1 builds the own GEMM even where OpenBLAS is found;
// LOOM_NATIVE_ASAN=1 builds with AddressSanitizer (scripts/asan.sh).

import { spawnSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const shown = relative(process.cwd(), here) || '.';
const say = (line) => console.log(`loom: ${line}`);

function findNodeGyp() {
  try {
    return createRequire(import.meta.url).resolve('node-gyp/bin/node-gyp.js');
  } catch {
    const bundled = join(dirname(process.execPath), '../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js');
    if (process.env.npm_config_node_gyp && existsSync(process.env.npm_config_node_gyp)) return process.env.npm_config_node_gyp;
    return existsSync(bundled) ? bundled : undefined;
  }
}

// Node's own headers, so node-gyp never downloads them: npm's nodedir if set, else the running Node's prefix.
function findNodeDir() {
  const configured = process.env.npm_config_nodedir;
  if (configured && existsSync(join(configured, 'include/node/node_api.h'))) return configured;
  const prefix = dirname(dirname(process.execPath));
  return existsSync(join(prefix, 'include/node/node_api.h')) ? prefix : undefined;
}

function main() {
  if (process.env.LOOM_NO_NATIVE_BUILD === '1') return say('native addon not built (LOOM_NO_NATIVE_BUILD=1); using the TypeScript kernels');
  const nodeGyp = findNodeGyp();
  if (!nodeGyp) return say('native addon unavailable (node-gyp not found); using the TypeScript kernels');
  const nodeDir = findNodeDir();
  if (!nodeDir)
    return say(
      `native addon unavailable (no Node headers under ${dirname(dirname(process.execPath))}/include/node); using the TypeScript kernels`,
    );
  const args = [nodeGyp, 'rebuild', `--directory=${here}`, `--nodedir=${nodeDir}`, '--jobs=max'];
  const run = spawnSync(process.execPath, args, { encoding: 'utf8', env: { ...process.env, npm_config_nodedir: nodeDir } });
  const log = `$ node ${args.join(' ')}\n${run.stdout ?? ''}${run.stderr ?? ''}${run.error ? String(run.error) : ''}`;
  writeFileSync(join(here, 'build.log'), log);
  const addon = join(here, 'build/Release/loom_native.node');
  if (run.status === 0 && existsSync(addon)) {
    let what = 'loads';
    if (process.env.LOOM_NATIVE_ASAN === '1')
      return say(`native addon built with AddressSanitizer: ${join(shown, 'build/Release/loom_native.node')}`);
    try {
      const info = createRequire(import.meta.url)(addon).info();
      what = `${info.blas === 'openblas' ? 'OpenBLAS' : 'own'} GEMM, ${info.simd}`;
    } catch (error) {
      what = `but does not load: ${error instanceof Error ? error.message : String(error)}`;
    }
    return say(`native addon built (${what}): ${join(shown, 'build/Release/loom_native.node')}`);
  }
  rmSync(join(here, 'build'), { recursive: true, force: true });
  const firstError = log.split('\n').find((l) => /error|not found|No such file|ENOENT/i.test(l) && !l.startsWith('$')) ?? 'node-gyp failed';
  say(`native addon unavailable (${firstError.trim().slice(0, 160)}; see ${join(shown, 'build.log')}); using the TypeScript kernels`);
}

try {
  main();
} catch (error) {
  say(`native addon unavailable (${error instanceof Error ? error.message : String(error)}); using the TypeScript kernels`);
}
