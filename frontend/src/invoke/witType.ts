// WIT types as the Invoke form needs them: a type spelling (`list<point>`, `result<_, string>`)
// read into a small tree, its names resolved through the interface's type definitions. Pure.
import type { ComponentWit, TypeDef } from "../api";

/** The integer types, with the range each accepts. */
export const INT_RANGES = {
  u8: [0n, 255n],
  u16: [0n, 65535n],
  u32: [0n, 4294967295n],
  u64: [0n, 18446744073709551615n],
  s8: [-128n, 127n],
  s16: [-32768n, 32767n],
  s32: [-2147483648n, 2147483647n],
  s64: [-9223372036854775808n, 9223372036854775807n],
} as const;

/** `u8` … `s64`. */
export type IntName = keyof typeof INT_RANGES;

/** A field of a record, or a variant case and its payload (`null`: no payload). */
export interface Member {
  name: string;
  type: WitType | null;
}

/**
 * A WIT type with its names resolved. Records, variants, enums and flags keep the name they
 * have in WIT (`name`) to label their editor. `raw` is a type the form has no editor for
 * (its value is typed as WAVE text); `unsupported` is one no WAVE text can express (typed
 * as text too, so the host's refusal says why).
 */
export type WitType =
  | { kind: "bool" }
  | { kind: "int"; name: IntName }
  | { kind: "float"; name: "f32" | "f64" }
  | { kind: "char" }
  | { kind: "string" }
  /** `length` is set for a fixed-length `list<T, n>`. */
  | { kind: "list"; of: WitType; length: number | null }
  | { kind: "option"; of: WitType }
  | { kind: "result"; ok: WitType | null; err: WitType | null }
  | { kind: "tuple"; of: WitType[] }
  | { kind: "record"; name: string; fields: { name: string; type: WitType }[] }
  | { kind: "variant"; name: string; cases: Member[] }
  | { kind: "enum"; name: string; cases: string[] }
  | { kind: "flags"; name: string; flags: string[] }
  | { kind: "raw"; spelling: string; reason: string }
  | { kind: "unsupported"; spelling: string; reason: string };

/**
 * Where a spelling's names are looked up: the types of the function's interface (or of the
 * world, for a root function), and every interface of the component by name, for types an
 * interface `use`s from another.
 */
export interface TypeScope {
  types: readonly TypeDef[];
  interfaces: ReadonlyMap<string, readonly TypeDef[]>;
}

/** The types of every interface `wit` imports or exports, by the name `use` gives them with. */
export function interfaceTypes(wit: ComponentWit | null): Map<string, readonly TypeDef[]> {
  const found = new Map<string, readonly TypeDef[]>();
  for (const entry of [...(wit?.imports ?? []), ...(wit?.exports ?? [])]) {
    if (entry.item === "interface" && !found.has(entry.name)) found.set(entry.name, entry.types);
  }
  return found;
}

/** The named types declared at the world's level (what a root function's types refer to). */
export function worldTypes(wit: ComponentWit | null): TypeDef[] {
  const found: TypeDef[] = [];
  for (const entry of [...(wit?.imports ?? []), ...(wit?.exports ?? [])]) {
    if (entry.item === "type") found.push(entry);
  }
  return found;
}

// A spelling as written: a name with optional `<…>` arguments; `_` and numbers are arguments
// only (`result<_, E>`, `list<T, 4>`).
type Spelled = { name: string; args: Spelled[] };

/** Reads a spelling such as `result<list<u8>, error-code>`; `null` if it is not one. */
export function parseSpelling(spelling: string): Spelled | null {
  const tokens = spelling.match(/[A-Za-z0-9%_-]+|[<>,]|\S/g) ?? [];
  let at = 0;
  const read = (): Spelled | null => {
    const name = tokens[at];
    if (name === undefined || !/^[A-Za-z0-9%_-]+$/.test(name)) return null;
    at += 1;
    const args: Spelled[] = [];
    if (tokens[at] === "<") {
      at += 1;
      for (;;) {
        const arg = read();
        if (!arg) return null;
        args.push(arg);
        const sep = tokens[at];
        at += 1;
        if (sep === ">") break;
        if (sep !== ",") return null;
      }
    }
    return { name, args };
  };
  const read0 = read();
  return read0 && at === tokens.length ? read0 : null;
}

const PRIMITIVES: Record<string, WitType> = {
  bool: { kind: "bool" },
  f32: { kind: "float", name: "f32" },
  f64: { kind: "float", name: "f64" },
  char: { kind: "char" },
  string: { kind: "string" },
  ...Object.fromEntries(Object.keys(INT_RANGES).map((n) => [n, { kind: "int", name: n as IntName }])),
};

// Aliases of aliases are fine; a chain this long can only be a cycle in broken input.
const MAX_DEPTH = 64;

