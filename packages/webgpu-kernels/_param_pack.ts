// Parameters packed for one-dispatch optimizer updates. The parameter
// storages of one update move into one shared buffer (each at an offset
// aligned for binding), and their states (momentum buffers, Adam's moments)
// into another, one region per kind of state; the storages stay the same
// objects, so every tensor holding one sees its new place. A buffer of the
// same layout takes the gradients: each step copies them there (copies, not
// kernels). The parameters are packed when a run announces them
// (`prepareUpdate`, before its first step, so no step moves them) or else
// at their first update; the states when an update first passes them (the
// optimizer creates them then). Later updates over the same storages find
// the pack and run one dispatch over all of it. The buffers go back to the
// pool when the last storage in them is released (the gradients' buffer
// with the parameters').

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

/** Whether `pack` still holds exactly these parameter storages where it put them. */
function holdsParams(pack: ParamPack, params: readonly GpuStorage[]): boolean {
  return pack.params.length === params.length &&
    params.every((p, i) =>
      p === pack.params[i] && p.shared === pack.buffer && p.offset === pack.offsets[i] * 4
    );
}

/** Whether `pack` holds exactly these states where it put them. */
function holdsStates(pack: ParamPack, states: readonly (readonly GpuStorage[])[]): boolean {
  return states.every((list, i) =>
    list.length === pack.states[i].length &&
    list.every((s, j) =>
      s === pack.states[i][j] && s.shared === pack.stateBuffer &&
      s.offset === (j * pack.size + pack.offsets[i]) * 4
    )
  );
}

/** Packs the parameters (no states yet): copies them into a shared buffer and moves them there. */
function packParams(rt: GpuRuntime, params: readonly GpuStorage[], action: string): ParamPack {
  const align = rt.device.limits.minStorageBufferOffsetAlignment / 4;
  const offsets: number[] = [];
  let size = 0;
  for (const p of params) {
    offsets.push(size);
    size += Math.ceil(Math.max(1, p.size) / align) * align;
  }
  const buffer = rt.allocShared(size * 4, action);
  const grads = rt.allocShared(size * 4, action);
  buffer.keep(grads);
  params.forEach((p, i) => {
    rt.copyToShared(p, buffer, offsets[i] * 4, action);
    p.moveInto(buffer, offsets[i] * 4);
  });
  return {
    params: [...params],
    states: params.map(() => []),
    offsets,
    size,
    buffer,
    stateBuffer: null,
    p: GpuStorage.region(buffer, 0, size),
    g: GpuStorage.region(grads, 0, size),
    s: null,
  };
}

/** `pack` with `states` (the same number per parameter) copied into a new state buffer. */
function withStates(
  rt: GpuRuntime,
  pack: ParamPack,
  states: readonly (readonly GpuStorage[])[],
  action: string,
): ParamPack {
  const kinds = states[0]?.length ?? 0;
  const { size, offsets } = pack;
  const stateBuffer = kinds === 0 ? null : rt.allocShared(kinds * size * 4, action);
  states.forEach((list, i) =>
    list.forEach((s, j) => {
      const at = (j * size + offsets[i]) * 4;
      rt.copyToShared(s, stateBuffer!, at, action);
      s.moveInto(stateBuffer!, at);
    })
  );
  return {
    ...pack,
    states: states.map((s) => [...s]),
    stateBuffer,
    s: stateBuffer === null ? null : GpuStorage.region(stateBuffer, 0, kinds * size),
  };
}

/**
 * Packs `params` now unless they are packed already (their states, if any,
 * stay where they are): what a run does before its first step.
 */
export function prepareParams(
  rt: GpuRuntime,
  params: readonly GpuStorage[],
  action: string,
): void {
  if (params.length === 0) return;
  const found = PACKS.get(params[0]);
  if (found !== undefined && holdsParams(found, params)) return;
  PACKS.set(params[0], packParams(rt, params, action));
}

/**
 * The pack of `params` and `states[i]` (the same number per parameter):
 * found as it is, or with the states moved in (the parameters stay), or
 * made anew.
 */
export function packOf(
  rt: GpuRuntime,
  params: readonly GpuStorage[],
  states: readonly (readonly GpuStorage[])[],
  action: string,
): ParamPack {
  let pack = PACKS.get(params[0]);
  if (pack === undefined || !holdsParams(pack, params)) pack = packParams(rt, params, action);
  else if (holdsStates(pack, states)) return pack;
  pack = withStates(rt, pack, states, action);
  PACKS.set(params[0], pack);
  return pack;
}
