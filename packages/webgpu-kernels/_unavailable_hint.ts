// What to tell someone whose runtime offers no WebGPU adapter: the advice depends on where
// the code runs. Mesa's software Vulkan driver (lavapipe) only helps Deno (and Node with a
// WebGPU binding) on Linux; a browser user needs a browser and a page that allow WebGPU.

/** Where the code runs, as far as the advice depends on it. */
export interface RuntimeInfo {
  /** `"deno"`, `"node"` (also Bun), `"browser"` (has a `document` or is a worker), or `"other"`. */
  readonly kind: "deno" | "node" | "browser" | "other";
  /** The operating system as the runtime names it (`"linux"`, `"darwin"`, `"windows"`…), or `""`. */
  readonly os: string;
}

/** Detects the runtime from its globals. */
export function detectRuntime(): RuntimeInfo {
  const g = globalThis as {
    Deno?: { build?: { os?: string } };
    process?: { versions?: { node?: string }; platform?: string };
    document?: unknown;
    importScripts?: unknown;
  };
  if (g.Deno?.build !== undefined) return { kind: "deno", os: g.Deno.build.os ?? "" };
  if (typeof g.process?.versions?.node === "string") {
    return { kind: "node", os: g.process.platform ?? "" };
  }
  if (g.document !== undefined || typeof g.importScripts === "function") {
    return { kind: "browser", os: "" };
  }
  return { kind: "other", os: "" };
}

const LAVAPIPE = "on Linux without a GPU, install Mesa's software Vulkan driver (lavapipe): " +
  "apt-get install mesa-vulkan-drivers libvulkan1";

/** The advice that ends a `WebGPUUnavailableError` message, for `runtime`. */
export function unavailableHint(runtime: RuntimeInfo = detectRuntime()): string {
  const linux = runtime.os === "linux";
  switch (runtime.kind) {
    case "deno":
      return linux ? LAVAPIPE : "check that the GPU driver supports Vulkan, Metal or Direct3D 12";
    case "node":
      return "Node has no built-in WebGPU: pass a GPU object from a WebGPU binding as " +
        "requestWebGPU({ gpu })" + (linux ? `, and ${LAVAPIPE}` : "");
    case "browser":
      return "use a browser with WebGPU enabled (Chrome or Edge 113+, Safari 26+, Firefox 141+ " +
        "on Windows), on a page served over https or from localhost; a blocked or missing GPU " +
        "driver also hides the adapter (Chrome's chrome://gpu page says why)";
    default:
      return "use Deno 2 or a browser with WebGPU";
  }
}
