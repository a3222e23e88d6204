import { deepStrictEqual, strictEqual, throws } from "node:assert/strict";
import { tensor } from "@glassbox/tensor";
import { StandardScaler } from "./standard_scaler.ts";

Deno.test("StandardScaler uses ddof 0 and maps a constant column to 0, not NaN", () => {
  const scaler = new StandardScaler().fit([[1, 7], [3, 7]]);
  deepStrictEqual(scaler.var, [1, 0]);
  deepStrictEqual(scaler.transform([[1, 7], [3, 7]]).toArray(), [[-1, 0], [1, 0]]);
});

Deno.test("StandardScaler keeps a float32 tensor's dtype and round-trips through JSON", () => {
  const x = tensor([[1, 2], [3, 6]], { dtype: "float32" });
  const scaler = new StandardScaler().fit(x);
  strictEqual(scaler.transform(x).dtype, "float32");
  const copy = StandardScaler.fromJSON(JSON.parse(JSON.stringify(scaler)));
  deepStrictEqual(copy.transform([[2, 4]]).toArray(), [[0, 0]]);
});

Deno.test("StandardScaler throws clear errors for unfitted use, bad shapes, non-finite values and bad state", () => {
  throws(() => new StandardScaler().transform([[1]]), {
    name: "ReferenceError",
    message: /not fitted, call fit\(x\) first/,
  });
  const scaler = new StandardScaler().fit([[1, 2], [3, 4]]);
  throws(() => scaler.transform([[1, 2, 3]]), {
    name: "TypeError",
    message: "Cannot transform with StandardScaler: x has 3 features, the scaler was fitted on 2",
  });
  throws(() => new StandardScaler().fit([[1], [Infinity]]), {
    name: "RangeError",
    message: "Cannot fit StandardScaler: x[1][0] must be finite, got Infinity",
  });
  throws(() => new StandardScaler().fit(tensor([1, 2])), { message: /x must be 2-D/ });
  throws(() => new StandardScaler().fit([]), { message: /at least one row and one column/ });
  throws(
    () => StandardScaler.fromJSON({ ...scaler.toJSON(), scale: [1, -1] }),
    { message: /scale must be positive/ },
  );
  throws(
    () => StandardScaler.fromJSON({ ...scaler.toJSON(), mean: [1] }),
    { message: /same, non-zero length/ },
  );
});
