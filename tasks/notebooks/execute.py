"""Executes a Deno notebook headless and writes the executed copy.

    python3 tasks/notebooks/execute.py NOTEBOOK OUT_DIR [--timeout SECONDS]

nbclient (installed with Debian's jupyter-nbconvert) runs the cells on the
"deno" kernel (`deno jupyter --install`), as `jupyter nbconvert --to notebook
--execute` does, with one difference: Deno's kernel can publish a cell's
last stdout lines after the "idle" status that ends the cell, and nbclient
drops whatever arrives after "idle". Here each cell's output channel is
drained a little longer (until LATE_SECONDS pass without a message for it),
so no printed line is lost. Exits 1 with the cell and its error when a cell
fails, 2 on a timeout.
"""

import argparse
import asyncio
import os
import sys

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionComplete, CellExecutionError, CellTimeoutError

LATE_SECONDS = 0.25


class DrainingClient(NotebookClient):
    """A NotebookClient that keeps reading a cell's iopub messages briefly after its idle status."""

    async def _async_poll_output_msg(self, parent_msg_id, cell, cell_index):
        while True:
            msg = await self.kc.iopub_channel.get_msg(timeout=None)
            if msg["parent_header"].get("msg_id") != parent_msg_id:
                continue
            try:
                self.process_message(msg, cell, cell_index)
            except CellExecutionComplete:
                break
        while True:
            try:
                msg = await self.kc.iopub_channel.get_msg(timeout=LATE_SECONDS)
            except Exception:  # queue.Empty: nothing more for a while
                return
            if msg["parent_header"].get("msg_id") == parent_msg_id:
                try:
                    self.process_message(msg, cell, cell_index)
                except CellExecutionComplete:
                    pass


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("notebook")
    parser.add_argument("out_dir")
    parser.add_argument("--timeout", type=int, default=600, help="seconds per cell")
    args = parser.parse_args()
    nb = nbformat.read(args.notebook, as_version=4)
    client = DrainingClient(nb, timeout=args.timeout, kernel_name="deno",
                            resources={"metadata": {"path": os.path.dirname(os.path.abspath(args.notebook))}})
    status = 0
    try:
        client.execute()
    except CellTimeoutError as error:
        print(f"timeout: {error}", file=sys.stderr)
        status = 2
    except CellExecutionError as error:
        print(str(error), file=sys.stderr)
        status = 1
    os.makedirs(args.out_dir, exist_ok=True)
    out = os.path.join(args.out_dir, os.path.basename(args.notebook))
    tmp = out + ".tmp"
    nbformat.write(nb, tmp)
    os.replace(tmp, out)
    sys.exit(status)


if __name__ == "__main__":
    main()
