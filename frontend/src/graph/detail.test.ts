import { describe, expect, it } from "vitest";
import { COMPACT_BELOW, detailLevel, framesBounds, LARGE_GRAPH_NODES, miniBoxes, OVERVIEW_BELOW } from "./detail";
import type { GraphModel, GraphNode } from "./model";

describe("detailLevel", () => {
  const large = LARGE_GRAPH_NODES + 1;

  it("draws a small graph in full at any zoom", () => {
    for (const zoom of [0.05, 0.2, 0.4, 1, 2]) expect(detailLevel(zoom, LARGE_GRAPH_NODES)).toBe("full");
  });

  it("drops detail of a large graph as it is zoomed out", () => {
    expect(detailLevel(1.1, large)).toBe("full");
    expect(detailLevel(COMPACT_BELOW, large)).toBe("full");
    expect(detailLevel(COMPACT_BELOW - 0.01, large)).toBe("compact");
    expect(detailLevel(OVERVIEW_BELOW, large)).toBe("compact");
    expect(detailLevel(OVERVIEW_BELOW - 0.01, large)).toBe("overview");
    expect(detailLevel(0.05, large)).toBe("overview");
  });

  it("draws in full when the zoom is not known yet", () => {
    expect(detailLevel(Number.NaN, large)).toBe("full");
  });
});

describe("miniBoxes", () => {
  it("gives each frame its positioned components and providers, relative to it", () => {
    const nodes = [
      { id: "h", kind: "host", width: 300, height: 200 },
      { id: "c", kind: "component", parentId: "h", width: 220, height: 90 },
      { id: "p", kind: "provider", parentId: "h", width: 200, height: 60 },
      { id: "unplaced", kind: "component", parentId: "h", width: 220, height: 90 },
    ] as unknown as GraphNode[];
    const model = { nodes, edges: [] } as unknown as GraphModel;
    const positions = new Map([
      ["h", { x: 500, y: 500, width: 600, height: 400 }],
      ["c", { x: 20, y: 60 }],
      ["p", { x: 300, y: 60 }],
    ]);
    expect(miniBoxes(model, positions)).toEqual(
      new Map([
        [
          "h",
          [
            { x: 20, y: 60, width: 220, height: 90, kind: "component" },
            { x: 300, y: 60, width: 200, height: 60, kind: "provider" },
          ],
        ],
      ]),
    );
  });
});

describe("framesBounds", () => {
  it("spans the top-level nodes at the size the layout gave them", () => {
    const nodes = [
      { id: "a", kind: "host", width: 300, height: 200 },
      { id: "b", kind: "host", width: 300, height: 200 },
      { id: "c", kind: "component", parentId: "b", width: 220, height: 90 },
    ] as unknown as GraphNode[];
    const model = { nodes, edges: [] } as unknown as GraphModel;
    const positions = new Map([
      ["a", { x: -100, y: 0 }],
      ["b", { x: 400, y: 50, width: 1000, height: 700 }],
      ["c", { x: 5000, y: 5000 }],
    ]);
    expect(framesBounds(model, positions)).toEqual({ x: -100, y: 0, width: 1500, height: 750 });
    expect(framesBounds(model, new Map())).toBeNull();
  });
});
