// The traffic of one spied link as its edge's sparkline draws it: calls per second in 1 s
// buckets over the last 30 s, the median latency, and the failed calls. Pure functions, so
// the bucketing is tested without a DOM or a clock.
import type { SpyRecord } from "../api";

/** How far back the sparkline looks. */
export const TRAFFIC_WINDOW_MS = 30_000;
/** One point of the sparkline: calls in one second are calls per second. */
export const TRAFFIC_BUCKET_MS = 1_000;
/**
 * The most calls kept per link: at 1,000 calls/s a full window would be 30,000 samples;
 * beyond this the oldest go first (the rate then reads low, the latency stays right).
 */
export const TRAFFIC_MAX_SAMPLES = 5_000;

/** What the sparkline needs of one call. */
export interface CallSample {
  /** When the call arrived here (ms since the epoch). */
  at: number;
  /** How long it took, in µs. */
  us: number;
  failed: boolean;
}

/** One link's traffic over the window, as drawn. */
export interface Traffic {
  /** Calls in each complete bucket, oldest first (the bucket in progress is not drawn yet). */
  counts: number[];
  /** Median duration (µs) of the calls in each bucket, `null` where there were none. */
  p50s: (number | null)[];
  /** Calls in the window. */
  total: number;
  /** Failed calls in the window. */
  errors: number;
  /** Calls per second over the window, or over the part of it the spy has run. */
  rate: number;
  /** Median duration (µs) of the calls in the window, `null` if none. */
  p50Us: number | null;
  windowMs: number;
}

export interface TrafficOptions {
  windowMs?: number;
  bucketMs?: number;
  /** When the spy began (ms): a spy younger than the window divides by its age, not 30 s. */
  since?: number;
}

/**
 * A sample of `record` arriving at `at`. The arrival time, not the host's `record.time`: a
 * remote host's clock may be off, and the window is measured with this machine's.
 */
export function sampleOf(record: Pick<SpyRecord, "duration_us" | "error">, at: number): CallSample {
  return { at, us: record.duration_us, failed: Boolean(record.error) };
}

/** The median of `values` (the mean of the middle two for an even count), `null` if empty. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const upper = sorted[mid] ?? 0;
  return sorted.length % 2 === 1 ? upper : ((sorted[mid - 1] ?? upper) + upper) / 2;
}

/**
 * `samples` (oldest first) without those that left the window before `now`, and at most
 * `cap` of the newest. Returns `samples` itself when nothing is dropped.
 */
export function pruneSamples(
  samples: CallSample[],
  now: number,
  windowMs = TRAFFIC_WINDOW_MS,
  cap = TRAFFIC_MAX_SAMPLES,
): CallSample[] {
  // Kept from one bucket before the window's start: the window's first bucket starts there.
  const oldest = now - windowMs - TRAFFIC_BUCKET_MS;
  let first = 0;
  while (first < samples.length && (samples[first]?.at ?? oldest) < oldest) first += 1;
  first = Math.max(first, samples.length - cap);
  return first === 0 ? samples : samples.slice(first);
}

/**
 * Buckets `samples` into the complete buckets of the window that ends at the start of the
 * bucket `now` falls in (so each point counts a whole second and the line does not dip at
 * its end while the current second fills).
 */
export function traffic(samples: readonly CallSample[], now: number, options: TrafficOptions = {}): Traffic {
  const windowMs = options.windowMs ?? TRAFFIC_WINDOW_MS;
  const bucketMs = options.bucketMs ?? TRAFFIC_BUCKET_MS;
  const n = Math.max(1, Math.round(windowMs / bucketMs));
  const end = Math.floor(now / bucketMs) * bucketMs;
  const start = end - n * bucketMs;
  const counts = new Array<number>(n).fill(0);
  const durations: number[][] = Array.from({ length: n }, () => []);
  const all: number[] = [];
  let errors = 0;
  for (const s of samples) {
    if (s.at < start || s.at >= end) continue;
    const i = Math.floor((s.at - start) / bucketMs);
    counts[i] = (counts[i] ?? 0) + 1;
    durations[i]?.push(s.us);
    all.push(s.us);
    if (s.failed) errors += 1;
  }
  // A spy younger than the window has watched only since its start's bucket.
  const watchedFrom = options.since === undefined ? start : Math.max(start, Math.floor(options.since / bucketMs) * bucketMs);
  const seconds = Math.max(bucketMs, end - watchedFrom) / 1000;
  return {
    counts,
    p50s: durations.map(median),
    total: all.length,
    errors,
    rate: all.length / seconds,
    p50Us: median(all),
    windowMs: n * bucketMs,
  };
}

/** Whether two traffics draw the same (so a store can keep the older object). */
export function sameTraffic(a: Traffic, b: Traffic): boolean {
  return (
    a.total === b.total &&
    a.errors === b.errors &&
    a.rate === b.rate &&
    a.p50Us === b.p50Us &&
    a.windowMs === b.windowMs &&
    a.counts.length === b.counts.length &&
    a.counts.every((c, i) => c === b.counts[i] && a.p50s[i] === b.p50s[i])
  );
}

/** A latency in µs as `84 µs`, `1.4 ms` or `1.20 s`. */
export function latencyText(us: number): string {
  if (us < 1000) return `${Math.round(us)} µs`;
  if (us < 1_000_000) return `${(us / 1000).toFixed(1)} ms`;
  return `${(us / 1_000_000).toFixed(2)} s`;
}

/** The sparkline's title: `3.2 calls/s, p50 1.4 ms, 0 errors (last 30 s)`. */
export function trafficTitle(t: Traffic): string {
  const p50 = t.p50Us === null ? "no calls" : `p50 ${latencyText(t.p50Us)}`;
  const errors = `${t.errors} error${t.errors === 1 ? "" : "s"}`;
  return `${t.rate.toFixed(1)} calls/s, ${p50}, ${errors} (last ${Math.round(t.windowMs / 1000)} s)`;
}

/** An empty window (a link spied on that nothing has called yet). */
export function noTraffic(windowMs = TRAFFIC_WINDOW_MS, bucketMs = TRAFFIC_BUCKET_MS): Traffic {
  return traffic([], 0, { windowMs, bucketMs });
}
