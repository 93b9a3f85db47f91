import { cast, cos, customGrad, DTypeError, Generator, mul, sin, square, stopGradient, sum, tanh, matmul, type Tensor } from '@loom/core';
import { gradcheck, gradgradcheck, GradcheckError } from '@loom/core/testing';
import { describe, expect, it } from 'vitest';
import { uniform64 } from '../../test/_numeric.js';

// Two inputs a, b (shape [3]) and two outputs:
//   out0 = a·b          (elementwise)
//   out1 = a·b²
// Each variant below gets exactly one gradient wrong, so the error must name that (output, input) pair.
type Rule = 'right' | 'out0-b-wrong' | 'out1-a-wrong' | 'out1-b-wrong';

function twoByTwo(rule: Rule) {
  const factor = (which: Rule) => (rule === which ? 2 : 1); // wrong by a factor of 2
  const out0 = customGrad((a: Tensor, b: Tensor) => ({
    value: mul(a, b),
    grad: (gy: Tensor) => [mul(gy, b), mul(mul(gy, a), factor('out0-b-wrong'))],
  }));
  const out1 = customGrad((a: Tensor, b: Tensor) => ({
    value: mul(a, square(b)),
    grad: (gy: Tensor) => [mul(mul(gy, square(b)), factor('out1-a-wrong')), mul(gy, mul(mul(a, b), 2 * factor('out1-b-wrong')))],
  }));
  return (a: Tensor, b: Tensor): Tensor[] => [out0(a, b), out1(a, b)];
}

// out1 = a·b² whose rule for b is right in value but cut off from the tape (stopGradient on the saved b), so the
// first order is right and the second order of out1 with respect to b is wrong (∂²/∂b² = 2a, the rule says 0).
function secondOrderWrong() {
  const out0 = customGrad((a: Tensor, b: Tensor) => ({ value: mul(a, b), grad: (gy: Tensor) => [mul(gy, b), mul(gy, a)] }));
  const out1 = customGrad((a: Tensor, b: Tensor) => ({
    value: mul(a, square(b)),
    grad: (gy: Tensor) => [mul(gy, square(b)), mul(gy, mul(mul(a, stopGradient(b)), 2))],
  }));
  return (a: Tensor, b: Tensor): Tensor[] => [out0(a, b), out1(a, b)];
}

const inputs = () => [uniform64([3], 1, 0.5, 1.5), uniform64([3], 2, -1.5, -0.5)];

function caught(run: () => unknown): GradcheckError {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(GradcheckError);
    return e as GradcheckError;
  }
  return expect.fail('expected a GradcheckError, but the check passed');
}

describe('gradcheck', () => {
  it('passes correct gradients (custom rules and built-in ops), in full and fast mode', () => {
    expect(gradcheck(twoByTwo('right'), inputs())).toBe(true);
    expect(gradcheck(twoByTwo('right'), inputs(), { fastMode: true })).toBe(true);
    const mlp = (x: Tensor, w: Tensor) => sum(tanh(matmul(x, w)));
    const mlpInputs = [uniform64([2, 3], 3), uniform64([3, 4], 4)];
    expect(gradcheck(mlp, mlpInputs)).toBe(true);
    expect(gradcheck(mlp, mlpInputs, { fastMode: true })).toBe(true);
  });

  const wrong: { rule: Rule; output: number; input: number }[] = [
    { rule: 'out0-b-wrong', output: 0, input: 1 },
    { rule: 'out1-a-wrong', output: 1, input: 0 },
    { rule: 'out1-b-wrong', output: 1, input: 1 },
  ];
  for (const { rule, output, input } of wrong) {
    it(`fails a rule wrong by a factor (${rule}) with GradcheckError naming output ${output} and input ${input}`, () => {
      const e = caught(() => gradcheck(twoByTwo(rule), inputs()));
      expect(e.outputIndex).toBe(output);
      expect(e.inputIndex).toBe(input);
      expect(e.message).toContain('numerical');
      expect(e.message).toContain('analytical');
      expect(e.message).toContain(`output ${output}`);
      expect(e.message).toContain(`input ${input}`);
      // The reported Jacobians are the [3, 3] blocks for that pair; the analytical one is off by the factor 2
      // on the diagonal (both are diagonal since the function is elementwise).
      expect(e.numerical.shape).toEqual([3, 3]);
      expect(e.analytical.shape).toEqual([3, 3]);
      for (let d = 0; d < 3; d++) {
        const n = e.numerical.data[d * 4]!;
        const a = e.analytical.data[d * 4]!;
        expect(Math.abs(a - 2 * n)).toBeLessThan(1e-6 * (1 + Math.abs(n)));
      }
    });

    it(`fast mode catches the same error (${rule}), naming output ${output} and input ${input}`, () => {
      const e = caught(() => gradcheck(twoByTwo(rule), inputs(), { fastMode: true }));
      expect(e.outputIndex).toBe(output);
      expect(e.inputIndex).toBe(input);
      expect(e.message).toContain('numerical');
      expect(e.message).toContain('analytical');
    });

    it(`raiseException: false returns false instead of throwing (${rule})`, () => {
      expect(gradcheck(twoByTwo(rule), inputs(), { raiseException: false })).toBe(false);
      expect(gradcheck(twoByTwo(rule), inputs(), { raiseException: false, fastMode: true })).toBe(false);
    });
  }

  it('fast mode with different generators still catches the error', () => {
    for (const s of [1, 2, 3]) {
      const ok = gradcheck(twoByTwo('out1-b-wrong'), inputs(), { fastMode: true, raiseException: false, generator: new Generator(s) });
      expect(ok).toBe(false);
    }
  });

  it('fails a single-output function with a subtly wrong rule (1% off)', () => {
    const slightly = customGrad((x: Tensor) => ({ value: sin(x), grad: (gy: Tensor) => mul(gy, mul(cos(x), 1.01)) }));
    const e = caught(() => gradcheck((x: Tensor) => slightly(x), [uniform64([4], 5)]));
    expect(e.outputIndex).toBe(0);
    expect(e.inputIndex).toBe(0);
  });

  it('a wrong rule is not hidden by a looser rtol unless the tolerance really allows it', () => {
    expect(gradcheck(twoByTwo('out0-b-wrong'), inputs(), { raiseException: false, rtol: 0.5 })).toBe(false);
    expect(gradcheck(twoByTwo('out0-b-wrong'), inputs(), { raiseException: false, rtol: 1.01 })).toBe(true);
  });

  it('rejects float32 inputs with DTypeError naming the input', () => {
    const [a, b] = inputs();
    const f = twoByTwo('right');
    expect(() => gradcheck(f, [a!, cast(b!, 'float32')])).toThrow(DTypeError);
    expect(() => gradcheck(f, [a!, cast(b!, 'float32')])).toThrow(/input 1 is float32/);
    expect(() => gradcheck(f, [cast(a!, 'float32'), b!], { fastMode: true })).toThrow(DTypeError);
    expect(() => gradgradcheck(f, [cast(a!, 'float32'), cast(b!, 'float32')])).toThrow(DTypeError);
  });
});

