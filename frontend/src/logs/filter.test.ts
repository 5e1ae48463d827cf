import { describe, expect, it } from "vitest";
import type { LogRecord } from "../api";
import { logVisible } from "./filter";

const record = (level: LogRecord["level"], component?: string): LogRecord =>
  ({ time: "2026-11-24T12:00:00Z", level, host: "NABC", component: component ?? null, message: "m" });

describe("logVisible", () => {
  it("shows the chosen level and above", () => {
    expect(logVisible(record("debug"), "info", "")).toBe(false);
    expect(logVisible(record("info"), "info", "")).toBe(true);
    expect(logVisible(record("critical"), "warn", "")).toBe(true);
    expect(logVisible(record("trace"), "trace", "")).toBe(true);
  });

  it("matches part of the component id, ignoring case; host lines have none", () => {
    expect(logVisible(record("info", "py-counter"), "trace", "Counter")).toBe(true);
    expect(logVisible(record("info", "hello"), "trace", "counter")).toBe(false);
    expect(logVisible(record("info"), "trace", "counter")).toBe(false);
    expect(logVisible(record("info"), "trace", "  ")).toBe(true);
  });
});
