import { describe, expect, it } from "vitest";
import type { ModelSnapshot } from "../api";
import { EMPTY_SNAPSHOT } from "../lattice/snapshot";
import { apply, comp, event, host, T0, withComponents } from "./fixtures";
import {
  COALESCE_MS,
  emptyTimeline,
  eventTime,
  frameAt,
  noteEvents,
  recordState,
  type Timeline,
} from "./timeline";

const componentIds = (snapshot: ModelSnapshot | undefined) =>
  (snapshot?.hosts ?? []).flatMap((h) => h.components.map((c) => c.id));

describe("recordState and frameAt", () => {
  it("shows a component that was started then stopped at the earlier time, and not live", () => {
    const hosts = [host("NA")];
    const before = withComponents();
    const started = apply(before, { change: "component_changed", host_id: "NA", component: comp("hello") });
    const stopped = apply(started, { change: "component_removed", host_id: "NA", component_id: "hello" });
    let tl = emptyTimeline();
    tl = recordState(tl, before, hosts, T0);
    tl = recordState(tl, started, hosts, T0 + 2_000);
    tl = recordState(tl, stopped, hosts, T0 + 5_000);

    expect(tl.frames.map((f) => f.at)).toEqual([T0, T0 + 2_000, T0 + 5_000]);
    expect(componentIds(frameAt(tl, T0 + 3_000)?.snapshot)).toEqual(["hello"]);
    expect(componentIds(frameAt(tl, T0 + 1_999)?.snapshot)).toEqual([]);
    // Live is the last frame; "now" is any time after it.
    expect(componentIds(tl.frames.at(-1)?.snapshot)).toEqual([]);
    expect(componentIds(frameAt(tl, T0 + 60_000)?.snapshot)).toEqual([]);
  });

  it("records nothing when only uptimes, host order or object identity changed", () => {
    let tl = recordState(emptyTimeline(), withComponents(comp("a")), [host("NA", 5), host("NB", 5)], T0);
    const once = tl;
    // A heartbeat: new objects, new uptimes, the hosts answering in another order.
    const fresh = withComponents(comp("a"));
    const later = { ...fresh, hosts: fresh.hosts.map((h) => ({ ...h, host: { ...h.host, uptime_seconds: 999 } })) };
    tl = recordState(tl, later, [host("NB", 35), host("NA", 35)], T0 + 30_000);
    expect(tl).toBe(once);
    expect(tl.frames).toHaveLength(1);
  });

  it("records a host joining from the pings alone, as a heartbeat", () => {
    const s = withComponents();
    let tl = recordState(emptyTimeline(), s, [host("NA")], T0);
    tl = recordState(tl, s, [host("NA"), host("NB")], T0 + 4_000);
    expect(tl.frames).toHaveLength(2);
    expect(tl.frames[1]?.cause).toBe("heartbeat");
    expect(frameAt(tl, T0 + 1_000)?.hosts.map((h) => h.id)).toEqual(["NA"]);
  });

  it("does not start the timeline with an empty state (nothing loaded yet)", () => {
    let tl = recordState(emptyTimeline(), EMPTY_SNAPSHOT, [], T0);
    expect(tl.frames).toHaveLength(0);
    tl = recordState(tl, withComponents(), [], T0 + 500);
    expect(tl.frames.map((f) => f.at)).toEqual([T0 + 500]);
  });

  it("coalesces changes closer than COALESCE_MS into the earlier frame, with the newest state", () => {
    let tl = recordState(emptyTimeline(), withComponents(), [host("NA")], T0);
    tl = recordState(tl, withComponents(comp("a")), [host("NA")], T0 + 5_000);
    tl = recordState(tl, withComponents(comp("a", 2)), [host("NA")], T0 + 5_100);
    tl = recordState(tl, withComponents(comp("a", 3)), [host("NA")], T0 + 5_000 + COALESCE_MS - 1);
    expect(tl.frames.map((f) => f.at)).toEqual([T0, T0 + 5_000]);
    expect(tl.frames[1]?.snapshot.hosts[0]?.components[0]?.max_instances).toBe(3);

    // A steady stream does not become one frame that slides forward: every COALESCE_MS starts another.
    tl = recordState(tl, withComponents(comp("a", 4)), [host("NA")], T0 + 5_000 + COALESCE_MS);
    expect(tl.frames.map((f) => f.at)).toEqual([T0, T0 + 5_000, T0 + 5_000 + COALESCE_MS]);
  });

  it("keeps at most `limit` frames, dropping the oldest but never the first", () => {
    let tl: Timeline = emptyTimeline(5);
    for (let i = 1; i <= 20; i++) tl = recordState(tl, withComponents(comp("a", i)), [host("NA")], T0 + i * 1_000);
    expect(tl.frames).toHaveLength(5);
    expect(tl.frames.map((f) => f.at)).toEqual([T0 + 1_000, T0 + 17_000, T0 + 18_000, T0 + 19_000, T0 + 20_000]);
    expect(tl.frames[0]?.snapshot.hosts[0]?.components[0]?.max_instances).toBe(1);
    expect(tl.frames.at(-1)?.snapshot.hosts[0]?.components[0]?.max_instances).toBe(20);
  });

  it("gives the first frame for a time before it, and nothing when nothing is recorded", () => {
    expect(frameAt(emptyTimeline(), T0)).toBeNull();
    expect(frameAt([], T0)).toBeNull();
    let tl = recordState(emptyTimeline(), withComponents(comp("a")), [host("NA")], T0 + 1_000);
    tl = recordState(tl, withComponents(comp("b")), [host("NA")], T0 + 2_000);
    tl = recordState(tl, withComponents(comp("c")), [host("NA")], T0 + 3_000);
    expect(frameAt(tl, T0)).toBe(tl.frames[0]);
    expect(frameAt(tl.frames, T0 + 2_000)).toBe(tl.frames[1]);
    expect(frameAt(tl.frames, T0 + 2_999)).toBe(tl.frames[1]);
    expect(frameAt(tl.frames, T0 + 3_000)).toBe(tl.frames[2]);
  });

  it("never mutates its inputs", () => {
    const tl = recordState(emptyTimeline(), withComponents(comp("a")), [host("NA")], T0);
    const frozen = JSON.stringify(tl.frames);
    recordState(tl, withComponents(comp("b")), [host("NA")], T0 + 1_000);
    noteEvents(tl, [event("component_scale_failed", T0 + 1_000, { component_id: "a", error: "x" })], T0 + 1_000);
    expect(JSON.stringify(tl.frames)).toBe(frozen);
  });
});

