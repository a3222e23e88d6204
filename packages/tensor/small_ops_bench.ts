// The fixed costs of one small operation on the CPU backend, each measured alone: a 33-row
// training step runs a few hundred of them, so each microsecond here is a few percent of
// the step. Every entry works on tensors of a few elements (the arithmetic is nothing) or
// on the [33, 32] float64 shapes of the notebooks' 32-wide layers.
//
//   deno bench --lock=tasks/dev.lock --allow-read packages/tensor/small_ops_bench.ts
//
// Read the figures as ratios within one run (the machine is shared).

import { keep, tensor, tidy, zeros } from "./mod.ts";
import { allocHost, releaseHost } from "./cpu/memory.ts";
import { cpu } from "./cpu/backend.ts";
import { storageOf, tensorFromStorage } from "./seam.ts";
import { lcgTensor as values } from "./_test_util.ts";

const tiny = tensor([1, 2, 3, 4]);
const tiny2 = tensor([5, 6, 7, 8]);
const x = values([33, 32], 1);
const w = values([32, 32], 2);
const b = values([32], 3);
const shape = Object.freeze([4]);

Deno.bench("pool: allocHost + releaseHost (float64, 1056)", { group: "fixed" }, () => {
  releaseHost(allocHost("float64", 1056, false));
});
Deno.bench("tensor: tensorFromStorage + dispose (pooled storage)", { group: "fixed" }, () => {
  tensorFromStorage(allocHost("float64", 4, false), { shape, dtype: "float64", device: cpu })
    .dispose();
});
Deno.bench("tensor: view + dispose", { group: "fixed" }, () => {
  tiny.view().dispose();
});
Deno.bench("tensor: reshape + dispose", { group: "fixed" }, () => {
  tiny.reshape([2, 2]).dispose();
});
Deno.bench("tensor: add of 4 elements + dispose", { group: "fixed" }, () => {
  tiny.add(tiny2).dispose();
});
Deno.bench("tensor: add of a number + dispose", { group: "fixed" }, () => {
  tiny.add(1).dispose();
});
Deno.bench("tensor: neg of 4 elements + dispose", { group: "fixed" }, () => {
  tiny.neg().dispose();
});
Deno.bench("tensor: sum of 4 elements + dispose", { group: "fixed" }, () => {
  tiny.sum().dispose();
});
Deno.bench("tidy: empty", { group: "fixed" }, () => {
  tidy(() => 0);
});
Deno.bench("tidy: three intermediates, one returned", { group: "fixed" }, () => {
  tidy(() => tiny.neg().neg().neg()).dispose();
});
Deno.bench("keep: a view", { group: "fixed" }, () => {
  keep(tiny.view()).dispose();
});
Deno.bench("storageOf", { group: "fixed" }, () => {
  storageOf(tiny, "bench");
});
Deno.bench("zeros([4]) + dispose", { group: "fixed" }, () => {
  zeros([4]).dispose();
});

Deno.bench("x.tanh() [33, 32] float64", { group: "33x32" }, () => {
  x.tanh().dispose();
});
Deno.bench("x.relu() [33, 32] float64", { group: "33x32" }, () => {
  x.relu().dispose();
});
Deno.bench("x·Wᵀ + b [33, 32]·[32, 32]ᵀ float64", { group: "33x32" }, () => {
  x.matmul(w, { transposeB: true, bias: b }).dispose();
});
Deno.bench("x·W [33, 32]·[32, 32] float64", { group: "33x32" }, () => {
  x.matmul(w).dispose();
});
Deno.bench("xᵀ·x [32, 33]·[33, 32] float64", { group: "33x32" }, () => {
  x.matmul(x, { transposeA: true }).dispose();
});
Deno.bench("x.sum(0) [33, 32] float64", { group: "33x32" }, () => {
  x.sum(0).dispose();
});
