// A call's result as a tree to read: the WAVE text read back for the function's result type,
// then laid out as labelled rows (record fields, list items, case payloads). Pure.
import { escape, type FormValue } from "./form";
import { readWave } from "./waveRead";
import type { WitType } from "./witType";

/** What a node shows, for styling: a leaf's kind of value, or what a branch is. */
export type NodeKind =
  | "string"
  | "char"
  | "number"
  | "bool"
  | "case"
  | "ok"
  | "err"
  | "flags"
  | "record"
  | "tuple"
  | "list"
  | "raw";

/** One row of the tree, with the rows under it. */
export interface TreeNode {
  /**
   * Where it sits in its parent: a field name, `[i]` for a list item, `0`, `1`… for a tuple
   * member. `null` for the root and for a case's payload (shown after the case).
   */
  label: string | null;
  /** A leaf's value (strings quoted, as WAVE writes them), or what a branch is: `point`, `list`, `some`, a case. */
  text: string;
  kind: NodeKind;
  /** Said beside the text: a list's length. */
  note: string | null;
  children: TreeNode[];
  /** How many list items were left out past the cap. */
  more: number;
}

/** How much of a value to lay out. */
export interface TreeOptions {
  /** The most items of one list shown; the rest are counted in `more`. */
  maxItems: number;
}

/** Enough to see a list's shape without laying out thousands of rows. */
export const DEFAULT_TREE_OPTIONS: TreeOptions = { maxItems: 50 };

/**
 * The tree for `wave`, one result of a call, read as `type`; `null` when it cannot be read
 * for that type (a type Trellis cannot describe, or text that does not fit it). The caller
 * then shows the WAVE text alone.
 */
export function resultTree(type: WitType, wave: string, options: TreeOptions = DEFAULT_TREE_OPTIONS): TreeNode | null {
  // Nothing to lay out: the WAVE text is all there is to know about such a value.
  if (type.kind === "raw" || type.kind === "unsupported") return null;
  const read = readWave(type, wave);
  if (!read.ok) return null;
  try {
    return valueTree(type, read.value, null, options);
  } catch {
    // A value shaped unlike its type is a reader bug; the WAVE text is still shown.
    return null;
  }
}

function node(label: string | null, text: string, kind: NodeKind, children: TreeNode[] = []): TreeNode {
  return { label, text, kind, note: null, children, more: 0 };
}

function mismatch(value: FormValue, type: WitType): never {
  throw new Error(`a ${value.kind} value for a ${type.kind} type`);
}

/** `value`, of `type`, as a tree labelled `label`. Throws if the value is not shaped like the type. */
export function valueTree(type: WitType, value: FormValue, label: string | null, options: TreeOptions): TreeNode {
  // A case's payload gets no label: it reads as part of the case's row.
  const payload = (t: WitType | null, v: FormValue | null) => (t && v ? [valueTree(t, v, null, options)] : []);
  switch (type.kind) {
    case "bool":
      if (value.kind !== "bool") return mismatch(value, type);
      return node(label, value.value ? "true" : "false", "bool");
    case "int":
    case "float":
      if (value.kind !== "text") return mismatch(value, type);
      return node(label, value.text, "number");
    case "char":
      if (value.kind !== "text") return mismatch(value, type);
      return node(label, `'${escape(value.text, "'")}'`, "char");
    case "string":
      if (value.kind !== "text") return mismatch(value, type);
      return node(label, `"${escape(value.text, '"')}"`, "string");
    case "list": {
      if (value.kind !== "list") return mismatch(value, type);
      const shown = value.items.slice(0, Math.max(0, options.maxItems));
      const children = shown.map((item, i) => valueTree(type.of, item, `[${i}]`, options));
      const n = value.items.length;
      return { ...node(label, "list", "list", children), note: `${n} ${n === 1 ? "item" : "items"}`, more: n - shown.length };
    }
    case "option":
      if (value.kind !== "option") return mismatch(value, type);
      return value.some ? node(label, "some", "case", payload(type.of, value.value)) : node(label, "none", "case");
    case "result": {
      if (value.kind !== "result") return mismatch(value, type);
      const [word, t, v] = value.ok ? (["ok", type.ok, value.okValue] as const) : (["err", type.err, value.errValue] as const);
      return node(label, word, word, payload(t, v));
    }
    case "tuple": {
      if (value.kind !== "tuple") return mismatch(value, type);
      const children = type.of.map((t, i) => {
        const item = value.items[i];
        return item ? valueTree(t, item, String(i), options) : mismatch(value, type);
      });
      return node(label, "tuple", "tuple", children);
    }
    case "record": {
      if (value.kind !== "record") return mismatch(value, type);
      const children = type.fields.map((f, i) => {
        const field = value.fields[i];
        return field ? valueTree(f.type, field, f.name, options) : mismatch(value, type);
      });
      return node(label, type.name, "record", children);
    }
    case "variant": {
      if (value.kind !== "variant") return mismatch(value, type);
      const c = type.cases[value.case] ?? mismatch(value, type);
      return node(label, c.name, "case", payload(c.type, value.payload));
    }
    case "enum": {
      if (value.kind !== "enum") return mismatch(value, type);
      return node(label, type.cases[value.case] ?? mismatch(value, type), "case");
    }
    case "flags": {
      if (value.kind !== "flags") return mismatch(value, type);
      return node(label, `{${type.flags.filter((_, i) => value.set[i]).join(", ")}}`, "flags");
    }
    case "raw":
    case "unsupported":
      // A part Trellis cannot describe (inside one it can) stays as the WAVE text it came as.
      if (value.kind !== "raw") return mismatch(value, type);
      return node(label, value.text, "raw");
  }
}

/**
 * `node` with the payloads it wraps folded into one row: `some(ok(point))` reads as the
 * heads `some`, `ok`, `point` over the point's fields, and `some(42)` as one line. `body` is
 * the innermost node, whose children are the rows under it.
 */
export function unwrap(node: TreeNode): { heads: TreeNode[]; body: TreeNode } {
  const heads: TreeNode[] = [];
  let body = node;
  for (;;) {
    const [only] = body.children;
    if (!only || body.children.length !== 1 || only.label !== null) return { heads, body };
    heads.push(body);
    body = only;
  }
}
