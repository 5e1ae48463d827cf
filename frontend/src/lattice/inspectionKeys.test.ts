import { describe, expect, it } from "vitest";
import type { ComponentDescription, Link, ModelEvent, ProviderDescription } from "../api";
import { inspectionKeys } from "./inspectionKeys";
import { applyModelChange, EMPTY_SNAPSHOT } from "./snapshot";

const host = { id: "NA", friendly_name: "a", labels: {}, version: "1", uptime_seconds: 0 };

const comp = (id: string): ComponentDescription => ({
  id,
  image_ref: `file:///${id}.wasm`,
  annotations: {},
  revision: 0,
  max_instances: 1,
  limits: null,
});

const provider = (id: string, image_ref: string): ProviderDescription => ({
  id,
  image_ref,
  annotations: {},
  revision: 0,
});

const kvLink: Link = {
  source_id: "app",
  target: "kv",
  name: "default",
  wit_namespace: "wasi",
  wit_package: "keyvalue",
  interfaces: ["store"],
  source_config: [],
  target_config: [],
};

function snapshotAfter(...changes: ModelEvent[]) {
  return changes.reduce((s, c) => applyModelChange(s, c) ?? s, EMPTY_SNAPSHOT);
}

describe("inspectionKeys", () => {
  // Issue 9: a link put before its target started left the inspector saying "no link".
  it("changes when a link's target starts, not when a host renames its image", () => {
    const before = snapshotAfter(
      { change: "host_added", host },
      { change: "component_changed", host_id: "NA", component: comp("app") },
      { change: "link_set", link: kvLink },
    );
    const started = applyModelChange(before, {
      change: "provider_changed",
      host_id: "NA",
      provider: provider("kv", "keyvalue"),
    });
    const heartbeat = started && applyModelChange(started, {
      change: "provider_changed",
      host_id: "NA",
      provider: provider("kv", "builtin://keyvalue"),
    });
    if (!started || !heartbeat) throw new Error("unexpected resync");
    const key = (s: typeof before) => inspectionKeys(s).get("app");
    expect(key(started)).not.toEqual(key(before));
    expect(key(heartbeat)).toEqual(key(started));
  });

  it("leaves components the change does not concern alone", () => {
    const before = snapshotAfter(
      { change: "host_added", host },
      { change: "component_changed", host_id: "NA", component: comp("app") },
      { change: "component_changed", host_id: "NA", component: comp("other") },
      { change: "link_set", link: kvLink },
    );
    const after = applyModelChange(before, {
      change: "provider_changed",
      host_id: "NA",
      provider: provider("kv", "keyvalue"),
    });
    if (!after) throw new Error("unexpected resync");
    expect(inspectionKeys(after).get("other")).toEqual(inspectionKeys(before).get("other"));
  });
});
