import { describe, expect, it } from "vitest";
import { escape, initialValue, leafProblem, problems, toWave, type FormValue } from "./form";
import { scope } from "./fixtures";
import { resolveType } from "./witType";

const type = (spelling: string) => resolveType(spelling, scope);
const text = (t: string): FormValue => ({ kind: "text", text: t });
const point = (x: string, y: string): FormValue => ({ kind: "record", fields: [text(x), text(y)] });

describe("initialValue", () => {
  it("starts from zero, empty, none, ok and the first case", () => {
    expect(toWave(type("point"), initialValue(type("point")))).toBe("{x: 0, y: 0}");
    expect(toWave(type("drawing"), initialValue(type("drawing")))).toBe('{title-text: "", shapes: [], origin: none}');
    expect(toWave(type("shape"), initialValue(type("shape")))).toBe("circle(0)");
    expect(toWave(type("result<u32, string>"), initialValue(type("result<u32, string>")))).toBe("ok(0)");
    expect(toWave(type("result"), initialValue(type("result")))).toBe("ok");
    expect(toWave(type("tuple<u8, bool>"), initialValue(type("tuple<u8, bool>")))).toBe("(0, false)");
    expect(toWave(type("list<char, 2>"), initialValue(type("list<char, 2>")))).toBe("['', '']");
    expect(toWave(type("access"), initialValue(type("access")))).toBe("{}");
    expect(toWave(type("color"), initialValue(type("color")))).toBe("red");
  });
});

describe("toWave", () => {
  it("writes a record holding a list of variants, with kebab-case field names", () => {
    const value: FormValue = {
      kind: "record",
      fields: [
        text("house"),
        {
          kind: "list",
          items: [
            { kind: "variant", case: 0, payload: text("1.5") },
            { kind: "variant", case: 1, payload: { kind: "list", items: [point("0", "0"), point("-3", "4")] } },
            { kind: "variant", case: 3, payload: null },
            { kind: "variant", case: 2, payload: null },
          ],
        },
        { kind: "option", some: true, value: point("7", "8") },
      ],
    };
    expect(toWave(type("drawing"), value)).toBe(
      '{title-text: "house", shapes: [circle(1.5), polygon([{x: 0, y: 0}, {x: -3, y: 4}]), empty, %none], origin: some({x: 7, y: 8})}',
    );
  });

  it("writes an option of a record as some(…) or none", () => {
    const t = type("option<point>");
    expect(toWave(t, { kind: "option", some: true, value: point("1", "2") })).toBe("some({x: 1, y: 2})");
    expect(toWave(t, { kind: "option", some: false, value: point("1", "2") })).toBe("none");
  });

  it("writes results with and without payloads", () => {
    const full = type("result<u32, string>");
    expect(toWave(full, { kind: "result", ok: true, okValue: text("42"), errValue: text("no") })).toBe("ok(42)");
    expect(toWave(full, { kind: "result", ok: false, okValue: text("42"), errValue: text("no") })).toBe('err("no")');
    const errOnly = type("result<_, string>");
    expect(toWave(errOnly, { kind: "result", ok: true, okValue: null, errValue: text("x") })).toBe("ok");
    expect(toWave(errOnly, { kind: "result", ok: false, okValue: null, errValue: text("x") })).toBe('err("x")');
    const bare = type("result");
    expect(toWave(bare, { kind: "result", ok: false, okValue: null, errValue: null })).toBe("err");
  });

  it("writes flags as a set in declaration order, and enums by case", () => {
    expect(toWave(type("access"), { kind: "flags", set: [true, false, true] })).toBe("{read, exec}");
    expect(toWave(type("color"), { kind: "enum", case: 2 })).toBe("dark-blue");
    // A case spelled like a WAVE keyword is escaped with `%`.
    expect(toWave(type("color"), { kind: "enum", case: 1 })).toBe("%ok");
  });

  it("writes a variant `use`d from another interface", () => {
    const denied: FormValue = { kind: "variant", case: 0, payload: text("no\tway") };
    expect(toWave(type("error-code"), denied)).toBe('denied("no\\tway")');
    expect(toWave(type("error-code"), { kind: "variant", case: 1, payload: null })).toBe("busy");
  });

  it("quotes and escapes strings and chars", () => {
    expect(toWave(type("string"), text('a"b'))).toBe('"a\\"b"');
    expect(toWave(type("string"), text("it's \\ here\nand\r\u0007"))).toBe('"it\'s \\\\ here\\nand\\r\\u{7}"');
    expect(toWave(type("string"), text("👋 é"))).toBe('"👋 é"');
    expect(toWave(type("char"), text("c"))).toBe("'c'");
    expect(toWave(type("char"), text("'"))).toBe("'\\''");
    expect(toWave(type("char"), text('"'))).toBe("'\"'");
    expect(escape("\u0000\u007f", '"')).toBe("\\u{0}\\u{7f}");
  });

  it("writes numbers as WAVE numbers", () => {
    expect(toWave(type("u32"), text(" 007 "))).toBe("7");
    expect(toWave(type("s8"), text("+5"))).toBe("5");
    expect(toWave(type("s64"), text("-9223372036854775808"))).toBe("-9223372036854775808");
    expect(toWave(type("f64"), text("1.5"))).toBe("1.5");
    expect(toWave(type("f64"), text(".5"))).toBe("0.5");
    expect(toWave(type("f64"), text("2."))).toBe("2");
    expect(toWave(type("f64"), text("1e21"))).toBe("1e+21");
    expect(toWave(type("f32"), text("-0"))).toBe("-0");
    expect(toWave(type("f32"), text("NaN"))).toBe("nan");
    expect(toWave(type("f32"), text("inf"))).toBe("inf");
    expect(toWave(type("f32"), text("-inf"))).toBe("-inf");
    // Not a number: written as typed, for the host to refuse.
    expect(toWave(type("u8"), text("lots"))).toBe("lots");
  });

  it("writes lists, tuples and bools", () => {
    expect(toWave(type("list<u16>"), { kind: "list", items: [text("1"), text("2")] })).toBe("[1, 2]");
    expect(toWave(type("list<u16>"), { kind: "list", items: [] })).toBe("[]");
    const tuple: FormValue = { kind: "tuple", items: [text("1"), text("a"), { kind: "bool", value: true }] };
    expect(toWave(type("tuple<u8, string, bool>"), tuple)).toBe('(1, "a", true)');
  });

  it("writes raw WAVE as typed, inside a form", () => {
    const t = type("option<stream-ish>");
    expect(toWave(t, { kind: "option", some: true, value: { kind: "raw", text: " handle " } })).toBe("some(handle)");
  });

  it("refuses a value shaped for another type", () => {
    expect(() => toWave(type("point"), text("1"))).toThrow(/record/);
  });
});

