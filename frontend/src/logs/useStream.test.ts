import { describe, expect, it } from "vitest";
import { receive, type StreamState } from "./useStream";

const entries = (...seqs: number[]) => seqs.map((seq) => ({ seq, value: `line ${seq}` }));
const shown = (s: StreamState<string, string>) => s.entries.map((e) => e.value);

describe("a session's stream", () => {
  it("appends what arrives and keeps the newest", () => {
    const a = receive({ source: "prod", entries: [] }, "prod", entries(0, 1), 3);
    expect(shown(receive(a, "prod", entries(2, 3), 3))).toEqual(["line 1", "line 2", "line 3"]);
  });

  it("never shows one session's lines in another's tab", () => {
    const prod = receive({ source: "prod", entries: [] }, "prod", entries(0, 1), 10);
    expect(shown(receive(prod, "dev", entries(0), 10))).toEqual(["line 0"]);
    expect(receive(prod, "dev", entries(0), 10).source).toBe("dev");
  });
});
