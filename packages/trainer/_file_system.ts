// Directory creation for `ModelCheckpoint`: Deno's API where `Deno` exists, otherwise
// `node:fs/promises` (Node, Bun), loaded only when first needed, so that importing the
// package never touches either. (The files themselves are written by the layers package's
// `saveSafetensors`, which makes the same choice.)

/**
 * Creates `path` and any missing parents; fails naming `action` where this runtime has no
 * file system (browsers).
 */
export async function makeDirectory(path: string, action: string): Promise<void> {
  const deno = (globalThis as { Deno?: typeof Deno }).Deno;
  if (deno !== undefined) {
    await deno.mkdir(path, { recursive: true });
    return;
  }
  const process = (globalThis as { process?: { versions?: { node?: string } } }).process;
  if (typeof process?.versions?.node !== "string") {
    throw new Error(
      `Cannot ${action}: this runtime has no file system (neither Deno nor node:fs/promises) ` +
        `to create ${path} in; save the model's bytes with encodeSafetensors from a callback instead`,
    );
  }
  const fs = await import("node:fs/promises");
  await fs.mkdir(path, { recursive: true });
}
