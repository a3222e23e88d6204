/**
 * `loadCsv` / `parseCsv`: numeric tables from CSV text, parsed by the
 * `csv-parse` package (RFC 4180 quoting, BOM, CRLF).
 *
 * @module
 */

import { parse } from "csv-parse/sync";
import { type Tensor, tensor } from "@glassbox/tensor";
import { checkBool, show } from "./_validate.ts";

/** A column chosen by header name or by 0-based position. */
export type ColumnRef = string | number;

/** Options of {@linkcode loadCsv} and {@linkcode parseCsv}. */
export interface CsvOptions {
  /** The first row holds column names. Default true (without it, columns are named "0", "1", …). */
  header?: boolean;
  /** Feature columns, in order; default every column except the target. */
  columns?: readonly ColumnRef[];
  /** The target column, returned separately as `y`. Default none. */
  target?: ColumnRef;
  /** Field delimiter, one character. Default ",". */
  delimiter?: string;
}

/** A numeric table: features, optional target, and their names. */
export interface CsvData {
  /** Feature values, shape [rows, columns.length], float64. */
  x: Tensor;
  /** Target values, shape [rows] (only with a `target`). */
  y?: Tensor;
  /** Names of the feature columns, in the order of x's columns. */
  columns: string[];
  /** Name of the target column (only with a `target`). */
  target?: string;
}

// A decimal number: no hex, no "Infinity" / "NaN", no empty string.
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
// Bounds one record, so a file without line breaks cannot exhaust memory in one field.
const MAX_RECORD_SIZE = 1 << 20;

interface CsvParseError extends Error {
  code?: string;
  lines?: number;
}

/**
 * Parses CSV text into a numeric table. Every selected field must be a
 * decimal number; a row with the wrong number of fields, a broken quote or a
 * non-numeric value is an error that names the line.
 *
 * @param text The CSV content.
 * @param options Header, column choice, target, delimiter; see {@linkcode CsvOptions}.
 * @param source Name used in error messages (e.g. the file path).
 * @returns `{ x, y?, columns, target? }`.
 * @example
 * ```ts
 * import { parseCsv } from "@glassbox/datasets";
 * import { deepStrictEqual, throws } from "node:assert/strict";
 *
 * const table = parseCsv("a,b,label\n1,2,0\n3,4.5,1\n", { target: "label" });
 * deepStrictEqual(table.x.toArray(), [[1, 2], [3, 4.5]]);
 * deepStrictEqual(table.y!.toArray(), [0, 1]);
 * deepStrictEqual(table.columns, ["a", "b"]);
 * throws(() => parseCsv("a,b\n1,2\n3\n"), /line 3/);
 * ```
 */
export function parseCsv(text: string, options: CsvOptions = {}, source = "text"): CsvData {
  const action = `load CSV ${source}`;
  if (typeof text !== "string") {
    throw new TypeError(`Cannot ${action}: text must be a string, got ${show(text)}`);
  }
  const header = checkBool(options.header ?? true, "header", action);
  const delimiter = options.delimiter ?? ",";
  if (typeof delimiter !== "string" || delimiter.length !== 1 || /["\r\n]/.test(delimiter)) {
    throw new TypeError(
      `Cannot ${action}: delimiter must be one character other than a quote or line break, got ${
        show(delimiter)
      }`,
    );
  }
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      delimiter,
      bom: true,
      info: true,
      skip_empty_lines: true,
      relax_column_count: false,
      max_record_size: MAX_RECORD_SIZE,
    });
  } catch (error) {
    const e = error as CsvParseError;
    const where = typeof e.lines === "number" ? `line ${e.lines}` : "the input";
    throw new SyntaxError(`Cannot ${action}: malformed CSV at ${where}: ${e.message}`);
  }
  if (records.length === 0) throw new RangeError(`Cannot ${action}: the input has no rows`);
  const width = records[0].record.length;
  const names = header
    ? records[0].record.map((s) => s.trim())
    : Array.from({ length: width }, (_, i) => String(i));
  const rows = header ? records.slice(1) : records;

  const resolve = (ref: ColumnRef, what: string): number => {
    if (typeof ref === "number") {
      if (!Number.isInteger(ref) || ref < 0 || ref >= width) {
        throw new RangeError(
          `Cannot ${action}: ${what} index must be an integer in [0, ${width - 1}], got ${ref}`,
        );
      }
      return ref;
    }
    if (typeof ref !== "string") {
      throw new TypeError(`Cannot ${action}: ${what} must be a name or an index, got ${show(ref)}`);
    }
    const found = names.flatMap((n, i) => (n === ref ? [i] : []));
    if (found.length !== 1) {
      const why = found.length === 0
        ? "no column has that name"
        : `${found.length} columns have that name`;
      throw new RangeError(
        `Cannot ${action}: ${what} ${show(ref)} is ambiguous or missing (${why}); columns are ${
          show(names)
        }`,
      );
    }
    return found[0];
  };
  const targetIndex = options.target === undefined ? -1 : resolve(options.target, "target");
  const featureIndex = options.columns === undefined
    ? names.map((_, i) => i).filter((i) => i !== targetIndex)
    : Array.from(options.columns, (ref) => resolve(ref, "column"));

  const cell = (row: { record: string[]; info: { lines: number } }, c: number): number => {
    const raw = row.record[c].trim();
    if (!NUMBER.test(raw)) {
      throw new TypeError(
        `Cannot ${action}: line ${row.info.lines}, column ${
          show(names[c])
        } must be a decimal number, got ${show(raw)}`,
      );
    }
    return Number(raw);
  };
  const x = new Float64Array(rows.length * featureIndex.length);
  const y = new Float64Array(targetIndex >= 0 ? rows.length : 0);
  rows.forEach((row, r) => {
    featureIndex.forEach((c, j) => (x[r * featureIndex.length + j] = cell(row, c)));
    if (targetIndex >= 0) y[r] = cell(row, targetIndex);
  });
  const result: CsvData = {
    x: tensor(x, { shape: [rows.length, featureIndex.length], dtype: "float64" }),
    columns: featureIndex.map((i) => names[i]),
  };
  if (targetIndex >= 0) {
    result.y = tensor(y, { shape: [rows.length], dtype: "float64" });
    result.target = names[targetIndex];
  }
  return result;
}

/**
 * Reads a CSV file into a numeric table (see {@linkcode parseCsv}); needs
 * `--allow-read`. The file is untrusted input: malformed rows, non-numeric
 * fields and oversized records are rejected with the line number.
 *
 * @param path Path of the file.
 * @param options Header, column choice, target, delimiter; see {@linkcode CsvOptions}.
 * @returns A promise of `{ x, y?, columns, target? }`.
 * @example The first rows of Fisher's iris data, species as the target
 * ```ts
 * import { loadCsv } from "@glassbox/datasets";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const path = new URL("./testdata/iris_head.csv", import.meta.url);
 * const { x, y, columns } = await loadCsv(path, { target: "species" });
 * deepStrictEqual(x.shape, [6, 4]);
 * deepStrictEqual(columns, ["sepal_length", "sepal_width", "petal_length", "petal_width"]);
 * deepStrictEqual(y!.toArray(), [0, 0, 1, 1, 2, 2]);
 * ```
 */
export async function loadCsv(path: string | URL, options: CsvOptions = {}): Promise<CsvData> {
  const text = await Deno.readTextFile(path);
  return parseCsv(text, options, String(path));
}
