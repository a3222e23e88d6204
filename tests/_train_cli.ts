// Runs `deno task train` (tasks/train.ts) as a subprocess for the CLI tests, with the
// least privilege it needs. Without --allow-run every CLI test is reported as ignored,
// with a note saying why.

export const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
export const CAN_RUN = Deno.permissions.querySync({ name: "run" }).state === "granted";
if (!CAN_RUN) {
  console.warn(
    "tasks/train.ts CLI tests: skipped — starting `deno train.ts` needs --allow-run (deno test --allow-run …)",
  );
}

export interface Output {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs tasks/train.ts with `--allow-read=.` plus `read`, `--allow-write` only for `write`. */
export async function train(
  args: string[],
  perms: { read?: string[]; write?: string[] } = {},
): Promise<Output> {
  const flags = [`--allow-read=${[".", ...(perms.read ?? [])].join(",")}`];
  if (perms.write !== undefined) {
    // Files are created new and renamed, which needs read access to the folder too.
    flags[0] += `,${perms.write.join(",")}`;
    flags.push(`--allow-write=${perms.write.join(",")}`);
  }
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...flags, "tasks/train.ts", ...args],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const text = new TextDecoder();
  return { code, stdout: text.decode(stdout), stderr: text.decode(stderr) };
}

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
