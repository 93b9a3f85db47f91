// An echo state network predicting the chaotic Mackey–Glass series (τ = 17) one step ahead: a fixed random
// sparse reservoir of 500 leaky tanh units, and a linear readout fitted in closed form by ridge regression
// (no gradient descent at all). Build with `pnpm build`, then run `node examples/dist/esn/main.js`.
import { runESN } from './experiment.js';

const options = { reservoirSize: 500, trainLength: 4000, testLength: 1000, washout: 200 };
console.log(`reservoir ${options.reservoirSize} units; fit on ${options.trainLength} steps, held-out ${options.testLength}`);
const result = runESN(options);
console.log(`one-step-ahead NRMSE: held-out ${result.heldOutNrmse.toExponential(2)}, training ${result.trainNrmse.toExponential(2)}`);
console.log(`(persistence baseline x̂(t+1) = x(t): ${result.persistenceNrmse.toExponential(2)})\n`);
console.log('   t   target   predicted');
for (let t = 0; t < 10; t++) {
  console.log(`${String(t).padStart(4)}  ${result.targets[t]!.toFixed(5)}  ${result.predictions[t]!.toFixed(5)}`);
}
