// Which lattice events the Events tab shows: kinds switched off, heartbeats (hidden
// unless asked for) and a search over the type, source, summary and JSON. Pure.
import type { CloudEvent } from "../api";
import { eventKind, eventSummary, isFailure } from "./describe";

/** The kind every host publishes every few seconds: hidden by default, it would drown the rest. */
export const HEARTBEAT = "host_heartbeat";

export interface KindCount {
  kind: string;
  count: number;
  /** Whether events of this kind are failures (shown in the failure colour). */
  failed: boolean;
}

/** The kinds present in `events` with how many of each, by name; heartbeats left out (they have their toggle). */
export function kindCounts(events: readonly CloudEvent[]): KindCount[] {
  const counts = new Map<string, KindCount>();
  for (const event of events) {
    const kind = eventKind(event.type);
    if (kind === HEARTBEAT) continue;
    const entry = counts.get(kind);
    if (entry) entry.count++;
    else counts.set(kind, { kind, count: 1, failed: isFailure(event) });
  }
  return [...counts.values()].sort((a, b) => a.kind.localeCompare(b.kind));
}

/** `hidden` with `kind` shown or hidden again, sorted. */
export function toggleKind(hidden: readonly string[], kind: string): string[] {
  return (hidden.includes(kind) ? hidden.filter((k) => k !== kind) : [...hidden, kind]).sort();
}

/** Whether a stored value is a list of kind names (for the persisted setting). */
export function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === "string");
}

export interface EventFilter {
  /** Kinds switched off in the type filter. */
  hiddenKinds: readonly string[];
  /** Show `host_heartbeat` events. */
  heartbeats: boolean;
  /** Words (any case) that must all appear in the type, source, summary or JSON. */
  search: string;
}

const haystacks = new WeakMap<CloudEvent, string>();

/** What the search box looks in, lower-cased; computed once per event. */
export function searchText(event: CloudEvent): string {
  let text = haystacks.get(event);
  if (text === undefined) {
    let json: string;
    try {
      json = JSON.stringify(event.data) ?? "";
    } catch {
      json = "";
    }
    text = [event.type, event.source, eventSummary(event), json].join("\n").toLowerCase();
    haystacks.set(event, text);
  }
  return text;
}

/** Whether `event` passes the type filter, the heartbeat toggle and the search. */
export function eventVisible(event: CloudEvent, filter: EventFilter): boolean {
  const kind = eventKind(event.type);
  if (kind === HEARTBEAT ? !filter.heartbeats : filter.hiddenKinds.includes(kind)) return false;
  const words = filter.search.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const text = searchText(event);
  return words.every((w) => text.includes(w));
}

/** The event as indented JSON for the detail pane. */
export function prettyJson(event: CloudEvent): string {
  try {
    return JSON.stringify(event, null, 2);
  } catch {
    return String(event);
  }
}

/**
 * The event `delta` rows away from `selected` among `shown` (oldest first), kept within
 * the list; with nothing (or a hidden event) selected, the newest going up, the oldest going down.
 */
export function stepSelection(
  shown: readonly { seq: number }[],
  selected: number | null,
  delta: number,
): number | null {
  if (shown.length === 0) return null;
  const at = selected === null ? -1 : shown.findIndex((e) => e.seq === selected);
  const index = at < 0 ? (delta < 0 ? shown.length - 1 : 0) : Math.min(shown.length - 1, Math.max(0, at + delta));
  return (shown[index] as { seq: number }).seq;
}
