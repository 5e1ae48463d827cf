/**
 * Can an import be served by what a link target exports? A pure mirror of the Rust
 * check in `crates/wit` (`check_link` / `check_compatibility`): both run the shared
 * table `crates/wit/tests/link_cases.json`, which pins each case's kind and its sentence
 * word for word, so the UI refuses exactly what the host would and says it the same way.
 * What the built-in providers export and call comes from `crates/wit/builtin_providers.json`,
 * the file trellis-wit reads.
 */

import type { Case, Field, FunctionDef, FunctionKind, InterfaceDef, InterfaceRef, TypeDef } from "../api";
import builtinProviders from "../../../crates/wit/builtin_providers.json";

/** The verdict: `ok`, or the first reason's kebab-case `kind` and its sentence (Rust's `Display`). */
export type LinkCheck = { ok: true } | { ok: false; kind: string; reason: string };

/** `ns:pkg/iface` plus the version split into its parts. */
interface Ref {
  path: string;
  version: Version | null;
}

interface Version {
  major: number;
  minor: number;
  patch: number;
  pre: string;
  build: string;
}

// A WIT identifier: dash-separated words of letters and digits, each starting with a letter.
const WORD = /^[a-zA-Z0-9]+$/;
const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z.-]+))?(?:\+([0-9A-Za-z.-]+))?$/;

function isKebab(s: string): boolean {
  return (
    s.length > 0 &&
    s.split("-").every((w) => WORD.test(w) && /^[a-zA-Z]/.test(w))
  );
}

function parseVersion(text: string): Version | null {
  const m = SEMVER.exec(text);
  if (!m) return null;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]), pre: m[4] ?? "", build: m[5] ?? "" };
}

/** Parses `ns:pkg/iface[@version]`; `null` for anything else (inline interfaces, bare functions). */
export function parseRef(text: string): Ref | null {
  const at = text.indexOf("@");
  const path = at < 0 ? text : text.slice(0, at);
  let version: Version | null = null;
  if (at >= 0) {
    version = parseVersion(text.slice(at + 1));
    if (!version) return null;
  }
  const colon = path.indexOf(":");
  if (colon < 0) return null;
  const slash = path.indexOf("/", colon);
  if (slash < 0) return null;
  const parts = [path.slice(0, colon), path.slice(colon + 1, slash), path.slice(slash + 1)];
  if (!parts.every(isKebab)) return null;
  return { path, version };
}

/** The interface's name as Rust's `InterfaceDef::interface_ref` reads it: `ref` if set, else `name` parsed. */
function interfaceRef(i: InterfaceDef): Ref | null {
  return i.ref ? fromInterfaceRef(i.ref) : parseRef(i.name);
}

function fromInterfaceRef(r: InterfaceRef): Ref | null {
  const version = r.version ? parseVersion(r.version) : null;
  if (r.version && !version) return null;
  return { path: `${r.namespace}:${r.package}/${r.interface}`, version };
}

/** An interface known only by name, with no functions or types (Rust's `InterfaceDef::from_ref`). */
export function interfaceNamed(name: string): InterfaceDef {
  return { name, functions: [], types: [] };
}

/** The part of a version that must match: whole version for pre-releases, else major, 0.minor or 0.0.patch. */
function track(v: Version): string {
  if (v.pre) return `${v.major}.${v.minor}.${v.patch}-${v.pre}`;
  if (v.major !== 0) return `${v.major}`;
  if (v.minor !== 0) return `0.${v.minor}`;
  return `0.0.${v.patch}`;
}

/** Whether an import of version `a` can be served by an export of version `b`. */
export function versionsCompatible(a: Version | null, b: Version | null): boolean {
  if (!a || !b) return !a && !b;
  return track(a) === track(b);
}

/** The version as semver prints it. */
function versionText(v: Version | null): string | null {
  if (!v) return null;
  return `${v.major}.${v.minor}.${v.patch}${v.pre ? `-${v.pre}` : ""}${v.build ? `+${v.build}` : ""}`;
}

function qualified(f: FunctionDef): string {
  return f.resource ? `${f.resource}.${f.name}` : f.name;
}

function allFunctions(i: InterfaceDef): FunctionDef[] {
  const methods = i.types.flatMap((t) => (t.kind === "resource" ? t.methods : []));
  return [...i.functions, ...methods];
}

const KIND_WORDS: Record<FunctionKind, string> = {
  freestanding: "a function",
  method: "a method",
  static: "a static function",
  constructor: "a constructor",
  getter: "a getter",
  setter: "a setter",
};

function plural(n: number, word: string): string {
  return n === 1 ? `1 ${word}` : `${n} ${word}s`;
}

