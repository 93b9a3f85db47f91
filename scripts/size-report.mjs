#!/usr/bin/env node
// Size report: lists source files by line count, largest first, and fails when one exceeds its cap.
// Usage: node scripts/size-report.mjs [--root DIR]   (DIR defaults to the repository root)
// Plain Node ESM with no dependencies, so it runs before or without an install.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

// A source file past ~400 lines usually holds more than one idea; split it rather than scroll it.
// Raising a cap is a deliberate choice: change the constant, and write the reason in the commit and in
// docs/contributing.md.
const MAX_SOURCE_LINES = 400;
// An op is one record in one file (name, forward, backward, check row, TSDoc). Past ~80 lines it is doing
// something an op file should not, e.g. hiding a second op or a helper that belongs in an `_`-prefixed file.
// (80, not the design notes' 60: argument checks that name every shape, and prettier's layout, need the room.)
const MAX_OP_LINES = 80;
// How many of the largest files to print.
const TOP = 15;

const SOURCE_EXTENSIONS = ['.ts', '.c', '.cc', '.cpp', '.h'];
const EXCLUDED_SUFFIXES = ['.test.ts', '.bench.ts', '.d.ts'];
const SKIPPED_DIRS = new Set(['node_modules', 'dist']);
const OPS_DIR = 'packages/core/src/ops/';

function usage(message) {
  console.error(`size-report: ${message}\nusage: node scripts/size-report.mjs [--root DIR]`);
  process.exit(2);
}

function parseArgs(argv) {
  let root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--root') {
      const value = argv[++i];
      if (value === undefined) usage('--root needs a directory');
      root = resolve(value);
    } else if (arg.startsWith('--root=')) {
      root = resolve(arg.slice('--root='.length));
    } else {
      usage(`unknown argument ${JSON.stringify(arg)}`);
    }
  }
  if (!statSync(root, { throwIfNoEntry: false })?.isDirectory()) usage(`root ${root} is not a directory`);
  return root;
}

/** Directory entries, or none when the directory is absent (a package without src/, no examples/ yet). */
function entries(dir) {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return [];
    throw error;
  }
}

/** Every file below dir, recursively, skipping build output, dependencies and hidden folders. */
function* walk(dir) {
  for (const entry of entries(dir)) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name) && !entry.name.startsWith('.')) yield* walk(path);
    } else if (entry.isFile()) {
      yield path;
    }
  }
}

function isSource(path, extensions) {
  return extensions.some((ext) => path.endsWith(ext)) && !EXCLUDED_SUFFIXES.some((suffix) => path.endsWith(suffix));
}

/** Lines as an editor counts them: a last line without a trailing newline still counts. */
function countLines(path) {
  const text = readFileSync(path, 'utf8');
  if (text.length === 0) return 0;
  let lines = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines++;
  return text.endsWith('\n') ? lines : lines + 1;
}

/** Op files are one record each; `_helpers.ts` and `index.ts` under ops/ are ordinary source files. */
function capFor(relPath) {
  if (!relPath.startsWith(OPS_DIR)) return MAX_SOURCE_LINES;
  const name = relPath.slice(relPath.lastIndexOf('/') + 1);
  return name.startsWith('_') || name === 'index.ts' ? MAX_SOURCE_LINES : MAX_OP_LINES;
}

function collect(root) {
  const files = [];
  for (const pkg of entries(join(root, 'packages'))) {
    if (!pkg.isDirectory()) continue;
    for (const path of walk(join(root, 'packages', pkg.name, 'src'))) {
      if (isSource(path, SOURCE_EXTENSIONS)) files.push(path);
    }
  }
  for (const path of walk(join(root, 'examples'))) {
    if (isSource(path, ['.ts'])) files.push(path);
  }
  return files.map((path) => {
    const rel = relative(root, path).split(sep).join('/');
    return { path: rel, lines: countLines(path), cap: capFor(rel) };
  });
}

const root = parseArgs(process.argv.slice(2));
const files = collect(root).sort((a, b) => b.lines - a.lines || a.path.localeCompare(b.path));
const totalLines = files.reduce((sum, f) => sum + f.lines, 0);
const width = String(files[0]?.lines ?? 0).length;

console.log(`Largest source files (cap: ${MAX_SOURCE_LINES} lines per file, ${MAX_OP_LINES} per op file):`);
for (const f of files.slice(0, TOP)) {
  console.log(`  ${String(f.lines).padStart(width)}  ${f.path}${f.cap === MAX_OP_LINES ? '  (op)' : ''}`);
}
console.log(`${files.length} source files, ${totalLines} lines in total.`);

const offenders = files.filter((f) => f.lines > f.cap);
if (offenders.length > 0) {
  console.error(`\n${offenders.length} file(s) over their size cap:`);
  for (const f of offenders) {
    const kind = f.cap === MAX_OP_LINES ? 'op file cap' : 'source file cap';
    console.error(`  ${f.path}: ${f.lines} lines > ${f.cap} (${kind})`);
  }
  console.error('Split the file, or raise the cap deliberately: see docs/contributing.md.');
  process.exit(1);
}
