// The values of the Invoke form, one tree per parameter shaped like its WIT type: their
// starting values, what is wrong with them, and the WAVE text they stand for. Pure.
import { INT_RANGES, type IntName, type WitType } from "./witType";

/**
 * What the form holds for one value. Numbers, chars and strings are kept as the text typed
 * (checked and normalised when written as WAVE); `raw` is WAVE text typed for a type the
 * form has no editor for. Records and tuples hold their members in order; an option or
 * result keeps the value of the side not chosen, so switching back does not lose it.
 */
export type FormValue =
  | { kind: "bool"; value: boolean }
  | { kind: "text"; text: string }
  | { kind: "list"; items: FormValue[] }
  | { kind: "option"; some: boolean; value: FormValue }
  | { kind: "result"; ok: boolean; okValue: FormValue | null; errValue: FormValue | null }
  | { kind: "tuple"; items: FormValue[] }
  | { kind: "record"; fields: FormValue[] }
  | { kind: "variant"; case: number; payload: FormValue | null }
  | { kind: "enum"; case: number }
  | { kind: "flags"; set: boolean[] }
  | { kind: "raw"; text: string };

/** A fresh value of `type`: zero, empty, false, `none`, `ok`, the first case. */
export function initialValue(type: WitType): FormValue {
  switch (type.kind) {
    case "bool":
      return { kind: "bool", value: false };
    case "int":
    case "float":
      return { kind: "text", text: "0" };
    case "char":
    case "string":
      return { kind: "text", text: "" };
    case "list":
      return { kind: "list", items: Array.from({ length: type.length ?? 0 }, () => initialValue(type.of)) };
    case "option":
      return { kind: "option", some: false, value: initialValue(type.of) };
    case "result":
      return { kind: "result", ok: true, okValue: maybeInitial(type.ok), errValue: maybeInitial(type.err) };
    case "tuple":
      return { kind: "tuple", items: type.of.map(initialValue) };
    case "record":
      return { kind: "record", fields: type.fields.map((f) => initialValue(f.type)) };
    case "variant":
      return { kind: "variant", case: 0, payload: maybeInitial(type.cases[0]?.type ?? null) };
    case "enum":
      return { kind: "enum", case: 0 };
    case "flags":
      return { kind: "flags", set: type.flags.map(() => false) };
    case "raw":
    case "unsupported":
      return { kind: "raw", text: "" };
  }
}

/** `initialValue`, or `null` where there is no type (a case or result side without payload). */
export function maybeInitial(type: WitType | null): FormValue | null {
  return type ? initialValue(type) : null;
}

/** `expected u8 (0–255)`: what an integer field accepts. */
export function expectedInt(name: IntName): string {
  const [min, max] = INT_RANGES[name];
  return `expected ${name} (${min}–${max})`;
}

const INT_TEXT = /^[+-]?\d+$/;
// What a person may type for a float: plain decimals (`1.`, `.5` included) and the WAVE words.
const FLOAT_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const FLOAT_WORDS: Record<string, number> = { nan: NaN, inf: Infinity, "+inf": Infinity, "-inf": -Infinity };
// The largest finite f32; anything bigger would be read as infinity.
const F32_MAX = 3.4028234663852886e38;

/**
 * What is wrong with the text typed for a number, char or string of `type`, or `null` if it
 * can be sent. `raw` text is only checked for being there.
 */
export function leafProblem(type: WitType, text: string): string | null {
  switch (type.kind) {
    case "int": {
      const t = text.trim();
      const [min, max] = INT_RANGES[type.name];
      if (!INT_TEXT.test(t)) return expectedInt(type.name);
      const n = BigInt(t);
      return n < min || n > max ? expectedInt(type.name) : null;
    }
    case "float": {
      const n = floatValue(text);
      if (n === null) return `expected ${type.name} (a number, nan, inf or -inf)`;
      if (type.name === "f32" && Number.isFinite(n) && Math.abs(n) > F32_MAX) return "expected f32 (too large for f32)";
      return null;
    }
    case "char":
      return [...text].length === 1 && !LONE_SURROGATE.test(text) ? null : "expected char (exactly one character)";
    case "string":
      return LONE_SURROGATE.test(text) ? "expected string (this text is not valid Unicode)" : null;
    case "raw":
    case "unsupported":
      return text.trim() === "" ? `expected ${type.spelling} as WAVE` : null;
    default:
      return null;
  }
}

// JS strings may hold half a surrogate pair, which no WIT string or char can carry.
const LONE_SURROGATE = /\p{Surrogate}/u;

function floatValue(text: string): number | null {
  const t = text.trim();
  const word = FLOAT_WORDS[t.toLowerCase()];
  if (word !== undefined) return word;
  return FLOAT_TEXT.test(t) ? Number(t) : null;
}

/** One thing wrong in a form value: where (`p.points[2].x`) and what. */
export interface Problem {
  path: string;
  message: string;
}

/** Everything wrong in `value`, an empty list when it can be sent. `path` names the value. */
export function problems(type: WitType, value: FormValue, path: string): Problem[] {
  const found: Problem[] = [];
  walk(type, value, path, found);
  return found;
}

