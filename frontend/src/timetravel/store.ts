// One session's timeline and the moment being viewed, as a small external store for
// `useSyncExternalStore`: the recorder is fed from effects (it needs the clock), and React
// reads an immutable snapshot that changes only when a frame or the viewed moment does.
import type { CloudEvent, Host, ModelSnapshot } from "../api";
import { emptyTimeline, frameAt, noteEvents, recordState, type Frame, type Timeline } from "./timeline";

/** What the store holds. */
export interface TimelineState {
  readonly timeline: Timeline;
  /** The moment viewed (ms), or `null` for live. */
  readonly at: number | null;
}

export interface TimelineStore {
  /** The session this store records. */
  readonly sessionKey: string;
  subscribe: (listener: () => void) => () => void;
  getSnapshot: () => TimelineState;
  /** Records the live state at `now` (ms); no-op when the graph would look the same. */
  record: (snapshot: ModelSnapshot, hosts: readonly Host[], now: number) => void;
  /** Notes lattice events received at `now` (ms); ids already noted are skipped. */
  noteEvents: (events: readonly CloudEvent[], now: number) => void;
  /** Views the moment `at` (ms), or live with `null`. */
  setAt: (at: number | null) => void;
}

/** A store for `sessionKey` with nothing recorded and the live state viewed. */
export function createTimelineStore(sessionKey: string, limit?: number): TimelineStore {
  let state: TimelineState = { timeline: emptyTimeline(limit), at: null };
  const listeners = new Set<() => void>();
  const set = (next: TimelineState) => {
    if (next.timeline === state.timeline && next.at === state.at) return;
    state = next;
    for (const listener of [...listeners]) listener();
  };
  return {
    sessionKey,
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    getSnapshot: () => state,
    record: (snapshot, hosts, now) => set({ ...state, timeline: recordState(state.timeline, snapshot, hosts, now) }),
    noteEvents: (events, now) => set({ ...state, timeline: noteEvents(state.timeline, events, now) }),
    setAt: (at) => set({ ...state, at: at !== null && Number.isFinite(at) ? at : null }),
  };
}

/** The frame to draw instead of the live data, or `null` when viewing live (or nothing is recorded). */
export function viewedFrame(state: TimelineState): Frame | null {
  return state.at === null ? null : frameAt(state.timeline, state.at);
}
