// WAVE text read back into the Invoke form's values, guided by the WIT type: for a call
// re-run from the history, and for a parameter switched from WAVE text back to the form.
// Pure. It accepts what wasm-wave writes and what people type (comments, trailing commas,
// `%`-prefixed labels, a flat `some`/`ok` payload), not multi-line strings.
import { initialValue, type FormValue } from "./form";
import type { WitType } from "./witType";

/** The form value, or why the text does not fit the type. */
export type ReadWave = { ok: true; value: FormValue } | { ok: false; reason: string };

type TokenKind = "punct" | "number" | "label" | "char" | "string";
interface Token {
  kind: TokenKind;
  /** The source text; for a char or string, its decoded value. */
  text: string;
  start: number;
  end: number;
}

class WaveError extends Error {}

const TOKEN = new RegExp(
  [
    String.raw`(?<ws>\s+|//[^\n]*)`,
    String.raw`(?<punct>[{}()\[\]:,])`,
    String.raw`(?<number>-inf|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)`,
    String.raw`(?<label>%?[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*)`,
    String.raw`(?<char>'(?:[^\\'\n]|\\(?:['"tnr\\]|u\{[0-9a-fA-F]{1,6}\}))+')`,
    String.raw`(?<string>"(?:[^\\"\n]|\\(?:['"tnr\\]|u\{[0-9a-fA-F]{1,6}\}))*")`,
  ].join("|"),
  "uy",
);

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  while (at < text.length) {
    TOKEN.lastIndex = at;
    const m = TOKEN.exec(text);
    const groups = m?.groups;
    if (!m || !groups) throw new WaveError(`cannot read ${JSON.stringify(text.slice(at, at + 12))}`);
    const end = at + m[0].length;
    const kind = (["punct", "number", "label", "char", "string"] as const).find((k) => groups[k] !== undefined);
    if (kind) {
      const decoded = kind === "char" || kind === "string" ? unescape(m[0].slice(1, -1)) : m[0];
      tokens.push({ kind, text: decoded, start: at, end });
    }
    at = end;
  }
  return tokens;
}

function unescape(body: string): string {
  return body.replace(/\\(u\{([0-9a-fA-F]+)\}|.)/gu, (_, esc: string, hex: string | undefined) => {
    if (hex !== undefined) {
      const code = parseInt(hex, 16);
      if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) throw new WaveError(`\\u{${hex}} is not a character`);
      return String.fromCodePoint(code);
    }
    return { t: "\t", n: "\n", r: "\r" }[esc] ?? esc;
  });
}

/** Reads `text` as a value of `type`. */
export function readWave(type: WitType, text: string): ReadWave {
  try {
    const reader = new Reader(tokenize(text), text);
    const value = reader.value(type);
    reader.end();
    return { ok: true, value };
  } catch (err) {
    if (err instanceof WaveError) return { ok: false, reason: err.message };
    throw err;
  }
}

// Keywords that start an option or result written out; anything else is a flat payload.
const OPTION_WORDS = new Set(["some", "none"]);
const RESULT_WORDS = new Set(["ok", "err"]);

