export { Tensor, type NestedArray, type BackwardOptions } from './tensor.js';
export { LoomError, ShapeError, DTypeError, ValueError, GradError } from './errors.js';
export type { TensorLike } from './convert.js';
export type { DType, Shape } from '@loom/ops';
export {
  tensor,
  zeros,
  ones,
  full,
  zerosLike,
  onesLike,
  arange,
  eye,
  rand,
  randn,
  randint,
  type CreateOptions,
  type TensorOptions,
  type RandomOptions,
} from './creation.js';
export { Generator, seed } from './random.js';
export type { OpInfo, CheckRow, Domain, RealDomain, AwayFromDomain, MaskDomain, Pick } from './check.js';

export { noGrad } from './autodiff/mode.js';
export { stopGradient } from './autodiff/stop-gradient.js';
export { grad, valueAndGrad, type ArgNums, type Grads } from './autodiff/grad.js';
export { vjp, jvp } from './autodiff/vjp.js';
export { jacobian, hessian } from './autodiff/jacobian.js';
export { customGrad, type CustomGradResult } from './autodiff/custom-grad.js';
export { Placement } from './autodiff/placement.js';
export { ProductGradient } from './autodiff/product-gradient.js';
export {
  definePrimitive,
  defineComposite,
  type PrimitiveSpec,
  type Saves,
  type BackwardContext,
  type Prepared,
  type Raw,
  type InputGrads,
} from './define.js';

// Primitives: ops with their own backward rule.
export { neg } from './ops/unary/neg.js';
export { exp } from './ops/unary/exp.js';
export { log } from './ops/unary/log.js';
export { log1p } from './ops/unary/log1p.js';
export { sqrt } from './ops/unary/sqrt.js';
export { tanh } from './ops/unary/tanh.js';
export { sigmoid } from './ops/unary/sigmoid.js';
export { sigmoidGrad } from './ops/unary/sigmoid-grad.js';
export { tanhGrad } from './ops/unary/tanh-grad.js';
export { relu } from './ops/unary/relu.js';
export { abs } from './ops/unary/abs.js';
export { sign } from './ops/unary/sign.js';
export { sin } from './ops/unary/sin.js';
export { cos } from './ops/unary/cos.js';
export { add } from './ops/binary/add.js';
export { sub } from './ops/binary/sub.js';
export { mul } from './ops/binary/mul.js';
export { div } from './ops/binary/div.js';
export { safeDiv } from './ops/binary/safe-div.js';
export { pow } from './ops/binary/pow.js';
export { maximum } from './ops/binary/maximum.js';
export { minimum } from './ops/binary/minimum.js';
export { eq, ne, lt, le, gt, ge } from './ops/binary/compare.js';
export { where } from './ops/where.js';
export { sum } from './ops/reduce/sum.js';
export { max } from './ops/reduce/max.js';
export { argmax } from './ops/reduce/argmax.js';
export type { Axes } from './ops/reduce/_axes.js';
export { reshape } from './ops/shape/reshape.js';
export { expand } from './ops/shape/expand.js';
export { transpose } from './ops/shape/transpose.js';
export { slice } from './ops/shape/slice.js';
export { pad } from './ops/shape/pad.js';
export { concat } from './ops/shape/concat.js';
export { gather } from './ops/index/gather.js';
export { scatterAdd } from './ops/index/scatter-add.js';
export type { Indices } from './ops/index/_indices.js';
export { matmul } from './ops/linalg/matmul.js';
export { linear } from './ops/linalg/linear.js';
export type { MatmulOptions } from './ops/linalg/_layout.js';
export { cast } from './ops/cast.js';

// Composites: plain functions of the primitives above.
export { sumTo } from './ops/reduce/sum-to.js';
export { square } from './ops/unary/square.js';
export { mean } from './ops/composite/mean.js';
export { variance, type VarianceOptions } from './ops/composite/variance.js';
export { min } from './ops/composite/min.js';
export { norm } from './ops/composite/norm.js';
export { logSumExp } from './ops/composite/log-sum-exp.js';
export { logSoftmax } from './ops/composite/log-softmax.js';
export { softmax } from './ops/composite/softmax.js';
export { lerp } from './ops/composite/lerp.js';
export { clamp } from './ops/composite/clamp.js';
export { softplus } from './ops/unary/softplus.js';
export { unsqueeze } from './ops/composite/unsqueeze.js';
export { squeeze } from './ops/composite/squeeze.js';
export { stack } from './ops/composite/stack.js';
export { split } from './ops/composite/split.js';
export { oneHot } from './ops/composite/one-hot.js';
export { solve } from './ops/linalg/solve.js';

// Seeing inside the tape: anomaly mode, time-step scopes, graph export.
export { detectAnomaly, AnomalyError, type AnomalyDetails } from './autodiff/anomaly.js';
export { timeStep, currentTimeStep, withStepTap, type StepScope } from './graph/hooks.js';
export { recordGraph, type TapeGraph, type GraphNode, type RecordGraphOptions, type Recording, type StepLabel } from './graph/record.js';
export { toDot, type DotOptions } from './graph/dot.js';
