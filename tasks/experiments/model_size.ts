/**
 * The size check `deno task train` makes before it builds a model: the
 * parameter count of every architecture and the memory its training needs,
 * so `--layers 50000,50000` (or a CSV whose labels imply a huge output
 * layer) is refused with both figures instead of allocating gigabytes.
 *
 * @module
 */

import type { ExperimentConfig } from "./config.ts";

/** The most memory the weights, gradients and optimizer state of one model may take. */
export const MAX_TRAINING_BYTES = 8 * 2 ** 30;

/** Copies of the parameters each optimizer keeps besides the weights and their gradients. */
const STATE_COPIES: Record<ExperimentConfig["optimizer"], number> = {
  sgd: 1, // momentum buffer (none without momentum; counted anyway)
  adam: 2, // first and second moments
  adamw: 2,
  lbfgs: 2 * 100 + 3, // history_size 100 pairs of s and y, plus the direction and two gradients
};

/** Parameters of a dense network `features`-`hidden`…-`outputs` (weights and biases). */
export function parameterCount(
  features: number,
  hidden: readonly number[],
  outputs: number,
): number {
  const sizes = [features, ...hidden, outputs];
  let count = 0;
  for (let i = 1; i < sizes.length; i++) count += (sizes[i - 1] + 1) * sizes[i];
  return count;
}

/**
 * Checks every architecture of `config` on data with `features` inputs and `outputs`
 * outputs fits the memory limit.
 *
 * @param config The run's settings.
 * @param features Input columns.
 * @param outputs Output columns or classes.
 * @throws RangeError naming the architecture, its parameter count and the memory it needs.
 */
export function checkModelSize(config: ExperimentConfig, features: number, outputs: number): void {
  const bytesPerValue = config.dtype === "float64" ? 8 : 4;
  for (const hidden of config.architectures) {
    const count = parameterCount(features, hidden, outputs);
    const bytes = count * bytesPerValue * (2 + STATE_COPIES[config.optimizer]);
    if (bytes <= MAX_TRAINING_BYTES) continue;
    const gib = (n: number) => (n / 2 ** 30).toFixed(1);
    throw new RangeError(
      `Cannot build the model ${[features, ...hidden, outputs].join("-")}: it has ${
        count.toLocaleString("en-US")
      } parameters, and training it with ${config.optimizer} in ${config.dtype} needs about ${
        gib(bytes)
      } GiB for weights, gradients and optimizer state (the limit is ${
        gib(MAX_TRAINING_BYTES)
      } GiB); use smaller --layers` +
        (outputs > 1000 ? ` or check the target's ${outputs} outputs` : ""),
    );
  }
}
