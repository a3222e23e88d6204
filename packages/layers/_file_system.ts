// The file system behind `saveSafetensors` and `loadSafetensors`: Deno's API where `Deno`
// exists, otherwise `node:fs/promises` (Node, Bun), loaded only when a file is first used,
// so that importing the package never touches either. Browsers have neither: the
// byte-level `encodeSafetensors` / `decodeSafetensors` are the API there.

/** An open file being read: its size when opened, and reads into a buffer (0 at the end). */
export interface ReadableFile {
  readonly size: number;
  read(into: Uint8Array): Promise<number>;
  close(): Promise<void>;
}

type NodeFs = typeof import("node:fs/promises");

/** Whether `node:fs/promises` can be imported here (Node, Bun, or Deno's Node compatibility). */
function hasNodeFs(): boolean {
  const process = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof process?.versions?.node === "string";
}

let nodeFs: Promise<NodeFs> | null = null;

/** `node:fs/promises`, or an error naming `action` when this runtime has no file system. */
async function loadNodeFs(action: string): Promise<NodeFs> {
  if (!hasNodeFs()) {
    throw new Error(
      `Cannot ${action}: this runtime has no file system (neither Deno nor node:fs/promises); ` +
        `use encodeSafetensors / decodeSafetensors and store the bytes yourself`,
    );
  }
  nodeFs ??= import("node:fs/promises");
  return await nodeFs;
}

/** The Deno namespace, when this is Deno. */
function deno(): typeof Deno | undefined {
  return (globalThis as { Deno?: typeof Deno }).Deno;
}

/**
 * Writes `bytes` to `temp` (which must not exist), flushes it to disk and renames it over
 * `path`; on failure removes `temp` and rethrows. `temp` must be in `path`'s directory so
 * the rename is atomic.
 */
export async function writeFileAtomic(
  path: string | URL,
  temp: string | URL,
  bytes: Uint8Array,
  action: string,
): Promise<void> {
  const d = deno();
  if (d !== undefined) {
    let file: Deno.FsFile | null = await d.open(temp, {
      write: true,
      createNew: true,
      mode: 0o644,
    });
    try {
      for (let at = 0; at < bytes.length;) at += await file.write(bytes.subarray(at));
      await file.sync();
      file.close();
      file = null;
      await d.rename(temp, path);
    } catch (error) {
      file?.close();
      await d.remove(temp).catch(() => {});
      throw error;
    }
    return;
  }
  const fs = await loadNodeFs(action);
  let handle: Awaited<ReturnType<NodeFs["open"]>> | null = await fs.open(temp, "wx", 0o644);
  try {
    for (let at = 0; at < bytes.length;) {
      at += (await handle.write(bytes, at, bytes.length - at)).bytesWritten;
    }
    await handle.sync();
    await handle.close();
    handle = null;
    await fs.rename(temp, path);
  } catch (error) {
    await handle?.close().catch(() => {});
    await fs.rm(temp, { force: true }).catch(() => {});
    throw error;
  }
}

/** What kind of non-regular file `info` describes, for messages. */
function kindOf(info: Deno.FileInfo): string {
  if (info.isDirectory) return "a directory";
  if (info.isFifo) return "a FIFO (named pipe)";
  if (info.isCharDevice) return "a character device";
  if (info.isBlockDevice) return "a block device";
  if (info.isSocket) return "a socket";
  return "not a regular file";
}

/** Throws a TypeError unless `path` is a regular file. */
function checkRegular(isFile: boolean, kind: string, action: string, path: string | URL): void {
  if (!isFile) {
    throw new TypeError(`Cannot ${action} ${path}: it is ${kind}, expected a regular file`);
  }
}

/**
 * `error` with the action and the path in front of its message: the same object, so its
 * class (Deno's NotFound) and Node's `code` ("ENOENT") stay as they were.
 */
function withPath(error: unknown, action: string, path: string | URL): unknown {
  if (error instanceof Error) error.message = `Cannot ${action} ${path}: ${error.message}`;
  return error;
}

/** Opens `path` for reading; refuses anything but a regular file (following symlinks). */
export async function openForReading(path: string | URL, action: string): Promise<ReadableFile> {
  const d = deno();
  if (d !== undefined) {
    // Stat first: opening a FIFO blocks until a writer comes, and a directory or a device
    // is no file to load.
    let info: Deno.FileInfo;
    try {
      info = await d.stat(path);
    } catch (error) {
      throw withPath(error, action, path);
    }
    checkRegular(info.isFile, kindOf(info), action, path);
    const file = await d.open(path, { read: true });
    try {
      const size = (await file.stat()).size;
      return {
        size,
        read: async (into) => (await file.read(into)) ?? 0,
        close: () => Promise.resolve(file.close()),
      };
    } catch (error) {
      file.close();
      throw error;
    }
  }
  const fs = await loadNodeFs(action);
  let stats;
  try {
    stats = await fs.stat(path);
  } catch (error) {
    throw withPath(error, action, path);
  }
  checkRegular(
    stats.isFile(),
    stats.isDirectory() ? "a directory" : "not a regular file",
    action,
    path,
  );
  const handle = await fs.open(path, "r");
  try {
    const size = (await handle.stat()).size;
    return {
      size,
      read: async (into) => (await handle.read(into, 0, into.length, null)).bytesRead,
      close: () => handle.close(),
    };
  } catch (error) {
    await handle.close();
    throw error;
  }
}
