// The packages outside Deno: `tests/runtime_smoke/entry.ts` bundled into one ES module
// with `deno bundle --platform browser`, then run
//   - by Node 20+ (the machine's `node`): train an MLP on makeClassification, save and load
//     it through safetensors bytes, save and load files (node:fs/promises), ModelCheckpoint,
//     and `fit({ verbose: true })` printing to process.stdout;
//   - by headless Chromium (/usr/bin/chromium, driven by playwright-core from npm, the page
//     served on 127.0.0.1 with the cross-origin isolation headers): the same training on the
//     CPU, the console as the epoch log's output, the file helpers' refusal, and the same
//     training again on WebGPU (SwiftShader, `--enable-unsafe-webgpu`).
// Both also multiply two 256×256 matrices until a worker thread has taken a task.
// The CPU losses must equal Deno's own run of the same module to 1e-6. Where `bun` is on
// the PATH, Bun runs what Node runs.
//
// Without `node` or Chromium (/usr/bin/chromium, or the executable GLASSBOX_CHROMIUM names)
// the tests are reported as ignored, with a warning saying why; when the CI environment
// variable is set they fail instead (CI installs both).

import { deepStrictEqual, match, ok, strictEqual } from "node:assert/strict";
import { assertClose } from "@glassbox/tensor";
import { runSmoke, type SmokeResult } from "./runtime_smoke/smoke.ts";
import type { FileRoundTrip } from "./runtime_smoke/files.ts";
import { type ThreadedMatmul, threadedMatmul } from "./runtime_smoke/threads.ts";

const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
/** The oldest Node the packages support. */
const NODE_MAJOR = 20;

const canRun = Deno.permissions.querySync({ name: "run" }).state === "granted";

/** An environment variable, or "" when it is unset or env access is not granted. */
function env(name: string): string {
  const granted = Deno.permissions.querySync({ name: "env", variable: name }).state === "granted";
  return granted ? Deno.env.get(name) ?? "" : "";
}
const inCi = env("CI") !== "";
/** Debian's Chromium unless GLASSBOX_CHROMIUM names another build. */
const CHROMIUM = env("GLASSBOX_CHROMIUM") || "/usr/bin/chromium";

const text = new TextDecoder();

