#!/usr/bin/env node
// `pnpm example <name> [args…]` runs examples/<name>/main.ts (built into examples/dist by `pnpm build`), or
// examples/<name>.ts for a one-file example; with no name or an unknown one it lists the examples.
import { existsSync, readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'examples', 'dist');
const entry = (name) => [join(dist, name, 'main.js'), join(dist, `${name}.js`)].find((p) => existsSync(p));
const available = readdirSync(dist, { withFileTypes: true })
  .filter((d) => (d.isDirectory() ? existsSync(join(dist, d.name, 'main.js')) : d.name.endsWith('.js')))
  .map((d) => d.name.replace(/\.js$/, ''))
  .sort();

const [name, ...rest] = process.argv.slice(2);
const file = name === undefined ? undefined : entry(name);
if (file === undefined) {
  process.stderr.write(
    `${name === undefined ? 'usage: pnpm example <name>' : `example: no example '${name}'`}; available: ${available.join(', ')}\n`,
  );
  process.exit(2);
}
process.exit(spawnSync(process.execPath, [file, ...rest], { stdio: 'inherit' }).status ?? 1);
