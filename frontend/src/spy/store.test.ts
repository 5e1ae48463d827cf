import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { SessionSpyRecord, SpyRecord } from "../api";
import { SPY_THROTTLE_MS, SpyStore, spiedLinkKey, type SpiedLink } from "./store";

const record = (over: Partial<SpyRecord> = {}): SpyRecord => ({
  time: "2026-12-07T04:10:31.123Z",
  host_id: "N1",
  source_id: "front",
  target_id: "back",
  link_name: "default",
  interface: "trellis-examples:pair/greeter@0.1.0",
  function: "greet",
  args: ['"Ada"'],
  results: ['"Hello, Ada!"'],
  duration_us: 1400,
  error: null,
  ...over,
});

const link: SpiedLink = { sourceId: "front", targetId: "back", iface: "trellis-examples:pair/greeter", linkName: "default" };
const other: SpiedLink = { ...link, sourceId: "other" };

/** A store with a fake `trellis://spy` listener: `emit` delivers a record, `listens` counts subscriptions. */
function fixture() {
  let handler: ((e: SessionSpyRecord) => void) | null = null;
  const calls = { listens: 0, unlistens: 0 };
  const store = new SpyStore("local", (session, h) => {
    expect(session).toBe("local");
    calls.listens += 1;
    handler = h;
    return Promise.resolve(() => {
      calls.unlistens += 1;
      handler = null;
    });
  });
  const emit = (r: SpyRecord) => handler?.({ session: "local", record: r });
  return { store, emit, calls };
}

describe("SpyStore", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(1_000_000);
  });
  afterEach(() => vi.useRealTimers());

  it("listens once per session while a spy runs, and stops listening after the last", async () => {
    const { store, calls } = fixture();
    store.start("back");
    store.start("other-target");
    expect(calls.listens).toBe(1);
    store.stop("back");
    expect(calls.unlistens).toBe(0);
    store.stop("other-target");
    await vi.advanceTimersByTimeAsync(0);
    expect(calls.unlistens).toBe(1);
  });

  it("keys links by caller, target, interface without version and link name", () => {
    expect(spiedLinkKey({ ...link, iface: "trellis-examples:pair/greeter@0.1.0" })).toBe(spiedLinkKey(link));
    expect(spiedLinkKey(other)).not.toBe(spiedLinkKey(link));
  });

  it("tells only the edges a record crossed, at most ~4 times a second", () => {
    const { store, emit } = fixture();
    store.start("back");
    const mine = vi.fn();
    const theirs = vi.fn();
    const panel = vi.fn();
    expect(store.linkTraffic(link)?.total).toBe(0);
    store.subscribeLink(link, mine);
    store.subscribeLink(other, theirs);
    store.subscribeCalls("back", panel);
    // Calls made just before a bucket ends, so the next flush draws them.
    vi.setSystemTime(1_000_900);
    for (let i = 0; i < 20; i++) emit(record({ duration_us: 1000 + i }));
    expect(mine).not.toHaveBeenCalled();
    vi.advanceTimersByTime(SPY_THROTTLE_MS);
    // One flush for 20 records; the bucket they fall in has ended by then.
    expect(panel).toHaveBeenCalledTimes(1);
    expect(store.callsInto("back")).toHaveLength(20);
    expect(store.callsInto("back")[0]?.duration_us).toBe(1019);
    expect(mine).toHaveBeenCalledTimes(1);
    expect(theirs).not.toHaveBeenCalled();
    const t = store.linkTraffic(link);
    expect(t?.total).toBe(20);
    expect(t?.counts.at(-1)).toBe(20);
    expect(store.linkTraffic(link)).toBe(t); // the same object until it changes
    expect(store.linkTraffic(other)?.total).toBe(0);
  });

  it("slides the window once a second while spying, and the calls leave it", () => {
    const { store, emit } = fixture();
    store.start("back");
    const mine = vi.fn();
    store.subscribeLink(link, mine);
    emit(record({ error: "guest trapped" }));
    // Drawn once its second is over (the tick runs just after each bucket ends).
    vi.advanceTimersByTime(1010);
    expect(store.linkTraffic(link)?.errors).toBe(1);
    // The window slides: the call leaves it 30 s later.
    vi.advanceTimersByTime(30_000);
    expect(store.linkTraffic(link)?.total).toBe(0);
    expect(store.linkTraffic(link)?.errors).toBe(0);
    // Ticks that would draw the same tell no one.
    const quiet = mine.mock.calls.length;
    vi.advanceTimersByTime(5_000);
    expect(mine.mock.calls.length).toBe(quiet);
  });

  it("ignores calls into components nobody spies on, drops a link's traffic when its spy stops", () => {
    const { store, emit } = fixture();
    emit(record());
    store.add(record());
    expect(store.callsInto("back")).toHaveLength(0);
    expect(store.linkTraffic(link)).toBeNull();
    store.start("back");
    const spiedSets: ReadonlySet<string>[] = [store.spiedTargets()];
    store.subscribeSpied(() => spiedSets.push(store.spiedTargets()));
    store.add(record());
    const mine = vi.fn();
    store.subscribeLink(link, mine);
    store.stop("back");
    expect(mine).toHaveBeenCalled();
    expect(store.linkTraffic(link)).toBeNull();
    expect([...(spiedSets.at(-1) ?? [])]).toEqual([]);
    expect([...(spiedSets[0] ?? [])]).toEqual(["back"]);
    // The list stays for the panel until it is forgotten or a new spy starts.
    expect(store.callsInto("back")).toHaveLength(1);
    store.forget("back");
    expect(store.callsInto("back")).toHaveLength(0);
    store.add(record());
    store.start("back");
    expect(store.callsInto("back")).toHaveLength(0);
  });
});
