import { describe, expect, it } from "vitest";
import { scope } from "./fixtures";
import { resultTree, unwrap, valueTree, type TreeNode } from "./valueTree";
import { resolveType } from "./witType";

const type = (spelling: string) => resolveType(spelling, scope);

/** The tree for `wave` read as `spelling`; fails the test if there is none. */
function tree(spelling: string, wave: string, maxItems = 50): TreeNode {
  const found = resultTree(type(spelling), wave, { maxItems });
  if (!found) throw new Error(`no tree for ${wave} as ${spelling}`);
  return found;
}

/** A tree as indented lines, `label: text (note)`, for comparing whole shapes at a glance. */
function lines(n: TreeNode, indent = ""): string[] {
  const label = n.label === null ? "" : `${n.label}: `;
  const note = n.note === null ? "" : ` (${n.note})`;
  const more = n.more > 0 ? [`${indent}  … ${n.more} more`] : [];
  return [`${indent}${label}${n.text}${note}`, ...n.children.flatMap((c) => lines(c, `${indent}  `)), ...more];
}

describe("resultTree", () => {
  it("lays out a record with a nested list of variants, fields labelled and items indexed", () => {
    const wave = '{title-text: "house", shapes: [circle(1.5), polygon([{x: 0, y: -3}]), empty], origin: none}';
    expect(lines(tree("drawing", wave))).toEqual([
      "drawing",
      '  title-text: "house"',
      "  shapes: list (3 items)",
      "    [0]: circle",
      "      1.5",
      "    [1]: polygon",
      "      list (1 item)",
      "        [0]: point",
      "          x: 0",
      "          y: -3",
      "    [2]: empty",
      "  origin: none",
    ]);
    const t = tree("drawing", wave);
    expect(t.kind).toBe("record");
    expect(t.children.map((c) => c.kind)).toEqual(["string", "list", "case"]);
  });

  it("shows an option as none, or some over its payload", () => {
    expect(tree("option<point>", "none")).toEqual({
      label: null,
      text: "none",
      kind: "case",
      note: null,
      children: [],
      more: 0,
    });
    expect(lines(tree("option<point>", "some({x: 1, y: 2})"))).toEqual(["some", "  point", "    x: 1", "    y: 2"]);
    // wasm-wave's flat form of some(…) reads the same.
    expect(tree("option<u8>", "7")).toEqual(tree("option<u8>", "some(7)"));
    expect(lines(tree("option<option<u8>>", "some(none)"))).toEqual(["some", "  none"]);
  });

  it("shows a result as ok or err with the payload of that side", () => {
    const err = tree("result<u32, error-code>", 'err(denied("no"))');
    expect(err.kind).toBe("err");
    expect(lines(err)).toEqual(["err", "  denied", '    "no"']);
    expect(lines(tree("result<u32, string>", "ok(7)"))).toEqual(["ok", "  7"]);
    expect(tree("result<u32, string>", "ok(7)").kind).toBe("ok");
    expect(lines(tree("result<_, string>", "ok"))).toEqual(["ok"]);
    expect(lines(tree("result", "err"))).toEqual(["err"]);
  });

  it("shows flags as the set, in their declared order, and enums as their case", () => {
    expect(tree("access", "{exec, read}")).toMatchObject({ text: "{read, exec}", kind: "flags", children: [] });
    expect(tree("access", "{}").text).toBe("{}");
    expect(tree("color", "%ok")).toMatchObject({ text: "ok", kind: "case" });
    expect(tree("color", "dark-blue").text).toBe("dark-blue");
  });

  it("quotes strings and chars with their escapes written out", () => {
    expect(tree("string", '"say \\"hi\\"\\n\\tback\\\\slash"').text).toBe('"say \\"hi\\"\\n\\tback\\\\slash"');
    expect(tree("string", '"bell \\u{7} 👋"').text).toBe('"bell \\u{7} 👋"');
    expect(tree("string", '""')).toMatchObject({ text: '""', kind: "string" });
    expect(tree("char", "'\\''")).toMatchObject({ text: "'\\''", kind: "char" });
    expect(tree("char", "'\"'").text).toBe("'\"'");
  });

  it("shows numbers and bools as written, tuples by position", () => {
    expect(tree("u32", "42")).toMatchObject({ text: "42", kind: "number", children: [] });
    expect(tree("list<f64>", "[nan, -inf, 1e+21]").children.map((c) => c.text)).toEqual(["nan", "-inf", "1e+21"]);
    expect(lines(tree("tuple<u8, bool, string>", '(1, true, "x")'))).toEqual([
      "tuple",
      "  0: 1",
      "  1: true",
      '  2: "x"',
    ]);
  });

  it("gives a list its length and caps long ones, counting the rest", () => {
    const wave = `[${Array.from({ length: 7 }, (_, i) => i).join(", ")}]`;
    const t = tree("list<u8>", wave, 3);
    expect(t.note).toBe("7 items");
    expect(t.children.map((c) => `${c.label}=${c.text}`)).toEqual(["[0]=0", "[1]=1", "[2]=2"]);
    expect(t.more).toBe(4);
    expect(tree("list<u8>", "[]")).toMatchObject({ note: "0 items", children: [], more: 0 });
    expect(tree("list<u8>", wave).more).toBe(0);
    // Aliases resolve to what they name.
    expect(lines(tree("points", "[{x: 1, y: 2}]"))).toEqual(["list (1 item)", "  [0]: point", "    x: 1", "    y: 2"]);
  });

  it("keeps a part it cannot describe as its WAVE text", () => {
    expect(lines(tree("option<stream-ish>", "some(thing([1, {a: 2}]))"))).toEqual(["some", "  thing([1, {a: 2}])"]);
    expect(tree("option<stream-ish>", "some(x)").children[0]?.kind).toBe("raw");
  });

  it("gives no tree for a type it cannot describe, or text that does not fit the type", () => {
    expect(resultTree(type("stream-ish"), "thing(1)")).toBeNull();
    expect(resultTree(type("canvas"), "x")).toBeNull();
    expect(resultTree(type("map<string, u8>"), "[]")).toBeNull();
    expect(resultTree(type("point"), '{x: "far", y: 2}')).toBeNull();
    expect(resultTree(type("u8"), "")).toBeNull();
    expect(resultTree(type("u8"), "1 2")).toBeNull();
  });
});

describe("valueTree", () => {
  it("refuses a value shaped for another type", () => {
    const options = { maxItems: 50 };
    expect(() => valueTree(type("point"), { kind: "list", items: [] }, null, options)).toThrow();
    expect(() => valueTree(type("point"), { kind: "record", fields: [] }, null, options)).toThrow();
    expect(() => valueTree(type("color"), { kind: "enum", case: 9 }, null, options)).toThrow();
  });
});

describe("unwrap", () => {
  it("folds payloads into their case's row, down to the node whose rows come next", () => {
    const t = tree("option<result<point, string>>", "some(ok({x: 1, y: 2}))");
    const { heads, body } = unwrap(t);
    expect(heads.map((h) => h.text)).toEqual(["some", "ok"]);
    expect(body.text).toBe("point");
    expect(body.children.map((c) => c.label)).toEqual(["x", "y"]);
  });

  it("leaves a record or list as it is, and a case over a number as one line", () => {
    const d = tree("drawing", '{title-text: "", shapes: []}');
    expect(unwrap(d)).toEqual({ heads: [], body: d });
    const { heads, body } = unwrap(tree("result<u32, string>", "ok(7)"));
    expect(heads.map((h) => h.text)).toEqual(["ok"]);
    expect(body).toMatchObject({ text: "7", children: [] });
  });
});
