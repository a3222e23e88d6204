/**
 * The machine line of `deno task bench`: what the figures were measured on.
 *
 * @module
 */

/** Where and with what the figures were measured. */
export interface Machine {
  /** `model name` from /proc/cpuinfo, or "unknown". */
  cpu: string;
  /** Logical cores the runtime sees (`navigator.hardwareConcurrency`). */
  cores: number;
  /** `Deno.build.os`/`arch`. */
  os: string;
  /** Deno, V8 and TypeScript versions. */
  deno: string;
  v8: string;
  typescript: string;
  /** The 1-minute load average before the run (other work on the machine). */
  loadBefore: number | null;
  /** The same after the run. */
  loadAfter: number | null;
  /** ISO date and time the run started. */
  date: string;
}

/**
 * /proc/cpuinfo through `cat`: Deno grants reading /proc only with --allow-all,
 * so `--allow-run=cat` is the narrower permission. Null where it is refused.
 */
async function cpuinfo(): Promise<string | null> {
  try {
    const { code, stdout } = await new Deno.Command("cat", { args: ["/proc/cpuinfo"] }).output();
    return code === 0 ? new TextDecoder().decode(stdout) : null;
  } catch {
    return null;
  }
}

/**
 * The 1-minute load average (needs --allow-sys=loadavg), or null.
 *
 * @returns The load.
 */
export function loadAverage(): number | null {
  try {
    return Deno.loadavg()[0];
  } catch {
    return null;
  }
}

/**
 * Describes this machine.
 *
 * @param date When the run started.
 * @returns The machine line (without `loadAfter`, filled in at the end).
 */
export async function describeMachine(date: Date): Promise<Machine> {
  const model = (await cpuinfo())?.match(/^model name\s*:\s*(.+)$/m)?.[1]?.trim();
  return {
    cpu: model ?? "unknown",
    cores: navigator.hardwareConcurrency,
    os: `${Deno.build.os}/${Deno.build.arch}`,
    deno: Deno.version.deno,
    v8: Deno.version.v8,
    typescript: Deno.version.typescript,
    loadBefore: loadAverage(),
    loadAfter: null,
    date: date.toISOString(),
  };
}

/**
 * The machine line as one line of text.
 *
 * @param m The machine.
 * @returns E.g. `Intel(R) Xeon(R) Processor, 2 cores, linux/x86_64, Deno 2.9.6 (V8 15.0…)`.
 */
export function machineLine(m: Machine): string {
  const load = (v: number | null) => v === null ? "?" : v.toFixed(2);
  return `${m.cpu}, ${m.cores} cores, ${m.os}, Deno ${m.deno} (V8 ${m.v8}), ` +
    `load ${load(m.loadBefore)} → ${load(m.loadAfter)}, ${m.date}`;
}
