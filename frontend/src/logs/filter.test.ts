import { describe, expect, it } from "vitest";
import type { LogRecord } from "../api";
import { compileRegex, LEVEL_CHIPS, logVisible, splitMatches, toggleChip, type LogFilter } from "./filter";

const record = (level: LogRecord["level"], message = "m", component?: string): LogRecord => ({
  time: "2026-11-24T12:00:00Z",
  level,
  host: "NABCHOST",
  component: component ?? null,
  message,
});

const all: LogFilter = { levels: LEVEL_CHIPS, component: "", regex: null };
const shown = (lines: LogRecord[], filter: Partial<LogFilter>) =>
  lines.filter((l) => logVisible(l, { ...all, ...filter })).map((l) => l.message);

describe("level chips", () => {
  const lines = ["trace", "debug", "info", "warn", "error", "critical"].map((l) =>
    record(l as LogRecord["level"], l),
  );

  it("show only the levels switched on; critical goes with error", () => {
    expect(shown(lines, { levels: ["warn", "error"] })).toEqual(["warn", "error", "critical"]);
    expect(shown(lines, { levels: ["debug"] })).toEqual(["debug"]);
    expect(shown(lines, { levels: [] })).toEqual([]);
  });

  it("toggle one chip and keep toolbar order", () => {
    expect(toggleChip(["error", "info"], "warn")).toEqual(["info", "warn", "error"]);
    expect(toggleChip(["info", "warn"], "info")).toEqual(["warn"]);
  });
});

describe("component filter", () => {
  it("matches part of the component id, ignoring case; host lines have none", () => {
    const lines = [record("info", "a", "py-counter"), record("info", "b", "hello"), record("info", "c")];
    expect(shown(lines, { component: "Counter" })).toEqual(["a"]);
    expect(shown(lines, { component: "  " })).toEqual(["a", "b", "c"]);
  });

  it("finds a 2.x workload's lines by the workload's name", () => {
    const guest = { ...record("info", "w", "01a24e8c-650b"), workload: "demo/chatty" };
    expect(shown([guest, record("info", "b", "hello")], { component: "chatty" })).toEqual(["w"]);
  });
});

describe("regex filter", () => {
  const lines = [
    record("info", "GET /hello 200", "hello"),
    record("info", "POST /counter 500", "counter"),
    record("warn", "component started", "caller"),
    record("info", "host ready"),
  ];
  const byRegex = (pattern: string) => {
    const { regex, error } = compileRegex(pattern);
    return { error, lines: shown(lines, { regex }) };
  };

  it("hides lines whose message, component or host do not match", () => {
    expect(byRegex("^(GET|POST) /\\w+ 5\\d\\d$").lines).toEqual(["POST /counter 500"]);
    expect(byRegex("caller").lines).toEqual(["component started"]);
    expect(byRegex("^NABC").lines).toEqual(["host ready"]);
  });

  it("is case-insensitive unless the pattern has a capital", () => {
    expect(byRegex("get").lines).toEqual(["GET /hello 200"]);
    expect(byRegex("Host").lines).toEqual([]);
  });

  it("an empty box filters nothing", () => {
    expect(byRegex("")).toEqual({ error: null, lines: lines.map((l) => l.message) });
  });

  it("an invalid pattern says why and filters nothing", () => {
    const result = byRegex("(unclosed");
    expect(result.lines).toHaveLength(4);
    expect(result.error).toMatch(/\S/);
    expect(result.error).not.toMatch(/^Invalid regular expression/);
    // The engine's own words (V8's here; WebKit words it differently).
    expect(result.error).toBe("Unterminated group");
    expect(compileRegex("a[").error).not.toBeNull();
    expect(compileRegex("*").error).not.toBeNull();
  });
});

describe("regex highlight", () => {
  const marked = (text: string, pattern: string) =>
    splitMatches(text, compileRegex(pattern).regex)
      .map((p) => (p.match ? `[${p.text}]` : p.text))
      .join("");

  it("marks every match in the shown message", () => {
    expect(marked("GET /a 500, GET /b 500", "500")).toBe("GET /a [500], GET /b [500]");
    expect(marked("Timeout after 30s", "time\\w*")).toBe("[Timeout] after 30s");
    expect(marked("no match here", "zzz")).toBe("no match here");
  });

  it("copes with empty matches and no regex", () => {
    expect(marked("abc", "x*")).toBe("abc");
    expect(marked("abc", "^")).toBe("abc");
    expect(splitMatches("", null)).toEqual([{ text: "", match: false }]);
    expect(marked("aaa", "a")).toBe("[a][a][a]");
  });
});
