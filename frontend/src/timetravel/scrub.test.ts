import { describe, expect, it } from "vitest";
import { comp, host, T0, withComponents } from "./fixtures";
import { formatAgo, formatHms, keyAction, percentAlong, stepFrame, viewedIndex } from "./scrub";
import { emptyTimeline, recordState, type Frame } from "./timeline";

/** Frames at T0, T0+1s, T0+2s, T0+3s. */
function frames(): readonly Frame[] {
  let tl = emptyTimeline();
  for (let i = 0; i < 4; i++) tl = recordState(tl, withComponents(comp("a", i + 1)), [host("NA")], T0 + i * 1_000);
  return tl.frames;
}

describe("scrubber arithmetic", () => {
  it("formats local clock times and ages", () => {
    const d = new Date(2026, 0, 2, 3, 4, 5);
    expect(formatHms(d.getTime())).toBe("03:04:05");
    expect(formatHms(Number.NaN)).toBe("--:--:--");
    expect(formatAgo(-50)).toBe("0 s ago");
    expect(formatAgo(12_900)).toBe("12 s ago");
    expect(formatAgo(185_000)).toBe("3 min 05 s ago");
    expect(formatAgo(2 * 3_600_000 + 7 * 60_000)).toBe("2 h 07 min ago");
  });

  it("steps one frame back from live and forward into live", () => {
    const f = frames();
    expect(viewedIndex(f, null)).toBe(3);
    expect(stepFrame(f, null, -1)).toBe(T0 + 2_000);
    expect(stepFrame(f, T0 + 2_000, -1)).toBe(T0 + 1_000);
    // Between two frames, the one shown is the earlier.
    expect(stepFrame(f, T0 + 1_500, 1)).toBe(T0 + 2_000);
    // The last frame is the live state.
    expect(stepFrame(f, T0 + 2_000, 1)).toBeNull();
    expect(stepFrame(f, null, 1)).toBeNull();
    // The first is as far back as it goes, also from before it.
    expect(stepFrame(f, T0, -1)).toBe(T0);
    expect(stepFrame(f, T0 - 5_000, -1)).toBe(T0);
    expect(stepFrame([], null, -1)).toBeNull();
  });

  it("maps keys: arrows step, Home is the first frame, End and Esc go live, others are not ours", () => {
    const f = frames();
    expect(keyAction("ArrowLeft", f, null)).toBe(T0 + 2_000);
    expect(keyAction("ArrowRight", f, T0)).toBe(T0 + 1_000);
    expect(keyAction("Home", f, null)).toBe(T0);
    expect(keyAction("Escape", f, T0)).toBeNull();
    expect(keyAction("End", f, T0)).toBeNull();
    expect(keyAction("a", f, T0)).toBeUndefined();
  });

  it("places times along the bar, clamped", () => {
    expect(percentAlong(150, 100, 200)).toBe(50);
    expect(percentAlong(50, 100, 200)).toBe(0);
    expect(percentAlong(250, 100, 200)).toBe(100);
    expect(percentAlong(100, 100, 100)).toBe(100);
  });
});
