// "Watch file" reloads as the component node and the inspector show them: the last
// reload of each watched component, per session, kept outside React so a node that is
// re-created (layout, tab switch) still shows it. One `trellis://reload` listener per
// session, seeded from `list_watches`.
import { useEffect, useSyncExternalStore } from "react";
import { listWatches, onReload, type ReloadEvent } from "../../api";

/** The local file a `file://` image reference names, or `null` for any other reference. */
export function fileRefPath(imageRef: string | null | undefined): string | null {
  if (!imageRef?.startsWith("file://")) return null;
  let path = imageRef.slice("file://".length);
  // `file://localhost/x` is `/x`; the hosts send `file:///x`.
  if (path.startsWith("localhost/")) path = path.slice("localhost".length);
  // Trellis sends the path as it is, not percent-encoded.
  return path.startsWith("/") ? path : null;
}

/** `HH:MM:SS` of a time in ms since the epoch, local time. */
export function clock(ms: number): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

/** The short text of a reload, for the inspector's line. */
export function reloadSummary(event: ReloadEvent): string {
  return event.ok ? `reloaded ${clock(event.at_ms)}` : `reload failed ${clock(event.at_ms)}: ${event.message}`;
}

/** The node's badge for a reload: the new revision when known. */
export function reloadBadge(event: ReloadEvent): string {
  if (!event.ok) return "reload failed";
  return event.revision !== null ? `rev ${event.revision}` : `reloaded ${clock(event.at_ms)}`;
}

const last = new Map<string, ReloadEvent>();
const listening = new Set<string>();
const subscribers = new Set<() => void>();

function key(session: string, componentId: string): string {
  return `${session}\u0000${componentId}`;
}

/** Records `event` unless a later one is already known, and tells the subscribers. */
export function recordReload(event: ReloadEvent): void {
  const k = key(event.session, event.component_id);
  const known = last.get(k);
  if (known && known.at_ms > event.at_ms) return;
  last.set(k, event);
  for (const notify of subscribers) notify();
}

/** Forgets the reloads of `session`'s components (a toggle turned off keeps its last one). */
export function forgetReload(session: string, componentId: string): void {
  if (last.delete(key(session, componentId))) for (const notify of subscribers) notify();
}

function listenTo(session: string): void {
  if (listening.has(session)) return;
  listening.add(session);
  void onReload(session, recordReload).catch(() => listening.delete(session));
  void listWatches(session)
    .then((watches) => watches.forEach((w) => w.last && recordReload(w.last)))
    .catch(() => undefined);
}

function subscribe(notify: () => void): () => void {
  subscribers.add(notify);
  return () => void subscribers.delete(notify);
}

/** The last reload of `componentId` in `session`, kept current. */
export function useLastReload(session: string, componentId: string): ReloadEvent | null {
  useEffect(() => listenTo(session), [session]);
  return useSyncExternalStore(subscribe, () => last.get(key(session, componentId)) ?? null);
}
