// The import graph of packages/: what every file of a package imports (code,
// tests, benches, doc examples in comments and README code blocks), checked
// against the dependency rule, and the import cycles among a package's files.

import { dirname, join, normalize, relative } from "node:path";

/** The packages each package may import (besides itself). */
export const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  internal: [],
  tensor: ["internal"],
  "webgpu-kernels": ["internal", "tensor"],
  layers: ["internal", "tensor"],
  losses: ["internal", "tensor"],
  metrics: ["internal", "tensor"],
  datasets: ["internal", "tensor"],
  plots: ["internal", "tensor"],
  trainer: [
    "internal",
    "tensor",
    "webgpu-kernels",
    "layers",
    "losses",
    "metrics",
    "datasets",
    "plots",
  ],
};

/** Bare (import-map or npm) specifiers a package may import; `node:` built-ins are open to all. */
export const EXTERNAL: Readonly<Record<string, readonly string[]>> = {
  plots: ["vega", "vega-lite"],
};

/** One import of one file. */
export interface Import {
  /** The file, relative to the packages folder (`trainer/fit.ts`). */
  readonly file: string;
  /** The specifier as written. */
  readonly specifier: string;
  /** 1-based line of the import. */
  readonly line: number;
}

/** A broken rule: the file, the import and the rule it breaks. */
export interface Violation extends Import {
  readonly rule: string;
}

