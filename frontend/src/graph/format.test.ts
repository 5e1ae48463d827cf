import { describe, expect, it } from "vitest";
import { formatClock, formatUptime, shortId } from "./format";

describe("shortId", () => {
  it("keeps the nkey prefix and marks the cut", () => {
    const id = "NBXQ7M3TW5ZK4A6Y2D3C5E6F7G8H9J0K1L2M3N4P5Q6R7S8T9U0V1W2X";
    expect(shortId(id)).toBe("NBXQ7M3T…");
    expect(shortId(id).startsWith("N")).toBe(true);
  });

  it("leaves short ids alone", () => {
    expect(shortId("http")).toBe("http");
    expect(shortId("123456789")).toBe("123456789");
    expect(shortId("1234567890")).toBe("12345678…");
  });
});

describe("formatUptime", () => {
  it.each([
    [0, "0s"],
    [42.9, "42s"],
    [65, "1m 05s"],
    [3_600, "1h 00m"],
    [7_620, "2h 07m"],
    [86_400 * 5 + 3 * 3_600 + 59, "5d 3h"],
  ])("%s seconds is %s", (secs, text) => {
    expect(formatUptime(secs)).toBe(text);
  });

  it("shows a dash for nonsense", () => {
    expect(formatUptime(-1)).toBe("—");
    expect(formatUptime(Number.NaN)).toBe("—");
  });
});

describe("formatClock", () => {
  it("returns non-dates unchanged", () => {
    expect(formatClock("not a time")).toBe("not a time");
  });

  it("formats a timestamp with milliseconds", () => {
    expect(formatClock("2026-11-24T08:00:01.234Z")).toMatch(/^\d{2}:\d{2}:01\.234$/);
  });
});
