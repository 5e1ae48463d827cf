// Automatic layout with ELK. The only module that imports elkjs; it maps our model to ELK's
// graph and back to positions, so the canvas never sees ELK types.
import ELK, { type ElkExtendedEdge, type ElkNode } from "elkjs/lib/elk.bundled.js";
import { HOST_HEADER_HEIGHT, HOST_NODE_SIZE, type GraphModel } from "./model";

/** Position of a node (relative to its host frame for children), and the size the layout gave it. */
export interface Position {
  x: number;
  y: number;
  width?: number;
  height?: number;
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
  "elk.layered.spacing.nodeNodeBetweenLayers": "200",
  "elk.padding": "[top=24,left=24,bottom=24,right=24]",
  // Links cross host frames: lay frames and their contents out together.
  "elk.hierarchyHandling": "INCLUDE_CHILDREN",
  // Unconnected hosts would otherwise stack in one column; lay them out in a row.
  "elk.separateConnectedComponents": "true",
  "elk.spacing.componentComponent": "48",
};

/** A host frame: its header above the contents, never smaller than an empty host. */
const HOST_OPTIONS: Record<string, string> = {
  "elk.padding": `[top=${HOST_HEADER_HEIGHT},left=20,bottom=20,right=20]`,
  "elk.nodeSize.constraints": "MINIMUM_SIZE",
  "elk.nodeSize.minimum": `(${HOST_NODE_SIZE.width}, ${HOST_NODE_SIZE.height})`,
  "elk.spacing.nodeNode": "28",
  // Room between columns for edge labels such as "wasi:http/incoming-handler · default".
  "elk.layered.spacing.nodeNodeBetweenLayers": "200",
};

/** Lays the graph out and returns a position (and the laid-out size) for every node. */
export async function layoutGraph(model: GraphModel): Promise<Positions> {
  const elkNodes = new Map<string, ElkNode>();
  const roots: ElkNode[] = [];
  for (const n of model.nodes) {
    const node: ElkNode =
      n.kind === "host"
        ? { id: n.id, layoutOptions: HOST_OPTIONS, children: [], edges: [] }
        : { id: n.id, width: n.width, height: n.height };
    elkNodes.set(n.id, node);
    const parent = n.parentId ? elkNodes.get(n.parentId) : undefined;
    if (parent) parent.children?.push(node);
    else roots.push(node);
  }
  // Host frames with nothing inside get the fixed size (ELK would size them to padding).
  for (const n of model.nodes) {
    const node = elkNodes.get(n.id);
    if (n.kind === "host" && node && (node.children?.length ?? 0) === 0) {
      node.width = n.width;
      node.height = n.height;
    }
  }
  // An edge belongs to the frame holding both ends, or to the root.
  const parentOf = new Map(model.nodes.map((n) => [n.id, n.parentId ?? null]));
  const rootEdges: ElkExtendedEdge[] = [];
  for (const e of model.edges) {
    const edge: ElkExtendedEdge = { id: e.id, sources: [e.source], targets: [e.target] };
    const shared = parentOf.get(e.source);
    const owner = shared && shared === parentOf.get(e.target) ? elkNodes.get(shared) : undefined;
    if (owner) owner.edges?.push(edge);
    else rootEdges.push(edge);
  }

  const laidOut = await elk.layout({ id: "root", layoutOptions: LAYOUT_OPTIONS, children: roots, edges: rootEdges });
  const positions: Positions = new Map();
  const visit = (nodes: ElkNode[] | undefined) => {
    for (const child of nodes ?? []) {
      positions.set(child.id, { x: child.x ?? 0, y: child.y ?? 0, width: child.width, height: child.height });
      visit(child.children);
    }
  };
  visit(laidOut.children);
  return positions;
}
