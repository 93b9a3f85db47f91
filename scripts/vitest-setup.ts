import fc from 'fast-check';

// One fixed seed for every property test unless FC_SEED says otherwise; fast-check reports seed and path on failure.
const seed = Number(process.env.FC_SEED ?? 20261125);
fc.configureGlobal({ seed, numRuns: Number(process.env.FC_RUNS ?? 25) });
