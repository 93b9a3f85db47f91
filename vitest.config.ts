import { defineConfig } from 'vitest/config';

// Tests run against TypeScript sources (the `@loom/source` export condition), so a stale dist/ never hides a change.
// CI pins the fast-check seed (FC_SEED) so a failure reproduces; fast-check prints the seed and path on failure.
export default defineConfig({
  resolve: { conditions: ['@loom/source'] },
  ssr: { resolve: { conditions: ['@loom/source'] } },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'examples/**/*.test.ts'],
    setupFiles: ['scripts/vitest-setup.ts'],
    testTimeout: 60_000,
    // Files share a worker's module cache: loading fast-check's vitest bindings once instead of per file cuts the
    // run from ~45 s to ~17 s. Tests therefore must not rely on global state (they seed their own generators).
    isolate: false,
    reporters: ['default'],
  },
});
