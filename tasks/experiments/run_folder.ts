/**
 * A run's output folder as one consistent set: `deno task train` writes every
 * file of a run into a hidden staging folder beside the output folder, then
 * swaps it into place with renames, so a kill, a full disk or an error at any
 * moment leaves either the previous complete run or the new complete run
 * under the output name — never a new model beside an old history. Staging
 * and replaced folders that an interrupted save left behind are removed by
 * the next save.
 *
 * @module
 */

/**
 * A word as a POSIX shell reads it back: quoted unless it is plainly safe, so a
 * suggested `deno run …` line can be pasted as it is.
 *
 * @param word A path or an argument.
 * @returns The word, quoted where needed.
 */
export function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`;
}

/** The folder that holds `dir`, and `dir`'s own name. */
function split(dir: string): { parent: string; base: string } {
  const trimmed = dir.replace(/\/+$/, "");
  const at = trimmed.lastIndexOf("/");
  if (at < 0) return { parent: ".", base: trimmed };
  return { parent: at === 0 ? "/" : trimmed.slice(0, at), base: trimmed.slice(at + 1) };
}

/** The hidden sibling names an interrupted save of `dir` can leave behind. */
function leftovers(base: string): RegExp {
  const escaped = base.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`^\\.${escaped}\\.(staging|replaced)-[0-9a-f]{8}$`);
}

function statOrNull(path: string): Deno.FileInfo | null {
  try {
    return Deno.statSync(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
}

/**
 * What stops a run from being saved to `out`, checked before training: the
 * permission to write in the folder holding it (the run is staged beside it
 * and renamed into place; Deno counts creating files as reading too), and
 * `checkRunFolder`.
 *
 * @param out The output folder (`--out`), or file with `folder: false`.
 * @param args The command line, for the `deno run` line that grants the permission.
 * @param options `folder`: whether `out` is a run folder (default true) or one file
 *   (`--predict`'s CSV), for which only the permission is checked.
 * @returns A message for the user, or null when the run can be saved there.
 */
export function outFolderProblem(
  out: string,
  args: readonly string[],
  options: { folder?: boolean } = {},
): string | null {
  const { parent } = split(out);
  const granted = (name: "read" | "write"): boolean =>
    Deno.permissions.querySync({ name, path: parent }).state === "granted";
  if (!(granted("write") && granted("read"))) {
    return `--out ${out}: no permission to write there (the run is staged beside it in ${parent}, then ` +
      `renamed into place). \`deno task train\` writes only under runs/; run\n` +
      `  deno run --allow-read=.,${shellWord(parent)} --allow-write=${shellWord(parent)} ` +
      `tasks/train.ts ${args.map(shellWord).join(" ")}\n` +
      `or pick --out runs/<name>, or pass --no-save`;
  }
  if (options.folder === false) return null;
  try {
    checkRunFolder(out);
  } catch (error) {
    return (error as Error).message;
  }
  return null;
}

/**
 * Checks before training that a run can be saved to `dir`: it is missing, an
 * empty folder, or a folder an earlier run wrote (it has a `history.json`);
 * not a file, and not a folder of other files (the save replaces the folder
 * whole, so it would delete them).
 *
 * @param dir The output folder (`--out`).
 * @throws Error naming the folder and what is in the way.
 */
export function checkRunFolder(dir: string): void {
  const info = statOrNull(dir);
  if (info === null) return;
  if (!info.isDirectory) {
    throw new Error(
      `--out ${dir} is a file, expected a folder (missing, empty, or an earlier run's)`,
    );
  }
  const names = [...Deno.readDirSync(dir)].map((e) => e.name);
  if (names.length === 0 || names.includes("history.json")) return;
  throw new Error(
    `--out ${dir} holds other files (${names.slice(0, 3).join(", ")}${
      names.length > 3 ? ", …" : ""
    }) and no history.json; a run replaces its folder whole, so pick a new or empty folder`,
  );
}

/**
 * Writes a run's files into `dir` as one set: `write` fills a fresh staging
 * folder beside `dir`, which then replaces `dir` by two renames (the old
 * folder aside, the new one in, the old one removed). Leftovers of earlier
 * interrupted saves of `dir` are removed first, under a lock on the folder
 * holding `dir` that serialises concurrent saves there. If `write` throws, the
 * staging folder is removed, `dir` is untouched, and the Error names `dir`
 * and says what it still holds.
 *
 * @param dir The output folder.
 * @param write Writes every file of the run into the folder it is given.
 * @returns What `write` returned.
 */
export async function writeRunFolder<T>(
  dir: string,
  write: (staging: string) => Promise<T>,
): Promise<T> {
  const { parent, base } = split(dir);
  await Deno.mkdir(parent, { recursive: true });
  // One save at a time per folder: another run saving beside us would otherwise take our
  // staging folder for a killed save's leftover and remove it mid-write.
  const unlock = await lockFolder(parent);
  try {
    return await replaceFolder(dir, parent, base, write);
  } finally {
    unlock();
  }
}

/**
 * Holds an exclusive advisory lock (flock) on `folder` until the returned function is
 * called; the system drops it when the process dies, so a killed save never leaves it
 * held. Where a folder cannot be opened or locked (Windows), saves are not serialised.
 */
async function lockFolder(folder: string): Promise<() => void> {
  let file: Deno.FsFile | undefined;
  try {
    file = await Deno.open(folder, { read: true });
    await file.lock(true);
  } catch {
    file?.close();
    return () => {};
  }
  return () => file.close();
}

async function replaceFolder<T>(
  dir: string,
  parent: string,
  base: string,
  write: (staging: string) => Promise<T>,
): Promise<T> {
  const stale = leftovers(base);
  for await (const entry of Deno.readDir(parent)) {
    if (stale.test(entry.name)) await Deno.remove(`${parent}/${entry.name}`, { recursive: true });
  }
  const tag = () => crypto.randomUUID().slice(0, 8);
  const staging = `${parent}/.${base}.staging-${tag()}`;
  await Deno.mkdir(staging);
  let result: T;
  try {
    result = await write(staging);
  } catch (error) {
    await Deno.remove(staging, { recursive: true }).catch(() => {});
    // A full disk says only "No space left on device (os error 28)": name the run and what
    // became of it.
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `Cannot save the run to ${dir}: ${reason}; ${
        statOrNull(dir) === null ? "nothing was written" : `${dir} still holds the previous run`
      }`,
      { cause: error },
    );
  }
  const replaced = `${parent}/.${base}.replaced-${tag()}`;
  const existed = statOrNull(dir) !== null;
  if (existed) await Deno.rename(dir, replaced);
  await Deno.rename(staging, dir);
  if (existed) await Deno.remove(replaced, { recursive: true });
  return result;
}
