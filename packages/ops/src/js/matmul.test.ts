import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { matmulLayoutArb, seedArb } from '../../test/support/arbitraries.js';
import { expectMatch } from '../../test/support/compare.js';
import { DTYPES } from '../../test/support/dtypes.js';
import { randomBuffer } from '../../test/support/values.js';
import type { FloatArray, MatmulLayout } from '../kernels.js';
import { KC, MC, MR, NC, NR } from './gemm.js';
import { createMatmulKernel } from './matmul.js';

/** out[t, i, j] = Σ_p op(A_t)[i, p] · op(B_t)[p, j], straight from the MatmulLayout documentation. */
function matmulRef(a: FloatArray, b: FloatArray, l: MatmulLayout) {
  const { batch, m, n, k } = l;
  const opA = (t: number, i: number, p: number) => a[t * l.strideA + (l.transA ? p * m + i : i * k + p)]!;
  const opB = (t: number, p: number, j: number) => b[t * l.strideB + (l.transB ? j * k + p : p * n + j)]!;
  const value: number[] = [];
  const scale: number[] = [];
  for (let t = 0; t < batch; t++) {
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        let abs = 0;
        for (let p = 0; p < k; p++) {
          s += opA(t, i, p) * opB(t, p, j);
          abs += Math.abs(opA(t, i, p) * opB(t, p, j));
        }
        value.push(s);
        scale.push(abs);
      }
    }
  }
  return { value, scale };
}

