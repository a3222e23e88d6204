import { strictEqual } from "node:assert/strict";
import { PROTOCOL, SLOT, TASK, WASM_UNARY_OPS } from "./tasks.ts";
import { CONTROL_BYTES, MAX_TASKS, MAX_THREADS } from "./thread_pool.ts";

Deno.test("PROTOCOL's control block holds every slot, a STOP slot per worker and MAX_TASKS tasks", () => {
  strictEqual(CONTROL_BYTES, PROTOCOL.controlInts * 4);
  strictEqual(SLOT.stop + MAX_THREADS <= SLOT.tasks, true, "STOP slots end before the tasks");
  strictEqual(SLOT.tasks + MAX_TASKS * PROTOCOL.taskInts <= PROTOCOL.controlInts, true);
  strictEqual(MAX_TASKS < 2 ** PROTOCOL.ticketBits, true, "a task count fits the ticket word");
});

Deno.test("PROTOCOL survives structured cloning, as workers receive it", () => {
  const copy = structuredClone(PROTOCOL);
  strictEqual(JSON.stringify(copy), JSON.stringify(PROTOCOL));
  strictEqual(new Set(Object.values(TASK)).size, Object.keys(TASK).length, "kinds are distinct");
  strictEqual(copy.unaryOps.indexOf("tanh"), WASM_UNARY_OPS.indexOf("tanh"));
});
