// Level of detail of a large graph by zoom. WebKitGTK paints the canvas in software here: with
// 2,000 nodes and 4,000 labelled edges in view a pan frame took 1–2 s (bench/app), and text,
// arrow markers and React Flow's per-node, per-handle and per-edge store subscriptions were
// most of it. Zoomed out, none of that is readable, so it is not drawn (issue 10, part 4).
import type { Positions } from "./layout";
import type { GraphModel } from "./model";

/**
 * - `full`: everything.
 * - `compact`: component and provider nodes show only their name; no pin labels, badges,
 *   edge labels, arrow heads or shadows (CSS on the canvas's class).
 * - `overview`: component and provider nodes are not React Flow nodes at all (hidden, so are
 *   their edges); each host frame draws them as plain boxes and shows its name large.
 */
export type DetailLevel = "full" | "compact" | "overview";

/** Node counts above which a graph is large (the same bound as rendering only what is in view). */
export const LARGE_GRAPH_NODES = 300;
/** Below this zoom a 13 px name is under 6.5 px on screen: names only. */
export const COMPACT_BELOW = 0.5;
/** Below this zoom a name is under 4 px on screen: boxes only. */
export const OVERVIEW_BELOW = 0.3;

/** The detail a graph of `nodeCount` nodes is drawn with at `zoom`; small graphs always in full. */
export function detailLevel(zoom: number, nodeCount: number): DetailLevel {
  if (nodeCount <= LARGE_GRAPH_NODES || !(zoom < COMPACT_BELOW)) return "full";
  return zoom < OVERVIEW_BELOW ? "overview" : "compact";
}

/** A child of a host frame as the overview draws it, relative to the frame. */
export interface MiniBox {
  x: number;
  y: number;
  width: number;
  height: number;
  kind: "component" | "provider";
}

/**
 * The boxes each host frame draws: its positioned components and providers, but those in
 * `inPage` (drawn as nodes already; painting a box under each cost a pan frame a few ms).
 */
export function miniBoxes(
  model: GraphModel,
  positions: Positions,
  inPage: ReadonlySet<string> | null = null,
): Map<string, MiniBox[]> {
  const out = new Map<string, MiniBox[]>();
  for (const n of model.nodes) {
    if ((n.kind !== "component" && n.kind !== "provider") || !n.parentId || inPage?.has(n.id)) continue;
    const p = positions.get(n.id);
    if (!p) continue;
    const boxes = out.get(n.parentId) ?? [];
    boxes.push({ x: p.x, y: p.y, width: n.width, height: n.height, kind: n.kind });
    out.set(n.parentId, boxes);
  }
  return out;
}

/** Whether two frames' boxes are the same (so a frame can keep the data it was drawn with). */
export function sameBoxes(a: readonly MiniBox[], b: readonly MiniBox[]): boolean {
  return (
    a.length === b.length &&
    a.every((x, i) => {
      const y = b[i];
      return y !== undefined && x.x === y.x && x.y === y.y && x.width === y.width && x.height === y.height && x.kind === y.kind;
    })
  );
}

/** The box around the laid-out top-level nodes (what fitting the view fits), or null if none. */
export function framesBounds(
  model: GraphModel,
  positions: Positions,
): { x: number; y: number; width: number; height: number } | null {
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const n of model.nodes) {
    const p = positions.get(n.id);
    if (!p || n.parentId) continue;
    x0 = Math.min(x0, p.x);
    y0 = Math.min(y0, p.y);
    x1 = Math.max(x1, p.x + (p.width ?? n.width));
    y1 = Math.max(y1, p.y + (p.height ?? n.height));
  }
  return x0 > x1 ? null : { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/** A rectangle in graph coordinates. */
export interface Area {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * How far beyond the view, in views, a large graph keeps its nodes in the page (compact and
 * full detail). React Flow's own culling mounts and unmounts the nodes at the view's edges on
 * every pan step, and mounting was most of a pan frame's script (bench/app: 60 ms per frame at
 * zoom 0.4); with this margin a pan mounts nodes only when it leaves the area kept.
 */
export const NEAR_MARGIN = 0.5;

/** The part of the graph a canvas of `width` × `height` shows at React Flow's `transform`. */
export function viewArea(transform: readonly [number, number, number], width: number, height: number): Area {
  const [tx, ty, zoom] = transform;
  return { x: -tx / zoom, y: -ty / zoom, width: width / zoom, height: height / zoom };
}

/** `view` grown by `margin` views on every side: the area whose nodes stay in the page. */
export function nearArea(view: Area, margin = NEAR_MARGIN): Area {
  const [dx, dy] = [view.width * margin, view.height * margin];
  return { x: view.x - dx, y: view.y - dy, width: view.width + 2 * dx, height: view.height + 2 * dy };
}

/**
 * Whether the area kept for an earlier view still serves `view`: it holds the view, and is not
 * so much larger (zoomed far in since) that it keeps many times the nodes needed.
 */
export function stillNear(kept: Area, view: Area): boolean {
  const holds =
    view.x >= kept.x &&
    view.y >= kept.y &&
    view.x + view.width <= kept.x + kept.width &&
    view.y + view.height <= kept.y + kept.height;
  return holds && view.width * 4 >= kept.width;
}

/** How long the view stays still before the nodes near it are taken again (ms). */
export const NEAR_SETTLE_MS = 150;

/**
 * What the area kept in the page needs for `view`: nothing while it still serves; to be taken
 * at once when there is none yet; otherwise to be taken once the view stops moving.
 */
export function nearStep(kept: Area | null, view: Area): "keep" | "take" | "take when still" {
  if (!kept) return "take";
  return stillNear(kept, view) ? "keep" : "take when still";
}

/**
 * The nodes to keep in the page for `area`: every frame and other top-level node (they are
 * few, and the minimap draws the whole lattice from them), the children overlapping the area
 * (by their frame's position plus their own), and the other end of every edge that reaches
 * one of those, so that the edge is drawn.
 */
export function nodesNear(model: GraphModel, positions: Positions, area: Area): Set<string> {
  const near = new Set<string>();
  const children = new Set<string>();
  for (const n of model.nodes) {
    if (!n.parentId) {
      near.add(n.id);
      continue;
    }
    const p = positions.get(n.id);
    const frame = positions.get(n.parentId);
    if (!p || !frame) continue;
    const [x, y, w, h] = [frame.x + p.x, frame.y + p.y, p.width ?? n.width, p.height ?? n.height];
    if (x < area.x + area.width && x + w > area.x && y < area.y + area.height && y + h > area.y) children.add(n.id);
  }
  for (const id of children) near.add(id);
  for (const e of model.edges) {
    if (children.has(e.source)) near.add(e.target);
    else if (children.has(e.target)) near.add(e.source);
  }
  return near;
}
