import { describe, expect, it } from "vitest";
import type { ComponentWit } from "../api";
import { callables } from "./callable";

const wit = {
  world: "calc",
  imports: [],
  exports: [
    { item: "function", name: "add", kind: "freestanding", params: [{ name: "a", type: "u32" }], result: "u32" },
    {
      item: "interface",
      name: "trellis:calc/shapes",
      functions: [
        { name: "sum", kind: "freestanding", params: [{ name: "p", type: "point" }], result: "s32" },
        { name: "[method]thing.poke", kind: "method", params: [], result: null },
      ],
      types: [{ name: "point", kind: "record", fields: [] }],
    },
    { item: "type", name: "top", kind: "enum", cases: [] },
  ],
  wit: "",
} as unknown as ComponentWit;

describe("callables", () => {
  it("lists root functions and interface functions by the name the host calls", () => {
    expect(callables(wit).map((c) => c.target)).toEqual(["add", "trellis:calc/shapes.sum"]);
  });
  it("gives each function the types its signature names", () => {
    expect(callables(wit).map((c) => c.types.map((t) => t.name))).toEqual([["top"], ["point"]]);
  });
  it("has nothing to call without WIT", () => {
    expect(callables(null)).toEqual([]);
  });
});
