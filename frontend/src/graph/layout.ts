// Automatic layout with ELK. The only module that talks to elkjs; it maps our model to ELK's
// graph and back to positions, so the canvas never sees ELK types.
//
// ELK runs in a Web Worker (layout.worker.ts) so a large lattice never stalls the window. Where
// no worker can be made or the worker fails (tests, a refused script), the same layout runs on
// this thread, loaded on first use.
//
// Layout is incremental: nodes that already have a position keep it, and only new ones are
// placed. New children of a frame are laid out together by ELK as a block that goes into the
// free slot of their frame that grows it least; new frames go into free space beside the others.
// Only when no node has a position yet is the whole graph laid out at once.
//
// ELK's layered layout grows much faster than linearly with links (a few hundred nodes with
// links across frames take seconds; 2,000 nodes and 4,000 links most of a minute), so a large
// graph is placed without it: each frame's new children in columns, providers first, and
// frames packed into free space. That takes milliseconds at any size.
import type { ElkExtendedEdge, ElkNode } from "elkjs/lib/elk-api";
import { HOST_HEADER_HEIGHT, HOST_NODE_SIZE, isFrame, type GraphModel, type GraphNode } from "./model";

/** Position of a node (relative to its host frame for children), and the size the layout gave it. */
export interface Position {
  x: number;
  y: number;
  width?: number;
  height?: number;
}

/** Positions by node id. */
export type Positions = Map<string, Position>;

// ---------------------------------------------------------------------------------------------
// ELK options

/** Margin around the whole drawing. */
const ROOT_PAD = 24;

const LAYOUT_OPTIONS: Record<string, string> = {
  "elk.algorithm": "layered",
  "elk.direction": "RIGHT",
  "elk.spacing.nodeNode": "48",
  "elk.layered.spacing.nodeNodeBetweenLayers": "200",
  "elk.padding": `[top=${ROOT_PAD},left=${ROOT_PAD},bottom=${ROOT_PAD},right=${ROOT_PAD}]`,
  // Links cross host frames: lay frames and their contents out together.
  "elk.hierarchyHandling": "INCLUDE_CHILDREN",
  // Unconnected hosts would otherwise stack in one column; lay them out in a row.
  "elk.separateConnectedComponents": "true",
  "elk.spacing.componentComponent": "48",
};

/** Padding of a host frame's contents (the header is above them). */
const FRAME_PAD = 20;
/** Room between frames placed into free space. */
const FRAME_GAP = 48;
/** Room between nodes inside a frame. */
const CHILD_GAP = 28;

/** Above this many nodes or links, nodes are placed in columns instead of by ELK. */
export const LARGE_GRAPH = { nodes: 250, edges: 500 } as const;

/** A host frame: its header above the contents, never smaller than an empty host. */
const HOST_OPTIONS: Record<string, string> = {
  "elk.padding": `[top=${HOST_HEADER_HEIGHT},left=${FRAME_PAD},bottom=${FRAME_PAD},right=${FRAME_PAD}]`,
  "elk.nodeSize.constraints": "MINIMUM_SIZE",
  "elk.nodeSize.minimum": `(${HOST_NODE_SIZE.width}, ${HOST_NODE_SIZE.height})`,
  "elk.spacing.nodeNode": `${CHILD_GAP}`,
  // Room between columns for edge labels such as "wasi:http/incoming-handler · default".
  "elk.layered.spacing.nodeNodeBetweenLayers": "200",
};

/** New children of one frame, laid out on their own: the frame's spacing, no padding. */
const BLOCK_OPTIONS: Record<string, string> = {
  "elk.algorithm": "layered",
  "elk.direction": "RIGHT",
  "elk.padding": "[top=0,left=0,bottom=0,right=0]",
  "elk.spacing.nodeNode": `${CHILD_GAP}`,
  "elk.layered.spacing.nodeNodeBetweenLayers": "200",
  "elk.separateConnectedComponents": "true",
  "elk.spacing.componentComponent": `${CHILD_GAP}`,
};

