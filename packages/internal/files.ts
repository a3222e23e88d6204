/**
 * Files for the packages that read and write them (safetensors, checkpoints,
 * CSV): Deno's API where `Deno` exists, otherwise `node:fs/promises` (Node,
 * Bun), imported only when a file is first used, so that importing a package
 * touches neither. Browsers have neither: every function then fails with a
 * message naming the action, and the caller's hint (the byte-level API to use
 * instead).
 *
 * Files are untrusted: only regular files are opened for reading (a FIFO,
 * which would block, a directory or a device such as `/dev/zero` is refused
 * before anything is read, links are followed), and writes go to a temporary
 * file that is renamed over the target.
 *
 * @module
 */

import { cannot } from "./errors.ts";

/** An open file being read: its size when opened, and reads into a buffer (0 at the end). */
export interface ReadableFile {
  /** The size in bytes when the file was opened. */
  readonly size: number;
  /**
   * Reads up to `into.length` bytes.
   * @param into The buffer to fill.
   * @returns How many bytes were read, 0 at the end of the file.
   */
  read(into: Uint8Array): Promise<number>;
  /**
   * Closes the file.
   * @returns When it is closed.
   */
  close(): Promise<void>;
}

/** Options of {@linkcode openRegularFile}. */
export interface OpenRegularFileOptions {
  /** The largest size accepted, in bytes (the caller's option is named `maxBytes`). */
  maxBytes?: number;
  /** What to do instead where the runtime has no file system, appended to that error. */
  hint?: string;
}

type NodeFs = typeof import("node:fs/promises");

/** A file's kind and size, from either runtime's stat. */
interface Info {
  kind: string;
  size: number;
}

/** The Deno namespace, when this is Deno. */
function deno(): typeof Deno | undefined {
  return (globalThis as { Deno?: typeof Deno }).Deno;
}

let nodeFs: Promise<NodeFs> | null = null;

/** `node:fs/promises`, or an error naming `action` where this runtime has no file system. */
async function loadNodeFs(action: string, hint: string | undefined): Promise<NodeFs> {
  const process = (globalThis as { process?: { versions?: { node?: string } } }).process;
  if (typeof process?.versions?.node !== "string") {
    throw new Error(
      cannot(action, "this runtime has no file system (neither Deno nor node:fs/promises)", hint),
    );
  }
  nodeFs ??= import("node:fs/promises");
  return await nodeFs;
}

const REGULAR = "a regular file";

function denoInfo(info: Deno.FileInfo): Info {
  const kind = info.isFile
    ? REGULAR
    : info.isDirectory
    ? "a directory"
    : info.isFifo
    ? "a FIFO (named pipe)"
    : info.isCharDevice
    ? "a character device"
    : info.isBlockDevice
    ? "a block device"
    : info.isSocket
    ? "a socket"
    : "not a regular file";
  return { kind, size: info.size };
}

function nodeInfo(s: Awaited<ReturnType<NodeFs["stat"]>>): Info {
  const kind = s.isFile()
    ? REGULAR
    : s.isDirectory()
    ? "a directory"
    : s.isFIFO()
    ? "a FIFO (named pipe)"
    : s.isCharacterDevice()
    ? "a character device"
    : s.isBlockDevice()
    ? "a block device"
    : s.isSocket()
    ? "a socket"
    : "not a regular file";
  return { kind, size: Number(s.size) };
}

/** A file opened for reading, as either runtime gives it. */
interface OpenFile {
  info(): Promise<Info>;
  read(into: Uint8Array): Promise<number>;
  close(): Promise<void>;
}

/** What reading needs of a file system: a stat by path and an open. */
interface Reader {
  stat(path: string | URL): Promise<Info>;
  open(path: string | URL): Promise<OpenFile>;
}

/** Deno's file system, or `node:fs/promises`, as a {@linkcode Reader}. */
async function reader(action: string, hint: string | undefined): Promise<Reader> {
  const d = deno();
  if (d !== undefined) {
    return {
      stat: async (path) => denoInfo(await d.stat(path)),
      open: async (path) => {
        const file = await d.open(path, { read: true });
        return {
          info: async () => denoInfo(await file.stat()),
          read: async (into) => (await file.read(into)) ?? 0,
          close: () => Promise.resolve(file.close()),
        };
      },
    };
  }
  const fs = await loadNodeFs(action, hint);
  return {
    stat: async (path) => nodeInfo(await fs.stat(path)),
    open: async (path) => {
      const handle = await fs.open(path, "r");
      return {
        info: async () => nodeInfo(await handle.stat()),
        read: async (into) => (await handle.read(into, 0, into.length, null)).bytesRead,
        close: () => handle.close(),
      };
    },
  };
}

/**
 * `error` with the action in front of its message: the same object, so its
 * class (Deno's `NotFound`) and Node's `code` (`"ENOENT"`) stay as they were.
 */
