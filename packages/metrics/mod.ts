/**
 * `@glassbox/metrics`: metrics for regression and classification, matching scikit-learn.
 *
 * Not built yet: this package exists so the workspace has its final shape.
 * It will hold `mape` (the notebooks' modified MAPE in percent), `mse`, `mae`, `rmse`, `r2Score`, `accuracy`, `confusionMatrix`, `precisionRecallF1`.
 *
 * @module
 */

export {};