// ---------------------------------------------------------------------------------------------
// The engine: a worker, or this thread

/** A request to the layout worker. */
export interface LayoutRequest {
  id: number;
  graph: ElkNode;
}

/** The worker's answer: the laid-out graph, or why ELK refused it. */
export type LayoutResponse = { id: number; graph: ElkNode } | { id: number; error: string };

/** What the engine needs of a worker (a real `Worker`, or a stand-in in tests). */
export interface LayoutWorker {
  postMessage(message: LayoutRequest): void;
  terminate(): void;
  onmessage: ((event: MessageEvent<LayoutResponse>) => void) | null;
  onerror: ((event: ErrorEvent | Event) => void) | null;
}

/** Runs ELK on a graph. */
export interface LayoutEngine {
  layout(graph: ElkNode): Promise<ElkNode>;
  /** Whether layouts run on this thread (no worker, or the worker failed). */
  readonly inThread: boolean;
}

/** Makes the app's layout worker, or null where workers don't exist (tests). */
function makeWorker(): LayoutWorker | null {
  if (typeof Worker === "undefined") return null;
  return new Worker(new URL("./layout.worker.ts", import.meta.url), {
    type: "module",
    name: "trellis-layout",
  }) as unknown as LayoutWorker;
}

/** ELK on this thread, loaded on first use so the window doesn't parse it at start. */
let inThreadElk: Promise<{ layout(graph: ElkNode): Promise<ElkNode> }> | null = null;
function layoutInThread(graph: ElkNode): Promise<ElkNode> {
  inThreadElk ??= import("elkjs/lib/elk.bundled.js").then((m) => new m.default());
  return inThreadElk.then((elk) => elk.layout(graph));
}

/** How a layout engine treats its worker. */
export interface LayoutEngineOptions {
  /**
   * Ends the worker after this many milliseconds without a layout; the next layout starts a
   * new one. Unset: the worker lives as long as the engine.
   */
  idleMs?: number;
}

/**
 * A layout engine that uses a worker from `factory` while it works and this thread otherwise.
 * A worker that cannot be made, or reports an error (a script the CSP refused, a crash), is
 * dropped: the layouts it had pending and all later ones run on this thread. With `idleMs`, an
 * idle worker is ended and made again when needed.
 */
export function createLayoutEngine(
  factory: () => LayoutWorker | null = makeWorker,
  options: LayoutEngineOptions = {},
): LayoutEngine {
  let worker: LayoutWorker | null | undefined;
  let nextId = 1;
  const pending = new Map<number, { graph: ElkNode; resolve: (g: ElkNode) => void; reject: (e: Error) => void }>();
  let idleTimer: ReturnType<typeof setTimeout> | undefined;

  const stopIdleTimer = () => {
    if (idleTimer !== undefined) clearTimeout(idleTimer);
    idleTimer = undefined;
  };
  const startIdleTimer = () => {
    stopIdleTimer();
    if (options.idleMs === undefined || pending.size > 0) return;
    idleTimer = setTimeout(() => {
      idleTimer = undefined;
      if (!worker || pending.size > 0) return;
      worker.terminate();
      worker = undefined;
    }, options.idleMs);
  };

  const dropWorker = (why: unknown) => {
    console.warn("layout worker unavailable, laying out on the main thread:", why);
    worker?.terminate();
    worker = null;
    const waiting = [...pending.values()];
    pending.clear();
    for (const p of waiting) layoutInThread(p.graph).then(p.resolve, p.reject);
  };

  const getWorker = (): LayoutWorker | null => {
    if (worker !== undefined) return worker;
    try {
      worker = factory();
    } catch (err) {
      console.warn("layout worker could not start:", err);
      worker = null;
    }
    if (worker) {
      worker.onmessage = (event) => {
        const answer = event.data;
        const p = pending.get(answer.id);
        if (!p) return;
        pending.delete(answer.id);
        if ("error" in answer) p.reject(new Error(answer.error));
        else p.resolve(answer.graph);
        startIdleTimer();
      };
      worker.onerror = (event) => dropWorker((event as ErrorEvent).message ?? event.type);
    }
    return worker;
  };

  return {
    get inThread() {
      return worker === null;
    },
    layout(graph) {
      stopIdleTimer();
      const w = getWorker();
      if (!w) return layoutInThread(graph);
      return new Promise<ElkNode>((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { graph, resolve, reject });
        try {
          w.postMessage({ id, graph });
        } catch (err) {
          dropWorker(err);
        }
      });
    },
  };
}

