import { describe, expect, it } from "vitest";
import type { ComponentDescription, Link, ModelEvent, ModelSnapshot, V2HostInfo } from "../api";
import { applyModelChange, EMPTY_SNAPSHOT, replayChanges } from "./snapshot";

const comp = (id: string, max_instances = 1): ComponentDescription => ({
  id,
  image_ref: `file:///${id}.wasm`,
  annotations: {},
  revision: 0,
  max_instances,
  limits: null,
});

const link = (source_id: string, target: string, name = "default"): Link => ({
  source_id,
  target,
  name,
  wit_namespace: "wasi",
  wit_package: "keyvalue",
  interfaces: ["store"],
  source_config: [],
  target_config: [],
});

function apply(snapshot: ModelSnapshot, ...changes: ModelEvent[]): ModelSnapshot {
  return changes.reduce((s, c) => {
    const next = applyModelChange(s, c);
    if (!next) throw new Error(`unexpected resync for ${c.change}`);
    return next;
  }, snapshot);
}

describe("applyModelChange", () => {
  it("adds, updates and removes components on their host", () => {
    const host = { id: "NA", friendly_name: "a", labels: {}, version: "1", uptime_seconds: 0 };
    let s = apply(EMPTY_SNAPSHOT, { change: "host_added", host });
    s = apply(s, { change: "component_changed", host_id: "NA", component: comp("hello") });
    s = apply(s, { change: "component_changed", host_id: "NA", component: comp("hello", 4) });
    expect(s.hosts[0]?.components).toEqual([comp("hello", 4)]);
    s = apply(s, { change: "component_removed", host_id: "NA", component_id: "hello" });
    expect(s.hosts[0]?.components).toEqual([]);
  });

  it("creates a host entry for a component of a host it has not seen", () => {
    const s = apply(EMPTY_SNAPSHOT, { change: "component_changed", host_id: "NX", component: comp("c") });
    expect(s.hosts.map((h) => h.host.id)).toEqual(["NX"]);
  });

  it("replaces a link with the same key and deletes by key", () => {
    let s = apply(EMPTY_SNAPSHOT, { change: "link_set", link: link("c", "kv1") });
    s = apply(s, { change: "link_set", link: link("c", "kv2") });
    s = apply(s, { change: "link_set", link: link("c", "kv3", "other") });
    expect(s.links.map((l) => l.target)).toEqual(["kv2", "kv3"]);
    s = apply(s, {
      change: "link_deleted",
      key: { source_id: "c", wit_namespace: "wasi", wit_package: "keyvalue", name: "default" },
    });
    expect(s.links.map((l) => l.target)).toEqual(["kv3"]);
  });

  it("drops a removed host with everything on it", () => {
    const host = { id: "NA", friendly_name: "a", labels: {}, version: "1", uptime_seconds: 0 };
    let s = apply(EMPTY_SNAPSHOT, { change: "host_added", host });
    s = apply(s, { change: "host_removed", host_id: "NA", reason: "stopped" });
    expect(s.hosts).toEqual([]);
  });

  it("keeps config names unique and sorted", () => {
    const s = apply(
      EMPTY_SNAPSHOT,
      { change: "config_set", name: "b" },
      { change: "config_set", name: "a" },
      { change: "config_set", name: "b" },
      { change: "config_deleted", name: "b" },
    );
    expect(s.configs).toEqual(["a"]);
  });

  it("asks for a resync on resync and on unknown changes, and never mutates", () => {
    expect(applyModelChange(EMPTY_SNAPSHOT, { change: "resync" })).toBeNull();
    expect(applyModelChange(EMPTY_SNAPSHOT, { change: "something_new" } as unknown as ModelEvent)).toBeNull();
    const before = JSON.stringify(EMPTY_SNAPSHOT);
    apply(EMPTY_SNAPSHOT, { change: "component_changed", host_id: "N", component: comp("c") });
    expect(JSON.stringify(EMPTY_SNAPSHOT)).toBe(before);
  });

  it("keeps wasmCloud 2.x hosts by heartbeat and drops them when the model says they are gone", () => {
    const beat = (workload_count: number): V2HostInfo => ({
      id: "01a2",
      hostname: "edge-a",
      friendly_name: "nervous-body-1",
      version: "2.10.3",
      labels: { hostgroup: "edge" },
      environment: "",
      workload_count,
      component_count: workload_count,
      imports: [],
      exports: [],
      http_port: 0,
      os: "linux/x86_64",
      started_at: null,
      heard_at: "2026-12-07T01:00:00Z",
    });
    const seen = apply(EMPTY_SNAPSHOT, { change: "v2_host_seen", host: beat(0) }, { change: "v2_host_seen", host: beat(2) });
    expect(seen.v2_hosts.map((h) => [h.hostname, h.workload_count])).toEqual([["edge-a", 2]]);
    expect(seen.hosts).toEqual([]);
    const gone = apply(seen, { change: "v2_host_removed", host_id: "01a2" });
    expect(gone.v2_hosts).toEqual([]);
  });
});

describe("replayChanges", () => {
  const host = { id: "NA", friendly_name: "a", labels: {}, version: "1", uptime_seconds: 0 };
  const started: ModelEvent = { change: "component_changed", host_id: "NA", component: comp("hello") };
  const scaled: ModelEvent = { change: "component_changed", host_id: "NA", component: comp("hello", 3) };
  const linked: ModelEvent = { change: "link_set", link: link("hello", "kv") };
  const stopped: ModelEvent = { change: "component_removed", host_id: "NA", component_id: "hello" };

  it("keeps changes the snapshot was read before", () => {
    const read = apply(EMPTY_SNAPSHOT, { change: "host_added", host }, started);
    const s = replayChanges(read, [scaled, linked]);
    expect(s.hosts[0]?.components).toEqual([comp("hello", 3)]);
    expect(s.links).toEqual([link("hello", "kv")]);
  });

  it("changes nothing the snapshot already holds, whichever of the changes it was read after", () => {
    const changes = [started, scaled, linked, stopped];
    const base = apply(EMPTY_SNAPSHOT, { change: "host_added", host });
    const final = apply(base, ...changes);
    for (let readAfter = 0; readAfter <= changes.length; readAfter++) {
      const read = apply(base, ...changes.slice(0, readAfter));
      expect(replayChanges(read, changes)).toEqual(final);
    }
  });
});
