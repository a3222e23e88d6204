// Parameters packed for one-dispatch optimizer updates. The first
// `optimizerUpdate` over a list of parameter storages moves them into one
// shared buffer (each at an offset aligned for binding), and their states
// (momentum buffers, Adam's moments) into another, one region per kind of
// state; the storages stay the same objects, so every tensor holding one
// sees its new place. A buffer of the same layout takes the gradients: each
// step copies them there (copies, not kernels). Later updates over the same storages find the pack and run one
// dispatch over all of it. The buffers go back to the pool when the last
// storage in them is released (the gradients' buffer with the parameters').

import { type GpuRuntime, GpuStorage, type SharedBuffer } from "./_runtime.ts";

/** The packed layout of one list of parameters and their states. */
export interface ParamPack {
  readonly params: readonly GpuStorage[];
  readonly states: readonly (readonly GpuStorage[])[];
  /** Element offset of each parameter in every region. */
  readonly offsets: readonly number[];
  /** Elements of one region (the parameters' sizes, each padded to the alignment). */
  readonly size: number;
  /** The parameters. */
  readonly buffer: SharedBuffer;
  /** The states, one region per kind, or null without state. */
  readonly stateBuffer: SharedBuffer | null;
  /** Views of the regions, for binding. */
  readonly p: GpuStorage;
  readonly g: GpuStorage;
  readonly s: GpuStorage | null;
}

const PACKS = new WeakMap<GpuStorage, ParamPack>();

/** Whether `pack` still holds exactly these storages where it put them. */
function holds(
  pack: ParamPack,
  params: readonly GpuStorage[],
  states: readonly (readonly GpuStorage[])[],
): boolean {
  return pack.params.length === params.length &&
    params.every((p, i) =>
      p === pack.params[i] && p.shared === pack.buffer && p.offset === pack.offsets[i] * 4 &&
      states[i].length === pack.states[i].length &&
      states[i].every((s, j) =>
        s === pack.states[i][j] && s.shared === pack.stateBuffer &&
        s.offset === (j * pack.size + pack.offsets[i]) * 4
      )
    );
}

/**
 * The pack of `params` (and `states[i]`, the same number per parameter),
 * made on first use: copies every parameter and state into shared buffers
 * and moves the storages there.
 */
export function packOf(
  rt: GpuRuntime,
  params: readonly GpuStorage[],
  states: readonly (readonly GpuStorage[])[],
  action: string,
): ParamPack {
  const found = PACKS.get(params[0]);
  if (found !== undefined && holds(found, params, states)) return found;
  const align = rt.device.limits.minStorageBufferOffsetAlignment / 4;
  const offsets: number[] = [];
  let size = 0;
  for (const p of params) {
    offsets.push(size);
    size += Math.ceil(Math.max(1, p.size) / align) * align;
  }
  const kinds = states[0]?.length ?? 0;
  const buffer = rt.allocShared(size * 4, action);
  const grads = rt.allocShared(size * 4, action);
  buffer.keep(grads);
  const stateBuffer = kinds === 0 ? null : rt.allocShared(kinds * size * 4, action);
  params.forEach((p, i) => {
    rt.copyToShared(p, buffer, offsets[i] * 4, action);
    p.moveInto(buffer, offsets[i] * 4);
    states[i].forEach((s, j) => {
      const at = (j * size + offsets[i]) * 4;
      rt.copyToShared(s, stateBuffer!, at, action);
      s.moveInto(stateBuffer!, at);
    });
  });
  const pack: ParamPack = {
    params: [...params],
    states: states.map((s) => [...s]),
    offsets,
    size,
    buffer,
    stateBuffer,
    p: GpuStorage.region(buffer, 0, size),
    g: GpuStorage.region(grads, 0, size),
    s: stateBuffer === null ? null : GpuStorage.region(stateBuffer, 0, kinds * size),
  };
  PACKS.set(params[0], pack);
  return pack;
}
