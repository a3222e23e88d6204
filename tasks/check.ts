/**
 * `deno task check`: every static check CI runs, in order, stopping at the
 * first failure — formatting, lint, type check, `deno doc --lint` on every
 * package, and `deno publish --dry-run` for the whole workspace.
 *
 * @module
 */

const PACKAGES = [
  "internal",
  "tensor",
  "webgpu-kernels",
  "layers",
  "losses",
  "datasets",
  "metrics",
  "plots",
  "trainer",
];

const steps: [string, string[]][] = [
  ["format", ["fmt", "--check"]],
  ["lint", ["lint"]],
  // The lockfile with the tests' and benchmarks' npm packages (deno.lock holds only train's).
  ["type check", ["check", "--lock=tasks/dev.lock", "."]],
  // All packages in one call: linted one at a time, a workspace member's types
  // (e.g. Tensor from @glassbox/tensor) are reported as private (denoland/deno#27364).
  [
    "doc lint (every package)",
    // Second entry points: plots' ./render, tensor's ./backend.
    [
      "doc",
      "--lint",
      ...PACKAGES.map((p) => `packages/${p}/mod.ts`),
      "packages/plots/render.ts",
      "packages/tensor/seam.ts",
    ],
  ],
  ["publish dry run", ["publish", "--dry-run", "--allow-dirty"]],
];

for (const [name, args] of steps) {
  const started = performance.now();
  const { code } = await new Deno.Command(Deno.execPath(), {
    args,
    stdout: "inherit",
    stderr: "inherit",
  })
    .output();
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  if (code !== 0) {
    console.error(`check: ${name} FAILED (deno ${args.join(" ")}, exit ${code}, ${seconds}s)`);
    Deno.exit(1);
  }
  console.log(`check: ${name} ok (${seconds}s)`);
}
console.log("check: all clean");
