/**
 * `@glassbox/layers`: layers with explicit, readable forward and backward passes.
 *
 * Not built yet: this package exists so the workspace has its final shape.
 * It will hold `Dense(inFeatures, outFeatures, { activation, bias, init })` initialised exactly like PyTorch's `nn.Linear`; activation layers `Identity`, `ReLU`, `Sigmoid`, `Tanh`, `Softmax`, `LogSoftmax`, `LeakyReLU`, `GELU`; `Sequential` and `mlp([2, 3, 4, 2])`; `stateDict()`/`loadStateDict()` with PyTorch key names; safetensors save/load. Every `backward()` reads like its derivation, e.g. for Dense `∂L/∂W = Aᵀ·Δ`.
 *
 * @module
 */

export {};
