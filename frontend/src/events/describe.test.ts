import { describe, expect, it } from "vitest";
import type { CloudEvent } from "../api";
import { changesHosts, eventKind, eventSummary, isFailure } from "./describe";

const ev = (type: string, data: unknown): CloudEvent => ({
  specversion: "1.0",
  id: "1",
  source: "NHOST",
  type: `com.wasmcloud.lattice.${type}`,
  time: "2026-11-24T08:00:00Z",
  datacontenttype: "application/json",
  data,
});

describe("lattice event helpers", () => {
  it("strips the wasmCloud prefix", () => {
    expect(eventKind("com.wasmcloud.lattice.host_started")).toBe("host_started");
    expect(eventKind("com.wadm.manifest_published")).toBe("com.wadm.manifest_published");
  });

  it("summarises a scale and a failed link", () => {
    expect(eventSummary(ev("component_scaled", { component_id: "hello", max_instances: 4 }))).toBe("hello ×4");
    expect(
      eventSummary(ev("linkdef_set_failed", { source_id: "hello", target: "kv", error: "no such config" })),
    ).toBe("hello → kv error: no such config");
    expect(eventSummary(ev("host_stopped", null))).toBe("");
  });

  it("flags failures and host changes", () => {
    expect(isFailure(ev("component_scale_failed", {}))).toBe(true);
    expect(isFailure(ev("component_scaled", {}))).toBe(false);
    expect(changesHosts(ev("host_started", {}))).toBe(true);
    expect(changesHosts(ev("host_heartbeat", {}))).toBe(false);
  });
});
