import { describe, expect, it } from "vitest";
import {
  afterScroll,
  anchoredTop,
  atBottom,
  FOLLOWING,
  pause,
  pausedLabel,
  unseenCount,
  type FollowState,
} from "./follow";

// A list 1000 px tall in a 200 px window.
const at = (scrollTop: number) => ({ scrollTop, scrollHeight: 1000, clientHeight: 200 });
const lines = (...seqs: number[]) => seqs.map((seq) => ({ seq }));

describe("follow and pause", () => {
  it("knows the bottom, within a few pixels", () => {
    expect(atBottom(at(800))).toBe(true);
    expect(atBottom(at(797))).toBe(true);
    expect(atBottom(at(700))).toBe(false);
    expect(atBottom({ scrollTop: 0, scrollHeight: 0, clientHeight: 0 })).toBe(true);
  });

  it("pauses when the user scrolls up, remembering the newest line then", () => {
    const s = afterScroll(FOLLOWING, 800, at(650), 41);
    expect(s).toEqual({ following: false, seenSeq: 41 });
  });

  it("keeps following when the list itself scrolls down to new lines", () => {
    expect(afterScroll(FOLLOWING, 600, at(800), 50)).toBe(FOLLOWING);
    // Content grew under a still view: not a move up, not a pause.
    expect(afterScroll(FOLLOWING, 600, at(600), 50)).toBe(FOLLOWING);
  });

  it("resumes when the user scrolls back to the bottom, and not before", () => {
    const paused: FollowState = { following: false, seenSeq: 10 };
    expect(afterScroll(paused, 300, at(500), 20)).toBe(paused);
    expect(afterScroll(paused, 500, at(800), 20)).toEqual(FOLLOWING);
  });

  it("counts the shown lines that arrived since the pause", () => {
    const paused = pause(FOLLOWING, 5);
    expect(unseenCount(paused, lines(3, 4, 5))).toBe(0);
    expect(unseenCount(paused, lines(4, 5, 7, 9))).toBe(2);
    expect(unseenCount(FOLLOWING, lines(4, 5, 7, 9))).toBe(0);
    // A second pause keeps the first mark.
    expect(pause(paused, 9)).toBe(paused);
  });

  it("says what the pill shows", () => {
    expect(pausedLabel(FOLLOWING, 0)).toBeNull();
    expect(pausedLabel({ following: false, seenSeq: 1 }, 0)).toBe("paused");
    expect(pausedLabel({ following: false, seenSeq: 1 }, 1)).toBe("paused — 1 new line");
    expect(pausedLabel({ following: false, seenSeq: 1 }, 12)).toBe("paused — 12 new lines");
    expect(pausedLabel({ following: false, seenSeq: 1 }, 2, "event")).toBe("paused — 2 new events");
  });

  it("keeps the line a paused reader looks at in place as old lines drop off the front", () => {
    // Row 100 was at the top (18 px rows, 3 px into it); 30 older rows dropped: it is row 70 now.
    expect(anchoredTop(1803, 18, 100, 70)).toBe(1263);
    expect(anchoredTop(1803, 18, 100, 100)).toBe(1803);
    expect(anchoredTop(10, 18, 5, 0)).toBe(0);
  });
});