/** Runs a command; undefined when the program does not exist. */
async function run(
  program: string,
  args: string[],
  options: { timeoutMs?: number } = {},
): Promise<{ code: number; stdout: string; stderr: string } | undefined> {
  try {
    const { code, stdout, stderr } = await new Deno.Command(program, {
      args,
      cwd: ROOT,
      stdout: "piped",
      stderr: "piped",
      env: { NO_COLOR: "1" },
      signal: AbortSignal.timeout(options.timeoutMs ?? 120_000),
    }).output();
    return { code, stdout: text.decode(stdout), stderr: text.decode(stderr) };
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

/** Why `node` cannot run the bundle here, or "" when it can. */
async function nodeMissing(): Promise<string> {
  const out = await run("node", ["--version"]);
  if (out === undefined) return "`node` is not installed (apt-get install nodejs, or nodejs.org)";
  const major = Number(/^v(\d+)\./.exec(out.stdout.trim())?.[1]);
  return major >= NODE_MAJOR ? "" : `node ${out.stdout.trim()} is older than ${NODE_MAJOR}`;
}

/** Why Chromium cannot run the page here, or "" when it can. */
async function chromiumMissing(): Promise<string> {
  try {
    await Deno.stat(CHROMIUM);
    return "";
  } catch {
    return `${CHROMIUM} is missing (apt-get install chromium, or set GLASSBOX_CHROMIUM)`;
  }
}

/**
 * Registers `fn` as a test, or, when `missing` says why it cannot run, as an
 * ignored test with a warning, or under CI as a failing test.
 */
function smokeTest(name: string, missing: string, fn: () => Promise<void>): void {
  if (missing === "") {
    Deno.test({ name, fn, sanitizeResources: false, sanitizeOps: false });
  } else if (inCi) {
    Deno.test(`${name} (required when CI is set)`, () => {
      throw new Error(`Cannot run the runtime smoke test: ${missing}`);
    });
  } else {
    console.warn(`%cruntime_smoke_test.ts: SKIPPED "${name}": ${missing}`, "color: yellow");
    Deno.test({ name, ignore: true, fn });
  }
}

const noRun = canRun ? "" : "starting node, chromium and deno bundle needs --allow-run";
const nodeReason = noRun || await nodeMissing();
const chromiumReason = noRun || await chromiumMissing();
const bunReason = noRun ||
  ((await run("bun", ["--version"])) === undefined ? "`bun` is not on the PATH" : "");

let bundled: Promise<string> | undefined;
/** The folder holding smoke.mjs, built once per test process. */
function bundle(): Promise<string> {
  bundled ??= (async () => {
    const dir = await Deno.makeTempDir({ prefix: "glassbox_smoke_" });
    globalThis.addEventListener("unload", () => Deno.removeSync(dir, { recursive: true }));
    const out = await run(Deno.execPath(), [
      "bundle",
      "--quiet",
      "--no-lock", // the bundle's graph needs no npm package; leave every lock file alone
      "--platform",
      "browser",
      "--output",
      `${dir}/smoke.mjs`,
      "tests/runtime_smoke/entry.ts",
    ]);
    if (out?.code !== 0) throw new Error(`deno bundle failed (exit ${out?.code}): ${out?.stderr}`);
    return dir;
  })();
  return bundled;
}

interface DenoRun {
  float64: SmokeResult;
  float32: SmokeResult;
  threads: ThreadedMatmul;
}
let reference: Promise<DenoRun> | undefined;
/** Deno's own run of the smoke module, in float64 and float32, and the threaded matmul. */
function denoRun(): Promise<DenoRun> {
  reference ??= (async () => ({
    float64: await runSmoke(),
    float32: await runSmoke({ dtype: "float32" }),
    threads: await threadedMatmul(),
  }))();
  return reference;
}

/**
 * Checks that worker threads computed part of the product, and that it is Deno's within the
 * float64 contract's rtol 1e-12: not to the bit, since the WebAssembly builds differ by
 * runtime (relaxed SIMD may fuse multiply-adds, and whether it does is the engine's choice).
 */
function assertThreaded(actual: ThreadedMatmul, expected: ThreadedMatmul, where: string): void {
  strictEqual(actual.shared, true, `${where}: the WebAssembly memory is shared`);
  ok(actual.workerTasks > 0, `${where}: no worker took a task in ${actual.products} products`);
  const message = `${where} (${actual.kind} build; Deno: ${expected.kind})`;
  assertClose(actual.corner, expected.corner, { message });
  assertClose(actual.sum, expected.sum, { message });
}

/** Checks a CPU run from another runtime against Deno's: every loss to 1e-6. */
function assertSameTraining(actual: SmokeResult, expected: SmokeResult, where: string): void {
  strictEqual(actual.device, "cpu");
  strictEqual(actual.dtype, expected.dtype);
  assertClose(actual.epochLosses, expected.epochLosses, {
    rtol: 0,
    atol: 1e-6,
    message: `${where}: epoch losses`,
  });
  assertClose(actual.loss, expected.loss, { rtol: 0, atol: 1e-6, message: `${where}: loss` });
  strictEqual(actual.reloadedLoss, actual.loss, `${where}: the reloaded model's loss`);
  strictEqual(actual.bytes, expected.bytes);
}

/** The epoch log's lines `EpochLogger` prints for a run (`Epoch: 7 - L: 0.3891`). */
function epochLines(result: SmokeResult): string[] {
  return result.epochLosses.map((loss, epoch) => `Epoch: ${epoch} - L: ${loss.toFixed(4)}`);
}

const NODE_RUNNER = `// Runs the smoke bundle in Node and prints its results as the last line.
import { readdir, writeFile } from "node:fs/promises";
const [bundle, dir] = process.argv.slice(2);
const smoke = await import(bundle);
const cpu = await smoke.runSmoke({ verbose: true });
const files = await smoke.fileRoundTrip(dir, (d) => readdir(d), (p, b) => writeFile(p, b));
// Node 20 has no navigator.hardwareConcurrency, so the default is one thread: ask for two.
const defaultThreads = smoke.matmulThreads();
smoke.setMatmulThreads(2);
const threads = await smoke.threadedMatmul();
console.log(JSON.stringify({ cpu, files, threads, defaultThreads }));
`;

/** Runs the bundle with a Node-compatible runtime (`node` or `bun`) and checks everything. */
async function checkServerRuntime(program: string): Promise<void> {
  const dir = await bundle();
  const files = await Deno.makeTempDir({ prefix: "glassbox_smoke_files_" });
  try {
    await Deno.writeTextFile(`${dir}/run_node.mjs`, NODE_RUNNER);
    const out = await run(program, [`${dir}/run_node.mjs`, `${dir}/smoke.mjs`, files]);
    strictEqual(out?.code, 0, `${program} failed: ${out?.stderr}`);
    const lines = out!.stdout.trimEnd().split("\n");
    const result = JSON.parse(lines.at(-1)!) as {
      cpu: SmokeResult;
      files: FileRoundTrip;
      threads: ThreadedMatmul;
      defaultThreads: number;
    };
    const { float64, threads } = await denoRun();
    console.log(
      `${program}: default matmul threads ${result.defaultThreads}; with 2, ` +
        `${result.threads.workerTasks} worker tasks, ${result.threads.kind} build ` +
        `(Deno: ${threads.kind}); loss ${result.cpu.loss} (Deno: ${float64.loss})`,
    );
    assertSameTraining(result.cpu, float64, program);
    assertThreaded(result.threads, threads, program);
    // fit({ verbose: true }) and EpochLogger wrote to process.stdout.
    for (const line of epochLines(float64)) {
      ok(lines.includes(line), `no "${line}" in\n${out!.stdout}`);
    }
    ok(result.files.identical, `the file ${program} saved loads back bit for bit`);
    deepStrictEqual(result.files.metadata, { format: "pt", run: "smoke" });
    deepStrictEqual(result.files.files, ["model.safetensors"], "a temporary file was left");
    deepStrictEqual(result.files.checkpointTensors, ["0.bias", "0.weight", "2.bias", "2.weight"]);
    match(
      result.files.malformed,
      /^SafetensorsFormatError: Cannot load safetensors file .*bad\.safetensors: it is 3 bytes long/,
    );
  } finally {
    await Deno.remove(files, { recursive: true });
  }
}

smokeTest(
  "Node runs the bundled packages: trains, saves through bytes and files, uses threads, matches Deno",
  nodeReason,
  () => checkServerRuntime("node"),
);

// Bun is checked where it is installed; CI does not install it, so it is never required.
if (bunReason === "") {
  Deno.test({
    name:
      "Bun runs the bundled packages: trains, saves through bytes and files, uses threads, matches Deno",
    sanitizeResources: false,
    sanitizeOps: false,
    fn: () => checkServerRuntime("bun"),
  });
} else {
  console.warn(`%cruntime_smoke_test.ts: Bun not checked: ${bunReason}`, "color: yellow");
}

interface BrowserResult {
  crossOriginIsolated: boolean;
  cpu: SmokeResult;
  cpuFloat32: SmokeResult;
  refusals: { save: string; checkpoint: string };
  threads: ThreadedMatmul;
  adapter?: string;
  webgpu?: SmokeResult;
  webgpuError?: string;
  console: string[];
  pageErrors: string[];
}

let browserRun: Promise<BrowserResult> | undefined;
/** One Chromium session for both browser tests. */
function inChromium(): Promise<BrowserResult> {
  browserRun ??= (async () => {
    const dir = await bundle();
    // Its own import map and lock file: playwright-core never enters the workspace's lock.
    const out = await run(Deno.execPath(), [
      "run",
      "--no-config",
      "--import-map=tests/runtime_smoke/import_map.json",
      "--lock=tests/runtime_smoke/deno.lock",
      "--frozen",
      "--allow-all", // playwright-core probes /proc and starts Chromium with pipes
      "tests/runtime_smoke/chromium_driver.ts",
      dir,
      CHROMIUM,
    ], { timeoutMs: 180_000 });
    if (out?.code !== 0) {
      throw new Error(`the Chromium driver failed (exit ${out?.code}): ${out?.stderr}`);
    }
    return JSON.parse(out.stdout.trimEnd().split("\n").at(-1)!) as BrowserResult;
  })();
  return browserRun;
}

smokeTest(
  "headless Chromium runs the bundled packages on the CPU, with worker threads, matching Deno to 1e-6",
  chromiumReason,
  async () => {
    const result = await inChromium();
    deepStrictEqual(result.pageErrors, []);
    strictEqual(result.crossOriginIsolated, true, "COOP/COEP headers give SharedArrayBuffer");
    const { float64, float32, threads } = await denoRun();
    assertSameTraining(result.cpu, float64, "chromium");
    assertThreaded(result.threads, threads, "chromium");
    assertSameTraining(result.cpuFloat32, float32, "chromium float32");
    // With no stdout, fit({ verbose: true }) and EpochLogger log to the console line by line.
    for (const line of epochLines(float64)) {
      ok(result.console.includes(`log: ${line}`), `no "${line}" in ${result.console}`);
    }
    match(result.refusals.save, /^Cannot save safetensors: this runtime has no file system/);
    match(result.refusals.checkpoint, /^Cannot create the checkpoint folder: this runtime has no/);
  },
);

smokeTest(
  "headless Chromium with --enable-unsafe-webgpu trains the same model on WebGPU",
  chromiumReason,
  async () => {
    const result = await inChromium();
    ok(result.webgpu !== undefined, `no WebGPU run: ${result.webgpuError}`);
    const gpu = result.webgpu;
    ok(gpu.device.startsWith("webgpu:"), gpu.device);
    strictEqual(gpu.dtype, "float32");
    // float32 kernels that sum in another order than the CPU's: close, not equal.
    const { float32 } = await denoRun();
    assertClose(gpu.epochLosses, float32.epochLosses, { rtol: 1e-4, atol: 0 });
    strictEqual(gpu.reloadedLoss, gpu.loss, "the reloaded model's loss");
    ok(
      gpu.loss < gpu.epochLosses[0] / 2,
      `the loss fell from ${gpu.epochLosses[0]} to ${gpu.loss}`,
    );
  },
);
