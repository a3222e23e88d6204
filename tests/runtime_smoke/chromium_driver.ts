/**
 * Runs the smoke bundle in headless Chromium and prints what the page
 * reported as one JSON line. `runtime_smoke_test.ts` starts it as its own
 * process:
 *
 *   deno run --no-config --import-map=tests/runtime_smoke/import_map.json \
 *     --lock=tests/runtime_smoke/deno.lock --frozen <permissions> \
 *     tests/runtime_smoke/chromium_driver.ts <folder with smoke.mjs> <chromium>
 *
 * so that `playwright-core` (pinned in that import map and lock file) is only
 * fetched by this test, never by `deno task train` or the workspace's lock.
 * The import is by a computed name for the same reason: the workspace's type
 * check does not follow it.
 *
 * The folder is served on 127.0.0.1 with the cross-origin isolation headers
 * (COOP `same-origin`, COEP `require-corp`), without which a page has no
 * SharedArrayBuffer and so no worker threads. Chromium runs with
 * `--enable-unsafe-webgpu`, which gives headless Chromium WebGPU on its
 * SwiftShader software adapter.
 *
 * @module
 */

/** The part of playwright-core this driver uses. */
interface Playwright {
  chromium: {
    launch(options: { executablePath: string; args: string[] }): Promise<Browser>;
  };
}
interface Browser {
  newPage(): Promise<Page>;
  close(): Promise<void>;
}
interface Page {
  on(event: "console", listener: (message: { type(): string; text(): string }) => void): void;
  on(event: "pageerror", listener: (error: Error) => void): void;
  goto(url: string): Promise<unknown>;
  waitForFunction(
    expression: string,
    arg?: unknown,
    options?: { timeout: number },
  ): Promise<unknown>;
  evaluate<T>(expression: string): Promise<T>;
}

const PLAYWRIGHT = "playwright-core";

const [dir, executablePath = "/usr/bin/chromium"] = Deno.args;
if (dir === undefined) {
  console.error("usage: chromium_driver.ts <folder with smoke.mjs> [chromium executable]");
  Deno.exit(2);
}

const PAGE = `<!doctype html>
<meta charset="utf-8">
<title>glassbox runtime smoke</title>
<script type="module">
  import("./smoke.mjs").then(
    (smoke) => globalThis.smoke = smoke,
    (error) => globalThis.smokeError = String(error),
  );
</script>
`;

const ISOLATION = {
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-embedder-policy": "require-corp",
  "cross-origin-resource-policy": "same-origin",
  "cache-control": "no-store",
};

const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (request) => {
  const { pathname } = new URL(request.url);
  if (pathname === "/" || pathname === "/index.html") {
    return new Response(PAGE, { headers: { ...ISOLATION, "content-type": "text/html" } });
  }
  if (pathname === "/smoke.mjs") {
    const body = await Deno.readFile(`${dir}/smoke.mjs`);
    return new Response(body, { headers: { ...ISOLATION, "content-type": "text/javascript" } });
  }
  if (pathname === "/favicon.ico") return new Response(null, { status: 204, headers: ISOLATION });
  return new Response("not found", { status: 404, headers: ISOLATION });
});

const { chromium } = (await import(PLAYWRIGHT)) as Playwright;
const browser = await chromium.launch({
  executablePath,
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--enable-unsafe-webgpu",
  ],
});
try {
  const page = await browser.newPage();
  const consoleLines: string[] = [];
  const pageErrors: string[] = [];
  page.on("console", (message) => consoleLines.push(`${message.type()}: ${message.text()}`));
  page.on("pageerror", (error) => pageErrors.push(String(error)));
  await page.goto(`http://127.0.0.1:${server.addr.port}/`);
  await page.waitForFunction("globalThis.smoke ?? globalThis.smokeError", undefined, {
    timeout: 30_000,
  });
  const loadError = await page.evaluate<string | undefined>("globalThis.smokeError");
  if (loadError !== undefined) {
    throw new Error(
      `the page could not load smoke.mjs: ${loadError}; page errors: ${JSON.stringify(pageErrors)}`,
    );
  }
  const result = await page.evaluate<Record<string, unknown>>(`(async () => {
    const smoke = globalThis.smoke;
    const out = {
      userAgent: navigator.userAgent,
      crossOriginIsolated: globalThis.crossOriginIsolated,
      hardwareConcurrency: navigator.hardwareConcurrency,
      matmulThreads: smoke.matmulThreads(),
    };
    out.cpu = await smoke.runSmoke({ verbose: true });
    out.cpuFloat32 = await smoke.runSmoke({ dtype: "float32" });
    out.refusals = await smoke.fileSystemRefusals();
    out.threads = await smoke.threadedMatmul();
    try {
      const gpu = await smoke.requestWebGPU();
      out.adapter = gpu.adapter;
      out.webgpu = await smoke.runSmoke({ device: gpu, dtype: "float32" });
      gpu.destroy();
    } catch (error) {
      out.webgpuError = String(error);
    }
    return out;
  })()`);
  console.log(JSON.stringify({ ...result, console: consoleLines, pageErrors }));
} finally {
  await browser.close();
  await server.shutdown();
}