/**
 * How long the app's layout worker may sit idle. ELK in a worker holds about 35 MB of the web
 * process (WebKitGTK 2.50, bench/app); layouts come in bursts when the lattice changes, and a
 * new worker answers in about 0.35 s on a slow machine, so an app left open gives it back.
 */
export const WORKER_IDLE_MS = 20_000;

let appEngine: LayoutEngine | null = null;
/** The app's engine: one worker at a time, made on the first layout after an idle spell. */
function defaultEngine(): LayoutEngine {
  appEngine ??= createLayoutEngine(makeWorker, { idleMs: WORKER_IDLE_MS });
  return appEngine;
}

/**
 * Starts the layout worker, and ELK in it, before the first graph needs them: in WebKitGTK
 * here loading ELK's 1.4 MB into a fresh worker took most of a second, which a cold start
 * otherwise spent after the first host arrived (bench/app). Resolves once ELK has answered.
 */
export function warmLayout(engine: LayoutEngine = defaultEngine()): Promise<void> {
  return engine.layout({ id: "warm-up", children: [] }).then(
    () => undefined,
    () => undefined,
  );
}

// ---------------------------------------------------------------------------------------------
// Layout

/**
 * Lays the graph out and returns a position (and, for frames, the size) for every node.
 * Nodes found in `known` keep their position (children relative to their frame); the others
 * are placed around them. With nothing known, the whole graph is laid out.
 */
export async function layoutGraph(
  model: GraphModel,
  known: ReadonlyMap<string, Position> = new Map(),
  engine: LayoutEngine = defaultEngine(),
): Promise<Positions> {
  const large = model.nodes.length > LARGE_GRAPH.nodes || model.edges.length > LARGE_GRAPH.edges;
  // Hosts with nothing on them (a lattice just started) need no ELK: they go into free space
  // at once, without waiting for the worker to load it.
  const bare = model.edges.length === 0 && model.nodes.every((n) => n.parentId === undefined);
  if (!large && !bare && !model.nodes.some((n) => known.has(n.id))) return layoutAll(model, engine);
  return layoutIncrementally(model, known, large ? null : engine);
}

