// The session's recorded lattice states, for time travel. Pure: every function returns a
// new timeline (inputs are never mutated), and an input that changes nothing returns the
// same timeline, so React skips the render.
//
// A frame is recorded only when what the graph draws really changed: the model snapshot or
// the set of pinged hosts, compared on a key that leaves out uptimes (they change on every
// heartbeat and would make a frame per ping). Frames closer than `COALESCE_MS` are merged
// into the earlier one, and at most `limit` frames are kept: the oldest go, except the
// first, so the start of the session can always be seen.
//
// Lattice events (CloudEvents) name the cause of the frame they arrived with, and a failure
// event is kept even when it changed nothing: it adds a frame (the same state) marked as
// failed, so the scrubber can show it and step to it.
import type { CloudEvent, Host, ModelSnapshot } from "../api";
import { eventKind, eventSummary, isFailure } from "../events/describe";

/** One recorded state of the lattice. */
export interface Frame {
  /** When it was recorded (ms since epoch, this machine's clock). */
  at: number;
  /** The model at that moment. */
  snapshot: ModelSnapshot;
  /** The pinged hosts at that moment. */
  hosts: Host[];
  /** What changed it: "component_scaled api", "heartbeat", "model change". */
  cause: string;
  /** Whether `cause` names lattice events (the scrubber draws a tick for these). */
  evented: boolean;
  /** Whether one of those events was a failure (`*_failed`). */
  failed: boolean;
}

/** An event that arrived before the frame it caused. */
interface PendingEvent {
  cause: string;
  failed: boolean;
  /** A heartbeat only names a frame nothing else explains. */
  heartbeat: boolean;
  receivedAt: number;
}

/** The recorder's state. Treat as opaque; read `frames`. */
export interface Timeline {
  /** Oldest first; the last one is the live state. */
  readonly frames: readonly Frame[];
  /** The most frames kept. */
  readonly limit: number;
  /** The key of the last frame's state. */
  readonly key: string | null;
  /** Events not yet matched to a frame, oldest first. */
  readonly pending: readonly PendingEvent[];
  /** Ids of the events already noted, oldest first (bounded), so a re-sent list counts once. */
  readonly seen: readonly string[];
}

/** Changes closer together than this make one frame. */
export const COALESCE_MS = 250;

/** How many frames a session keeps by default. */
export const DEFAULT_FRAME_LIMIT = 500;

/**
 * How far apart an event and a frame may arrive and still belong together. The model
 * change and the CloudEvent of one action come on different channels, in either order.
 */
export const CAUSE_WINDOW_MS = 1000;

/** Events older than this when they arrive (by their own `time`) are history, not causes. */
export const STALE_EVENT_MS = 10_000;

/** How many event ids are remembered for de-duplication. */
const SEEN_LIMIT = 4000;

/** At most this many causes are named in one frame's `cause`. */
const MAX_CAUSES = 3;

/** A timeline with nothing recorded. */
export function emptyTimeline(limit = DEFAULT_FRAME_LIMIT): Timeline {
  return { frames: [], limit: Math.max(2, Math.floor(limit)), key: null, pending: [], seen: [] };
}

const snapshotKeys = new WeakMap<ModelSnapshot, string>();
const hostKeys = new WeakMap<readonly Host[], string>();

/** What the graph draws from a snapshot, as a string: equal keys, equal drawings. Uptimes left out. */
function snapshotKey(snapshot: ModelSnapshot): string {
  let key = snapshotKeys.get(snapshot);
  if (key === undefined) {
    key = JSON.stringify([
      snapshot.hosts.map((h) => [
        [h.host.id, h.host.friendly_name, h.host.version, h.host.labels],
        h.components,
        h.providers,
      ]),
      snapshot.links,
      snapshot.configs,
    ]);
    snapshotKeys.set(snapshot, key);
  }
  return key;
}

/** The set of pinged hosts as a string, in id order (pings answer in any order). Uptimes left out. */
function hostsKey(hosts: readonly Host[]): string {
  let key = hostKeys.get(hosts);
  if (key === undefined) {
    key = JSON.stringify(
      [...hosts]
        .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
        .map((h) => [h.id, h.friendly_name, h.version, h.lattice, h.labels, h.ctl_host, h.rpc_host, h.js_domain ?? null]),
    );
    hostKeys.set(hosts, key);
  }
  return key;
}

/** The key frames are compared on: equal keys mean nothing the graph draws changed. */
export function stateKey(snapshot: ModelSnapshot, hosts: readonly Host[]): string {
  return `${snapshotKey(snapshot)}\n${hostsKey(hosts)}`;
}

function isEmpty(snapshot: ModelSnapshot, hosts: readonly Host[]): boolean {
  return hosts.length === 0 && snapshot.hosts.length === 0 && snapshot.links.length === 0 && snapshot.configs.length === 0;
}

/** `first`, `second`, `third +2`: at most `MAX_CAUSES` named. */
function joinCauses(causes: readonly string[]): string {
  const unique = [...new Set(causes)];
  const named = unique.slice(0, MAX_CAUSES).join(", ");
  return unique.length > MAX_CAUSES ? `${named} +${unique.length - MAX_CAUSES}` : named;
}

/** Appends `frame`, dropping the second-oldest frame(s) past the limit so the first stays. */
function pushBounded(frames: readonly Frame[], frame: Frame, limit: number): Frame[] {
  const next = [...frames, frame];
  if (next.length <= limit) return next;
  const first = next[0] as Frame;
  return [first, ...next.slice(next.length - (limit - 1))];
}

/**
 * Records the live state at `at` (ms). Returns `timeline` itself when nothing the graph
 * draws changed. Before the first frame, an entirely empty state (nothing loaded yet) is
 * not recorded.
 */
