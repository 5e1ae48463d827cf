import { describe, expect, it } from "vitest";
import type { ComponentWit } from "../api";
import { scope } from "./fixtures";
import { interfaceTypes, parseSpelling, resolveType, typeName, worldTypes } from "./witType";

describe("parseSpelling", () => {
  it("reads nested arguments, `_` and lengths", () => {
    expect(parseSpelling("result<_, list<u8, 4>>")).toEqual({
      name: "result",
      args: [
        { name: "_", args: [] },
        { name: "list", args: [{ name: "u8", args: [] }, { name: "4", args: [] }] },
      ],
    });
  });
  it("refuses what is not a spelling", () => {
    expect(parseSpelling("list<u8")).toBeNull();
    expect(parseSpelling("u8>")).toBeNull();
    expect(parseSpelling("")).toBeNull();
    expect(parseSpelling("a b")).toBeNull();
  });
});

describe("resolveType", () => {
  it("knows the primitives", () => {
    expect(resolveType("u8", scope)).toEqual({ kind: "int", name: "u8" });
    expect(resolveType("s64", scope)).toEqual({ kind: "int", name: "s64" });
    expect(resolveType("f32", scope)).toEqual({ kind: "float", name: "f32" });
    expect(resolveType("bool", scope)).toEqual({ kind: "bool" });
    expect(resolveType("char", scope)).toEqual({ kind: "char" });
    expect(resolveType("string", scope)).toEqual({ kind: "string" });
  });

  it("builds lists, options, results and tuples", () => {
    expect(resolveType("list<u8, 3>", scope)).toEqual({ kind: "list", of: { kind: "int", name: "u8" }, length: 3 });
    expect(resolveType("option<string>", scope)).toEqual({ kind: "option", of: { kind: "string" } });
    expect(resolveType("result", scope)).toEqual({ kind: "result", ok: null, err: null });
    expect(resolveType("result<u32>", scope)).toEqual({ kind: "result", ok: { kind: "int", name: "u32" }, err: null });
    expect(resolveType("result<_, string>", scope)).toEqual({ kind: "result", ok: null, err: { kind: "string" } });
    expect(resolveType("tuple<u8, string>", scope)).toEqual({
      kind: "tuple",
      of: [{ kind: "int", name: "u8" }, { kind: "string" }],
    });
  });

  it("resolves named records, variants, enums and flags through the interface", () => {
    const drawing = resolveType("drawing", scope);
    expect(typeName(drawing)).toBe("drawing");
    expect(drawing.kind === "record" && drawing.fields.map((f) => [f.name, typeName(f.type)])).toEqual([
      ["title-text", "string"],
      ["shapes", "list<shape>"],
      ["origin", "option<point>"],
    ]);
    expect(resolveType("color", scope)).toEqual({ kind: "enum", name: "color", cases: ["red", "ok", "dark-blue"] });
    expect(resolveType("access", scope)).toEqual({ kind: "flags", name: "access", flags: ["read", "write", "exec"] });
  });

  it("follows an alias chain to the type it names", () => {
    expect(resolveType("spot", scope)).toEqual(resolveType("point", scope));
    expect(typeName(resolveType("points", scope))).toBe("list<point>");
  });

  it("follows `use` into the interface that declares the type", () => {
    expect(resolveType("error-code", scope)).toEqual({
      kind: "variant",
      name: "error",
      cases: [
        { name: "denied", type: { kind: "string" } },
        { name: "busy", type: null },
      ],
    });
  });

  it("keeps what it cannot resolve as WAVE text, saying why", () => {
    expect(resolveType("stream-ish", scope)).toEqual({
      kind: "raw",
      spelling: "stream-ish",
      reason: "stream-ish comes from wasi:io/streams@0.2.0, which this WIT does not describe",
    });
    expect(resolveType("nowhere", scope)).toMatchObject({ kind: "raw", spelling: "nowhere" });
    expect(resolveType("map<string, u8>", scope)).toMatchObject({ kind: "raw" });
    expect(resolveType("list<", scope)).toMatchObject({ kind: "raw", reason: "cannot read the type list<" });
  });

  it("marks resources and handles unsupported", () => {
    expect(resolveType("canvas", scope)).toEqual({
      kind: "unsupported",
      spelling: "canvas",
      reason: "canvas is a resource: its handles cannot be written as WAVE",
    });
    expect(resolveType("borrow<canvas>", scope)).toMatchObject({ kind: "unsupported" });
    expect(resolveType("own<canvas>", scope)).toMatchObject({ kind: "unsupported" });
    expect(resolveType("stream<u8>", scope)).toMatchObject({ kind: "unsupported" });
    // Inside a record the rest of the form still works.
    expect(resolveType("option<canvas>", scope)).toMatchObject({ kind: "option", of: { kind: "unsupported" } });
  });

  it("stops at an alias cycle", () => {
    const loop = {
      types: [
        { name: "a", kind: "alias" as const, target: "b" },
        { name: "b", kind: "alias" as const, target: "a" },
      ],
      interfaces: new Map(),
    };
    expect(resolveType("a", loop)).toMatchObject({ kind: "raw", reason: "the type nests too deeply for a form" });
  });
});

describe("typeName", () => {
  it("spells types as WIT does", () => {
    const spellings = ["result", "result<u8>", "result<_, string>", "result<u8, string>", "tuple<u8, char>", "list<u8, 2>"];
    for (const s of spellings) {
      expect(typeName(resolveType(s, scope))).toBe(s);
    }
  });
});

describe("interfaceTypes and worldTypes", () => {
  const wit = {
    world: "w",
    imports: [{ item: "interface", name: "a:b/c", functions: [], types: [{ name: "t", kind: "enum", cases: [] }] }],
    exports: [
      { item: "type", name: "top", kind: "enum", cases: [{ name: "x" }] },
      { item: "function", name: "f", kind: "freestanding", params: [] },
    ],
    wit: "",
  } as unknown as ComponentWit;
  it("finds every interface's types and the world's own", () => {
    expect([...interfaceTypes(wit).keys()]).toEqual(["a:b/c"]);
    expect(worldTypes(wit).map((t) => t.name)).toEqual(["top"]);
    expect(interfaceTypes(null).size).toBe(0);
  });
});
