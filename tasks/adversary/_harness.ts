// The adversarial harness's machinery: a case is one child process (a `deno run` of
// tasks/train.ts or of the library probe) with a hard timeout, and a judge that reads what
// came back and classifies it. See run.ts for the categories and how to run it.

/** How a case ended. */
export type Outcome = "handled" | "crash" | "hang" | "silent" | "unclear";

/** The outcomes in table order. */
export const OUTCOMES: readonly Outcome[] = ["handled", "crash", "hang", "silent", "unclear"];

/** What a child process did. */
export interface Observation {
  /** Exit code (null when a signal ended it). */
  code: number | null;
  /** The signal that ended it, if any. */
  signal: string | null;
  stdout: string;
  stderr: string;
  /** The hard timeout fired and the harness killed it. */
  timedOut: boolean;
  /** Wall time in ms. */
  ms: number;
}

/** A judge's verdict: the outcome and, when it is not "handled", why. */
export interface Verdict {
  outcome: Outcome;
  why?: string;
}

/** One adversarial case. */
export interface Case {
  category: string;
  name: string;
  /** The command (argv[0] is the executable). */
  cmd: string[];
  env?: Record<string, string>;
  /** Cases of one group never run at the same time (they share files). */
  group?: string;
  /** Hard timeout in ms (default 60 s). */
  timeoutMs?: number;
  /** Prepares files before the run. */
  setup?: () => Promise<void>;
  /** Runs the child differently (signals, kills); default: spawn and wait. */
  drive?: (child: Deno.ChildProcess) => Promise<void>;
  /** Classifies the observation (may inspect files the run wrote). */
  judge: (o: Observation) => Verdict | Promise<Verdict>;
}

/** The repository root. */
export const ROOT = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");

const DECODER = new TextDecoder();

/** Runs a case's child with its hard timeout; a timeout kills the whole process group. */
export async function observe(c: Case): Promise<Observation> {
  await c.setup?.();
  const started = performance.now();
  const child = new Deno.Command(c.cmd[0], {
    args: c.cmd.slice(1),
    cwd: ROOT,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1", ...c.env },
    clearEnv: false,
  }).spawn();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    try {
      child.kill("SIGKILL");
    } catch { /* already gone */ }
  }, c.timeoutMs ?? 60_000);
  const stdout = new Response(child.stdout).arrayBuffer();
  const stderr = new Response(child.stderr).arrayBuffer();
  try {
    await c.drive?.(child);
  } catch { /* the judge sees what happened */ }
  const status = await child.status;
  clearTimeout(timer);
  return {
    code: status.signal === null ? status.code : null,
    signal: status.signal,
    stdout: DECODER.decode(await stdout),
    stderr: DECODER.decode(await stderr),
    timedOut,
    ms: performance.now() - started,
  };
}

/** Signs of an uncaught failure in a child's stderr. */
const CRASH_SIGNS =
  /^\s+at .*(file:|ext:|<anonymous>)|error: Uncaught|panicked at|RUST_BACKTRACE|Maximum call stack|allocation failed|out of memory|Segmentation fault|Aborted|FATAL ERROR/m;

/** The exit codes tasks/train.ts documents. */
export const TRAIN_CODES = new Set([0, 1, 2, 3, 130]);

/** Crash, hang or undocumented ending, or null when the process ended on its own terms. */
export function abnormal(o: Observation, codes: Set<number> = TRAIN_CODES): Verdict | null {
  if (o.timedOut) return { outcome: "hang", why: `no exit within ${Math.round(o.ms / 1000)} s` };
  if (o.signal !== null) return { outcome: "crash", why: `ended by ${o.signal}` };
  const sign = o.stderr.match(CRASH_SIGNS);
  if (sign !== null) return { outcome: "crash", why: `stderr: ${excerpt(o.stderr, sign.index)}` };
  if (o.code === null || !codes.has(o.code)) {
    return { outcome: "crash", why: `exit ${o.code}, not a documented code` };
  }
  return null;
}

/** A line of text around `at`, for reports. */
export function excerpt(text: string, at = 0): string {
  const start = text.lastIndexOf("\n", at) + 1;
  const end = text.indexOf("\n", at);
  return text.slice(start, end < 0 ? undefined : end).trim().slice(0, 160);
}

/** The first line train printed as its error (`train: …`). */
export function trainError(stderr: string): string {
  const m = stderr.match(/^train: .*$/m);
  return m === null ? stderr.trim().split("\n")[0] ?? "" : m[0];
}

/**
 * A judge for bad input that must be refused: exit `code`, and the error line names every
 * one of `mentions` (the argument, the value it got, what it expected).
 */
export function refused(code: number, ...mentions: (string | RegExp)[]) {
  return (o: Observation): Verdict => {
    const bad = abnormal(o);
    if (bad !== null) return bad;
    if (o.code === 0) return { outcome: "silent", why: "exit 0: the bad input was accepted" };
    const message = o.stderr;
    if (o.code !== code) {
      return {
        outcome: "unclear",
        why: `exit ${o.code}, expected ${code}: ${trainError(message)}`,
      };
    }
    for (const m of mentions) {
      const found = typeof m === "string" ? message.includes(m) : m.test(message);
      if (!found) {
        return { outcome: "unclear", why: `message lacks ${m}: ${trainError(message)}` };
      }
    }
    return { outcome: "handled" };
  };
}

/** True when the path exists. */
export function exists(path: string): boolean {
  try {
    Deno.lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/** Runs `cases` `jobs` at a time; calls `done` after each. */
export async function runAll(
  cases: readonly Case[],
  jobs: number,
  done: (c: Case, v: Verdict, o: Observation) => void,
): Promise<void> {
  const waiting = [...cases];
  const busy = new Set<string>();
  const worker = async () => {
    while (waiting.length > 0) {
      const at = waiting.findIndex((c) => c.group === undefined || !busy.has(c.group));
      if (at < 0) {
        await new Promise((r) => setTimeout(r, 50));
        continue;
      }
      const c = waiting.splice(at, 1)[0];
      if (c.group !== undefined) busy.add(c.group);
      let o: Observation;
      let v: Verdict;
      try {
        o = await observe(c);
        v = await c.judge(o);
      } catch (error) {
        o = { code: null, signal: null, stdout: "", stderr: "", timedOut: false, ms: 0 };
        v = { outcome: "crash", why: `harness: ${(error as Error).message}` };
      }
      if (c.group !== undefined) busy.delete(c.group);
      done(c, v, o);
    }
  };
  await Promise.all(Array.from({ length: jobs }, worker));
}