/** The whole graph in one ELK run. */
async function layoutAll(model: GraphModel, engine: LayoutEngine): Promise<Positions> {
  const elkNodes = new Map<string, ElkNode>();
  const roots: ElkNode[] = [];
  for (const n of model.nodes) {
    const node: ElkNode =
      isFrame(n)
        ? { id: n.id, layoutOptions: HOST_OPTIONS, children: [], edges: [] }
        : { id: n.id, width: n.width, height: n.height };
    elkNodes.set(n.id, node);
    const parent = n.parentId ? elkNodes.get(n.parentId) : undefined;
    if (parent) parent.children?.push(node);
    else roots.push(node);
  }
  // Frames with nothing inside get the fixed size (ELK would size them to padding).
  for (const n of model.nodes) {
    const node = elkNodes.get(n.id);
    if (isFrame(n) && node && (node.children?.length ?? 0) === 0) {
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
  if (roots.length === 0) return new Map();

  const laidOut = await engine.layout({ id: "root", layoutOptions: LAYOUT_OPTIONS, children: roots, edges: rootEdges });
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

interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A top-level node: a host frame (with children) or a node whose frame is not in the model. */
interface Root {
  node: GraphNode;
  children: GraphNode[];
}

/**
 * Keeps known nodes in place and places the new ones around them: with ELK, or in columns
 * when there is no engine (a large graph).
 */
async function layoutIncrementally(
  model: GraphModel,
  known: ReadonlyMap<string, Position>,
  engine: LayoutEngine | null,
): Promise<Positions> {
  const ids = new Set(model.nodes.map((n) => n.id));
  const roots = new Map<string, Root>();
  for (const n of model.nodes) {
    if (n.parentId === undefined || !ids.has(n.parentId)) roots.set(n.id, { node: n, children: [] });
  }
  for (const n of model.nodes) {
    const root = n.parentId !== undefined ? roots.get(n.parentId) : undefined;
    if (root && root.node.id !== n.id) root.children.push(n);
  }

  // New children of each frame, laid out together in one ELK run as one block per frame.
  const blocks: ElkNode[] = [];
  const parentOf = new Map(model.nodes.map((n) => [n.id, n.parentId]));
  for (const root of roots.values()) {
    const fresh = root.children.filter((c) => !known.has(c.id));
    if (fresh.length === 0) continue;
    const inBlock = new Set(fresh.map((c) => c.id));
    const edges: ElkExtendedEdge[] = model.edges
      .filter((e) => inBlock.has(e.source) && inBlock.has(e.target) && parentOf.get(e.source) === root.node.id)
      .map((e) => ({ id: e.id, sources: [e.source], targets: [e.target] }));
    blocks.push({
      id: `block:${root.node.id}`,
      layoutOptions: BLOCK_OPTIONS,
      children: fresh.map((c) => ({ id: c.id, width: c.width, height: c.height })),
      edges,
    });
  }
  const laidBlocks = new Map<string, ElkNode>();
  if (!engine) {
    for (const b of blocks) laidBlocks.set(b.id, columns(b.children ?? [], model));
  } else if (blocks.length > 0) {
    // Blocks are independent: a fixed arrangement at the root keeps ELK from relating them.
    const laid = await engine.layout({
      id: "root",
      layoutOptions: { "elk.algorithm": "layered", "elk.hierarchyHandling": "SEPARATE_CHILDREN" },
      children: blocks,
      edges: [],
    });
    for (const b of laid.children ?? []) laidBlocks.set(b.id, b);
  }

  const out: Positions = new Map();
  // Children: known ones stay; the new block goes into the frame where it grows it least.
  const frames = new Map<string, Rect>();
  const fresh: Root[] = [];
  for (const root of roots.values()) {
    const at = known.get(root.node.id);
    const placed: Rect[] = [];
    for (const c of root.children) {
      const p = known.get(c.id);
      if (!p) continue;
      out.set(c.id, { x: p.x, y: p.y, width: c.width, height: c.height });
      placed.push({ x: p.x, y: p.y, width: c.width, height: c.height });
    }
    const size = fitFrame(root.node, placed);
    if (at) frames.set(root.node.id, { x: at.x, y: at.y, ...size });
    else fresh.push(root);
  }
  for (const root of roots.values()) {
    const block = laidBlocks.get(`block:${root.node.id}`);
    if (!block) continue;
    const placed = root.children.flatMap((c) => {
      const p = out.get(c.id);
      return p ? [{ x: p.x, y: p.y, width: c.width, height: c.height }] : [];
    });
    const frame = frames.get(root.node.id);
    const others = [...frames].filter(([id]) => id !== root.node.id).map(([, r]) => r);
    const slot = slotInFrame(root.node, placed, { width: block.width ?? 0, height: block.height ?? 0 }, frame, others);
    for (const c of block.children ?? []) {
      out.set(c.id, { x: slot.x + (c.x ?? 0), y: slot.y + (c.y ?? 0), width: c.width, height: c.height });
    }
    if (frame) {
      const grown = fitFrame(root.node, [...placed, { ...slot, width: block.width ?? 0, height: block.height ?? 0 }]);
      frames.set(root.node.id, { x: frame.x, y: frame.y, ...grown });
    }
  }
  // New frames: into free space beside the others, in model order (many at once: in rows below).
  const sized = fresh.map((root) => {
    const placed = root.children.flatMap((c) => {
      const p = out.get(c.id);
      return p ? [{ x: p.x, y: p.y, width: c.width, height: c.height }] : [];
    });
    return { id: root.node.id, size: fitFrame(root.node, placed) };
  });
  if (sized.length > MANY_FRAMES) {
    for (const [id, rect] of rows([...frames.values()], sized)) frames.set(id, rect);
  } else {
    for (const { id, size } of sized) {
      // A new node reached by an edge from a placed one (a resource a workload touched)
      // goes right of it, so the edge stays short.
      const from = model.edges.find((e) => e.target === id && frames.has(e.source));
      const after = from ? frames.get(from.source) : undefined;
      frames.set(id, { ...freeSpot([...frames.values()], size, after), ...size });
    }
  }
  for (const [id, r] of frames) out.set(id, { x: r.x, y: r.y, width: r.width, height: r.height });
  return out;
}

/**
 * New children in columns about as tall as the block is wide at 16:10: providers first (they
 * serve the components, as in the layered layout), then components, each in model order.
 */
function columns(children: readonly ElkNode[], model: GraphModel): ElkNode {
  const kind = new Map(model.nodes.map((n) => [n.id, n.kind]));
  const ordered = [
    ...children.filter((c) => kind.get(c.id) === "provider"),
    ...children.filter((c) => kind.get(c.id) !== "provider"),
  ];
  const area = ordered.reduce((sum, c) => sum + ((c.width ?? 0) + CHILD_GAP * 2) * ((c.height ?? 0) + CHILD_GAP), 0);
  const maxHeight = Math.max(...ordered.map((c) => c.height ?? 0), Math.sqrt(area / 1.6));
  const placed: ElkNode[] = [];
  let [x, y, columnWidth, width, height] = [0, 0, 0, 0, 0];
  for (const c of ordered) {
    const [w, h] = [c.width ?? 0, c.height ?? 0];
    if (y > 0 && y + h > maxHeight) {
      x += columnWidth + CHILD_GAP * 2;
      [y, columnWidth] = [0, 0];
    }
    placed.push({ ...c, x, y });
    columnWidth = Math.max(columnWidth, w);
    width = Math.max(width, x + w);
    height = Math.max(height, y + h);
    y += h + CHILD_GAP;
  }
  return { id: "columns", width, height, children: placed };
}

/** The size of a frame around its children (at least an empty host); other roots keep their size. */
function fitFrame(node: GraphNode, children: readonly Rect[]): { width: number; height: number } {
  if (!isFrame(node)) return { width: node.width, height: node.height };
  let width: number = HOST_NODE_SIZE.width;
  let height: number = HOST_NODE_SIZE.height;
  for (const c of children) {
    width = Math.max(width, c.x + c.width + FRAME_PAD);
    height = Math.max(height, c.y + c.height + FRAME_PAD);
  }
  return { width, height };
}

/** Whether two rectangles come closer than `gap`. */
function overlaps(a: Rect, b: Rect, gap: number): boolean {
  return a.x < b.x + b.width + gap && b.x < a.x + a.width + gap && a.y < b.y + b.height + gap && b.y < a.y + a.height + gap;
}

/**
 * Where in a frame a block of new children goes: the first content slot, or right of or below
 * a child already there, wherever it grows the frame least without covering another frame.
 */
function slotInFrame(
  node: GraphNode,
  placed: readonly Rect[],
  block: { width: number; height: number },
  frame: Rect | undefined,
  others: readonly Rect[],
): { x: number; y: number } {
  const origin = { x: FRAME_PAD, y: HOST_HEADER_HEIGHT };
  const candidates = [origin];
  for (const p of placed) {
    candidates.push({ x: p.x + p.width + CHILD_GAP * 2, y: p.y }, { x: p.x, y: p.y + p.height + CHILD_GAP });
  }
  const before = fitFrame(node, placed);
  let best: { x: number; y: number } | null = null;
  let bestScore = Infinity;
  for (const c of candidates) {
    if (c.x < origin.x || c.y < origin.y) continue;
    const rect = { ...c, ...block };
    if (placed.some((p) => overlaps(rect, p, CHILD_GAP - 1))) continue;
    const after = fitFrame(node, [...placed, rect]);
    let score = after.width * after.height - before.width * before.height;
    if (frame && others.some((o) => overlaps({ x: frame.x, y: frame.y, ...after }, o, 0))) score += 1e12;
    // Ties: higher, then further left.
    score += c.y * 1e-3 + c.x * 1e-6;
    if (score < bestScore) {
      bestScore = score;
      best = c;
    }
  }
  // Below everything always fits.
  return best ?? { x: origin.x, y: Math.max(origin.y, ...placed.map((p) => p.y + p.height + CHILD_GAP)) };
}

/** Above this many new frames at once, they go in rows instead of each into free space. */
const MANY_FRAMES = 40;

/** Frames in rows below everything there, the rows about 16:10 overall. */
function rows(frames: readonly Rect[], fresh: readonly { id: string; size: { width: number; height: number } }[]): Map<string, Rect> {
  const top = Math.max(ROOT_PAD, ...frames.map((f) => f.y + f.height + FRAME_GAP));
  const area = fresh.reduce((sum, f) => sum + (f.size.width + FRAME_GAP) * (f.size.height + FRAME_GAP), 0);
  const rowWidth = Math.max(...fresh.map((f) => f.size.width), Math.sqrt(area * 1.6));
  const out = new Map<string, Rect>();
  let [x, y, rowHeight] = [ROOT_PAD, top, 0];
  for (const { id, size } of fresh) {
    if (x > ROOT_PAD && x + size.width > ROOT_PAD + rowWidth) {
      [x, y, rowHeight] = [ROOT_PAD, y + rowHeight + FRAME_GAP, 0];
    }
    out.set(id, { x, y, ...size });
    x += size.width + FRAME_GAP;
    rowHeight = Math.max(rowHeight, size.height);
  }
  return out;
}

/**
 * A free place for a frame of `size`: the root's corner, or right of or below a frame already
 * there, keeping the whole drawing about as wide as a window (16:10) and otherwise compact.
 */
function freeSpot(
  frames: readonly Rect[],
  size: { width: number; height: number },
  after?: Rect,
): { x: number; y: number } {
  const pad = ROOT_PAD;
  if (after) {
    // The first free place in the column right of `after`, from its top down.
    for (let k = 0; k < 50; k++) {
      const c = { x: after.x + after.width + FRAME_GAP, y: after.y + k * (size.height + FRAME_GAP) };
      if (!frames.some((f) => overlaps({ ...c, ...size }, f, FRAME_GAP - 1))) return c;
    }
  }
  const candidates = [{ x: pad, y: pad }];
  for (const f of frames) {
    candidates.push({ x: f.x + f.width + FRAME_GAP, y: f.y }, { x: f.x, y: f.y + f.height + FRAME_GAP });
  }
  let best: { x: number; y: number } | null = null;
  let bestScore = Infinity;
  for (const c of candidates) {
    const rect = { ...c, ...size };
    if (frames.some((f) => overlaps(rect, f, FRAME_GAP - 1))) continue;
    let right = rect.x + rect.width;
    let bottom = rect.y + rect.height;
    for (const f of frames) {
      right = Math.max(right, f.x + f.width);
      bottom = Math.max(bottom, f.y + f.height);
    }
    const score = Math.max(right / 1.6, bottom) + c.y * 1e-3 + c.x * 1e-6;
    if (score < bestScore) {
      bestScore = score;
      best = c;
    }
  }
  // Right of everything always fits.
  return best ?? { x: Math.max(pad, ...frames.map((f) => f.x + f.width + FRAME_GAP)), y: pad };
}
