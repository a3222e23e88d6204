// Builds a numeric table from CSV records as they stream in: feature values
// go straight into fixed-size Float64Array blocks (no array of rows, no
// strings kept), the target into numbers or, when a cell is not a number,
// into dictionary codes of its distinct labels.

import { tensor } from "@glassbox/tensor";
import { CsvReader, type CsvRecord, CsvSyntaxError } from "./_csv_reader.ts";
import { describe } from "@glassbox/internal";

/** A column chosen by header name or by 0-based position. */
export type ColumnRef = string | number;

/** What the builder needs from the options (checked by the caller). */
export interface TableSpec {
  header: boolean;
  columns?: readonly ColumnRef[];
  target?: ColumnRef;
  delimiter: string;
}

/** The table: plain arrays, ready to become tensors. */
export interface Table {
  x: ReturnType<typeof tensor>;
  y?: ReturnType<typeof tensor>;
  columns: string[];
  target?: string;
  classes?: string[];
}

// A decimal number: no hex, no "Infinity" / "NaN", no empty string.
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
/** Longest record accepted, in characters. */
export const MAX_RECORD_CHARS = 1 << 20;
/** Most distinct labels a non-numeric target may have. */
export const MAX_CLASSES = 65536;

/**
 * Float64 values appended one by one. With a capacity bound, they live in a
 * resizable ArrayBuffer that grows in place (virtual memory is reserved for
 * the bound, pages are used as values arrive), so no copy is ever made;
 * otherwise the array doubles.
 */
class Values {
  #buffer: ArrayBuffer;
  #view: Float64Array;
  length = 0;
  constructor(maxValues: number) {
    const max = Math.max(1024, Math.min(maxValues, 2 ** 31)) * 8;
    const resizable = typeof (ArrayBuffer.prototype as { resize?: unknown }).resize === "function";
    this.#buffer = resizable
      ? new ArrayBuffer(Math.min(max, 1 << 16), { maxByteLength: max })
      : new ArrayBuffer(1 << 16);
    this.#view = new Float64Array(this.#buffer);
  }
  push(v: number): void {
    if (this.length === this.#view.length) this.#grow();
    this.#view[this.length++] = v;
  }
  #grow(): void {
    const bytes = this.#buffer.byteLength * 2;
    if (this.#buffer.resizable && bytes <= this.#buffer.maxByteLength) {
      this.#buffer.resize(bytes);
    } else if (this.#buffer.resizable && this.#buffer.byteLength < this.#buffer.maxByteLength) {
      this.#buffer.resize(this.#buffer.maxByteLength);
    } else {
      const next = new Float64Array(this.#view.length * 2);
      next.set(this.#view);
      this.#buffer = next.buffer;
    }
    this.#view = new Float64Array(this.#buffer);
  }
  /** The values (a view; valid until the next push). */
  values(): Float64Array {
    return this.#view.subarray(0, this.length);
  }
}

/** Parses CSV text pushed in pieces into a numeric table. */
export class TableBuilder {
  readonly #spec: TableSpec;
  readonly #action: string;
  readonly #reader: CsvReader;
  #names: string[] | null = null;
  #features: number[] = [];
  #targetIndex = -1;
  #x: Values;
  #y: Values; // numeric target values (NaN where not a number)
  #codes: Values; // dictionary code of each target cell
  #dictionary = new Map<string, number>();
  #firstLabel: { text: string; line: number } | null = null; // first non-numeric target cell
  #rows = 0;

  /**
   * @param spec Columns, target, header, delimiter.
   * @param action For messages: "load CSV <source>".
   * @param maxChars An upper bound on the characters to come (each value takes at least two).
   */
  constructor(spec: TableSpec, action: string, maxChars: number) {
    const maxValues = Math.ceil(maxChars / 2) + 1;
    this.#x = new Values(maxValues);
    this.#y = new Values(maxValues);
    this.#codes = new Values(maxValues);
    this.#spec = spec;
    this.#action = action;
    this.#reader = new CsvReader(spec.delimiter, MAX_RECORD_CHARS, (r) => this.#record(r));
  }

  push(text: string): void {
    try {
      this.#reader.push(text);
    } catch (error) {
      this.#rethrow(error);
    }
  }

  #rethrow(error: unknown): never {
    if (error instanceof CsvSyntaxError) {
      throw new SyntaxError(`Cannot ${this.#action}: ${error.message}`);
    }
    throw error;
  }

  #fail(ErrorType: new (m: string) => Error, message: string): never {
    throw new ErrorType(`Cannot ${this.#action}: ${message}`);
  }

