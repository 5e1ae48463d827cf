// Automatic layout with ELK. The only module that imports elkjs; it maps our model to ELK's
// graph and back to positions, so the canvas never sees ELK types.
import ELK, { type ElkNode } from "elkjs/lib/elk.bundled.js";
import type { GraphModel } from "./model";

/** Top-left position of a node, in graph coordinates. */
export interface Position {
  x: number;
  y: number;
}

/** Positions by node id. */
export type Positions = Map<string, Position>;

// One engine for the app. The bundled build runs ELK on the main thread, which is fine for
// lattices of tens of nodes and needs no worker (and no worker-src in the CSP).
const elk = new ELK();

const LAYOUT_OPTIONS: Record<string, string> = {
  "elk.algorithm": "layered",
  "elk.direction": "RIGHT",
  "elk.spacing.nodeNode": "48",
  "elk.layered.spacing.nodeNodeBetweenLayers": "96",
  "elk.padding": "[top=24,left=24,bottom=24,right=24]",
  // Unconnected hosts would otherwise stack in one column; lay them out in a row.
  "elk.separateConnectedComponents": "true",
  "elk.spacing.componentComponent": "48",
};

/** Lays the graph out and returns a position for every node. */
export async function layoutGraph(model: GraphModel): Promise<Positions> {
  const graph: ElkNode = {
    id: "root",
    layoutOptions: LAYOUT_OPTIONS,
    children: model.nodes.map((n) => ({ id: n.id, width: n.width, height: n.height })),
    edges: model.edges.map((e) => ({ id: e.id, sources: [e.source], targets: [e.target] })),
  };
  const laidOut = await elk.layout(graph);
  const positions: Positions = new Map();
  for (const child of laidOut.children ?? []) {
    positions.set(child.id, { x: child.x ?? 0, y: child.y ?? 0 });
  }
  return positions;
}