/** The first way two signatures differ, as a phrase (Rust lists them all; the first one is the same). */
function signatureDifference(a: FunctionDef, b: FunctionDef): string | null {
  if (a.kind !== b.kind) return `is ${KIND_WORDS[a.kind]} here, ${KIND_WORDS[b.kind]} in the target`;
  const asyncWord = (f: FunctionDef) => (f.async ? "async" : "not async");
  if (!!a.async !== !!b.async) return `is ${asyncWord(a)} here, ${asyncWord(b)} in the target`;
  if (a.params.length !== b.params.length) {
    return `takes ${plural(a.params.length, "parameter")} here, ${plural(b.params.length, "parameter")} in the target`;
  }
  for (const [i, x] of a.params.entries()) {
    const y = b.params[i];
    if (!y) break;
    if (x.name !== y.name) return `parameter ${i + 1} is named ${x.name} here, ${y.name} in the target`;
    if (x.type !== y.type) return `parameter ${x.name} is ${x.type} here, ${y.type} in the target`;
  }
  const ra = a.result ?? "nothing";
  const rb = b.result ?? "nothing";
  return ra === rb ? null : `returns ${ra} here, ${rb} in the target`;
}

function casesText(cases: Case[]): string {
  return cases.map((c) => (c.type ? `${c.name}(${c.type})` : c.name)).join(", ");
}

function fieldsText(fields: Field[]): string {
  return fields.map((f) => `${f.name}: ${f.type}`).join(", ");
}

const SHAPE_WORDS: Record<TypeDef["kind"], string> = {
  record: "a record",
  variant: "a variant",
  enum: "an enum",
  flags: "flags",
  resource: "a resource",
  alias: "an alias",
  use: "a type from another interface",
};

/** How two same-named types differ, if they do (docs ignored, resource methods compared as functions). */
function typeDifference(a: TypeDef, b: TypeDef): string | null {
  const differ = (what: string, x: string, y: string) =>
    x === y ? null : `${what} {${x}} here, {${y}} in the target`;
  if (a.kind === "record" && b.kind === "record") return differ("fields are", fieldsText(a.fields), fieldsText(b.fields));
  if ((a.kind === "variant" && b.kind === "variant") || (a.kind === "enum" && b.kind === "enum")) {
    return differ("cases are", casesText(a.cases), casesText(b.cases));
  }
  if (a.kind === "flags" && b.kind === "flags") return differ("flags are", casesText(a.flags), casesText(b.flags));
  if (a.kind === "resource" && b.kind === "resource") return null;
  if (a.kind === "alias" && b.kind === "alias") {
    return a.target === b.target ? null : `is ${a.target} here, ${b.target} in the target`;
  }
  if (a.kind === "use" && b.kind === "use") {
    const fa = parseRef(a.from);
    const fb = parseRef(b.from);
    // A `use`d type may come from a newer patch of the same package.
    const same = fa && fb ? fa.path === fb.path && versionsCompatible(fa.version, fb.version) : a.from === b.from;
    return same && a.original === b.original
      ? null
      : `is ${a.from}.{${a.original}} here, ${b.from}.{${b.original}} in the target`;
  }
  return `is ${SHAPE_WORDS[a.kind]} here, ${SHAPE_WORDS[b.kind]} in the target`;
}

/** Checks one imported interface against one exported interface of the same `ns:pkg/iface`. */
export function checkCompatibility(imp: InterfaceDef, exp: InterfaceDef): LinkCheck {
  const ir = interfaceRef(imp);
  if (!ir) return notLinkable(imp.name);
  const er = interfaceRef(exp);
  if (!er || er.path !== ir.path) {
    return { ok: false, kind: "other-interface", reason: `target exports ${exp.name}, the import needs ${ir.path}` };
  }
  if (!versionsCompatible(ir.version, er.version)) {
    const exported = er.version ? `${er.path}@${versionText(er.version)}` : `${er.path} without a version`;
    return {
      ok: false,
      kind: "version-mismatch",
      reason: `target exports ${exported}, the import needs ${versionText(ir.version) ?? "no version"}`,
    };
  }
  const offered = allFunctions(exp);
  for (const wanted of allFunctions(imp)) {
    const name = qualified(wanted);
    const there = offered.find((f) => qualified(f) === name);
    if (!there) {
      return { ok: false, kind: "missing-function", reason: `function ${name} is missing from the target's ${ir.path}` };
    }
    const detail = signatureDifference(wanted, there);
    if (detail) return { ok: false, kind: "signature-mismatch", reason: `function ${name}: ${detail}` };
  }
  for (const wanted of imp.types) {
    const there = exp.types.find((t) => t.name === wanted.name);
    if (!there) {
      return { ok: false, kind: "missing-type", reason: `type ${wanted.name} is missing from the target's ${ir.path}` };
    }
    const detail = typeDifference(wanted, there);
    if (detail) return { ok: false, kind: "type-mismatch", reason: `type ${wanted.name}: ${detail}` };
  }
  return { ok: true };
}

function notLinkable(name: string): LinkCheck {
  return {
    ok: false,
    kind: "not-linkable",
    reason: `import ${name} is not a packaged interface (ns:pkg/iface), so no link can serve it`,
  };
}

/**
 * Checks an import against everything a link target exports: the first export of the
 * same `ns:pkg/iface` that serves it wins; otherwise the first failure is the answer.
 */
