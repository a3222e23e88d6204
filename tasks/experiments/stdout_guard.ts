/**
 * `deno task train`'s output when stdout cannot be written (redirected to a
 * full disk, `> /dev/full`, a closed pipe): the first failed write is
 * reported once on stderr, naming stdout, and the rest of the output is
 * dropped, so training goes on and the run is still saved — instead of the
 * write error ending the run with a bare "No space left on device".
 *
 * @module
 */

/**
 * Makes `console.log` and `Deno.stdout.writeSync` drop their output, after
 * one note on stderr, once writing to stdout has failed.
 *
 * @param name The program name for the note (`train`).
 */
export function guardStdout(name: string): void {
  let broken = false;
  const fail = (error: unknown): void => {
    broken = true;
    try {
      console.error(
        `${name}: Cannot write to stdout: ${
          (error as Error).message
        }; the rest of the output is dropped, the run goes on (and is saved unless --no-save)`,
      );
    } catch { /* stderr is gone too */ }
  };
  const log = console.log;
  console.log = (...args: unknown[]): void => {
    if (broken) return;
    try {
      log(...args);
    } catch (error) {
      fail(error);
    }
  };
  // The trainer's epoch logs write to Deno.stdout directly.
  const stdout = Deno.stdout;
  const writeSync = stdout.writeSync.bind(stdout);
  stdout.writeSync = (bytes: Uint8Array): number => {
    if (broken) return bytes.length;
    try {
      return writeSync(bytes);
    } catch (error) {
      fail(error);
      return bytes.length;
    }
  };
}