  #resolve(ref: ColumnRef, what: string, names: string[]): number {
    const width = names.length;
    if (typeof ref === "number") {
      if (!Number.isInteger(ref) || ref < 0 || ref >= width) {
        this.#fail(
          RangeError,
          `${what} index must be an integer in [0, ${width - 1}], got ${ref}`,
        );
      }
      return ref;
    }
    if (typeof ref !== "string") {
      this.#fail(TypeError, `${what} must be a name or an index, got ${describe(ref)}`);
    }
    const found = names.flatMap((n, i) => (n === ref ? [i] : []));
    if (found.length !== 1) {
      const why = found.length === 0
        ? "no column has that name"
        : `${found.length} columns have that name`;
      this.#fail(
        RangeError,
        `${what} ${describe(ref)} is ambiguous or missing (${why}); columns are ${describe(names)}`,
      );
    }
    return found[0];
  }

  #start(names: string[]): void {
    this.#names = names;
    const spec = this.#spec;
    this.#targetIndex = spec.target === undefined
      ? -1
      : this.#resolve(spec.target, "target", names);
    this.#features = spec.columns === undefined
      ? names.map((_, i) => i).filter((i) => i !== this.#targetIndex)
      : Array.from(spec.columns, (ref) => this.#resolve(ref, "column", names));
    if (this.#features.length === 0) {
      const only = this.#targetIndex >= 0
        ? `the only column is the target ${describe(names[this.#targetIndex])}`
        : "columns is empty";
      this.#fail(
        RangeError,
        `no feature columns: ${only}; expected at least one numeric feature column besides the target`,
      );
    }
  }

  #record(record: CsvRecord): void {
    if (this.#names === null) {
      const width = record.fields.length;
      if (this.#spec.header) {
        this.#start(record.fields.map((s) => s.trim()));
        return;
      }
      this.#start(Array.from({ length: width }, (_, i) => String(i)));
    }
    const names = this.#names!;
    const fields = record.fields;
    if (fields.length !== names.length) {
      this.#fail(
        SyntaxError,
        `malformed CSV at line ${record.line}: ${fields.length} fields, expected ${names.length} (as the ${
          this.#spec.header ? "header" : "first row"
        })`,
      );
    }
    for (const c of this.#features) this.#x.push(this.#number(fields[c], record.line, c));
    if (this.#targetIndex >= 0) this.#target(fields[this.#targetIndex].trim(), record.line);
    this.#rows++;
  }

  #number(cell: string, line: number, c: number): number {
    // Fast path: a plain decimal number; anything else is checked again below for the message.
    const raw = cell.trim();
    if (NUMBER.test(raw)) {
      const v = Number(raw);
      if (Number.isFinite(v)) return v;
    }
    const where = `line ${line}, column ${describe(this.#names![c])}`;
    if (raw === "") {
      this.#fail(TypeError, `${where} is empty (a missing value), expected a decimal number`);
    }
    if (!NUMBER.test(raw)) {
      this.#fail(TypeError, `${where} must be a decimal number, got ${describe(raw)}`);
    }
    this.#fail(
      RangeError,
      `${where} is ${describe(raw)}, beyond float64's range (±1.8e308), expected a finite number`,
    );
  }

  #target(raw: string, line: number): void {
    const name = (): string => describe(this.#names![this.#targetIndex]);
    if (raw === "") {
      this.#fail(
        TypeError,
        `line ${line}, target column ${name()} is empty (a missing label or value)`,
      );
    }
    let v = NaN;
    if (NUMBER.test(raw)) {
      v = Number(raw);
      if (!Number.isFinite(v)) {
        this.#fail(
          RangeError,
          `line ${line}, target column ${name()} is ${
            describe(raw)
          }, beyond float64's range (±1.8e308), expected a finite number or a label`,
        );
      }
    } else if (this.#firstLabel === null) {
      this.#firstLabel = { text: raw, line };
    }
    this.#y.push(v);
    let code = this.#dictionary.get(raw);
    if (code === undefined) {
      if (this.#dictionary.size >= MAX_CLASSES) {
        if (this.#firstLabel !== null) {
          this.#fail(
            RangeError,
            `line ${line}, target column ${name()} has more than ${MAX_CLASSES} distinct labels, expected class labels`,
          );
        }
        code = -1; // numeric regression target: no dictionary needed
      } else {
        code = this.#dictionary.size;
        this.#dictionary.set(raw, code);
      }
    }
    this.#codes.push(code);
  }

  /** Ends the input and returns the table. */
  end(): Table {
    try {
      this.#reader.end();
    } catch (error) {
      this.#rethrow(error);
    }
    if (this.#names === null) this.#fail(RangeError, "the input has no rows");
    if (this.#rows === 0) this.#fail(RangeError, "the input has a header but no data rows");
    const names = this.#names!;
    const rows = this.#rows;
    const width = this.#features.length;
    const table: Table = {
      x: tensor(this.#x.values(), { shape: [rows, width], dtype: "float64" }),
      columns: this.#features.map((i) => names[i]),
    };
    if (this.#targetIndex < 0) return table;
    table.target = names[this.#targetIndex];
    if (this.#firstLabel === null) {
      table.y = tensor(this.#y.values(), { shape: [rows], dtype: "float64" });
      return table;
    }
    // Labels: sorted by code unit as LabelEncoder sorts strings; y holds their indices.
    const byCode = [...this.#dictionary.keys()];
    const sorted = [...byCode].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const rank = new Map(sorted.map((label, i) => [label, i]));
    const remap = byCode.map((label) => rank.get(label)!);
    const codes = this.#codes.values();
    for (let i = 0; i < codes.length; i++) codes[i] = remap[codes[i]];
    table.y = tensor(codes, { shape: [rows], dtype: "float64" });
    table.classes = sorted;
    return table;
  }
}
