/**
 * `deno task golden`: regenerates every fixture in tests/golden/ by running
 * each generator in tasks/golden/ with the Debian Python that has PyTorch
 * and scikit-learn (`apt-get install python3-torch python3-sklearn`).
 * Pass generator names to run only those: `deno task golden torch_random`.
 *
 * @module
 */

const PYTHON = Deno.env.get("GLASSBOX_PYTHON") ?? "/usr/bin/python3";
const here = new URL(".", import.meta.url);

const probe = await new Deno.Command(PYTHON, {
  args: [
    "-c",
    "import torch, sklearn, numpy; print(torch.__version__, sklearn.__version__, numpy.__version__)",
  ],
  stdout: "piped",
  stderr: "piped",
}).output().catch(() => null);
if (probe === null || probe.code !== 0) {
  console.error(
    `golden: ${PYTHON} cannot import torch and sklearn; install them with\n` +
      "  apt-get update && apt-get install -y python3-torch python3-sklearn",
  );
  Deno.exit(1);
}
console.log(`golden: torch, sklearn, numpy = ${new TextDecoder().decode(probe.stdout).trim()}`);

const wanted = new Set(Deno.args);
const generators: string[] = [];
for await (const entry of Deno.readDir(here)) {
  const name = entry.name.replace(/\.py$/, "");
  if (entry.isFile && entry.name.endsWith(".py") && !name.startsWith("_")) {
    if (wanted.size === 0 || wanted.has(name)) generators.push(entry.name);
  }
}
generators.sort();
if (generators.length === 0) {
  console.error(`golden: no generator matches ${[...wanted].join(", ")}`);
  Deno.exit(2);
}
for (const file of generators) {
  console.log(`golden: ${file}`);
  const { code } = await new Deno.Command(PYTHON, { args: [new URL(file, here).pathname] })
    .output();
  if (code !== 0) {
    console.error(`golden: ${file} failed with exit ${code}`);
    Deno.exit(1);
  }
}