describe("noteEvents", () => {
  const one = withComponents(comp("api"));
  const three = withComponents(comp("api", 3));

  it("names the cause of a frame whose event came first", () => {
    let tl = recordState(emptyTimeline(), one, [host("NA")], T0);
    tl = noteEvents(tl, [event("component_scaled", T0 + 5_000, { component_id: "api", max_instances: 3 })], T0 + 5_000);
    tl = recordState(tl, three, [host("NA")], T0 + 5_050);
    expect(tl.frames).toHaveLength(2);
    expect(tl.frames[1]).toMatchObject({ cause: "component_scaled api ×3", evented: true, failed: false });
  });

  it("names the cause of a frame whose event came after", () => {
    let tl = recordState(emptyTimeline(), one, [host("NA")], T0);
    tl = recordState(tl, three, [host("NA")], T0 + 5_000);
    expect(tl.frames[1]?.cause).toBe("model change");
    tl = noteEvents(tl, [event("component_scaled", T0 + 5_000, { component_id: "api" })], T0 + 5_200);
    expect(tl.frames).toHaveLength(2);
    expect(tl.frames[1]).toMatchObject({ cause: "component_scaled api", evented: true });
  });

  it("adds a failed frame for a failure that changed nothing, and counts an event once", () => {
    let tl = recordState(emptyTimeline(), one, [host("NA")], T0);
    const failure = event("component_scale_failed", T0 + 9_000, { component_id: "api", error: "no such file" });
    tl = noteEvents(tl, [failure], T0 + 9_000);
    tl = noteEvents(tl, [failure], T0 + 9_500);
    expect(tl.frames).toHaveLength(2);
    expect(tl.frames[1]).toMatchObject({ at: T0 + 9_000, evented: true, failed: true });
    expect(tl.frames[1]?.cause).toBe("component_scale_failed api error: no such file");
    expect(tl.frames[1]?.snapshot).toBe(one);
  });

  it("does not let an event name a frame long after it, nor old events from before the session", () => {
    let tl = recordState(emptyTimeline(), one, [host("NA")], T0);
    tl = noteEvents(tl, [event("component_scaled", T0 + 1_000, { component_id: "api" })], T0 + 1_000);
    tl = noteEvents(tl, [event("link_put", T0 - 60_000, { source_id: "api", target: "kv" })], T0 + 1_000);
    tl = recordState(tl, three, [host("NA")], T0 + 10_000);
    expect(tl.frames[1]).toMatchObject({ cause: "model change", evented: false });
  });

  it("lets a heartbeat name only a frame nothing else explains", () => {
    let tl = recordState(emptyTimeline(), one, [host("NA")], T0);
    tl = noteEvents(tl, [event("host_heartbeat", T0 + 30_000, { friendly_name: "host-NA" })], T0 + 30_000);
    tl = recordState(tl, three, [host("NA")], T0 + 30_100);
    expect(tl.frames[1]).toMatchObject({ cause: "heartbeat", evented: false });
  });

  it("parses the host's nanosecond timestamps", () => {
    expect(eventTime(event("host_started", T0 + 1_234))).toBe(T0 + 1_234);
    expect(eventTime({ ...event("host_started", T0), time: "yesterday" })).toBeNull();
  });
});
