import { strictEqual } from "node:assert/strict";
import { PROTOCOL, SLOT, TASK, WASM_UNARY_OPS } from "./tasks.ts";
import { CONTROL_BYTES, MAX_TASKS, MAX_THREADS } from "./thread_pool.ts";

Deno.test("PROTOCOL's control block holds every slot, STOP and HOLDING slots per worker, MAX_TASKS tasks and a worker's error", () => {
  strictEqual(CONTROL_BYTES, PROTOCOL.controlInts * 4);
  strictEqual(SLOT.stop + MAX_THREADS <= SLOT.tasks, true, "STOP slots end before the tasks");
  strictEqual(SLOT.tasks + MAX_TASKS * PROTOCOL.taskInts <= SLOT.dead, true, "tasks end first");
  strictEqual(SLOT.dead < SLOT.fault && SLOT.fault < SLOT.faultTask, true);
  strictEqual(SLOT.faultTask < SLOT.faultLength && SLOT.faultLength < SLOT.faultText, true);
  strictEqual(SLOT.faultText + PROTOCOL.faultChars <= SLOT.holding, true, "the error's text fits");
  strictEqual(
    SLOT.holding + MAX_THREADS <= PROTOCOL.controlInts,
    true,
    "a HOLDING slot per worker",
  );
  strictEqual(
    SLOT.chain + 1 + PROTOCOL.chainLayers * PROTOCOL.chainInts <= SLOT.expTable,
    true,
    "a dense chain's description ends before the exponential's table",
  );
  strictEqual(SLOT.expTable + 128, PROTOCOL.controlInts, "the table's 512 bytes end the block");
  strictEqual(CONTROL_BYTES % 64, 0, "data after the block starts on a cache line");
  strictEqual(MAX_TASKS < 2 ** PROTOCOL.ticketBits, true, "a task count fits the ticket word");
});

Deno.test("PROTOCOL survives structured cloning, as workers receive it", () => {
  const copy = structuredClone(PROTOCOL);
  strictEqual(JSON.stringify(copy), JSON.stringify(PROTOCOL));
  strictEqual(new Set(Object.values(TASK)).size, Object.keys(TASK).length, "kinds are distinct");
  strictEqual(copy.unaryOps.indexOf("tanh"), WASM_UNARY_OPS.indexOf("tanh"));
});
