import { describe, expect, it } from "vitest";
import { graphFromHosts, HOST_NODE_SIZE } from "./model";
import { layoutGraph } from "./layout";
import type { Host } from "../api/types";

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