describe('gradgradcheck', () => {
  it('passes correct second-order rules (custom rules written with ops, and built-in ops)', () => {
    expect(gradgradcheck(twoByTwo('right'), inputs())).toBe(true);
    expect(gradgradcheck(twoByTwo('right'), inputs(), { fastMode: true })).toBe(true);
    expect(gradgradcheck((x: Tensor, w: Tensor) => tanh(matmul(x, w)), [uniform64([2, 3], 6), uniform64([3, 2], 7)])).toBe(true);
  });

  it('the first order of the stopGradient rule is right, so gradcheck passes it', () => {
    expect(gradcheck(secondOrderWrong(), inputs())).toBe(true);
    expect(gradcheck(secondOrderWrong(), inputs(), { fastMode: true })).toBe(true);
  });

  it('fails when the second order is wrong, naming the gradient output and the input', () => {
    // gradgradcheck checks (a, b, v0, v1) ↦ (∂/∂a, ∂/∂b) of v0·out0 + v1·out1. Only ∂(∂/∂b)/∂b = 2·v1·a is wrong
    // (the rule gives 0), so the error names output 1 (the gradient for b) and input 1 (b).
    const e = caught(() => gradgradcheck(secondOrderWrong(), inputs()));
    expect(e.outputIndex).toBe(1);
    expect(e.inputIndex).toBe(1);
    expect(e.message).toContain('numerical');
    expect(e.message).toContain('analytical');
    for (let d = 0; d < 3; d++) expect(e.analytical.data[d * 4]).toBe(0);
  });

  it('fast mode catches the same second-order error', () => {
    const e = caught(() => gradgradcheck(secondOrderWrong(), inputs(), { fastMode: true }));
    expect(e.outputIndex).toBe(1);
    expect(e.inputIndex).toBe(1);
  });

  it('raiseException: false returns false', () => {
    expect(gradgradcheck(secondOrderWrong(), inputs(), { raiseException: false })).toBe(false);
    expect(gradgradcheck(secondOrderWrong(), inputs(), { raiseException: false, fastMode: true })).toBe(false);
  });

  it('checks the derivative of the backward pass only: a wrong but smooth first-order rule needs gradcheck to fail', () => {
    // As in PyTorch, gradgradcheck differentiates f's vjp numerically and by the tape; both see the same wrong rule.
    expect(gradgradcheck(twoByTwo('out1-a-wrong'), inputs())).toBe(true);
    expect(gradcheck(twoByTwo('out1-a-wrong'), inputs(), { raiseException: false })).toBe(false);
  });

  it('uses given gradOutputs', () => {
    // With v1 = 0 the wrong term 2·v1·a vanishes, so the check passes; with v1 ≠ 0 it fails.
    const [a, b] = inputs();
    const zeroV1 = [uniform64([3], 8), uniform64([3], 9, 0, 0)];
    expect(gradgradcheck(secondOrderWrong(), [a!, b!], { gradOutputs: zeroV1 })).toBe(true);
    const someV1 = [uniform64([3], 8), uniform64([3], 9, 0.5, 1)];
    expect(gradgradcheck(secondOrderWrong(), [a!, b!], { gradOutputs: someV1, raiseException: false })).toBe(false);
  });
});
