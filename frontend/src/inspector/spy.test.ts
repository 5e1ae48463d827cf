import { describe, expect, it } from "vitest";
import type { SpyRecord } from "../api";
import { addCall, callText, durationText } from "./spy";

const record = (over: Partial<SpyRecord> = {}): SpyRecord => ({
  time: "2026-12-07T04:10:31.123Z",
  host_id: "N1",
  source_id: "consumer",
  target_id: "provider",
  link_name: "default",
  interface: "trellis:fwd/greeter",
  function: "greet",
  args: ['"Ada"'],
  results: ['"Hi, Ada!"'],
  duration_us: 84,
  error: null,
  truncated: false,
  dropped: 0,
  ...over,
});

describe("spy", () => {
  it("reads a call as its function, WAVE arguments and result", () => {
    expect(callText(record())).toBe('greet("Ada") -> "Hi, Ada!"');
    expect(callText(record({ results: ["1", "2"] }))).toBe('greet("Ada") -> (1, 2)');
    expect(callText(record({ results: [], error: "guest trapped" }))).toBe('greet("Ada")');
  });

  it("keeps the newest calls into the component, up to the limit", () => {
    let calls: SpyRecord[] = [];
    for (let i = 0; i < 5; i++) calls = addCall(calls, record({ duration_us: i }), "provider", 3);
    expect(calls.map((c) => c.duration_us)).toEqual([4, 3, 2]);
    expect(addCall(calls, record({ target_id: "other" }), "provider", 3)).toBe(calls);
  });

  it("shows durations in the unit that reads best", () => {
    expect(durationText(84)).toBe("84 µs");
    expect(durationText(2500)).toBe("2.5 ms");
    expect(durationText(1_200_000)).toBe("1.20 s");
  });
});
