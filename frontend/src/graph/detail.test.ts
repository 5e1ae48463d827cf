import { describe, expect, it } from "vitest";
import {
  COMPACT_BELOW,
  detailLevel,
  framesBounds,
  LARGE_GRAPH_NODES,
  miniBoxes,
  nearArea,
  nearStep,
  nodesNear,
  OVERVIEW_BELOW,
  sameBoxes,
  stillNear,
  viewArea,
} from "./detail";
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
  // A frame with a component, a provider and a component the layout has not placed.
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
  const providerBox = { x: 300, y: 60, width: 200, height: 60, kind: "provider" };

  it("gives each frame its positioned components and providers, relative to it", () => {
    expect(miniBoxes(model, positions)).toEqual(
      new Map([["h", [{ x: 20, y: 60, width: 220, height: 90, kind: "component" }, providerBox]]]),
    );
  });

  it("leaves out the children drawn as nodes", () => {
    expect(miniBoxes(model, positions, new Set(["h", "c"])).get("h")).toEqual([providerBox]);
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

describe("the area kept near the view", () => {
  it("is the view at React Flow's transform, grown by half a view on every side", () => {
    const view = viewArea([-400, -200, 0.5], 800, 600);
    expect(view).toEqual({ x: 800, y: 400, width: 1600, height: 1200 });
    expect(nearArea(view)).toEqual({ x: 0, y: -200, width: 3200, height: 2400 });
  });

  it("is taken again only when the view leaves it or is far smaller", () => {
    const kept = nearArea({ x: 0, y: 0, width: 1000, height: 800 });
    expect(stillNear(kept, { x: 400, y: 300, width: 1000, height: 800 })).toBe(true);
    expect(stillNear(kept, { x: 600, y: 0, width: 1000, height: 800 })).toBe(false);
    // Zoomed in: kept while the view is at least a quarter of the area's width.
    expect(stillNear(kept, { x: 0, y: 0, width: 600, height: 450 })).toBe(true);
    expect(stillNear(kept, { x: 0, y: 0, width: 400, height: 300 })).toBe(false);
  });

  it("is taken at once the first time, and after that once the view stops moving", () => {
    const view = { x: 0, y: 0, width: 1000, height: 800 };
    expect(nearStep(null, view)).toBe("take");
    const kept = nearArea(view);
    expect(nearStep(kept, { ...view, x: 400 })).toBe("keep");
    expect(nearStep(kept, { ...view, x: 600 })).toBe("take when still");
  });

  it("keeps every frame, the children in the area, and the far ends of their edges", () => {
    const nodes = [
      { id: "h1", kind: "host", width: 300, height: 200 },
      { id: "h2", kind: "host", width: 300, height: 200 },
      { id: "in", kind: "component", parentId: "h1", width: 100, height: 50 },
      { id: "out", kind: "component", parentId: "h1", width: 100, height: 50 },
      { id: "far", kind: "provider", parentId: "h2", width: 100, height: 50 },
      { id: "lonely", kind: "provider", parentId: "h2", width: 100, height: 50 },
    ] as unknown as GraphNode[];
    const edges = [{ id: "e", source: "far", target: "in" }];
    const model = { nodes, edges } as unknown as GraphModel;
    const positions = new Map([
      ["h1", { x: 0, y: 0, width: 1000, height: 1000 }],
      ["h2", { x: 5000, y: 0, width: 1000, height: 1000 }],
      ["in", { x: 10, y: 10 }],
      ["out", { x: 900, y: 900 }],
      ["far", { x: 10, y: 10 }],
      ["lonely", { x: 10, y: 10 }],
    ]);
    const near = nodesNear(model, positions, { x: 0, y: 0, width: 200, height: 200 });
    expect([...near].sort()).toEqual(["far", "h1", "h2", "in"]);
  });
});

describe("sameBoxes", () => {
  const box = { x: 1, y: 2, width: 3, height: 4, kind: "component" as const };
  it("is true for equal boxes in other arrays, false when one moved, changed kind or is missing", () => {
    expect(sameBoxes([box], [{ ...box }])).toBe(true);
    expect(sameBoxes([box], [{ ...box, x: 9 }])).toBe(false);
    expect(sameBoxes([box], [{ ...box, kind: "provider" }])).toBe(false);
    expect(sameBoxes([box, box], [box])).toBe(false);
    expect(sameBoxes([], [])).toBe(true);
  });
});
