/**
 * `@glassbox/losses`: loss functions: value and gradient with respect to the prediction.
 *
 * Not built yet: this package exists so the workspace has its final shape.
 * It will hold `MSELoss`, `CrossEntropyLoss` (logits, class-index or probability targets, label smoothing), `NLLLoss`, `BCELoss`, `BCEWithLogitsLoss`, `CategoricalCrossEntropy` (the notebooks' `CE` on probabilities), each with `forward(pred, target)`, `backward()` and a `reduction` option, matching PyTorch.
 *
 * @module
 */

export {};