class Reader {
  private at = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly source: string,
  ) {}

  end(): void {
    const left = this.tokens[this.at];
    if (left) throw new WaveError(`unexpected ${JSON.stringify(left.text)} after the value`);
  }

  value(type: WitType): FormValue {
    switch (type.kind) {
      case "bool": {
        const word = this.take("label").text;
        if (word !== "true" && word !== "false") throw new WaveError(`expected true or false, got ${word}`);
        return { kind: "bool", value: word === "true" };
      }
      case "int":
      case "float": {
        const t = this.next();
        const word = t?.kind === "label" && ["nan", "inf"].includes(t.text);
        if (t?.kind !== "number" && !word) throw new WaveError(`expected ${type.name}, got ${describe(t)}`);
        this.at += 1;
        return { kind: "text", text: t?.text ?? "" };
      }
      case "char":
        return { kind: "text", text: this.take("char").text };
      case "string":
        return { kind: "text", text: this.take("string").text };
      case "list": {
        const items = this.sequence("[", "]", () => this.value(type.of));
        if (type.length !== null && items.length !== type.length) {
          throw new WaveError(`expected ${type.length} items, got ${items.length}`);
        }
        return { kind: "list", items };
      }
      case "option":
        return this.option(type.of);
      case "result":
        return this.result(type);
      case "tuple": {
        let i = 0;
        const items = this.sequence("(", ")", () => {
          const t = type.of[i++];
          if (!t) throw new WaveError(`expected ${type.of.length} tuple items`);
          return this.value(t);
        });
        if (items.length !== type.of.length) {
          throw new WaveError(`expected ${type.of.length} tuple items, got ${items.length}`);
        }
        return { kind: "tuple", items };
      }
      case "record":
        return this.record(type);
      case "variant": {
        const name = this.caseLabel();
        const index = type.cases.findIndex((c) => c.name === name);
        const c = type.cases[index];
        if (!c) throw new WaveError(`${type.name} has no case ${name}`);
        const payload = this.payload(c.type, name);
        return { kind: "variant", case: index, payload };
      }
      case "enum": {
        const name = this.caseLabel();
        const index = type.cases.indexOf(name);
        if (index < 0) throw new WaveError(`${type.name} has no case ${name}`);
        return { kind: "enum", case: index };
      }
      case "flags": {
        const names = this.sequence("{", "}", () => this.take("label").text);
        const unknown = names.find((n) => !type.flags.includes(n));
        if (unknown !== undefined) throw new WaveError(`${type.name} has no flag ${unknown}`);
        return { kind: "flags", set: type.flags.map((f) => names.includes(f)) };
      }
      case "raw":
      case "unsupported":
        return { kind: "raw", text: this.skip() };
    }
  }

  private option(of: WitType): FormValue {
    const t = this.next();
    if (t?.kind === "label" && OPTION_WORDS.has(t.text)) {
      this.at += 1;
      if (t.text === "none") return { kind: "option", some: false, value: initialValue(of) };
      return { kind: "option", some: true, value: this.parenthesised(of) };
    }
    // wasm-wave reads a bare payload as `some(…)` unless it is itself an option or result.
    if (of.kind === "option" || of.kind === "result") throw new WaveError(`expected some or none, got ${describe(t)}`);
    return { kind: "option", some: true, value: this.value(of) };
  }

  private result(type: Extract<WitType, { kind: "result" }>): FormValue {
    const fresh = { okValue: type.ok && initialValue(type.ok), errValue: type.err && initialValue(type.err) };
    const t = this.next();
    if (t?.kind === "label" && RESULT_WORDS.has(t.text)) {
      this.at += 1;
      const ok = t.text === "ok";
      const payload = this.payload(ok ? type.ok : type.err, t.text);
      return ok
        ? { kind: "result", ok, ...fresh, okValue: payload }
        : { kind: "result", ok, ...fresh, errValue: payload };
    }
    if (!type.ok || type.ok.kind === "option" || type.ok.kind === "result") {
      throw new WaveError(`expected ok or err, got ${describe(t)}`);
    }
    return { kind: "result", ok: true, ...fresh, okValue: this.value(type.ok) };
  }

  private record(type: Extract<WitType, { kind: "record" }>): FormValue {
    const given = new Map<string, FormValue>();
    if (this.peekPunct("{") && this.tokens[this.at + 1]?.text === ":") {
      // `{:}`, the record with no fields.
      this.at += 2;
      this.punct("}");
    } else {
      this.sequence("{", "}", () => {
        const name = this.take("label").text.replace(/^%/, "");
        const field = type.fields.find((f) => f.name === name);
        if (!field) throw new WaveError(`${type.name} has no field ${name}`);
        if (given.has(name)) throw new WaveError(`field ${name} is given twice`);
        this.punct(":");
        given.set(name, this.value(field.type));
      });
    }
    const fields = type.fields.map((f) => {
      const v = given.get(f.name);
      if (v) return v;
      // wasm-wave lets a record leave out its option fields: they are `none`.
      if (f.type.kind === "option") return initialValue(f.type);
      throw new WaveError(`${type.name} needs field ${f.name}`);
    });
    return { kind: "record", fields };
  }

  private payload(type: WitType | null, name: string): FormValue | null {
    const has = this.peekPunct("(");
    if (type && !has) throw new WaveError(`${name} needs a payload`);
    if (!type && has) throw new WaveError(`${name} takes no payload`);
    return type ? this.parenthesised(type) : null;
  }

  private parenthesised(type: WitType): FormValue {
    this.punct("(");
    const v = this.value(type);
    this.punct(")");
    return v;
  }

  private caseLabel(): string {
    return this.take("label").text.replace(/^%/, "");
  }

  /** `open item, item, … close`, a trailing comma allowed. */
  private sequence<T>(open: string, close: string, item: () => T): T[] {
    this.punct(open);
    const items: T[] = [];
    while (!this.peekPunct(close)) {
      items.push(item());
      if (!this.peekPunct(close)) this.punct(",");
    }
    this.punct(close);
    return items;
  }

  /** One value of any shape, as its source text (for a type the form keeps as WAVE). */
  private skip(): string {
    const first = this.next();
    if (!first) throw new WaveError("expected a value, got the end");
    if (first.kind === "punct" && !"{([".includes(first.text)) throw new WaveError(`unexpected ${first.text}`);
    this.balanced();
    // A case label may carry its payload in parentheses right after it.
    if (first.kind === "label" && this.peekPunct("(")) this.balanced();
    return this.source.slice(first.start, this.tokens[this.at - 1]?.end ?? first.end);
  }

  /** One token, or everything up to the bracket that closes the one it opens. */
  private balanced(): void {
    let depth = 0;
    do {
      const t = this.next();
      if (!t) throw new WaveError("a bracket is not closed");
      this.at += 1;
      if (t.kind === "punct" && "{([".includes(t.text)) depth += 1;
      else if (t.kind === "punct" && "})]".includes(t.text)) depth -= 1;
    } while (depth > 0);
  }

  private next(): Token | undefined {
    return this.tokens[this.at];
  }

  private peekPunct(text: string): boolean {
    const t = this.next();
    return t?.kind === "punct" && t.text === text;
  }

  private punct(text: string): void {
    if (!this.peekPunct(text)) throw new WaveError(`expected ${text}, got ${describe(this.next())}`);
    this.at += 1;
  }

  private take(kind: TokenKind): Token {
    const t = this.next();
    if (t?.kind !== kind) throw new WaveError(`expected a ${kind}, got ${describe(t)}`);
    this.at += 1;
    return t;
  }
}

function describe(t: Token | undefined): string {
  if (!t) return "the end";
  return t.kind === "string" || t.kind === "char" ? `a ${t.kind}` : JSON.stringify(t.text);
}
