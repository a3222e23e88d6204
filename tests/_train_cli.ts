// Runs `deno task train` (tasks/train.ts) as a subprocess for the CLI tests, with the
// least privilege it needs. Without --allow-run every CLI test is reported as ignored,
// with a note saying why.

/** The repository root, where tasks/train.ts runs. */
export const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");

/** Whether this test process may start `deno` (needs --allow-run). */
export const CAN_RUN: boolean = Deno.permissions.querySync({ name: "run" }).state === "granted";
if (!CAN_RUN) {
  console.warn(
    "tasks/train.ts CLI tests: skipped — starting `deno train.ts` needs --allow-run (deno test --allow-run …)",
  );
}

/** What a run printed and its exit code. */
export interface TrainOutput {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `deno run tasks/train.ts <args>` with `--allow-read=.` plus `read`,
 * and `--allow-write` only for `write` (which is readable too: files are
 * created new and renamed). A `timeoutMs` kills a run that hangs.
 */
export async function train(
  args: string[],
  perms: { read?: string[]; write?: string[]; timeoutMs?: number; v8Flags?: string[] } = {},
): Promise<TrainOutput> {
  const flags = [`--allow-read=${[".", ...(perms.read ?? [])].join(",")}`];
  if (perms.write !== undefined) {
    flags[0] += `,${perms.write.join(",")}`;
    flags.push(`--allow-write=${perms.write.join(",")}`);
  }
  if (perms.v8Flags !== undefined) flags.push(`--v8-flags=${perms.v8Flags.join(",")}`);
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", ...flags, "tasks/train.ts", ...args],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).spawn();
  const timer = setTimeout(() => child.kill("SIGKILL"), perms.timeoutMs ?? 120_000);
  try {
    const { code, stdout, stderr } = await child.output();
    const text = new TextDecoder();
    return { code, stdout: text.decode(stdout), stderr: text.decode(stderr) };
  } finally {
    clearTimeout(timer);
  }
}

/** A CLI test with a fresh temporary folder, ignored (with the note above) without --allow-run. */
export function cliTest(name: string, fn: (dir: string) => Promise<void>): void {
  Deno.test({
    name,
    ignore: !CAN_RUN,
    fn: async () => {
      const dir = await Deno.makeTempDir({ prefix: "glassbox_train_" });
      try {
        await fn(dir);
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    },
  });
}