describe("leafProblem", () => {
  it("says which integer type a number is out of range for", () => {
    expect(leafProblem(type("u8"), "300")).toBe("expected u8 (0–255)");
    expect(leafProblem(type("u8"), "-1")).toBe("expected u8 (0–255)");
    expect(leafProblem(type("u8"), "255")).toBeNull();
    expect(leafProblem(type("s8"), "-129")).toBe("expected s8 (-128–127)");
    expect(leafProblem(type("u64"), "18446744073709551615")).toBeNull();
    expect(leafProblem(type("u64"), "18446744073709551616")).toBe("expected u64 (0–18446744073709551615)");
    expect(leafProblem(type("u32"), "1.5")).toBe("expected u32 (0–4294967295)");
    expect(leafProblem(type("u32"), "")).toBe("expected u32 (0–4294967295)");
  });
  it("checks floats, chars and strings", () => {
    expect(leafProblem(type("f64"), "1e5")).toBeNull();
    expect(leafProblem(type("f64"), "abc")).toBe("expected f64 (a number, nan, inf or -inf)");
    expect(leafProblem(type("f32"), "1e39")).toBe("expected f32 (too large for f32)");
    expect(leafProblem(type("char"), "")).toBe("expected char (exactly one character)");
    expect(leafProblem(type("char"), "ab")).toBe("expected char (exactly one character)");
    expect(leafProblem(type("char"), "👋")).toBeNull();
    expect(leafProblem(type("string"), "\ud800")).toBe("expected string (this text is not valid Unicode)");
    expect(leafProblem(type("stream-ish"), " ")).toBe("expected stream-ish as WAVE");
  });
});

describe("problems", () => {
  it("names where each problem is, and skips what is not sent", () => {
    const value: FormValue = {
      kind: "record",
      fields: [
        text("ok"),
        {
          kind: "list",
          items: [
            { kind: "variant", case: 1, payload: { kind: "list", items: [point("1", "x")] } },
            { kind: "variant", case: 0, payload: text("wide") },
          ],
        },
        // Not sent (none), so not checked.
        { kind: "option", some: false, value: point("", "") },
      ],
    };
    expect(problems(type("drawing"), value, "d")).toEqual([
      { path: "d.shapes[0].polygon[0].y", message: "expected s32 (-2147483648–2147483647)" },
      { path: "d.shapes[1].circle", message: "expected f64 (a number, nan, inf or -inf)" },
    ]);
    expect(problems(type("point"), point("1", "2"), "p")).toEqual([]);
  });
});
