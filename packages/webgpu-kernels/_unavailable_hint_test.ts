import { ok, strictEqual } from "node:assert/strict";
import { detectRuntime, unavailableHint } from "./_unavailable_hint.ts";

const LAVAPIPE = "apt-get install mesa-vulkan-drivers libvulkan1";

Deno.test("detectRuntime() finds Deno and its operating system", () => {
  const runtime = detectRuntime();
  strictEqual(runtime.kind, "deno");
  strictEqual(runtime.os, Deno.build.os);
});

Deno.test("unavailableHint() advises lavapipe only in Deno and Node on Linux", () => {
  ok(unavailableHint({ kind: "deno", os: "linux" }).includes(LAVAPIPE));
  ok(unavailableHint({ kind: "node", os: "linux" }).includes(LAVAPIPE));
  ok(!unavailableHint({ kind: "deno", os: "darwin" }).includes("apt-get"));
  ok(!unavailableHint({ kind: "node", os: "win32" }).includes("apt-get"));
  ok(!unavailableHint({ kind: "browser", os: "" }).includes("apt-get"));
  ok(!unavailableHint({ kind: "other", os: "" }).includes("apt-get"));
});

Deno.test("unavailableHint() tells a browser user what a browser needs, and a Node user to pass a GPU", () => {
  ok(/browser with WebGPU enabled/.test(unavailableHint({ kind: "browser", os: "" })));
  ok(/https or from localhost/.test(unavailableHint({ kind: "browser", os: "" })));
  ok(/requestWebGPU\(\{ gpu \}\)/.test(unavailableHint({ kind: "node", os: "darwin" })));
});
