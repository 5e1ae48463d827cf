// Test data shared by the Invoke tests: a small `shapes` interface that `use`s a type from
// `types`, and one that names a type nobody describes.
import type { TypeDef } from "../api";
import type { TypeScope } from "./witType";

const types: TypeDef[] = [
  { name: "point", kind: "record", fields: [{ name: "x", type: "s32" }, { name: "y", type: "s32" }] },
  {
    name: "shape",
    kind: "variant",
    cases: [
      { name: "circle", type: "f64" },
      { name: "polygon", type: "list<point>" },
      { name: "none" },
      { name: "empty" },
    ],
  },
  {
    name: "drawing",
    kind: "record",
    fields: [
      { name: "title-text", type: "string" },
      { name: "shapes", type: "list<shape>" },
      { name: "origin", type: "option<point>" },
    ],
  },
  { name: "color", kind: "enum", cases: [{ name: "red" }, { name: "ok" }, { name: "dark-blue" }] },
  { name: "access", kind: "flags", flags: [{ name: "read" }, { name: "write" }, { name: "exec" }] },
  { name: "coord", kind: "alias", target: "point" },
  { name: "spot", kind: "alias", target: "coord" },
  { name: "points", kind: "alias", target: "list<spot>" },
  { name: "canvas", kind: "resource", methods: [] },
  { name: "error-code", kind: "use", from: "example:shapes/types", original: "error" },
  { name: "stream-ish", kind: "use", from: "wasi:io/streams@0.2.0", original: "input-stream" },
];

const shared: TypeDef[] = [
  { name: "error", kind: "variant", cases: [{ name: "denied", type: "string" }, { name: "busy" }] },
];

/** The scope of a function in the `shapes` interface. */
export const scope: TypeScope = {
  types,
  interfaces: new Map([
    ["example:shapes/shapes", types],
    ["example:shapes/types", shared],
  ]),
};
