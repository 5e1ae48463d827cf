import { describe, expect, it } from "vitest";
import { comp, event, host, T0, withComponents } from "./fixtures";
import { createTimelineStore, viewedFrame } from "./store";

describe("createTimelineStore", () => {
  it("records, views a past moment, goes live, and notifies only on a change", () => {
    const store = createTimelineStore("session-a");
    let calls = 0;
    const stop = store.subscribe(() => (calls += 1));
    const hosts = [host("NA")];
    store.record(withComponents(comp("gone")), hosts, T0);
    store.record(withComponents(), hosts, T0 + 3_000);
    expect(calls).toBe(2);
    // Same drawing again: no new state, no render.
    const before = store.getSnapshot();
    store.record(withComponents(), [host("NA", 99)], T0 + 6_000);
    expect(store.getSnapshot()).toBe(before);
    expect(calls).toBe(2);

    expect(viewedFrame(store.getSnapshot())).toBeNull();
    store.setAt(T0 + 1_000);
    expect(viewedFrame(store.getSnapshot())?.snapshot.hosts[0]?.components.map((c) => c.id)).toEqual(["gone"]);
    store.setAt(T0 + 1_000);
    expect(calls).toBe(3);
    store.setAt(Number.NaN);
    expect(store.getSnapshot().at).toBeNull();

    stop();
    store.noteEvents([event("component_scale_failed", T0 + 9_000, { component_id: "x" })], T0 + 9_000);
    // Going live (NaN) was the 4th change; nothing is heard after unsubscribing.
    expect(calls).toBe(4);
    expect(store.getSnapshot().timeline.frames.at(-1)?.failed).toBe(true);
  });

  it("starts each session empty", () => {
    const a = createTimelineStore("a");
    a.record(withComponents(comp("x")), [], T0);
    expect(createTimelineStore("b").getSnapshot().timeline.frames).toEqual([]);
    expect(a.getSnapshot().timeline.frames).toHaveLength(1);
  });
});
