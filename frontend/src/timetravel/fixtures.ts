// Test data shared by the time-travel tests.
import type { CloudEvent, ComponentDescription, Host, ModelEvent, ModelSnapshot } from "../api";
import { applyModelChange, EMPTY_SNAPSHOT } from "../lattice/snapshot";

export const T0 = Date.UTC(2026, 11, 6, 18, 0, 0);

export function host(id: string, uptime_seconds = 10): Host {
  return {
    id,
    friendly_name: `host-${id}`,
    labels: { "hostcore.os": "linux" },
    lattice: "default",
    version: "1.0.0",
    uptime_seconds,
    uptime_human: `${uptime_seconds}s`,
    ctl_host: "nats://127.0.0.1:4222",
    rpc_host: "nats://127.0.0.1:4222",
  };
}

export function comp(id: string, max_instances = 1): ComponentDescription {
  return { id, image_ref: `file:///${id}.wasm`, annotations: {}, revision: 0, max_instances, limits: null };
}

/** `snapshot` after `changes`, as the window would hold it. */
export function apply(snapshot: ModelSnapshot, ...changes: ModelEvent[]): ModelSnapshot {
  return changes.reduce((s, c) => {
    const next = applyModelChange(s, c);
    if (!next) throw new Error(`unexpected resync for ${c.change}`);
    return next;
  }, snapshot);
}

/** A snapshot with host `NA` and the given components on it. */
export function withComponents(...components: ComponentDescription[]): ModelSnapshot {
  const info = { id: "NA", friendly_name: "host-NA", labels: {}, version: "1.0.0", uptime_seconds: 10 };
  return apply(
    EMPTY_SNAPSHOT,
    { change: "host_added", host: info },
    ...components.map((component): ModelEvent => ({ change: "component_changed", host_id: "NA", component })),
  );
}

let nextId = 0;

/** A lattice event of `kind` published at `at` (ms). */
export function event(kind: string, at: number, data: Record<string, unknown> = {}): CloudEvent {
  nextId += 1;
  // Like the host's: RFC 3339 with nanoseconds.
  const time = new Date(at).toISOString().replace("Z", "123456Z");
  return {
    specversion: "1.0",
    id: `00000000-0000-0000-0000-${String(nextId).padStart(12, "0")}`,
    source: "NA",
    type: `com.wasmcloud.lattice.${kind}`,
    time,
    datacontenttype: "application/json",
    data,
  };
}
