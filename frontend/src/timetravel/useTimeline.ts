// Records a session's lattice states as they change, for the time-travel scrubber, and
// holds which moment is viewed. Everything starts again when the session changes.
import { useEffect, useMemo, useSyncExternalStore } from "react";
import { onLatticeEvent, type CloudEvent, type Host, type ModelSnapshot } from "../api";
import { createTimelineStore, viewedFrame } from "./store";
import type { Frame } from "./timeline";

/** The live data the graph is drawn from. */
export interface LiveState {
  snapshot: ModelSnapshot;
  hosts: Host[];
}

/** What `useTimeline` gives the window. */
export interface TimelineView {
  /** Recorded frames, oldest first; the last one is the live state. */
  frames: readonly Frame[];
  /** The moment viewed (ms since epoch), or `null` for live. */
  at: number | null;
  /** Views a moment, or goes live with `null`: pass to `<Scrubber onChange>`. */
  setAt: (at: number | null) => void;
  /** The frame to draw instead of the live data, or `null` when live. */
  viewed: Frame | null;
}

/**
 * Records `live` (a frame per real change, see `timeline.ts`) for the session `sessionKey`;
 * a new key starts an empty timeline, viewing live. `events` (the session's lattice events,
 * oldest first, may be the whole growing list) name the causes of frames and mark
 * failures; when left out, the hook listens to the lattice events itself.
 *
 * `live.snapshot` and `live.hosts` are compared by reference first: pass the values as
 * `useLattice` gives them, not new arrays on every render.
 */
export function useTimeline(
  sessionKey: string,
  live: LiveState,
  events?: readonly CloudEvent[],
  limit?: number,
): TimelineView {
  const store = useMemo(() => createTimelineStore(sessionKey, limit), [sessionKey, limit]);
  const state = useSyncExternalStore(store.subscribe, store.getSnapshot);

  const { snapshot, hosts } = live;
  useEffect(() => {
    store.record(snapshot, hosts, Date.now());
  }, [store, snapshot, hosts]);

  useEffect(() => {
    if (events) store.noteEvents(events, Date.now());
  }, [store, events]);

  const listen = events === undefined;
  useEffect(() => {
    if (!listen) return;
    const unlisten = onLatticeEvent(sessionKey, (event) => store.noteEvents([event], Date.now()));
    return () => void unlisten.then((stop) => stop());
  }, [store, listen, sessionKey]);

  return useMemo(
    () => ({ frames: state.timeline.frames, at: state.at, setAt: store.setAt, viewed: viewedFrame(state) }),
    [state, store],
  );
}
