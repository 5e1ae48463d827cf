import { describe, expect, it } from "vitest";
import table from "../../../crates/wit/tests/link_cases.json";
import type { FunctionDef, FunctionKind, InterfaceDef, Param, TypeDef } from "../api";
import { builtinProviderName, canLink, planLink } from "./link";

/** A function as the table writes it: `kind` and `params` may be left out, as serde allows. */
type TableFunction = Omit<FunctionDef, "kind" | "params"> & { kind?: FunctionKind; params?: Param[] };

/** An interface as the table writes it: only `name` is required. */
interface TableInterface {
  name: string;
  functions?: TableFunction[];
  types?: TypeDef[];
}

interface Case {
  name: string;
  import: TableInterface;
  exports: TableInterface[];
  expect: string;
  reason: string | null;
}

// The defaults serde fills in when trellis-wit reads the same JSON.
function fn(f: TableFunction): FunctionDef {
  return { ...f, kind: f.kind ?? "freestanding", params: f.params ?? [] };
}

function iface(i: TableInterface): InterfaceDef {
  const types = (i.types ?? []).map((t) => (t.kind === "resource" ? { ...t, methods: t.methods.map(fn) } : t));
  return { name: i.name, functions: (i.functions ?? []).map(fn), types };
}

describe("canLink runs the table shared with trellis-wit", () => {
  const cases = (table as { cases: Case[] }).cases;
  it("has cases", () => expect(cases.length).toBeGreaterThan(10));
  for (const c of cases) {
    it(c.name, () => {
      expect(c, "every case gives the reason's words (null when ok)").toHaveProperty("reason");
      const verdict = canLink(iface(c.import), c.exports.map(iface));
      expect(verdict.ok ? "ok" : verdict.kind).toBe(c.expect);
      expect(verdict.ok ? null : verdict.reason).toBe(c.reason);
    });
  }
});

describe("planLink", () => {
  const comp = (id: string, name: string) => ({ kind: "component" as const, id, pin: { key: name.split("@")[0] ?? name, name } });
  const prov = (id: string, imageRef: string) => ({ kind: "provider" as const, id, imageRef });

  it("the importing component is the link source", () => {
    const plan = planLink(comp("store", "acme:counter/store@1.2.0"), comp("app", "acme:counter/store@1.0.0"));
    expect(plan).toEqual({
      ok: true,
      draft: { source_id: "app", target: "store", wit_namespace: "acme", wit_package: "counter", interfaces: ["store"] },
    });
  });

  it("refuses another semver track with the reason", () => {
    const plan = planLink(comp("store", "acme:counter/store@2.0.0"), comp("app", "acme:counter/store@1.0.0"));
    expect(plan).toEqual({ ok: false, reason: "target exports acme:counter/store@2.0.0, the import needs 1.0.0" });
  });

  it("a keyvalue import links to the keyvalue provider, not to blobstore", () => {
    const kv = planLink(prov("kv", "builtin://keyvalue"), comp("app", "wasi:keyvalue/store@0.2.0-draft"));
    expect(kv.ok && kv.draft.source_id === "app" && kv.draft.target === "kv").toBe(true);
    const blob = planLink(prov("blob", "builtin://blobstore"), comp("app", "wasi:keyvalue/store@0.2.0-draft"));
    expect(blob).toEqual({ ok: false, reason: "provider blobstore: target does not export wasi:keyvalue/store" });
  });

  it("http-server is the source of a link to a component's incoming-handler", () => {
    const plan = planLink(comp("app", "wasi:http/incoming-handler@0.2.12"), prov("http", "builtin://http-server"));
    expect(plan.ok && plan.draft).toMatchObject({ source_id: "http", target: "app", interfaces: ["incoming-handler"] });
    const other = planLink(comp("app", "acme:counter/store@1.0.0"), prov("http", "builtin://http-server"));
    expect(other.ok).toBe(false);
  });

  it("messaging is the source of a link to a component's message handler", () => {
    const plan = planLink(comp("app", "wasmcloud:messaging/handler@0.2.0"), prov("nats", "builtin://messaging"));
    expect(plan.ok && plan.draft).toMatchObject({ source_id: "nats", target: "app", interfaces: ["handler"] });
    const http = planLink(comp("app", "wasmcloud:messaging/handler@0.2.0"), prov("http", "builtin://http-server"));
    expect(http).toEqual({
      ok: false,
      reason: "provider http-server calls wasi:http/incoming-handler, not wasmcloud:messaging/handler",
    });
    expect(planLink(comp("app", "wasmcloud:messaging/handler@0.2.0"), prov("kv", "builtin://keyvalue"))).toEqual({
      ok: false,
      reason: "provider keyvalue calls no component export",
    });
  });

  it("knows built-ins by the bare name a host's inventory lists, whatever their id", () => {
    expect(builtinProviderName("keyvalue", "kv")).toBe("keyvalue");
    expect(builtinProviderName("wasmcloud+builtin://http-server", "web")).toBe("http-server");
    expect(builtinProviderName("ghcr.io/acme/db:1", "keyvalue")).toBe("keyvalue");
    expect(builtinProviderName("ghcr.io/acme/db:1", "db")).toBeNull();
    const blob = planLink(prov("kv", "keyvalue"), comp("app", "wasi:blobstore/blobstore@0.2.0-draft"));
    expect(blob).toEqual({ ok: false, reason: "provider keyvalue: target does not export wasi:blobstore/blobstore" });
    expect(planLink(comp("app", "wasmcloud:messaging/handler@0.2.0"), prov("http2", "http-server")).ok).toBe(false);
  });

  it("refuses provider to provider and a node to itself", () => {
    expect(planLink(prov("a", "builtin://keyvalue"), prov("b", "builtin://http-server")).ok).toBe(false);
    expect(planLink(comp("a", "acme:x/y@1.0.0"), comp("a", "acme:x/y@1.0.0")).ok).toBe(false);
  });
});