/** The type `spelling` names, looked up in `scope`. Never throws: what it cannot resolve is `raw`. */
export function resolveType(spelling: string, scope: TypeScope): WitType {
  return resolveSpelledText(spelling, scope, 0);
}

function show(s: Spelled): string {
  return s.args.length ? `${s.name}<${s.args.map(show).join(", ")}>` : s.name;
}

function resolveSpelled(s: Spelled, scope: TypeScope, depth: number): WitType {
  const spelling = show(s);
  if (depth > MAX_DEPTH) return { kind: "raw", spelling, reason: "the type nests too deeply for a form" };
  const inner = (arg: Spelled) => resolveSpelled(arg, scope, depth + 1);
  // `_` stands for "no type" in `result<_, E>`.
  const maybe = (arg: Spelled | undefined) => (arg === undefined || arg.name === "_" ? null : inner(arg));
  const [a, b] = s.args;
  const primitive = PRIMITIVES[s.name];
  if (primitive && s.args.length === 0) return primitive;
  switch (s.name) {
    case "list":
      if (!a) break;
      if (b === undefined) return { kind: "list", of: inner(a), length: null };
      if (/^\d+$/.test(b.name)) return { kind: "list", of: inner(a), length: Number(b.name) };
      break;
    case "option":
      if (a && s.args.length === 1) return { kind: "option", of: inner(a) };
      break;
    case "result":
      if (s.args.length <= 2) return { kind: "result", ok: maybe(a), err: maybe(b) };
      break;
    case "tuple":
      if (s.args.length > 0) return { kind: "tuple", of: s.args.map(inner) };
      break;
    case "borrow":
    case "own":
      return { kind: "unsupported", spelling, reason: "a resource handle cannot be written as WAVE" };
    case "future":
    case "stream":
    case "error-context":
      return { kind: "unsupported", spelling, reason: `a ${s.name} cannot be passed from here` };
    case "map":
      return { kind: "raw", spelling, reason: "the form has no editor for maps" };
  }
  if (s.args.length > 0) return { kind: "raw", spelling, reason: `unknown type ${spelling}` };
  return resolveNamed(s.name, scope, depth);
}

function resolveNamed(name: string, scope: TypeScope, depth: number): WitType {
  const def = scope.types.find((t) => t.name === name);
  if (!def) return { kind: "raw", spelling: name, reason: `${name} is not defined where this function is` };
  const field = (type: string) => resolveSpelledText(type, scope, depth + 1);
  switch (def.kind) {
    case "record":
      return { kind: "record", name, fields: def.fields.map((f) => ({ name: f.name, type: field(f.type) })) };
    case "variant":
      return {
        kind: "variant",
        name,
        cases: def.cases.map((c) => ({ name: c.name, type: c.type ? field(c.type) : null })),
      };
    case "enum":
      return { kind: "enum", name, cases: def.cases.map((c) => c.name) };
    case "flags":
      return { kind: "flags", name, flags: def.flags.map((c) => c.name) };
    case "resource":
      return {
        kind: "unsupported",
        spelling: name,
        reason: `${name} is a resource: its handles cannot be written as WAVE`,
      };
    case "alias":
      return resolveSpelledText(def.target, scope, depth + 1);
    case "use": {
      // The type lives in another interface: resolve it there, with that interface's names.
      const types = scope.interfaces.get(def.from);
      if (!types || !types.some((t) => t.name === def.original)) {
        const reason = `${name} comes from ${def.from}, which this WIT does not describe`;
        return { kind: "raw", spelling: name, reason };
      }
      return resolveNamed(def.original, { types, interfaces: scope.interfaces }, depth + 1);
    }
  }
}

function resolveSpelledText(spelling: string, scope: TypeScope, depth: number): WitType {
  const spelled = parseSpelling(spelling);
  if (!spelled) return { kind: "raw", spelling, reason: `cannot read the type ${spelling}` };
  return resolveSpelled(spelled, scope, depth);
}


/** `type` as WIT spells it, named types by their name: a label for its editor. */
export function typeName(type: WitType): string {
  switch (type.kind) {
    case "bool":
    case "char":
    case "string":
      return type.kind;
    case "int":
    case "float":
      return type.name;
    case "list":
      return type.length === null ? `list<${typeName(type.of)}>` : `list<${typeName(type.of)}, ${type.length}>`;
    case "option":
      return `option<${typeName(type.of)}>`;
    case "result": {
      const ok = type.ok ? typeName(type.ok) : "_";
      if (!type.err) return type.ok ? `result<${ok}>` : "result";
      return `result<${ok}, ${typeName(type.err)}>`;
    }
    case "tuple":
      return `tuple<${type.of.map(typeName).join(", ")}>`;
    case "record":
    case "variant":
    case "enum":
    case "flags":
      return type.name;
    case "raw":
    case "unsupported":
      return type.spelling;
  }
}
