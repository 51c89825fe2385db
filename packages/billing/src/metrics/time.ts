import type { Bucket } from "./api.ts";

// UTC calendar arithmetic for buckets: days start at 00:00 UTC, weeks on Monday, months on the 1st.

export const DAY_MS = 24 * 60 * 60 * 1000;

export function bucketStart(bucket: Bucket, t: number): number {
  const d = new Date(Math.floor(t / DAY_MS) * DAY_MS);
  if (bucket === "day") return d.getTime();
  if (bucket === "week") return d.getTime() - ((d.getUTCDay() + 6) % 7) * DAY_MS;
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}

export function nextBucket(bucket: Bucket, start: number): number {
  if (bucket === "day") return start + DAY_MS;
  if (bucket === "week") return start + 7 * DAY_MS;
  const d = new Date(start);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
}

/** [start, end) intervals covering [from, to): aligned to the bucket, partial at either edge. */
export function bucketsOf(bucket: Bucket, from: number, to: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let start = from;
  while (start < to) {
    const end = Math.min(to, nextBucket(bucket, bucketStart(bucket, start)));
    out.push([start, end]);
    start = end;
  }
  return out;
}

/** "YYYY-MM" → [first instant, first instant of the next month). */
export function monthRange(month: string): [number, number] {
  const m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(month);
  if (!m) throw new RangeError(`Not a month: ${month}`);
  const start = Date.UTC(Number(m[1]), Number(m[2]) - 1, 1);
  return [start, nextBucket("month", start)];
}
