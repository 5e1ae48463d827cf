import { describe, expect, it } from "vitest";
import type { CloudEvent } from "../api";
import { grantRequestOf } from "./grantRequest";

const event = (over: Partial<CloudEvent> & { data?: unknown }): CloudEvent => ({
  specversion: "1.0",
  id: "1",
  source: "NLOCAL",
  type: "com.wasmcloud.lattice.component_scale_failed",
  time: "2026-12-06T22:00:00Z",
  datacontenttype: "application/json",
  data: {
    component_id: "web",
    host_id: "NLOCAL",
    image_ref: "file:///web.wasm",
    max_instances: 1,
    annotations: { "trellis.dev/dirs": "/data:/data" },
    error: "grant trellis.dev/dirs=/data is not allowed by this host's policy (allowed roots: none)",
  },
  ...over,
});

describe("grantRequestOf", () => {
  it("reads a refusal by the app's own host", () => {
    expect(grantRequestOf(event({}), "NLOCAL")).toEqual({
      componentId: "web",
      reason: "grant trellis.dev/dirs=/data is not allowed by this host's policy (allowed roots: none)",
    });
  });
  it("ignores other hosts, other failures and other events", () => {
    expect(grantRequestOf(event({}), "NOTHER")).toBeNull();
    expect(grantRequestOf(event({}), null)).toBeNull();
    expect(grantRequestOf(event({ data: { component_id: "web", error: "file not found" } }), "NLOCAL")).toBeNull();
    expect(grantRequestOf(event({ type: "com.wasmcloud.lattice.component_scaled" }), "NLOCAL")).toBeNull();
    expect(grantRequestOf(event({ data: null }), "NLOCAL")).toBeNull();
  });
});
