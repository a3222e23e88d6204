// `deno task train`, and a user's script that runs a large matmul, in a real terminal: run
// under a pseudo-terminal (`script -qec`), where Deno asks `Deno requests … access. Allow?`
// for any permission the process does not have (piped output never shows that prompt, so
// every other test passes while a user's first command hangs). Nobody answers here: a
// prompt fails the test at once, naming it; a hang fails it at the timeout. Each run must
// finish and print its result.

import { match, strictEqual } from "node:assert/strict";
import { fileURLToPath } from "node:url";

const SCRIPT = "/usr/bin/script";
const ROOT = new URL("..", import.meta.url).pathname;

const canRun = Deno.permissions.querySync({ name: "run" }).state === "granted" &&
  Deno.permissions.querySync({ name: "read", path: SCRIPT }).state === "granted" &&
  (() => {
    try {
      return Deno.statSync(SCRIPT).isFile;
    } catch {
      return false;
    }
  })();

/** What a pty run printed and how it ended. */
interface PtyRun {
  code: number;
  output: string;
}

/** Strips terminal colours and the pty's carriage returns. */
function plain(text: string): string {
  // deno-lint-ignore no-control-regex
  return text.replace(/\x1b\[[0-9;]*m/g, "").replace(/\r/g, "");
}

/** Runs `deno <args>` in a pseudo-terminal; fails at the first permission prompt. */
async function denoInPty(args: string[], timeoutMs = 120_000): Promise<PtyRun> {
  const command = [Deno.execPath(), ...args]
    .map((word) => `'${word.replaceAll("'", "'\\''")}'`)
    .join(" ");
  const child = new Deno.Command(SCRIPT, {
    args: ["-qec", command, "/dev/null"],
    cwd: ROOT,
    env: { DENO_NO_UPDATE_CHECK: "1" },
    // Kept open and never written: a prompt waits for an answer that never comes.
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let output = "";
  let failure: string | undefined;
  const timer = setTimeout(() => {
    failure = `no end after ${timeoutMs} ms`;
    child.kill("SIGKILL");
  }, timeoutMs);
  const decoder = new TextDecoder();
  const read = async (stream: ReadableStream<Uint8Array>) => {
    for await (const chunk of stream) {
      output += decoder.decode(chunk, { stream: true });
      if (failure === undefined && /Deno requests|Allow\?/.test(plain(output))) {
        failure = "a permission prompt";
        child.kill("SIGKILL");
      }
    }
  };
  await Promise.all([read(child.stdout), read(child.stderr)]);
  const { code } = await child.status;
  clearTimeout(timer);
  await child.stdin.close().catch(() => {});
  output = plain(output);
  if (failure !== undefined) {
    throw new Error(`deno ${args.join(" ")} in a terminal: ${failure}:\n${output}`);
  }
  return { code, output };
}

Deno.test({
  name: "deno task train asks for no permission in a terminal and prints its summary",
  ignore: !canRun,
  fn: async (t) => {
    for (
      const args of [
        ["--no-save", "--epochs", "1"],
        ["--experiment", "linear-regression", "--no-save", "--epochs", "1"],
      ]
    ) {
      await t.step(`deno task train ${args.join(" ")}`, async () => {
        const { code, output } = await denoInPty(["task", "train", ...args]);
        strictEqual(code, 0, output);
        match(output, /^[Ee]poch: 0 - /m); // notebook 3.1 logs "Epoch: 0 - L: …", 1.1 "epoch: 0 - MSE: …"
        match(output, /^result: 1 epochs in [0-9.]+ s - L /m);
      });
    }
  },
});

Deno.test({
  name: "a script's large matmul (worker threads) asks for no permission in a terminal",
  ignore: !canRun,
  fn: async () => {
    const mod = new URL("../packages/tensor/mod.ts", import.meta.url).href;
    const script = `
      import { matmulThreads, tensor } from ${JSON.stringify(mod)};
      const a = tensor(new Float64Array(400 * 400).fill(0.5), { shape: [400, 400] });
      for (let i = 0; i < 20; i++) a.matmul(a).dispose();
      console.log("c00", a.matmul(a).toTypedArray()[0], "threads", matmulThreads());
    `;
    // Imported by path from a data: URL, outside the workspace: the root config lets the
    // package resolve the other workspace packages (@glassbox/internal) by name.
    const config = fileURLToPath(new URL("../deno.json", import.meta.url));
    const { code, output } = await denoInPty([
      "run",
      "--no-lock",
      "--config",
      config,
      `data:application/typescript,${encodeURIComponent(script)}`,
    ]);
    strictEqual(code, 0, output);
    match(output, /^c00 100 threads \d+$/m);
  },
});
