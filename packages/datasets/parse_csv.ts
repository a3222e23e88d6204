/**
 * `parseCsv`: a numeric table from CSV text, in any runtime (no file
 * access). Features must be decimal numbers; a target column may hold
 * numbers or labels (label-encoded).
 *
 * @module
 */

import type { Tensor } from "@glassbox/tensor";
import { type ColumnRef, TableBuilder } from "./_csv_table.ts";
import { checkBoolean, describe } from "@glassbox/internal";

export type { ColumnRef } from "./_csv_table.ts";

/** Options of {@linkcode parseCsv} and `loadCsv`. */
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
  /**
   * Target values, shape [rows] (only with a `target`): the numbers as
   * written, or — when any target cell is not a number — the index of each
   * row's label in `classes`.
   */
  y?: Tensor;
  /** Names of the feature columns, in the order of x's columns. */
  columns: string[];
  /** Name of the target column (only with a `target`). */
  target?: string;
  /**
   * The target's labels, sorted as scikit-learn's `LabelEncoder` sorts
   * strings (by code unit), when the target column holds labels that are
   * not all numbers; `y` then holds indices into it.
   */
  classes?: string[];
}

/** Checks the options shared by `parseCsv` and `loadCsv`. */
export function checkCsvOptions(
  options: CsvOptions,
  action: string,
): { header: boolean; delimiter: string; columns?: readonly ColumnRef[]; target?: ColumnRef } {
  if (typeof options !== "object" || options === null) {
    throw new TypeError(`Cannot ${action}: options must be an object, got ${describe(options)}`);
  }
  const header = checkBoolean(options.header ?? true, action, "header");
  const delimiter = options.delimiter ?? ",";
  if (typeof delimiter !== "string" || delimiter.length !== 1 || /["\r\n]/.test(delimiter)) {
    throw new TypeError(
      `Cannot ${action}: delimiter must be one character other than a quote or line break, got ${
        describe(delimiter)
      }`,
    );
  }
  if (options.columns !== undefined && !Array.isArray(options.columns)) {
    throw new TypeError(
      `Cannot ${action}: columns must be an array of names or indices, got ${
        describe(options.columns)
      }`,
    );
  }
  return { header, delimiter, columns: options.columns, target: options.target };
}

/**
 * Parses CSV text (RFC 4180: quoted fields, doubled quotes, CRLF or LF, a
 * leading BOM; empty lines skipped) into a numeric table. Every feature cell
 * must be a finite decimal number; an empty cell, a non-number (`abc`,
 * `NaN`, `Infinity`, `0x10`) or a number beyond float64's range (`1e400`)
 * is an error naming the line, the column and the cell. A target column
 * whose cells are all numbers gives those numbers; one with any other label
 * (`setosa`) is label-encoded: `classes` lists the labels sorted and `y`
 * holds each row's index. Runs in any runtime; see `loadCsv` for files.
 *
 * @param text The CSV content.
 * @param options Header, column choice, target, delimiter; see {@linkcode CsvOptions}.
 * @param source Name used in error messages (e.g. the file path).
 * @returns `{ x, y?, columns, target?, classes? }`.
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
 *
 * // String labels are encoded; bad feature cells name line and column.
 * const iris = parseCsv("w,species\n1.4,setosa\n4.7,versicolor\n1.3,setosa\n", { target: "species" });
 * deepStrictEqual(iris.classes, ["setosa", "versicolor"]);
 * deepStrictEqual(iris.y!.toArray(), [0, 1, 0]);
 * throws(() => parseCsv("w,y\n1e400,1\n"), /line 2, column "w" is "1e400", beyond float64's range/);
 * ```
 */
export function parseCsv(text: string, options: CsvOptions = {}, source = "text"): CsvData {
  const action = `load CSV ${source}`;
  if (typeof text !== "string") {
    throw new TypeError(`Cannot ${action}: text must be a string, got ${describe(text)}`);
  }
  const builder = new TableBuilder(checkCsvOptions(options, action), action, text.length);
  builder.push(text);
  return builder.end();
}