describe.each(DTYPES)('matmul, $name', (dt) => {
  const matmul = createMatmulKernel<FloatArray>();

  const check = (l: MatmulLayout, lengthA: number, lengthB: number, seedA: number, seedB: number, specials = false) => {
    const a = randomBuffer(dt.alloc, lengthA, seedA, specials);
    const b = randomBuffer(dt.alloc, lengthB, seedB, specials);
    const out = dt.alloc(l.batch * l.m * l.n).fill(Number.NaN);
    matmul(a, b, out, l);
    const { value, scale } = matmulRef(a, b, l);
    const want = value.map(dt.round);
    // Summation order may differ: k·2⁻⁵² of Σ|terms| covers it; float32 then rounds the sum once.
    const tolerance = (i: number) => dt.eps * Math.abs(want[i]!) + (l.k + 1) * 2 ** -52 * scale[i]!;
    expectMatch(out, want, tolerance, () => JSON.stringify(l));
  };

  test.prop([matmulLayoutArb(fc.integer({ min: 0, max: 5 })), seedArb, seedArb], { numRuns: 200 })(
    'matches the reference for every transpose and batch-stride variant, with dims 0–5',
    ({ layout, lengthA, lengthB }, seedA, seedB) => check(layout, lengthA, lengthB, seedA, seedB),
  );

  test.prop([matmulLayoutArb(fc.integer({ min: 0, max: 80 })), seedArb, seedArb], { numRuns: 12 })(
    'matches the reference on larger matrices (past the initial scratch row)',
    ({ layout, lengthA, lengthB }, seedA, seedB) => check(layout, lengthA, lengthB, seedA, seedB),
  );

  // Shapes that start, fill and overrun each block of the packed GEMM (gemm.ts): a micro-tile (MR×NR), an A block
  // (MC rows), a B block (NC columns) and a depth block (KC), and the small sides where the direct loops take over.
  const TRANSPOSES = [
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ] as const;
  const SIDES = [1, 2, 3, MR - 1, MR, MR + 1, NR - 1, NR + 1, 37, MC - 1, MC + 1, 130];
  const blockShapes: [number, number, number][] = [
    ...SIDES.flatMap((s): [number, number, number][] => [
      [s, 37, 65],
      [65, s, 37],
      [37, 65, s],
    ]),
    [2 * MR + 1, 2 * NR + 3, KC - 1],
    [2 * MR + 1, 2 * NR + 3, KC],
    [2 * MR + 1, 2 * NR + 3, KC + 1],
    [MR + 2, NR + 1, 2 * KC + 3],
    [MR + 1, NC - 1, 3],
    [MR + 1, NC + 1, 5],
    [MC + 3, NC + NR + 1, 9],
  ];
  describe.each(TRANSPOSES)('transA = %s, transB = %s', (transA, transB) => {
    it.each(blockShapes)('matches the reference at m = %i, n = %i, k = %i', (m, n, k) => {
      const layout = { batch: 1, m, n, k, transA, transB, strideA: m * k, strideB: k * n };
      check(layout, m * k, k * n, m * 1000 + n, k * 1000 + n);
    });

    it('matches the reference over a batch with one shared operand and one strided with a gap', () => {
      const [m, n, k] = [MC + 5, 2 * NR + 1, KC + 7];
      check({ batch: 3, m, n, k, transA, transB, strideA: 0, strideB: k * n + 2 }, m * k, 2 * (k * n + 2) + k * n, 1, 2);
      check({ batch: 3, m, n, k, transA, transB, strideA: m * k + 1, strideB: 0 }, 2 * (m * k + 1) + m * k, k * n, 3, 4);
    });

    it('matches the reference over a batch of packed A matrices sharing one B (folded into one product)', () => {
      for (const [m, n, k] of [
        [2, NR + 1, 37],
        [MC - 3, 2 * NR + 1, KC + 7],
      ] as const) {
        check({ batch: 3, m, n, k, transA, transB, strideA: m * k, strideB: 0 }, 3 * m * k, k * n, m, n);
      }
    });

    it('keeps NaN and ±∞ where they belong, and out of the zero-padded edge tiles', () => {
      const [m, n, k] = [MR + 3, NR + 2, 11];
      check({ batch: 1, m, n, k, transA, transB, strideA: m * k, strideB: k * n }, m * k, k * n, 5, 6, true);
    });
  });

  it('zero-fills the output when k = 0', () => {
    const out = dt.alloc(2 * 3 * 2).fill(Number.NaN);
    const layout = { batch: 2, m: 3, n: 2, k: 0, transA: false, transB: true, strideA: 0, strideB: 0 };
    matmul(dt.alloc(0), dt.alloc(0), out, layout);
    expect(Array.from(out)).toEqual(new Array(12).fill(0));
    out.fill(Number.NaN);
    matmul(dt.alloc(0), dt.alloc(0), out, { ...layout, transB: false });
    expect(Array.from(out)).toEqual(new Array(12).fill(0));
  });

  it('a hand-checked 2×3 · 3×2 product, and its transposed storage', () => {
    const a = dt.alloc(6);
    a.set([1, 2, 3, 4, 5, 6]);
    const b = dt.alloc(6);
    b.set([7, 8, 9, 10, 11, 12]);
    const out = dt.alloc(4);
    const plain = { batch: 1, m: 2, n: 2, k: 3, transA: false, transB: false, strideA: 6, strideB: 6 };
    matmul(a, b, out, plain);
    expect(Array.from(out)).toEqual([58, 64, 139, 154]);
    // The same matrices stored transposed: Aᵀ is [[1,4],[2,5],[3,6]], Bᵀ is [[7,9,11],[8,10,12]].
    a.set([1, 4, 2, 5, 3, 6]);
    b.set([7, 9, 11, 8, 10, 12]);
    matmul(a, b, out, { ...plain, transA: true, transB: true });
    expect(Array.from(out)).toEqual([58, 64, 139, 154]);
  });

  it('propagates NaN and 0·∞ = NaN through the products', () => {
    const a = dt.alloc(2);
    a.set([0, 1]);
    const b = dt.alloc(2);
    b.set([Infinity, 1]);
    const out = dt.alloc(1);
    matmul(a, b, out, { batch: 1, m: 1, n: 1, k: 2, transA: false, transB: false, strideA: 2, strideB: 2 });
    expect(out[0]).toBeNaN();
    matmul(a, b, out, { batch: 1, m: 1, n: 1, k: 2, transA: false, transB: true, strideA: 2, strideB: 2 });
    expect(out[0]).toBeNaN();
  });
});
