// Which event the apply thread is applying, in memory shared with its supervisor: if the thread
// dies, the replacement counts that event as a failed attempt (see apply-worker.ts). A message
// per event cost both threads ~60 µs of CPU per event; a store into shared memory costs nothing.

/** Length (or -1 for none), then the id's UTF-8 bytes; Stripe event ids are far shorter. */
export const APPLYING_BYTES = 4 + 1024;

const encoder = new TextEncoder();

export function writeApplying(slot: SharedArrayBuffer, id: string | null): void {
  const length = id === null ? -1 : encoder.encodeInto(id, new Uint8Array(slot, 4)).written;
  Atomics.store(new Int32Array(slot, 0, 1), 0, length);
}

export function readApplying(slot: SharedArrayBuffer): string | null {
  const length = Atomics.load(new Int32Array(slot, 0, 1), 0);
  if (length < 0) return null;
  return new TextDecoder().decode(new Uint8Array(slot, 4, length).slice());
}