/** Every specifier a source text imports: `from "…"`, `import "…"` and `import("…")`. */
export function specifiers(text: string): { specifier: string; line: number }[] {
  const found: { specifier: string; line: number }[] = [];
  const pattern = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(["'])([^"'\s]+)\1/g;
  for (const m of text.matchAll(pattern)) {
    const line = text.slice(0, m.index).split("\n").length;
    found.push({ specifier: m[2], line });
  }
  return found;
}

/**
 * Checks one import of a file of package `pkg` against the rule; the files
 * are paths relative to the packages folder. Returns the rule it breaks, or null.
 */
export function ruleBroken(pkg: string, file: string, specifier: string): string | null {
  const allowed = ALLOWED[pkg];
  if (allowed === undefined) return `packages/${pkg} is not a known package`;
  const rule = `${pkg} may import ${
    allowed.length === 0 ? "no other package" : allowed.map((p) => `@glassbox/${p}`).join(", ")
  }`;
  let target: string;
  if (specifier.startsWith("@glassbox/")) {
    target = specifier.split("/")[1];
  } else if (specifier.startsWith(".")) {
    const resolved = normalize(join(dirname(file), specifier));
    if (resolved.startsWith("..")) return `${rule}; a relative import must stay inside packages/`;
    target = resolved.split("/")[0];
    if (target !== pkg) return `${rule}, by name (@glassbox/${target}), not by a relative path`;
    return null;
  } else if (specifier.startsWith("node:")) {
    return null;
  } else {
    const name = specifier.replace(/^npm:/, "").replace(/(?<=.)@.*$/, "");
    const external = EXTERNAL[pkg] ?? [];
    if (external.includes(name)) return null;
    return `${pkg} may import no outside module ${
      external.length === 0
        ? "but node: built-ins"
        : `but node: built-ins and ${external.join(", ")}`
    }`;
  }
  if (target === pkg || allowed.includes(target)) return null;
  return rule;
}

/** The text a file contributes: a .ts file whole, a README's fenced ts/js code blocks. */
function importText(path: string, text: string): string {
  if (path.endsWith(".ts")) return text;
  // Keep line numbers: blank out everything outside the code blocks.
  let inside = false;
  return text.split("\n").map((line) => {
    if (/^\s*```/.test(line)) {
      inside = !inside && /^\s*```\s*(ts|typescript|js|javascript|tsx)\b/.test(line);
      return "";
    }
    return inside ? line : "";
  }).join("\n");
}

/** Every .ts and .md file under `root/pkg`, relative to `root`. */
async function filesOf(root: string, pkg: string): Promise<string[]> {
  const out: string[] = [];
  const visit = async (dir: string) => {
    for await (const entry of Deno.readDir(join(root, dir))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory) await visit(path);
      else if (entry.isFile && /\.(ts|md)$/.test(entry.name)) out.push(path);
    }
  };
  await visit(pkg);
  return out.sort();
}

/** What the files of one package import. */
export interface PackageImports {
  /** Every import, code and examples. */
  readonly imports: Import[];
  /** File → the files of the same package it imports values from. */
  readonly edges: Map<string, string[]>;
}

/** The imports of every file of every package under `root` (the packages folder). */
export async function readImports(root: string): Promise<Map<string, PackageImports>> {
  const byPackage = new Map<string, PackageImports>();
  const packages: string[] = [];
  for await (const entry of Deno.readDir(root)) if (entry.isDirectory) packages.push(entry.name);
  for (const pkg of packages.sort()) {
    const imports: Import[] = [];
    const edges = new Map<string, string[]>();
    for (const file of await filesOf(root, pkg)) {
      const raw = await Deno.readTextFile(join(root, file));
      const text = importText(file, raw);
      for (const { specifier, line } of specifiers(text)) imports.push({ file, specifier, line });
      if (file.endsWith(".ts")) {
        edges.set(file, valueEdges(file, raw).filter((to) => to.split("/")[0] === pkg));
      }
    }
    byPackage.set(pkg, { imports, edges });
  }
  return byPackage;
}

/** The imports that break the dependency rule. */
export function violations(byPackage: Map<string, PackageImports>): Violation[] {
  const out: Violation[] = [];
  for (const [pkg, { imports }] of byPackage) {
    for (const i of imports) {
      const rule = ruleBroken(pkg, i.file, i.specifier);
      if (rule !== null) out.push({ ...i, rule });
    }
  }
  return out;
}

/**
 * The value imports among a package's .ts files, as edges from file to file:
 * import and export statements of code (not comments' examples) whose names
 * are not all types (`import type`, `import { type A }` vanish when the code
 * runs, so they cannot make a load-order cycle).
 */
export function valueEdges(file: string, text: string): string[] {
  const out: string[] = [];
  const pattern =
    /(?:^|\n)[ \t]*(?:import|export)[ \t]+(type[ \t]+)?([^;"']*?)[ \t]*\bfrom[ \t]*["'](\.[^"']+)["']/g;
  for (const m of text.matchAll(pattern)) {
    if (m[1] !== undefined) continue;
    const names = /^\{([^}]*)\}$/.exec(m[2].trim())?.[1].split(",").map((n) => n.trim())
      .filter((n) => n !== "");
    if (names !== undefined && names.length > 0 && names.every((n) => n.startsWith("type "))) {
      continue;
    }
    out.push(normalize(join(dirname(file), m[3])));
  }
  return out;
}

/**
 * The import cycles among the files of one package, given each file's value
 * imports (`valueEdges`): each cycle as its files in import order, the first
 * file repeated at the end.
 */
export function cycles(edges: ReadonlyMap<string, readonly string[]>): string[][] {
  const found: string[][] = [];
  const seen = new Set<string>();
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (file: string) => {
    state.set(file, "open");
    stack.push(file);
    for (const next of edges.get(file) ?? []) {
      if (state.get(next) === "open") {
        const cycle = [...stack.slice(stack.indexOf(next)), next];
        const key = [...cycle.slice(0, -1)].sort().join(" ");
        if (!seen.has(key)) {
          seen.add(key);
          found.push(cycle);
        }
      } else if (state.get(next) === undefined) {
        visit(next);
      }
    }
    stack.pop();
    state.set(file, "done");
  };
  for (const file of [...edges.keys()].sort()) if (!state.has(file)) visit(file);
  return found;
}

/** A violation as one line for a failure message. */
export function formatViolation(v: Violation, root: string): string {
  const file = relative(Deno.cwd(), join(root, v.file)) || v.file;
  return `${file}:${v.line} imports "${v.specifier}": ${v.rule}`;
}
