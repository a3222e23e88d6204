import { DcsrchSearch } from "./packages/trainer/_dcsrch.ts";
const orig = DcsrchSearch.prototype.next;
DcsrchSearch.prototype.next = function (f: number, g: number) { const r = orig.call(this, f, g); console.log("next", f, g, "->", r.stp, r.task); return r; };
const os = DcsrchSearch.prototype.start;
DcsrchSearch.prototype.start = function (s: number, f: number, g: number) { const r = os.call(this, s, f, g); console.log("start", s, f, g, "->", r.stp, r.task); return r; };
const { minimizeBfgs } = await import("./packages/trainer/mod.ts");
function rosen(x: Float64Array) { const n = x.length; let value = 0; const grad = new Float64Array(n);
  for (let i = 0; i < n - 1; i++) { const t = x[i + 1] - x[i] * x[i]; const u = 1.0 - x[i]; value += 100.0 * t * t + u * u; grad[i] += -400.0 * x[i] * t - 2.0 * u; grad[i + 1] += 200.0 * t; }
  return { value, grad }; }
minimizeBfgs(rosen, [1.3, 0.7, 0.8, 1.9, 1.2], { maxiter: 1 });
