import { describe, expect, it } from "vitest";
import type { LogRecord } from "../api";
import { isPhaseOf } from "./useComponentPhase";

const record = (over: Partial<LogRecord>): LogRecord => ({
  time: "2026-12-06T22:00:10Z",
  level: "info",
  host: "NHOST",
  component: "web",
  context: "runtime",
  message: "compiling 18.2 MB",
  ...over,
});

describe("isPhaseOf", () => {
  const since = Date.parse("2026-12-06T22:00:09Z");
  it("takes the runtime lines of the component being started", () => {
    expect(isPhaseOf(record({}), "web", since)).toBe(true);
  });
  it("ignores other components, guest output and lines of an earlier start", () => {
    expect(isPhaseOf(record({ component: "api" }), "web", since)).toBe(false);
    expect(isPhaseOf(record({ context: "stdout" }), "web", since)).toBe(false);
    expect(isPhaseOf(record({ time: "2026-12-06T21:59:00Z" }), "web", since)).toBe(false);
  });
});
