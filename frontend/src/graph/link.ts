/**
 * Can an import be served by what a link target exports? A pure mirror of the Rust
 * check in `crates/wit` (`check_link` / `check_compatibility`): both run the shared
 * table `crates/wit/tests/link_cases.json`, so the UI refuses exactly what the host would.
 * What the built-in providers export and call comes from `crates/wit/builtin_providers.json`,
 * the file trellis-wit reads.
 */

import builtinProviders from "../../../crates/wit/builtin_providers.json";

/** A function parameter, as in trellis-wit's JSON. */
export interface WitParam {
  name: string;
  type: string;
}

/** A function (or resource function), as in trellis-wit's JSON. */
export interface WitFunction {
  name: string;
  kind?: string;
  resource?: string;
  async?: boolean;
  params?: WitParam[];
  result?: string | null;
}

/** A record field or variant/enum/flags case. */
export interface WitCase {
  name: string;
  type?: string | null;
}

/** A named type; `kind` says which other fields are set. */
export interface WitType {
  name: string;
  kind: string;
  fields?: WitCase[];
  cases?: WitCase[];
  flags?: WitCase[];
  methods?: WitFunction[];
  target?: string;
  from?: string;
  original?: string;
}

/** An interface: `name` is `ns:pkg/iface[@version]`; functions and types optional. */
export interface WitInterface {
  name: string;
  functions?: WitFunction[];
  types?: WitType[];
}

/** The verdict: `ok`, or the first reason's kebab-case `kind` and its sentence. */
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
}

// A WIT identifier: dash-separated words of letters and digits, each starting with a letter.
const WORD = /^[a-zA-Z0-9]+$/;
const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

function isKebab(s: string): boolean {
  return (
    s.length > 0 &&
    s.split("-").every((w) => WORD.test(w) && /^[a-zA-Z]/.test(w))
  );
}

/** Parses `ns:pkg/iface[@version]`; `null` for anything else (inline interfaces, bare functions). */
export function parseRef(text: string): Ref | null {
  const at = text.indexOf("@");
  const path = at < 0 ? text : text.slice(0, at);
  let version: Version | null = null;
  if (at >= 0) {
    const m = SEMVER.exec(text.slice(at + 1));
    if (!m) return null;
    version = { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]), pre: m[4] ?? "" };
  }
  const colon = path.indexOf(":");
  if (colon < 0) return null;
  const slash = path.indexOf("/", colon);
  if (slash < 0) return null;
  const parts = [path.slice(0, colon), path.slice(colon + 1, slash), path.slice(slash + 1)];
  if (!parts.every(isKebab)) return null;
  return { path, version };
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

function versionText(v: Version | null): string | null {
  if (!v) return null;
  return `${v.major}.${v.minor}.${v.patch}${v.pre ? `-${v.pre}` : ""}`;
}

function qualified(f: WitFunction): string {
  return f.resource ? `${f.resource}.${f.name}` : f.name;
}

function allFunctions(i: WitInterface): WitFunction[] {
  const methods = (i.types ?? []).flatMap((t) => (t.kind === "resource" ? (t.methods ?? []) : []));
  return [...(i.functions ?? []), ...methods];
}

function signatureDifference(a: WitFunction, b: WitFunction): string | null {
  if ((a.kind ?? "freestanding") !== (b.kind ?? "freestanding")) {
    return `is ${a.kind ?? "freestanding"} here, ${b.kind ?? "freestanding"} in the target`;
  }
  if (!!a.async !== !!b.async) return "async differs from the target";
  const pa = a.params ?? [];
  const pb = b.params ?? [];
  if (pa.length !== pb.length) {
    return `takes ${pa.length} parameter(s) here, ${pb.length} in the target`;
  }
  for (const [i, x] of pa.entries()) {
    const y = pb[i];
    if (!y) break;
    if (x.name !== y.name) return `parameter ${i + 1} is named ${x.name} here, ${y.name} in the target`;
    if (x.type !== y.type) return `parameter ${x.name} is ${x.type} here, ${y.type} in the target`;
  }
  const ra = a.result ?? "nothing";
  const rb = b.result ?? "nothing";
  return ra === rb ? null : `returns ${ra} here, ${rb} in the target`;
}

function casesText(cases: WitCase[] | undefined): string {
  return (cases ?? []).map((c) => (c.type ? `${c.name}(${c.type})` : c.name)).join(", ");
}

function fieldsText(fields: WitCase[] | undefined): string {
  return (fields ?? []).map((f) => `${f.name}: ${f.type}`).join(", ");
}

function typeDifference(a: WitType, b: WitType): string | null {
  if (a.kind !== b.kind) return `is a ${a.kind} here, a ${b.kind} in the target`;
  const differ = (what: string, x: string, y: string) =>
    x === y ? null : `${what} {${x}} here, {${y}} in the target`;
  switch (a.kind) {
    case "record":
      return differ("fields are", fieldsText(a.fields), fieldsText(b.fields));
    case "variant":
    case "enum":
      return differ("cases are", casesText(a.cases), casesText(b.cases));
    case "flags":
      return differ("flags are", casesText(a.flags), casesText(b.flags));
    case "resource":
      return null;
    case "alias":
      return a.target === b.target ? null : `is ${a.target} here, ${b.target} in the target`;
    case "use": {
      const fa = parseRef(a.from ?? "");
      const fb = parseRef(b.from ?? "");
      // A `use`d type may come from a newer patch of the same package.
      const same =
        fa && fb ? fa.path === fb.path && versionsCompatible(fa.version, fb.version) : a.from === b.from;
      return same && a.original === b.original
        ? null
        : `is ${a.from}.{${a.original}} here, ${b.from}.{${b.original}} in the target`;
    }
    default:
      return null;
  }
}

/** Checks one imported interface against one exported interface of the same `ns:pkg/iface`. */
export function checkCompatibility(imp: WitInterface, exp: WitInterface): LinkCheck {
  const ir = parseRef(imp.name);
  if (!ir) return notLinkable(imp.name);
  const er = parseRef(exp.name);
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
  for (const wanted of imp.types ?? []) {
    const there = (exp.types ?? []).find((t) => t.name === wanted.name);
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
export function canLink(imp: WitInterface, targetExports: WitInterface[]): LinkCheck {
  const ir = parseRef(imp.name);
  if (!ir) return notLinkable(imp.name);
  let first: LinkCheck | null = null;
  for (const exp of targetExports) {
    if (parseRef(exp.name)?.path !== ir.path) continue;
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
  | { kind: "component"; id: string; pin: { key: string; name: string; def?: { name: string } } }
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
    const wanted = caller.pin.def ?? { name: caller.pin.name };
    const offered = server.pin.def ?? { name: server.pin.name };
    const verdict = canLink(wanted, [offered]);
    return verdict.ok ? draft(caller.id, server.id, caller.pin.name) : { ok: false, reason: verdict.reason };
  }
  if (caller.kind === "component" && server.kind === "provider") {
    const builtin = builtinProviderName(server.imageRef, server.id);
    if (builtin !== null) {
      const exports = (PROVIDER_EXPORTS[builtin] ?? []).map((name) => ({ name }));
      const verdict = canLink({ name: caller.pin.name }, exports);
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
