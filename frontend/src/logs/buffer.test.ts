import { describe, expect, it } from "vitest";
import { appendBounded } from "./buffer";

describe("appendBounded", () => {
  it("appends in order", () => {
    expect(appendBounded([1, 2], [3], 5)).toEqual([1, 2, 3]);
  });
  it("drops the oldest past the limit", () => {
    expect(appendBounded([1, 2, 3], [4, 5], 3)).toEqual([3, 4, 5]);
  });
  it("never mutates its input", () => {
    const list = [1];
    appendBounded(list, [2], 1);
    expect(list).toEqual([1]);
  });
  it("keeps nothing with a zero limit", () => {
    expect(appendBounded([1], [2], 0)).toEqual([]);
  });
});