export function recordState(
  timeline: Timeline,
  snapshot: ModelSnapshot,
  hosts: readonly Host[],
  at: number,
): Timeline {
  const key = stateKey(snapshot, hosts);
  if (key === timeline.key) return timeline;
  if (timeline.frames.length === 0 && isEmpty(snapshot, hosts)) return timeline;

  const last = timeline.frames.at(-1);
  const recent = timeline.pending.filter((p) => at - p.receivedAt <= CAUSE_WINDOW_MS);
  const real = recent.filter((p) => !p.heartbeat);
  const snapshotChanged = !last || snapshotKey(last.snapshot) !== snapshotKey(snapshot);
  let cause: string;
  const evented = real.length > 0;
  if (evented) cause = joinCauses(real.map((p) => p.cause));
  else if (recent.length > 0 || !snapshotChanged) cause = "heartbeat";
  else cause = last ? "model change" : "first state";
  const failed = real.some((p) => p.failed);
  // Dropping the unmatched heartbeats here too: they explained this frame or nothing.
  const pending: PendingEvent[] = [];

  // Coalesce; an `at` earlier than the last frame (the clock went back) lands here too, so
  // frames stay in time order for `frameAt`.
  if (last && at - last.at < COALESCE_MS) {
    const merged: Frame = {
      at: last.at,
      snapshot,
      hosts: hosts as Host[],
      cause: last.evented ? (evented ? joinCauses([last.cause, cause]) : last.cause) : cause,
      evented: last.evented || evented,
      failed: last.failed || failed,
    };
    return { ...timeline, frames: [...timeline.frames.slice(0, -1), merged], key, pending };
  }
  const frame: Frame = { at, snapshot, hosts: hosts as Host[], cause, evented, failed };
  return { ...timeline, frames: pushBounded(timeline.frames, frame, timeline.limit), key, pending };
}

/** `com.wasmcloud.lattice.component_scaled` with `component_id: "api"` → `component_scaled api`. */
export function eventCause(event: CloudEvent): string {
  const summary = eventSummary(event);
  return summary ? `${eventKind(event.type)} ${summary}` : eventKind(event.type);
}

/** The event's own time in ms, or `null` when it does not parse. Nanoseconds are cut to ms. */
export function eventTime(event: CloudEvent): number | null {
  const trimmed = event.time.replace(/(\.\d{3})\d+/, "$1");
  const ms = Date.parse(trimmed);
  return Number.isNaN(ms) ? null : ms;
}

/**
 * Notes lattice events that arrived at `receivedAt` (ms). Events already noted (by id) are
 * skipped, so the caller may pass its whole, growing list each time. An event names the
 * cause of the last frame when that frame was recorded just before it and no event named
 * it yet; otherwise it waits for the frame it causes. A failure that no frame explains adds
 * a frame of the current state, marked as failed.
 */
export function noteEvents(timeline: Timeline, events: readonly CloudEvent[], receivedAt: number): Timeline {
  const seenSet = new Set(timeline.seen);
  const fresh = events.filter((e) => !seenSet.has(e.id));
  if (fresh.length === 0) return timeline;

  let frames = [...timeline.frames];
  let pending = timeline.pending.filter((p) => receivedAt - p.receivedAt <= CAUSE_WINDOW_MS);
  for (const event of fresh) {
    seenSet.add(event.id);
    const time = eventTime(event);
    if (time !== null && receivedAt - time > STALE_EVENT_MS) continue;
    const kind = eventKind(event.type);
    const heartbeat = kind === "host_heartbeat";
    const failed = isFailure(event);
    const cause = eventCause(event);
    const last = frames.at(-1);
    const lastIndex = frames.length - 1;
    if (last && !heartbeat && receivedAt - last.at <= CAUSE_WINDOW_MS && (!last.evented || receivedAt - last.at < COALESCE_MS)) {
      // The frame came first: this event explains it.
      frames[lastIndex] = {
        ...last,
        cause: last.evented ? joinCauses([last.cause, cause]) : cause,
        evented: true,
        failed: last.failed || failed,
      };
    } else if (last && failed) {
      // A failure that changed nothing is still a moment worth stepping to.
      const at = Math.max(receivedAt, last.at);
      frames = pushBounded(frames, { ...last, at, cause, evented: true, failed: true }, timeline.limit);
    } else {
      pending = [...pending, { cause, failed, heartbeat, receivedAt }];
    }
  }
  const seen = [...timeline.seen, ...fresh.map((e) => e.id)];
  return {
    ...timeline,
    frames,
    pending,
    seen: seen.length > SEEN_LIMIT ? seen.slice(seen.length - SEEN_LIMIT) : seen,
  };
}

/** Index of the last frame at or before `t`; 0 when `t` is before the first; -1 when there are none. */
export function frameIndexAt(frames: readonly Frame[], t: number): number {
  if (frames.length === 0) return -1;
  let lo = 0;
  let hi = frames.length - 1;
  if (t < (frames[0] as Frame).at) return 0;
  // Invariant: frames[lo].at <= t; the answer is in [lo, hi].
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if ((frames[mid] as Frame).at <= t) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * The frame to draw at time `t` (ms): the last one recorded at or before it, or the first
 * when `t` is earlier than everything recorded; `null` when nothing is recorded.
 */
export function frameAt(timeline: Timeline | readonly Frame[], t: number): Frame | null {
  const frames = isFrames(timeline) ? timeline : timeline.frames;
  return frames[frameIndexAt(frames, t)] ?? null;
}

function isFrames(value: Timeline | readonly Frame[]): value is readonly Frame[] {
  return Array.isArray(value);
}
