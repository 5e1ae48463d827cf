// Touches (a workload used a subject, bucket or container, as its spans showed) kept once
// each, and the graph's view of them.
import type { Touch } from "../api";

/** The same touch twice is one edge. */
export function touchKey(t: Touch): string {
  return `${t.workload ?? ""}|${t.kind}|${t.name}`;
}

/** `all` with `touch` added unless an equal one is there (same array when nothing changes). */
export function addTouch(all: readonly Touch[], touch: Touch): readonly Touch[] {
  const key = touchKey(touch);
  return all.some((t) => touchKey(t) === key) ? all : [...all, touch];
}

/** The graph node id of a touched resource. */
export function resourceNodeId(t: Pick<Touch, "kind" | "name">): string {
  return `v2resource:${t.kind}:${t.name}`;
}