function walk(type: WitType, value: FormValue, path: string, found: Problem[]): void {
  switch (type.kind) {
    case "int":
    case "float":
    case "char":
    case "string":
    case "raw":
    case "unsupported": {
      const text = value.kind === "text" || value.kind === "raw" ? value.text : "";
      const message = leafProblem(type, text);
      if (message) found.push({ path, message });
      return;
    }
    case "list": {
      const items = expectKind(value, "list").items;
      items.forEach((item, i) => walk(type.of, item, `${path}[${i}]`, found));
      return;
    }
    case "option": {
      const v = expectKind(value, "option");
      if (v.some) walk(type.of, v.value, path, found);
      return;
    }
    case "result": {
      const v = expectKind(value, "result");
      const [t, inner] = v.ok ? [type.ok, v.okValue] : [type.err, v.errValue];
      if (t && inner) walk(t, inner, path, found);
      return;
    }
    case "tuple": {
      const items = expectKind(value, "tuple").items;
      type.of.forEach((t, i) => walk(t, items[i] ?? initialValue(t), `${path}.${i}`, found));
      return;
    }
    case "record": {
      const fields = expectKind(value, "record").fields;
      type.fields.forEach((f, i) => walk(f.type, fields[i] ?? initialValue(f.type), `${path}.${f.name}`, found));
      return;
    }
    case "variant": {
      const v = expectKind(value, "variant");
      const c = type.cases[v.case];
      if (c?.type && v.payload) walk(c.type, v.payload, `${path}.${c.name}`, found);
      return;
    }
    default:
      return;
  }
}

/**
 * `value` as the `kind` its type calls for. A value shaped for another type means the state
 * and the WIT disagree: a bug, not input, so it throws.
 */
export function expectKind<K extends FormValue["kind"]>(value: FormValue, kind: K): Extract<FormValue, { kind: K }> {
  if (value.kind !== kind) throw new Error(`form value is a ${value.kind}, its type wants a ${kind}`);
  return value as Extract<FormValue, { kind: K }>;
}

// Cases and enum values that spell a WAVE keyword are written with `%` (record fields and
// flags are not: wasm-wave reads those as plain labels).
const KEYWORDS = new Set(["true", "false", "some", "none", "ok", "err", "inf", "nan"]);

function label(name: string): string {
  return KEYWORDS.has(name) ? `%${name}` : name;
}

/**
 * `value` as WAVE text, the way wasm-wave reads a value of `type`. Text that does not pass
 * `leafProblem` is written as typed (trimmed), for the host to refuse.
 */
export function toWave(type: WitType, value: FormValue): string {
  switch (type.kind) {
    case "bool":
      return expectKind(value, "bool").value ? "true" : "false";
    case "int": {
      const t = expectKind(value, "text").text.trim();
      // BigInt drops a `+` and leading zeros, neither of which WAVE accepts.
      return INT_TEXT.test(t) ? BigInt(t).toString() : t;
    }
    case "float":
      return floatWave(expectKind(value, "text").text);
    case "char":
      return `'${escape(expectKind(value, "text").text, "'")}'`;
    case "string":
      return `"${escape(expectKind(value, "text").text, '"')}"`;
    case "list":
      return `[${expectKind(value, "list")
        .items.map((item) => toWave(type.of, item))
        .join(", ")}]`;
    case "option": {
      const v = expectKind(value, "option");
      return v.some ? `some(${toWave(type.of, v.value)})` : "none";
    }
    case "result": {
      const v = expectKind(value, "result");
      const [word, t, inner] = v.ok ? ["ok", type.ok, v.okValue] : ["err", type.err, v.errValue];
      return t && inner ? `${word}(${toWave(t, inner)})` : word;
    }
    case "tuple": {
      const items = expectKind(value, "tuple").items;
      return `(${type.of.map((t, i) => toWave(t, items[i] ?? initialValue(t))).join(", ")})`;
    }
    case "record": {
      const fields = expectKind(value, "record").fields;
      if (type.fields.length === 0) return "{:}";
      const parts = type.fields.map((f, i) => `${f.name}: ${toWave(f.type, fields[i] ?? initialValue(f.type))}`);
      return `{${parts.join(", ")}}`;
    }
    case "variant": {
      const v = expectKind(value, "variant");
      const c = type.cases[v.case] ?? type.cases[0];
      if (!c) return "";
      return c.type && v.payload ? `${label(c.name)}(${toWave(c.type, v.payload)})` : label(c.name);
    }
    case "enum":
      return label(type.cases[expectKind(value, "enum").case] ?? type.cases[0] ?? "");
    case "flags": {
      const set = expectKind(value, "flags").set;
      return `{${type.flags.filter((_, i) => set[i]).join(", ")}}`;
    }
    case "raw":
    case "unsupported":
      return expectKind(value, "raw").text.trim();
  }
}

function floatWave(text: string): string {
  const n = floatValue(text);
  if (n === null) return text.trim();
  if (Number.isNaN(n)) return "nan";
  if (n === Infinity) return "inf";
  if (n === -Infinity) return "-inf";
  if (Object.is(n, -0)) return "-0";
  // JavaScript's shortest round-trip form (`1.5`, `1e+21`, `1e-7`) is WAVE's number syntax.
  return String(n);
}

/** `text` escaped for a WAVE string (`quote` `"`) or char (`quote` `'`), without the quotes. */
export function escape(text: string, quote: '"' | "'"): string {
  let out = "";
  for (const ch of text) {
    if (ch === "\\" || ch === quote) out += `\\${ch}`;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    // Other control characters are legal but invisible; the escape shows them.
    else if (/\p{Cc}/u.test(ch)) out += `\\u{${ch.codePointAt(0)?.toString(16)}}`;
    else out += ch;
  }
  return out;
}
