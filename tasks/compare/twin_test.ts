import { deepStrictEqual, ok, rejects, throws } from "node:assert/strict";
import { ACTIVATION_NAMES } from "@glassbox/layers";
import { tensor } from "@glassbox/tensor";
import { decodeArray, encodeArray } from "./_wire.ts";
import { figure } from "./_figures.ts";
import {
  decodeTwinResponse,
  parseTwinResponse,
  probeTwin,
  TWIN_INSTALL,
  TwinUnavailableError,
} from "./twin.ts";

const CAN_RUN = Deno.permissions.querySync({ name: "run" }).state === "granted";

Deno.test("encodeArray() and decodeArray() carry float64 values exactly", () => {
  const values = [0.1, -1 / 3, 1e-300, Number.MAX_VALUE, -0, 123456.789];
  const wire = encodeArray(tensor([values.slice(0, 3), values.slice(3)]));
  deepStrictEqual(wire.shape, [2, 3]);
  deepStrictEqual(Array.from(decodeArray(wire, "x")), values);
  throws(
    () => decodeArray({ shape: [4], f64: wire.f64 }, "x"),
    /shape \[4\] needs 32 bytes, got 48/,
  );
  throws(() => decodeArray({ shape: "2" }, "x"), /Cannot read the PyTorch twin's x/);
});

Deno.test("figure() is the notebooks' modified MAPE with PyTorch's values as the truth", () => {
  // |(2 − 1)/2| = 0.5, |(4 − 5)/4| = 0.25, and |0.5| where PyTorch's value is 0.
  deepStrictEqual(figure([2, 4, 0], [1, 5, 0.5], "x"), { mape: 1.25 / 3 * 100, maxRel: 0.5 });
  deepStrictEqual(figure([3], [3], "x"), { mape: 0, maxRel: 0 });
  throws(
    () => figure([1, 2], [1], "bias"),
    /Cannot compare bias: PyTorch has 2 values and glassbox 1/,
  );
});

Deno.test("torch_twin.py has a PyTorch layer for every activation name but identity", async () => {
  // mlp() adds no layer for "identity"; every other name must build in the twin,
  // or `--activation <name> --compare pytorch` ends in a Python KeyError.
  const source = await Deno.readTextFile(new URL("./torch_twin.py", import.meta.url));
  const table = source.match(/^ACTIVATIONS = \{\n([\s\S]*?)^\}/m);
  ok(table !== null, "torch_twin.py has no ACTIVATIONS table");
  const keys = [...table[1].matchAll(/^\s+"(\w+)":/gm)].map((m) => m[1]);
  deepStrictEqual(keys.sort(), ACTIVATION_NAMES.filter((n) => n !== "identity").sort());
});

Deno.test("decodeTwinResponse() names what is missing from a malformed response", () => {
  throws(() => decodeTwinResponse(null), /expected an object/);
  throws(() => decodeTwinResponse({ torch: "1.13" }), /initialLoss is not a number/);
});

Deno.test({
  name: "probeTwin() names the apt-get packages when Python or torch is missing",
  ignore: !CAN_RUN,
  fn: async () => {
    await rejects(probeTwin("/nonexistent/python3"), (e: unknown) => {
      ok(e instanceof TwinUnavailableError);
      ok(e.message.includes("/nonexistent/python3 is missing"), e.message);
      ok(e.message.includes(TWIN_INSTALL), e.message);
      return true;
    });
    // An interpreter that runs but cannot import torch: `false` exits 1.
    await rejects(probeTwin("false"), (e: unknown) => {
      ok(e instanceof TwinUnavailableError);
      ok(e.message.includes("needs PyTorch and NumPy in false"), e.message);
      ok(e.message.includes("apt-get install python3-torch python3-sklearn"), e.message);
      return true;
    });
  },
});

Deno.test("a diverged twin's NaN and infinite losses survive the JSON between Python and glassbox", async () => {
  // What torch_twin.py writes for a run whose losses overflowed (JSON has no NaN).
  const script = new URL("./torch_twin.py", import.meta.url).pathname;
  const probe = new Deno.Command("/usr/bin/python3", {
    args: [
      "-c",
      `import ast, json, math, sys
src = open(sys.argv[1]).read()
tree = ast.parse(src)
fn = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "json_safe")
ns = {"math": math}
exec(compile(ast.Module([fn], []), "json_safe", "exec"), ns)
print(json.dumps(ns["json_safe"]({"loss": float("nan"), "v": [float("inf"), -float("inf"), 1.5]}), allow_nan=False))`,
      script,
    ],
    stdout: "piped",
    stderr: "piped",
  });
  let text: string;
  try {
    const out = await probe.output();
    if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
    text = new TextDecoder().decode(out.stdout);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return; // no /usr/bin/python3 here
    throw error;
  }
  const parsed = JSON.parse(text);
  deepStrictEqual(parsed, { loss: "NaN", v: ["Infinity", "-Infinity", 1.5] });
  const response = parseTwinResponse(JSON.stringify({
    torch: "1.13",
    before: { predictions: encodeArray(tensor([1])) },
    initialLoss: "Infinity",
    history: [{ epoch: 0, loss: "NaN", validLoss: "-Infinity" }],
    log: ["Epoch: 0 - L: nan - L_v -inf"],
    after: { predictions: encodeArray(tensor([1])) },
    final: {},
  }));
  ok(response.initialLoss === Infinity);
  ok(Number.isNaN(response.history[0].loss));
  ok(response.history[0].validLoss === -Infinity);
  deepStrictEqual(response.log, ["Epoch: 0 - L: nan - L_v -inf"]);
});
