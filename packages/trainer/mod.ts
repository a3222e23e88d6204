/**
 * `@glassbox/trainer`: optimizers and the training loop.
 *
 * Not built yet: this package exists so the workspace has its final shape.
 * It will hold `SGD`, `Adam`, `AdamW` and `LBFGS` with PyTorch's exact update rules; `fit`, `evaluate`, `predict`; callbacks (progress bar, early stopping, checkpoints, NaN guard); `History`; restarts.
 *
 * @module
 */

export {};
