// Parsing an einsum equation against its operands' shapes: which label each
// axis carries, the size of every label, and the labels of the output.
//
// Labels are numbers: A–Z are 0–25 and a–z are 26–51 (so sorting labels
// sorts them as ASCII does, the order of the implicit output), and the axes
// an ellipsis covers are 52, 53, … counted from the left of the widest
// ellipsis, so that shorter ones line up on the right as broadcasting does.

import { fmtShape } from "@glassbox/internal";

/** The first label an ellipsis axis gets. */
const ELLIPSIS_BASE = 52;

/** An equation resolved against the operands' shapes. */
export interface EinsumPlan {
  /** The label of every axis of every operand. */
  readonly inputs: readonly (readonly number[])[];
  /** The labels of the result's axes, in order. */
  readonly output: readonly number[];
  /** The size of every label (a size-1 axis broadcasts against a larger one). */
  readonly sizes: ReadonlyMap<number, number>;
}

/** How an error message shows a label: its letter, or `...[k]` for axis k under the ellipsis. */
export function labelName(label: number): string {
  if (label < 26) return String.fromCharCode(65 + label);
  if (label < ELLIPSIS_BASE) return String.fromCharCode(97 + label - 26);
  return `...[${label - ELLIPSIS_BASE}]`;
}

/** One side of a term: its letters and where (if anywhere) its ellipsis stands. */
interface Term {
  readonly letters: number[];
  /** Index into `letters` before which the ellipsis stands, or -1. */
  readonly ellipsisAt: number;
  readonly text: string;
}

/** Reads one comma-separated term, or throws a RangeError naming what is wrong. */
function parseTerm(text: string, fail: (why: string) => never, where: string): Term {
  const letters: number[] = [];
  let ellipsisAt = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === " ") continue;
    if (c === ".") {
      if (text.slice(i, i + 3) !== "...") {
        fail(`${where} has a "." that is not part of "...", expected exactly three dots`);
      }
      if (ellipsisAt !== -1) fail(`${where} has more than one "..."`);
      ellipsisAt = letters.length;
      i += 2;
      continue;
    }
    const code = c.charCodeAt(0);
    if (code >= 65 && code <= 90) letters.push(code - 65);
    else if (code >= 97 && code <= 122) letters.push(code - 97 + 26);
    else fail(`${where} has the character "${c}", expected letters a-z, A-Z or "..."`);
  }
  return { letters, ellipsisAt, text: text.trim() };
}

/**
 * Resolves `equation` against the operand shapes. Throws a RangeError for a
 * malformed equation and a TypeError for operands whose shapes do not fit it.
 */
export function parseEinsum(equation: string, shapes: readonly (readonly number[])[]): EinsumPlan {
  const head = `Cannot einsum "${equation}"`;
  const fail = (why: string): never => {
    throw new RangeError(`${head}: ${why}`);
  };
  const mismatch = (why: string): never => {
    throw new TypeError(`${head}: ${why}`);
  };
  const arrow = equation.indexOf("->");
  if (arrow !== -1 && equation.indexOf("->", arrow + 2) !== -1) fail(`it has more than one "->"`);
  const lhs = arrow === -1 ? equation : equation.slice(0, arrow);
  const texts = lhs.split(",");
  if (texts.length !== shapes.length) {
    fail(
      `it has ${texts.length} input term${texts.length === 1 ? "" : "s"} but ${shapes.length} ` +
        `operand${shapes.length === 1 ? " was" : "s were"} given`,
    );
  }
  const terms = texts.map((t, i) => parseTerm(t, fail, `the term of operand ${i} ("${t.trim()}")`));

  // The number of axes each ellipsis covers, and the widest.
  let widest = 0;
  const covered = terms.map((term, i) => {
    const rank = shapes[i].length;
    const extra = rank - term.letters.length;
    if (term.ellipsisAt === -1 ? extra !== 0 : extra < 0) {
      mismatch(
        `operand ${i} has shape ${fmtShape(shapes[i])} (${rank} axes) but its subscripts ` +
          `"${term.text}" name ${term.letters.length}${term.ellipsisAt === -1 ? "" : " or more"}`,
      );
    }
    widest = Math.max(widest, extra);
    return term.ellipsisAt === -1 ? 0 : extra;
  });

  const inputs = terms.map((term, i) => {
    const labels = [...term.letters];
    if (term.ellipsisAt !== -1) {
      const dots = Array.from(
        { length: covered[i] },
        (_, k) => ELLIPSIS_BASE + widest - covered[i] + k,
      );
      labels.splice(term.ellipsisAt, 0, ...dots);
    }
    return labels;
  });

  const sizes = new Map<number, number>();
  const seenIn = new Map<number, number>();
  inputs.forEach((labels, i) => {
    const own = new Map<number, number>();
    labels.forEach((label, axis) => {
      const size = shapes[i][axis];
      const before = own.get(label);
      if (before !== undefined && before !== size) {
        mismatch(
          `subscript ${labelName(label)} is repeated in operand ${i} (shape ${
            fmtShape(shapes[i])
          }) with sizes ${before} and ${size}, expected equal sizes to take a diagonal`,
        );
      }
      own.set(label, size);
      const known = sizes.get(label);
      if (known === undefined || known === 1) {
        sizes.set(label, size);
        seenIn.set(label, i);
      } else if (size !== 1 && size !== known) {
        mismatch(
          `subscript ${labelName(label)} has size ${size} in operand ${i} (shape ${
            fmtShape(shapes[i])
          }) but size ${known} in operand ${seenIn.get(label)}, expected equal sizes or 1`,
        );
      }
    });
  });

  const ellipsis = Array.from({ length: widest }, (_, k) => ELLIPSIS_BASE + k);
  let output: number[];
  if (arrow === -1) {
    // Implicit output: the ellipsis axes, then the letters used once, alphabetically.
    const count = new Map<number, number>();
    for (const term of terms) for (const l of term.letters) count.set(l, (count.get(l) ?? 0) + 1);
    const once = [...count].filter(([, n]) => n === 1).map(([l]) => l).sort((a, b) => a - b);
    output = [...ellipsis, ...once];
  } else {
    const out = parseTerm(equation.slice(arrow + 2), fail, "the output term");
    const seen = new Set<number>();
    for (const l of out.letters) {
      if (seen.has(l)) fail(`the output term repeats subscript ${labelName(l)}`);
      if (!sizes.has(l)) {
        fail(`the output subscript ${labelName(l)} does not appear in any input term`);
      }
      seen.add(l);
    }
    output = [...out.letters];
    if (out.ellipsisAt !== -1) output.splice(out.ellipsisAt, 0, ...ellipsis);
  }
  return { inputs, output, sizes };
}