export function canLink(imp: InterfaceDef, targetExports: readonly InterfaceDef[]): LinkCheck {
  const ir = interfaceRef(imp);
  if (!ir) return notLinkable(imp.name);
  let first: LinkCheck | null = null;
  for (const exp of targetExports) {
    if (interfaceRef(exp)?.path !== ir.path) continue;
    const verdict = checkCompatibility(imp, exp);
    if (verdict.ok) return verdict;
    first ??= verdict;
  }
  return first ?? { ok: false, kind: "not-exported", reason: `target does not export ${ir.path}` };
}

/** What a built-in provider exports and which component exports it calls, by name (`builtin://NAME`). */
interface BuiltinProviderEntry {
  name: string;
  exports: string[];
  calls: string[];
}

// One list for the host and the UI: trellis-wit reads the same file.
const BUILTINS = builtinProviders as BuiltinProviderEntry[];

/** What a built-in provider exports, by name (`builtin://NAME`). */
export const PROVIDER_EXPORTS: Record<string, string[]> = Object.fromEntries(BUILTINS.map((p) => [p.name, p.exports]));

/** The interfaces (`ns:pkg/iface`) a provider calls on the components it links to. */
const PROVIDER_CALLS: Record<string, string[]> = Object.fromEntries(BUILTINS.map((p) => [p.name, p.calls]));

/**
 * A built-in provider's name from its image reference (`builtin://NAME`,
 * `wasmcloud+builtin://NAME`, or the bare `NAME` a host's inventory lists) or, failing
 * that, its id; `null` for other providers.
 */
export function builtinProviderName(imageRef: string, providerId: string): string | null {
  const bare = imageRef.replace(/^(wasmcloud\+)?builtin:\/\//, "");
  for (const name of [bare, providerId]) {
    if (Object.hasOwn(PROVIDER_EXPORTS, name)) return name;
  }
  return null;
}

/** One end of a drag: a component pin or a provider. */
export type LinkEnd =
  | { kind: "component"; id: string; pin: { key: string; name: string; def?: InterfaceDef } }
  | { kind: "provider"; id: string; imageRef: string };

/** A link the user may put, before the dialog adds its name and config names. */
export interface LinkDraft {
  /** The caller: the component that imports, or the provider that calls an export. */
  source_id: string;
  /** The node serving the call. */
  target: string;
  wit_namespace: string;
  wit_package: string;
  interfaces: string[];
}

/** The verdict on a drop: a draft link, or why not. */
export type LinkPlan = { ok: true; draft: LinkDraft } | { ok: false; reason: string };

function draft(caller: string, server: string, key: string): LinkPlan {
  const ref = parseRef(key);
  if (!ref) return { ok: false, reason: `${key} is not a packaged interface (ns:pkg/iface), so no link can carry it` };
  const [ns, rest] = ref.path.split(":") as [string, string];
  const [pkg, iface] = rest.split("/") as [string, string];
  return {
    ok: true,
    draft: { source_id: caller, target: server, wit_namespace: ns, wit_package: pkg, interfaces: [iface] },
  };
}

/**
 * Plans a link for a drag from a serving end (`server`: an export pin or a provider's
 * right side) to a calling end (`caller`: an import pin or a provider's left side).
 * Link direction follows wasmCloud: the link's source is the caller.
 */
export function planLink(server: LinkEnd, caller: LinkEnd): LinkPlan {
  if (server.id === caller.id) return { ok: false, reason: "a link joins two different components or providers" };
  if (server.kind === "provider" && caller.kind === "provider") {
    return { ok: false, reason: "providers do not link to each other: link a component between them" };
  }
  if (caller.kind === "component" && server.kind === "component") {
    const wanted = caller.pin.def ?? interfaceNamed(caller.pin.name);
    const offered = server.pin.def ?? interfaceNamed(server.pin.name);
    const verdict = canLink(wanted, [offered]);
    return verdict.ok ? draft(caller.id, server.id, caller.pin.name) : { ok: false, reason: verdict.reason };
  }
  if (caller.kind === "component" && server.kind === "provider") {
    const builtin = builtinProviderName(server.imageRef, server.id);
    if (builtin !== null) {
      const exports = (PROVIDER_EXPORTS[builtin] ?? []).map(interfaceNamed);
      const verdict = canLink(interfaceNamed(caller.pin.name), exports);
      if (!verdict.ok) return { ok: false, reason: `provider ${builtin}: ${verdict.reason}` };
    }
    return draft(caller.id, server.id, caller.pin.name);
  }
  if (server.kind === "component" && caller.kind === "provider") {
    const builtin = builtinProviderName(caller.imageRef, caller.id);
    const calls = builtin === null ? [] : (PROVIDER_CALLS[builtin] ?? []);
    const offered = parseRef(server.pin.name)?.path;
    if (builtin !== null && !calls.some((c) => c === offered)) {
      return {
        ok: false,
        reason:
          calls.length > 0
            ? `provider ${builtin} calls ${calls.join(" or ")}, not ${server.pin.key}`
            : `provider ${builtin} calls no component export`,
      };
    }
    return draft(caller.id, server.id, server.pin.name);
  }
  return { ok: false, reason: "nothing to link" };
}
