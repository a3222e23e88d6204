/**
 * `loadCsv`: reads a CSV file into a numeric table (see `parseCsv`), in
 * chunks, with `Deno` when present and `node:fs/promises` otherwise.
 *
 * @module
 */

import { MAX_RECORD_CHARS, TableBuilder } from "./_csv_table.ts";
import { checkCsvOptions, type CsvData, type CsvOptions } from "./parse_csv.ts";
import { checkInteger, openRegularFile } from "@glassbox/internal";

/** Options of {@linkcode loadCsv}: those of `parseCsv`, and a size limit. */
export interface LoadCsvOptions extends CsvOptions {
  /** Largest file accepted, in bytes. Default 512 MiB (`DEFAULT_MAX_CSV_BYTES`). */
  maxBytes?: number;
}

/** The default size limit of {@linkcode loadCsv}: 512 MiB. */
export const DEFAULT_MAX_CSV_BYTES: number = 512 * 1024 * 1024;

const CHUNK = 1 << 20;

/**
 * Reads a CSV file into a numeric table (see `parseCsv` for the format and
 * the checks on every cell). The file is untrusted input: only a regular
 * file is read (a directory, FIFO, device such as `/dev/zero`, or a link to
 * one is refused before anything is read), at most `maxBytes` bytes (checked
 * against its size first, and again while reading), in 1 MiB chunks that
 * are parsed straight into float64 arrays, so memory stays near the size of
 * the numbers, not of the text. Uses `Deno` when present (needs
 * `--allow-read`) and `node:fs/promises` otherwise (Node, Bun).
 *
 * @param path Path of the file.
 * @param options Header, column choice, target, delimiter, `maxBytes`; see {@linkcode LoadCsvOptions}.
 * @returns A promise of `{ x, y?, columns, target?, classes? }`.
 * @example The first rows of Fisher's iris data, species as the target
 * ```ts
 * import { loadCsv } from "@glassbox/datasets";
 * import { deepStrictEqual, rejects } from "node:assert/strict";
 *
 * const path = new URL("./testdata/iris_head.csv", import.meta.url);
 * const { x, y, columns } = await loadCsv(path, { target: "species" });
 * deepStrictEqual(x.shape, [6, 4]);
 * deepStrictEqual(columns, ["sepal_length", "sepal_width", "petal_length", "petal_width"]);
 * deepStrictEqual(y!.toArray(), [0, 0, 1, 1, 2, 2]);
 * await rejects(loadCsv(path, { maxBytes: 100 }), /above the limit of 100 bytes/);
 * ```
 */
export async function loadCsv(path: string | URL, options: LoadCsvOptions = {}): Promise<CsvData> {
  const name = String(path);
  const action = `load CSV ${name}`;
  const spec = checkCsvOptions(options, action);
  const maxBytes = checkInteger(options.maxBytes, action, "maxBytes", 1, DEFAULT_MAX_CSV_BYTES);
  const where = typeof path === "string" ? path : decodeURIComponent(path.pathname);
  const file = await openRegularFile(where, action, {
    maxBytes,
    hint: "read the text yourself and use parseCsv(text)",
  });
  try {
    const builder = new TableBuilder(spec, action, file.size);
    const decoder = new TextDecoder("utf-8", { fatal: true });
    const decode = (bytes: Uint8Array, at: number, stream = false): string => {
      try {
        return decoder.decode(bytes, { stream });
      } catch {
        throw new TypeError(
          `Cannot ${action}: the file is not valid UTF-8 text (bytes ${at} to ${
            at + bytes.length
          })`,
        );
      }
    };
    // Text goes to the parser in pieces that end at a line break (byte 10 is never part of a
    // multi-byte character), so each piece decodes alone and the parser rarely carries a record over.
    const buffer = new Uint8Array(CHUNK);
    let carry = new Uint8Array(0);
    let total = 0;
    while (true) {
      const n = await file.read(buffer);
      if (n === 0) break;
      total += n;
      if (total > maxBytes) {
        throw new RangeError(
          `Cannot ${action}: the file grew past the limit of ${maxBytes} bytes (maxBytes) while being read`,
        );
      }
      const data = new Uint8Array(carry.length + n);
      data.set(carry);
      data.set(buffer.subarray(0, n), carry.length);
      const cut = data.lastIndexOf(10) + 1;
      if (cut > 0) {
        builder.push(decode(data.subarray(0, cut), total - data.length));
        carry = data.slice(cut);
      } else if (data.length > 4 * MAX_RECORD_CHARS) {
        builder.push(decode(data, total - data.length, true)); // the parser reports the endless record
        carry = new Uint8Array(0);
      } else {
        carry = data;
      }
    }
    builder.push(decode(carry, total - carry.length));
    return builder.end();
  } finally {
    await file.close();
  }
}
