import { describe, expect, it } from "vitest";
import {
  median,
  noTraffic,
  pruneSamples,
  sameTraffic,
  sampleOf,
  traffic,
  trafficTitle,
  TRAFFIC_MAX_SAMPLES,
  type CallSample,
} from "./traffic";

const T0 = 1_000_000; // a bucket boundary (ms)
const at = (ms: number, us = 1000, failed = false): CallSample => ({ at: T0 + ms, us, failed });

describe("traffic", () => {
  it("has an empty state: 30 zero buckets, no p50, 0 calls/s", () => {
    const t = traffic([], T0 + 500);
    expect(t.counts).toHaveLength(30);
    expect(t.counts.every((c) => c === 0)).toBe(true);
    expect(t.p50s.every((p) => p === null)).toBe(true);
    expect([t.total, t.errors, t.rate, t.p50Us]).toEqual([0, 0, 0, null]);
    expect(trafficTitle(t)).toBe("0.0 calls/s, no calls, 0 errors (last 30 s)");
    expect(sameTraffic(t, noTraffic())).toBe(true);
  });

  it("counts calls into 1 s buckets, only complete ones, oldest first", () => {
    // now is 0.5 s into the bucket [T0 + 2 s, T0 + 3 s): the window is [T0 - 28 s, T0 + 2 s).
    const samples = [at(-28_001), at(-28_000), at(0), at(300), at(999), at(1000), at(2100)];
    const t = traffic(samples, T0 + 2500);
    expect(t.counts).toHaveLength(30);
    expect(t.counts[0]).toBe(1); // T0 - 28 s; T0 - 28.001 s is before the window
    expect(t.counts.slice(-3)).toEqual([0, 3, 1]);
    expect(t.total).toBe(5); // T0 + 2.1 s is in the bucket in progress, not drawn yet
  });

  it("slides the window: calls leave it 30 s later", () => {
    const samples = [at(0), at(10), at(5000)];
    expect(traffic(samples, T0 + 1000).counts.at(-1)).toBe(2);
    expect(traffic(samples, T0 + 6000).counts.slice(-6)).toEqual([2, 0, 0, 0, 0, 1]);
    expect(traffic(samples, T0 + 30_999).total).toBe(3);
    expect(traffic(samples, T0 + 31_000).total).toBe(1);
    expect(traffic(samples, T0 + 36_000).total).toBe(0);
  });

  it("gives the median latency of the window and of each bucket", () => {
    const samples = [at(0, 100), at(1, 300), at(2, 200), at(1000, 1000), at(1001, 3000)];
    const t = traffic(samples, T0 + 2000);
    expect(t.p50Us).toBe(300);
    expect(t.p50s.slice(-2)).toEqual([200, 2000]);
    expect(t.p50s[0]).toBeNull();
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNull();
  });

  it("counts the failed calls in the window", () => {
    const samples = [at(-40_000, 1, true), at(0, 1, true), at(10), at(20, 1, true)];
    const t = traffic(samples, T0 + 1000);
    expect(t.errors).toBe(2);
    expect(trafficTitle(t)).toMatch(/, 2 errors \(last 30 s\)$/);
    expect(trafficTitle(traffic([at(0, 1, true)], T0 + 1000))).toMatch(/, 1 error \(/);
  });

  it("divides by the window, or by the spy's age when it is younger", () => {
    const samples = Array.from({ length: 96 }, (_, i) => at(-29_000 + i * 300, 1400));
    const full = traffic(samples, T0 + 500);
    expect(full.rate).toBeCloseTo(full.total / 30);
    expect(trafficTitle(full)).toBe(`${(full.total / 30).toFixed(1)} calls/s, p50 1.4 ms, 0 errors (last 30 s)`);
    // A spy started 2.2 s before the window's end has watched 3 buckets (from its start's).
    const young = traffic([at(0), at(500), at(1500)], T0 + 2000, { since: T0 - 200 });
    expect(young.rate).toBeCloseTo(3 / 3);
    // Never divided by less than one bucket.
    expect(traffic([at(0)], T0 + 1000, { since: T0 + 900 }).rate).toBe(1);
  });

  it("keeps only the window's samples, at most a cap of the newest", () => {
    const samples = [at(-40_000), at(-31_500), at(-30_500), at(0)];
    expect(pruneSamples(samples, T0).map((s) => s.at - T0)).toEqual([-30_500, 0]);
    const kept = [at(0), at(1)];
    expect(pruneSamples(kept, T0 + 2)).toBe(kept);
    const many = Array.from({ length: TRAFFIC_MAX_SAMPLES + 10 }, (_, i) => at(i));
    const capped = pruneSamples(many, T0 + 20_000);
    expect(capped).toHaveLength(TRAFFIC_MAX_SAMPLES);
    expect(capped[0]?.at).toBe(T0 + 10);
    expect(pruneSamples(many, T0 + 20_000, 30_000, 3).map((s) => s.at - T0)).toEqual([
      TRAFFIC_MAX_SAMPLES + 7,
      TRAFFIC_MAX_SAMPLES + 8,
      TRAFFIC_MAX_SAMPLES + 9,
    ]);
  });

  it("takes a record's duration and failure, at its arrival", () => {
    expect(sampleOf({ duration_us: 84, error: null }, 5)).toEqual({ at: 5, us: 84, failed: false });
    expect(sampleOf({ duration_us: 9, error: "guest trapped" }, 6)).toEqual({ at: 6, us: 9, failed: true });
  });
});
