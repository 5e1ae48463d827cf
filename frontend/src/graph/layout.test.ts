import { describe, expect, it } from "vitest";
import { graphFromHosts, HOST_HEADER_HEIGHT, HOST_NODE_SIZE } from "./model";
import { layoutGraph } from "./layout";
import type { Host, ModelSnapshot } from "../api";

const host = (id: string): Host => ({
  id,
  friendly_name: id.toLowerCase(),
  labels: {},
  lattice: "default",
  version: "0.1.0",
  uptime_seconds: 1,
  uptime_human: "1s",
  ctl_host: "",
  rpc_host: "",
});

describe("layoutGraph", () => {
  it("places every node without overlaps", async () => {
    const model = graphFromHosts([host("NA"), host("NB"), host("NC")], 0, null);
    const pos = await layoutGraph(model);
    expect([...pos.keys()].sort()).toEqual(model.nodes.map((n) => n.id).sort());
    const boxes = [...pos.values()];
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i];
        const b = boxes[j];
        if (!a || !b) throw new Error("missing box");
        const apart =
          Math.abs(a.x - b.x) >= HOST_NODE_SIZE.width || Math.abs(a.y - b.y) >= HOST_NODE_SIZE.height;
        expect(apart).toBe(true);
      }
    }
  });

  it("handles an empty graph", async () => {
    expect((await layoutGraph({ nodes: [], edges: [] })).size).toBe(0);
  });
});

describe("layoutGraph with host frames", () => {
  it("grows a frame around its contents and keeps children inside it", async () => {
    const snapshot: ModelSnapshot = {
      hosts: [
        {
          host: { id: "NA", friendly_name: "a", labels: {}, version: "1", uptime_seconds: 1 },
          components: [
            { id: "one", image_ref: "", annotations: {}, revision: 0, max_instances: 1, limits: null },
            { id: "two", image_ref: "", annotations: {}, revision: 0, max_instances: 1, limits: null },
          ],
          providers: [{ id: "kv", image_ref: "builtin://keyvalue", annotations: {}, revision: 0 }],
        },
        { host: { id: "NB", friendly_name: "b", labels: {}, version: "1", uptime_seconds: 1 }, components: [], providers: [] },
      ],
      links: [
        {
          source_id: "one",
          target: "kv",
          name: "default",
          wit_namespace: "wasi",
          wit_package: "keyvalue",
          interfaces: ["store"],
          source_config: [],
          target_config: [],
        },
      ],
      configs: [],
    };
    const model = graphFromHosts([], 0, null, snapshot);
    const pos = await layoutGraph(model);
    const frame = pos.get("host:NA");
    if (!frame?.width || !frame.height) throw new Error("the frame has no size");
    expect(frame.width).toBeGreaterThan(HOST_NODE_SIZE.width);
    const empty = pos.get("host:NB");
    expect([empty?.width, empty?.height]).toEqual([HOST_NODE_SIZE.width, HOST_NODE_SIZE.height]);
    for (const n of model.nodes.filter((m) => m.parentId === "host:NA")) {
      const p = pos.get(n.id);
      if (!p) throw new Error(`no position for ${n.id}`);
      expect(p.y).toBeGreaterThanOrEqual(HOST_HEADER_HEIGHT);
      expect(p.x + n.width).toBeLessThanOrEqual(frame.width);
      expect(p.y + n.height).toBeLessThanOrEqual(frame.height);
    }
    // The provider serves the component, so it sits to its left.
    expect(pos.get("provider:NA:kv")?.x).toBeLessThan(pos.get("component:NA:one")?.x ?? 0);
  });
});

describe("layoutGraph across hosts", () => {
  it("lays out a link from a component on one host to a provider on another", async () => {
    const info = (id: string) => ({ id, friendly_name: id, labels: {}, version: "1", uptime_seconds: 1 });
    const snapshot: ModelSnapshot = {
      hosts: [
        {
          host: info("NA"),
          components: [{ id: "app", image_ref: "", annotations: {}, revision: 0, max_instances: 1, limits: null }],
          providers: [],
        },
        { host: info("NB"), components: [], providers: [{ id: "kv", annotations: {}, revision: 0 }] },
      ],
      links: [
        {
          source_id: "app",
          target: "kv",
          name: "default",
          wit_namespace: "wasi",
          wit_package: "keyvalue",
          interfaces: ["store"],
          source_config: [],
          target_config: [],
        },
      ],
      configs: [],
    };
    const model = graphFromHosts([], 0, null, snapshot);
    expect(model.edges).toHaveLength(1);
    const pos = await layoutGraph(model);
    expect([...pos.keys()].sort()).toEqual(model.nodes.map((n) => n.id).sort());
    // The serving host's frame comes first (left), the calling host's after it.
    expect(pos.get("host:NB")?.x).toBeLessThan(pos.get("host:NA")?.x ?? 0);
  });
});
