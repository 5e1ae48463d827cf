import { describe, expect, it } from "vitest";
import { initialValue, toWave } from "./form";
import { scope } from "./fixtures";
import { readWave } from "./waveRead";
import { resolveType } from "./witType";

const type = (spelling: string) => resolveType(spelling, scope);

/** Reads `text` as `spelling` and writes it back. */
function roundTrip(spelling: string, text: string): string {
  const read = readWave(type(spelling), text);
  if (!read.ok) throw new Error(read.reason);
  return toWave(type(spelling), read.value);
}

function refusal(spelling: string, text: string): string {
  const read = readWave(type(spelling), text);
  return read.ok ? "(read)" : read.reason;
}

describe("readWave", () => {
  it("reads back what the form writes", () => {
    const cases: [string, string][] = [
      ["drawing", '{title-text: "house", shapes: [circle(1.5), polygon([{x: 0, y: 0}, {x: -3, y: 4}]), empty, %none], origin: some({x: 7, y: 8})}'],
      ["option<point>", "none"],
      ["result<u32, string>", 'err("no")'],
      ["result<_, string>", "ok"],
      ["result", "err"],
      ["access", "{read, exec}"],
      ["access", "{}"],
      ["color", "%ok"],
      ["error-code", 'denied("a\\"b\\u{7}")'],
      ["tuple<u8, char, bool>", "(1, '\\'', true)"],
      ["list<f64>", "[nan, inf, -inf, 1e+21, -0.5]"],
      ["list<u8, 2>", "[1, 2]"],
      ["string", '"👋 \\t tab"'],
    ];
    for (const [spelling, text] of cases) expect(roundTrip(spelling, text), spelling).toBe(text);
  });

  it("accepts what people type: spaces, comments, trailing commas, field order, flat payloads", () => {
    expect(roundTrip("point", "{ y: 2, x: 40, } // the point")).toBe("{x: 40, y: 2}");
    expect(roundTrip("option<point>", "{x: 1, y: 2}")).toBe("some({x: 1, y: 2})");
    expect(roundTrip("result<u32, string>", "7")).toBe("ok(7)");
    expect(roundTrip("drawing", '{title-text: "t", shapes: []}')).toBe('{title-text: "t", shapes: [], origin: none}');
    expect(roundTrip("color", "red")).toBe("red");
    expect(roundTrip("point", "{%x: 1, y: 2}")).toBe("{x: 1, y: 2}");
  });

  it("keeps a part the form cannot edit as its WAVE text", () => {
    const read = readWave(type("option<stream-ish>"), "some(thing([1, {a: 2}]))");
    const raw = { kind: "raw", text: "thing([1, {a: 2}])" };
    expect(read).toEqual({ ok: true, value: { kind: "option", some: true, value: raw } });
  });

  it("says why text does not fit the type", () => {
    expect(refusal("point", '{x: "far", y: 2}')).toBe("expected s32, got a string");
    expect(refusal("point", "{x: 1}")).toBe("point needs field y");
    expect(refusal("point", "{x: 1, y: 2, z: 3}")).toBe("point has no field z");
    expect(refusal("point", "{x: 1, x: 2}")).toBe("field x is given twice");
    expect(refusal("color", "blue")).toBe("color has no case blue");
    expect(refusal("shape", "circle")).toBe("circle needs a payload");
    expect(refusal("shape", "empty(1)")).toBe("empty takes no payload");
    expect(refusal("access", "{read, fly}")).toBe("access has no flag fly");
    expect(refusal("list<u8, 2>", "[1]")).toBe("expected 2 items, got 1");
    expect(refusal("tuple<u8, u8>", "(1)")).toBe("expected 2 tuple items, got 1");
    expect(refusal("u8", "1 2")).toBe('unexpected "2" after the value');
    expect(refusal("string", '"open')).toBe('cannot read "\\"open"');
    expect(refusal("option<option<u8>>", "1")).toBe('expected some or none, got "1"');
    expect(refusal("bool", "yes")).toBe("expected true or false, got yes");
    expect(refusal("string", "")).toBe("expected a string, got the end");
  });

  it("leaves range checks to the form: an out-of-range number is read as typed", () => {
    expect(readWave(type("u8"), "300")).toEqual({ ok: true, value: { kind: "text", text: "300" } });
  });

  it("reads the initial value of every fixture type", () => {
    for (const s of ["drawing", "shape", "access", "color", "spot", "points", "error-code", "result<u8>"]) {
      const t = type(s);
      const wave = toWave(t, initialValue(t));
      expect(roundTrip(s, wave), s).toBe(wave);
    }
  });
});
