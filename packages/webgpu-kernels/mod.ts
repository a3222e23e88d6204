/**
 * `@glassbox/webgpu-kernels`: wGSL kernels and the WebGPU `Backend` for glassbox tensors (float32).
 *
 * Not built yet: this package exists so the workspace has its final shape.
 * It will hold `requestWebGPU()` returning a device usable as `tensor(..., { device })` and `model.to(device)`; WGSL kernels for every primitive of the `Backend` interface in `@glassbox/tensor` (elementwise with broadcasting, tiled matmul with transpose variants, deterministic tree reductions, softmax); fused dense/softmax-cross-entropy/optimizer kernels; pooled GPU buffers with explicit `dispose()`. WGSL has no f64, so float64 tensors are a clear error here, never a silent downcast.
 *
 * @module
 */

export {};
