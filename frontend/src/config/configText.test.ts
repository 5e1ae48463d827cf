import { describe, expect, it } from "vitest";
import { configText, parseConfigText } from "./configText";

describe("config text", () => {
  it("reads KEY=VALUE lines and writes them back sorted", () => {
    const parsed = parseConfigText("b=2\n\naddress=127.0.0.1:8080\nq=a=b\n");
    expect(parsed).toEqual({ ok: true, values: { b: "2", address: "127.0.0.1:8080", q: "a=b" } });
    if (parsed.ok) expect(configText(parsed.values)).toBe("address=127.0.0.1:8080\nb=2\nq=a=b");
  });

  it("names the line that is wrong", () => {
    expect(parseConfigText("a=1\nnovalue")).toEqual({ ok: false, reason: 'line 2: expected KEY=VALUE, got "novalue"' });
    expect(parseConfigText("=x")).toEqual({ ok: false, reason: 'line 1: expected KEY=VALUE, got "=x"' });
    expect(parseConfigText("a=1\na=2")).toEqual({ ok: false, reason: "line 2: a is set twice" });
  });
});
