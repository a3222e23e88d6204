/**
 * `@glassbox/losses`: loss functions with explicit, readable backward passes,
 * matching PyTorch value for value and gradient for gradient.
 *
 * Each loss is a class: `forward(pred, target)` returns the loss (a scalar
 * for `reduction: "mean"` or `"sum"`, per element or per sample for
 * `"none"`) and keeps what the gradient needs; `backward(gradOutput?)`
 * returns ∂L/∂pred.
 *
 * - `MSELoss`: mean squared error.
 * - `CrossEntropyLoss`: logits against class indices or probabilities, with
 *   `weight`, `ignoreIndex` and `labelSmoothing`; stable for large logits.
 * - `NLLLoss`: log-probabilities against class indices.
 * - `BCELoss`: probabilities against binary (or soft) targets.
 * - `BCEWithLogitsLoss`: logits against binary targets, stable, with `posWeight`.
 * - `CategoricalCrossEntropy`: probabilities against one-hot targets, the notebooks' `CE`.
 *
 * @example A training step's loss and gradient
 * ```ts
 * import { CrossEntropyLoss } from "@glassbox/losses";
 * import { assertClose, tensor } from "@glassbox/tensor";
 *
 * const logits = tensor([[2, 1, 0], [0, 0, 3]]);
 * const labels = tensor([0, 2]);
 * const loss = new CrossEntropyLoss();
 * const value = loss.forward(logits, labels);
 * assertClose(value, logits.logSoftmax().mul(tensor([[1, 0, 0], [0, 0, 1]])).sum().neg().div(2));
 * const grad = loss.backward(); // (softmax − one-hot) / N
 * assertClose(grad, logits.softmax().sub(tensor([[1, 0, 0], [0, 0, 1]])).div(2));
 * ```
 *
 * @module
 */

export type { Loss, LossOptions, Reduction } from "./loss.ts";
export { MSELoss } from "./mse_loss.ts";
export { CrossEntropyLoss, type CrossEntropyLossOptions } from "./cross_entropy_loss.ts";
export { NLLLoss, type NLLLossOptions } from "./nll_loss.ts";
export { BCELoss, type BCELossOptions } from "./bce_loss.ts";
export { BCEWithLogitsLoss, type BCEWithLogitsLossOptions } from "./bce_with_logits_loss.ts";
export { CategoricalCrossEntropy } from "./categorical_cross_entropy.ts";