function withAction(error: unknown, action: string): unknown {
  if (error instanceof Error) error.message = cannot(action, error.message);
  return error;
}

/**
 * Opens a file for reading after checking that it is a regular file (links
 * are followed) of at most `maxBytes` bytes; the check is made on the path
 * first (opening a FIFO would block) and again on the opened file (the file
 * read is the file checked).
 *
 * @param path The file.
 * @param action What the file is opened for, with its name: `load CSV data.csv`.
 * @param options The size limit, and the hint for runtimes without a file system.
 * @returns The open file; the caller closes it.
 * @throws {TypeError} When the path is not a regular file.
 * @throws {RangeError} When it is larger than `maxBytes`.
 * @throws {Error} The runtime's own error (e.g. Deno's `NotFound`), its message prefixed with the action.
 *
 * @example
 * ```ts
 * import { openRegularFile } from "@glassbox/internal";
 * import { rejects, strictEqual } from "node:assert/strict";
 *
 * const path = await Deno.makeTempFile();
 * await Deno.writeTextFile(path, "a,b\n1,2\n");
 * const file = await openRegularFile(path, `load CSV ${path}`);
 * strictEqual(file.size, 8);
 * await file.close();
 * await rejects(openRegularFile(path, "load CSV", { maxBytes: 4 }), RangeError);
 * await rejects(openRegularFile("/tmp", "load CSV /tmp"), /it is a directory, expected a regular file/);
 * await Deno.remove(path);
 * ```
 */
export async function openRegularFile(
  path: string | URL,
  action: string,
  options: OpenRegularFileOptions = {},
): Promise<ReadableFile> {
  const { maxBytes = Infinity, hint } = options;
  const refuse = (info: Info): void => {
    if (info.kind !== REGULAR) {
      throw new TypeError(
        cannot(action, `it is ${info.kind}`, "expected a regular file (links are followed)"),
      );
    }
    if (info.size > maxBytes) {
      throw new RangeError(
        cannot(
          action,
          `the file is ${info.size} bytes`,
          `above the limit of ${maxBytes} bytes (maxBytes)`,
        ),
      );
    }
  };
  const fs = await reader(action, hint);
  let info: Info;
  try {
    info = await fs.stat(path);
  } catch (error) {
    throw withAction(error, action);
  }
  refuse(info); // before opening: opening a FIFO waits for a writer
  const file = await fs.open(path);
  try {
    const opened = await file.info();
    refuse(opened); // the file read is the file checked
    return { size: opened.size, read: file.read, close: file.close };
  } catch (error) {
    await file.close();
    throw error;
  }
}

/**
 * Writes `bytes` to `temp` (which must not exist), flushes it to disk and
 * renames it over `path`; on failure removes `temp` and rethrows. `temp` must
 * be in `path`'s folder, so that the rename is atomic: a reader sees the old
 * file or the new one, never a part.
 *
 * @param path The file to write.
 * @param temp A path beside it that does not exist.
 * @param bytes The contents.
 * @param options `action` for messages, `hint` for runtimes without a file system.
 * @returns When the file is in place.
 *
 * @example
 * ```ts
 * import { writeFileAtomic } from "@glassbox/internal";
 * import { deepStrictEqual } from "node:assert/strict";
 *
 * const dir = await Deno.makeTempDir();
 * await writeFileAtomic(`${dir}/a.bin`, `${dir}/a.bin.tmp`, new Uint8Array([1, 2]), { action: "save" });
 * deepStrictEqual(await Deno.readFile(`${dir}/a.bin`), new Uint8Array([1, 2]));
 * deepStrictEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["a.bin"]);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function writeFileAtomic(
  path: string | URL,
  temp: string | URL,
  bytes: Uint8Array,
  options: { action: string; hint?: string },
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
  const fs = await loadNodeFs(options.action, options.hint);
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

/**
 * Creates a folder and any missing parents (nothing happens when it exists).
 *
 * @param path The folder.
 * @param options `action` for messages, `hint` for runtimes without a file system.
 * @returns When the folder exists.
 *
 * @example
 * ```ts
 * import { makeDirectory } from "@glassbox/internal";
 * import { ok } from "node:assert/strict";
 *
 * const dir = await Deno.makeTempDir();
 * await makeDirectory(`${dir}/a/b`, { action: "create the checkpoint folder" });
 * ok((await Deno.stat(`${dir}/a/b`)).isDirectory);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function makeDirectory(
  path: string,
  options: { action: string; hint?: string },
): Promise<void> {
  const d = deno();
  if (d !== undefined) {
    await d.mkdir(path, { recursive: true });
    return;
  }
  const fs = await loadNodeFs(options.action, options.hint);
  await fs.mkdir(path, { recursive: true });
}
