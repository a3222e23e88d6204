/**
 * Peak memory of reading a large CSV file with `loadCsv` (streamed into
 * float64 arrays): writes a file of the given size (default 200 MB: 8
 * float columns and an integer class label, ~11 bytes a value), then in
 * fresh `deno` processes under GNU time (`/usr/bin/time -f %M`: peak
 * resident set size) (1) loads it with `loadCsv` and (2) runs `deno task
 * train --data` on it for one epoch, and prints each peak against the file
 * size. Target: at most 3× the file size.
 *
 * ```sh
 * deno run --allow-read --allow-write=/tmp --allow-run tasks/bench/csv_memory.ts [MB]
 * ```
 *
 * @module
 */

import { loadCsv } from "@glassbox/datasets";

const MB = 1_000_000;

/** Runs `deno <args>` under GNU time; returns its stdout and peak RSS in bytes. */
async function measured(args: string[]): Promise<{ stdout: string; peakBytes: number }> {
  const out = await new Deno.Command("/usr/bin/time", {
    args: ["-f", "peak %M", Deno.execPath(), ...args],
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  const peak = stderr.match(/peak (\d+)\s*$/);
  if (!out.success || peak === null) throw new Error(`deno ${args.join(" ")} failed:\n${stderr}`);
  return { stdout: new TextDecoder().decode(out.stdout), peakBytes: Number(peak[1]) * 1024 };
}

if (Deno.args[0] === "--load") {
  const t0 = performance.now();
  const table = await loadCsv(Deno.args[1], { target: "label", maxBytes: 2 ** 31 });
  const seconds = (performance.now() - t0) / 1000;
  console.log(JSON.stringify({
    rows: table.x.shape[0],
    features: table.x.shape[1],
    seconds,
  }));
} else {
  const size = Number(Deno.args[0] ?? 200) * MB;
  const path = `/tmp/glassbox_csv_memory_${size / MB}MB.csv`;
  const have = await Deno.stat(path).then((s) => s.size).catch(() => 0);
  if (have < size) {
    const file = await Deno.open(path, { write: true, create: true, truncate: true });
    const enc = new TextEncoder();
    let written = 0;
    let state = 1;
    const next = () => ((state = (state * 48271) % 2147483647) / 2147483647);
    const header = enc.encode("f0,f1,f2,f3,f4,f5,f6,f7,label\n");
    await file.write(header);
    written += header.length;
    while (written < size) {
      const lines: string[] = [];
      for (let i = 0; i < 10000; i++) {
        const cells = Array.from({ length: 8 }, () => (next() * 200 - 100).toFixed(6));
        lines.push(`${cells.join(",")},${Math.floor(next() * 3)}`);
      }
      const bytes = enc.encode(lines.join("\n") + "\n");
      for (let at = 0; at < bytes.length;) at += await file.write(bytes.subarray(at));
      written += bytes.length;
    }
    file.close();
  }
  const fileBytes = (await Deno.stat(path)).size;
  const here = new URL(import.meta.url).pathname;
  const load = await measured(["run", `--allow-read=${path}`, here, "--load", path]);
  const r = JSON.parse(load.stdout);
  const ratio = (bytes: number) =>
    `${(bytes / MB).toFixed(1)} MB = ${(bytes / fileBytes).toFixed(2)}×`;
  console.log(
    `${path}: ${(fileBytes / MB).toFixed(1)} MB, ${r.rows} rows × ${r.features} features + label`,
  );
  console.log(
    `loadCsv: ${r.seconds.toFixed(1)} s, peak RSS ${ratio(load.peakBytes)} the file size`,
  );
  const root = new URL("../..", import.meta.url).pathname;
  const cli = await measured([
    "run",
    `--allow-read=${root},${path}`,
    `${root}tasks/train.ts`,
    ...[
      "--data",
      path,
      "--target",
      "label",
      "--epochs",
      "1",
      "--batch-size",
      "4096",
      "--max-data-mb",
      "1024",
    ],
    ...["--no-save", "--json"],
  ]);
  const report = JSON.parse(cli.stdout);
  console.log(
    `train --data (1 epoch, batch 4096): ${report.seconds.toFixed(1)} s training, peak RSS ${
      ratio(cli.peakBytes)
    } the file size`,
  );
}
