// Pure logic of the inspector's Spy section: the bounded list of recent calls and how one
// call reads as text.
import type { SpyRecord } from "../api";

/** How many calls the section keeps; older ones fall off. */
export const SPY_KEEP = 100;

/** `calls` with `record` first, if it is a call into `componentId`, keeping at most `keep`. */
export function addCall(calls: readonly SpyRecord[], record: SpyRecord, componentId: string, keep = SPY_KEEP): SpyRecord[] {
  if (record.target_id !== componentId) return calls as SpyRecord[];
  return [record, ...calls].slice(0, keep);
}

/** `greet("Ada") -> "Hi, Ada!"`: the function with its WAVE arguments and results. */
export function callText(r: SpyRecord): string {
  const call = `${r.function}(${r.args.join(", ")})`;
  if (r.error) return call;
  if (r.results.length === 0) return call;
  const results = r.results.length === 1 ? r.results[0] : `(${r.results.join(", ")})`;
  return `${call} -> ${results}`;
}

/** A duration in µs as `84 µs`, `2.5 ms` or `1.20 s`. */
export function durationText(us: number): string {
  if (us < 1000) return `${us} µs`;
  if (us < 1_000_000) return `${(us / 1000).toFixed(1)} ms`;
  return `${(us / 1_000_000).toFixed(2)} s`;
}
