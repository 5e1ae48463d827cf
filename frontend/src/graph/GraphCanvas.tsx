// Draws the lattice graph: lays the model out with ELK whenever its shape changes and renders
// only nodes that have a position. Placed nodes keep their place (only new ones are laid out),
// and positions are saved per session so the graph looks the same next time.
import { useEffect, useMemo, useRef, useState } from "react";
import {
  Background,
  BackgroundVariant,
  Controls,
  MiniMap,
  ReactFlow,
  MarkerType,
  getViewportForBounds,
  useReactFlow,
  useStore,
  useStoreApi,
  useUpdateNodeInternals,
  type Connection,
  type Edge,
  type FinalConnectionState,
  type NodeChange,
} from "@xyflow/react";
import { deleteLink, putLink, startProvider, toApiError, type Link, type LinkKey } from "../api";
import { freeProviderId, hostIdAt, PROVIDER_DRAG_TYPE } from "../shell/paletteDrag";
import { useHistory } from "../history/HistoryContext";
import { planLink, type LinkDraft, type LinkEnd, type LinkPlan } from "./link";
import { FrameMiniMap } from "./FrameMiniMap";
import { LinkDialog } from "./LinkDialog";
import { layoutGraph, warmLayout, type Position, type Positions } from "./layout";
import {
  detailLevel,
  framesBounds,
  LARGE_GRAPH_NODES,
  miniBoxes,
  nearArea,
  nearStep,
  NEAR_SETTLE_MS,
  sameBoxes,
  nodesNear,
  viewArea,
  type Area,
  type MiniBox,
} from "./detail";
import "./detail.css";
import { DEFAULT_SESSION, loadPositions, savePositions } from "./positions";
import { isFrame, structureKey, type GraphModel, type GraphNode } from "./model";
import { edgeTypes, type LinkFlowEdge } from "./edges";
import { useSpiedTargets } from "../spy/store";
import {
  nodeTypes,
  type ComponentFlowNode,
  type HostFlowNode,
  type ProviderFlowNode,
  type V2ComponentFlowNode,
  type V2HostFlowNode,
  type V2ResourceFlowNode,
  type V2WorkloadFlowNode,
} from "./nodes";

type FlowNode =
  | HostFlowNode
  | ComponentFlowNode
  | ProviderFlowNode
  | V2HostFlowNode
  | V2WorkloadFlowNode
  | V2ComponentFlowNode
  | V2ResourceFlowNode;

interface Props {
  model: GraphModel;
  selectedId: string | null;
  onSelect: (id: string | null) => void;
  /** Changes whenever the user asks to fit the graph to the window (F). */
  fitRequest: number;
  /** The lattice's links, for editing the one an edge draws. */
  links: readonly Link[];
  /** Whose positions these are (the session's name); positions are saved and restored per key. */
  sessionKey?: string;
  /** Changes whenever the user asks for a fresh layout of the whole graph (forgets positions). */
  layoutRequest?: number;
  /** A wadm application whose components and providers stand out (the others fade). */
  highlightApp?: string | null;
}

/** How long positions settle before they are saved (a drag moves them every frame). */
const SAVE_DELAY_MS = 400;

export function GraphCanvas({
  model,
  selectedId,
  onSelect,
  fitRequest,
  links,
  sessionKey = DEFAULT_SESSION,
  layoutRequest = 0,
  highlightApp = null,
}: Props) {
  const [positions, setPositions] = useState<Positions>(new Map());
  // What the layout builds on: the positions drawn now, and those saved for the session (so a
  // node that comes back, or a graph that arrives after an empty start, finds its place).
  const positionsRef = useRef<Positions>(positions);
  const saved = useRef<{ session: string; positions: Positions } | null>(null);
  // The session the drawn positions belong to, and the last fresh-layout request served.
  const laidFor = useRef<string | null>(null);
  const servedRequest = useRef(layoutRequest);
  const [draft, setDraft] = useState<LinkDraft | null>(null);
  const [editing, setEditing] = useState<Link | null>(null);
  const { perform } = useHistory();
  const [notice, setNotice] = useState<string | null>(null);
  const [dropped, setDropped] = useState<string | null>(null);
  useEffect(() => {
    // The outcome of a drop stays a few seconds; "starting…" stays until the outcome.
    if (!dropped || dropped.endsWith("…")) return;
    const timer = window.setTimeout(() => setDropped(null), 6000);
    return () => window.clearTimeout(timer);
  }, [dropped]);
  const { fitView, setViewport } = useReactFlow();
  const store = useStoreApi();
  const updateNodeInternals = useUpdateNodeInternals();
  const key = structureKey(model);
  // Re-renders only when the level changes, not on every zoom step.
  const level = useStore((s) => detailLevel(s.transform[2], model.nodes.length));

  useEffect(() => {
    positionsRef.current = positions;
  }, [positions]);

  // While the lattice starts, so the first host is laid out at once; and when the window is
  // back in use, since the worker is ended after an idle spell (layout.ts, WORKER_IDLE_MS).
  useEffect(() => {
    void warmLayout();
    const onFocus = () => void warmLayout();
    window.addEventListener("focus", onFocus);
    return () => window.removeEventListener("focus", onFocus);
  }, []);

  useEffect(() => {
    let current = true;
    if (saved.current?.session !== sessionKey) saved.current = { session: sessionKey, positions: loadPositions(sessionKey) };
    const fresh = layoutRequest !== servedRequest.current;
    servedRequest.current = layoutRequest;
    if (fresh) saved.current.positions = new Map();
    const sameSession = laidFor.current === sessionKey;
    const drawn = sameSession ? positionsRef.current : new Map<string, Position>();
    const known: Positions = fresh ? new Map() : new Map([...saved.current.positions, ...drawn]);
    layoutGraph(model, known)
      .then((laid) => {
        if (!current) return;
        const added = [...laid.keys()].some((id) => !drawn.has(id));
        laidFor.current = sessionKey;
        // A large graph is fitted before it is drawn, without the glide: drawn at zoom 1 first,
        // its nodes would be mounted in full detail and then at once thrown away.
        const { width, height, minZoom } = store.getState();
        const bounds = model.nodes.length > LARGE_GRAPH_NODES ? framesBounds(model, laid) : null;
        const fitNow = (added || fresh || !sameSession) && bounds !== null && width > 0 && height > 0;
        if (fitNow) void setViewport(getViewportForBounds(bounds, width, height, minZoom, 1.1, 0.3));
        // A node dragged while the layout ran stays where it was dropped.
        setPositions((prev) => {
          if (!sameSession || fresh) return laid;
          const next = new Map(laid);
          for (const [id, p] of prev) {
            const at = next.get(id);
            if (at && p !== known.get(id)) next.set(id, { ...at, x: p.x, y: p.y });
          }
          return next;
        });
        // Wait a frame so React Flow has the new nodes before fitting. Pins come and go
        // with links and WIT, and frames change size: re-measure every node's handles so
        // each edge finds the pins it joins. The view moves only to show new nodes.
        requestAnimationFrame(() => {
          updateNodeInternals([...laid.keys()]);
          if ((added || fresh || !sameSession) && !fitNow) void fitView({ padding: 0.3, maxZoom: 1.1, duration: 200 });
        });
      })
      .catch((err: unknown) => console.error("layout failed", err));
    return () => {
      current = false;
    };
    // Re-layout only when the structure changes, not on every uptime tick.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, sessionKey, layoutRequest, fitView, setViewport, store, updateNodeInternals]);

  // Save the session's positions once they settle; an empty graph (not loaded yet) saves nothing.
  useEffect(() => {
    if (laidFor.current !== sessionKey || positions.size === 0) return;
    const timer = setTimeout(() => {
      savePositions(sessionKey, positions);
      // Remembered for this run too, so a node that goes and comes back returns where it was.
      if (saved.current?.session === sessionKey) saved.current.positions = new Map([...saved.current.positions, ...positions]);
    }, SAVE_DELAY_MS);
    return () => clearTimeout(timer);
  }, [positions, sessionKey]);

  useEffect(() => {
    if (fitRequest > 0) void fitView({ padding: 0.3, maxZoom: 1.1, duration: 200 });
  }, [fitRequest, fitView]);

  // Any change of the model may re-render pins (a scale, a new inspection): re-measure every
  // node's handles once, at the next frame, so no edge is left without the pins it joins.
  useEffect(() => {
    const frame = requestAnimationFrame(() => updateNodeInternals(model.nodes.map((n) => n.id)));
    return () => cancelAnimationFrame(frame);
  }, [model, updateNodeInternals]);

  // The overview draws each frame's children inside it (see detail.ts).
  const overview = level === "overview";
  const large = model.nodes.length > LARGE_GRAPH_NODES;
  // Closer in, a large graph keeps only the nodes near the view in the page (detail.ts).
  const near = useNearArea(large && !overview, model.nodes.length);
  const nearIds = useMemo(() => (near ? nodesNear(model, positions, near) : null), [near, model, positions]);
  // Frames of a large graph draw their children as boxes at every zoom: the overview's only
  // drawing of them, and closer in the children not in the page (yet).
  const mini = useMemo(() => (large ? miniBoxes(model, positions, nearIds) : null), [large, model, positions, nearIds]);

  const allNodes = useMemo<FlowNode[]>(
    () =>
      model.nodes.flatMap((n): FlowNode[] => {
        const position = positions.get(n.id);
        if (!position) return [];
        // Frames take the size the layout gave them (it depends on their contents).
        const width = isFrame(n) ? (position.width ?? n.width) : n.width;
        const height = isFrame(n) ? (position.height ?? n.height) : n.height;
        const common = {
          id: n.id,
          position: { x: position.x, y: position.y },
          width,
          height,
          // What React Flow last measured: a node object handed over without it is taken as
          // new, its pins are forgotten and every edge at it goes until they are measured
          // again, so each model change (an inspection, a heartbeat) made the edges blink.
          measured: measuredSize(store.getState().nodeLookup.get(n.id)?.measured),
          selected: n.id === selectedId,
          draggable: true,
          connectable: n.kind === "component" || n.kind === "provider",
        };
        if (n.kind === "host") return [{ ...common, type: "host" as const, data: n.data, zIndex: 0 }];
        if (n.kind === "v2host") return [{ ...common, type: "v2host" as const, data: n.data, zIndex: 0 }];
        if (n.kind === "v2workload") return [{ ...common, type: "v2workload" as const, data: n.data, zIndex: 0 }];
        if (n.kind === "v2resource") return [{ ...common, type: "v2resource" as const, data: n.data, zIndex: 0 }];
        if (n.kind === "v2component") {
          const inFrame = { ...common, parentId: n.parentId, extent: "parent" as const, zIndex: 1, hidden: overview };
          return [{ ...inFrame, type: "v2component" as const, data: n.data }];
        }
        const faded = highlightApp !== null && n.data.app !== highlightApp;
        const child = {
          ...common,
          parentId: n.parentId,
          extent: "parent" as const,
          zIndex: 1,
          hidden: overview,
          className: faded ? "node--faded" : highlightApp !== null ? "node--highlighted" : undefined,
        };
        if (n.kind === "component") return [{ ...child, type: "component" as const, data: n.data }];
        return [{ ...child, type: "provider" as const, data: n.data }];
      }),
    [model, positions, selectedId, highlightApp, overview, store],
  );
  // The same node objects, fewer of them: React Flow re-reads only nodes that are new to it
  // (frames whose boxes changed included).
  const nodes = useMemo(
    () =>
      allNodes.flatMap((n): FlowNode[] => {
        if (nearIds && !nearIds.has(n.id)) return [];
        return mini && n.type === "host" ? [withBoxes(n, mini.get(n.id) ?? [])] : [n];
      }),
    [allNodes, nearIds, mini],
  );

  // The components spied on now: edges into them draw the calls crossing them. This set
  // changes when a spy starts or stops, not per call (each edge follows its own traffic).
  const spied = useSpiedTargets(sessionKey);

  // The overview has no edges: their ends are hidden, and React Flow would still keep a
  // wrapper and store subscriptions per edge (4,000 selectors run on every pan step).
  const allEdges = useMemo<LinkFlowEdge[]>(
    () =>
      (overview ? [] : model.edges).map((e) => ({
        id: e.id,
        type: "link" as const,
        source: e.source,
        target: e.target,
        sourceHandle: e.sourceHandle,
        targetHandle: e.targetHandle,
        label: e.label,
        className: e.broken ? "link-edge link-edge--broken" : e.dashed ? "link-edge link-edge--touch" : "link-edge",
        labelBgPadding: [6, 3] as [number, number],
        labelBgBorderRadius: 4,
        // Edges run from the serving export pin to the caller's import pin.
        markerEnd: { type: MarkerType.ArrowClosed, width: 16, height: 16 },
        zIndex: 2,
        data: { linkKey: e.linkKey, spied: e.calls && spied.has(e.calls.targetId) ? e.calls : undefined },
      })),
    [model, overview, spied],
  );
  const edges = useMemo(
    () => (nearIds ? allEdges.filter((e) => nearIds.has(e.source) && nearIds.has(e.target)) : allEdges),
    [allEdges, nearIds],
  );

  // Keep dragged nodes where the user put them (until the next re-layout).
  const onNodesChange = (changes: NodeChange<FlowNode>[]) => {
    const moves = changes.flatMap((c) => (c.type === "position" && c.position ? [[c.id, c.position] as const] : []));
    if (moves.length === 0) return;
    setPositions((prev) => {
      const next = new Map(prev);
      for (const [id, position] of moves) next.set(id, { ...next.get(id), ...position });
      return next;
    });
  };

  const plan = (c: Connection | Edge): LinkPlan =>
    planFor(model, c.source, c.sourceHandle ?? null, c.target, c.targetHandle ?? null);

  // A drop the check refused: say why (React Flow only tells that it was refused).
  const onConnectEnd = (_: MouseEvent | TouchEvent, state: FinalConnectionState) => {
    if (state.isValid || !state.toHandle || !state.fromHandle) return;
    const [from, to] = [state.fromHandle, state.toHandle];
    const verdict =
      from.type === "source"
        ? planFor(model, from.nodeId, from.id ?? null, to.nodeId, to.id ?? null)
        : planFor(model, to.nodeId, to.id ?? null, from.nodeId, from.id ?? null);
    if (!verdict.ok) setNotice(`Cannot link: ${verdict.reason}`);
  };

  // Click a pin, then another (React Flow's click-to-connect): the same check as a drag.
  const [clickStart, setClickStart] = useState<{ nodeId: string; handleId: string | null; source: boolean } | null>(null);
  const onClickConnectEnd = (event: MouseEvent | TouchEvent) => {
    const start = clickStart;
    setClickStart(null);
    const el = (event.target as Element | null)?.closest(".react-flow__handle");
    if (!start || !(el instanceof HTMLElement) || !el.dataset.nodeid) return;
    const end = { nodeId: el.dataset.nodeid, handleId: el.dataset.handleid ?? null };
    const verdict = start.source
      ? planFor(model, start.nodeId, start.handleId, end.nodeId, end.handleId)
      : planFor(model, end.nodeId, end.handleId, start.nodeId, start.handleId);
    if (!verdict.ok) setNotice(`Cannot link: ${verdict.reason}`);
  };

  const onConnect = (c: Connection) => {
    const verdict = plan(c);
    if (verdict.ok) setDraft(verdict.draft);
    else setNotice(`Cannot link: ${verdict.reason}`);
  };

  // A click on a link's edge opens it for editing, prefilled.
  const onEdgeClick = (_: unknown, edge: Edge) => {
    const key = (edge.data as { linkKey?: LinkKey } | undefined)?.linkKey;
    const link = key && links.find((l) => sameKey(l, key));
    if (link) setEditing(link);
  };

  const onEdgesDelete = (deleted: Edge[]) => {
    // A link may draw several edges (one per interface): delete it once.
    const keys = new Map<string, LinkKey>();
    for (const edge of deleted) {
      const key = (edge.data as { linkKey?: LinkKey } | undefined)?.linkKey;
      if (key) keys.set(JSON.stringify(key), key);
    }
    for (const key of keys.values()) {
      const link = links.find((l) => sameKey(l, key));
      const removal = link
        ? perform(`delete link ${link.name}`, () => deleteLink(key), () => putLink(link))
        : deleteLink(key);
      removal.catch((err: unknown) => setNotice(`Delete failed: ${toApiError(err).message}`));
    }
  };


  // A built-in provider dragged from the palette starts on the host frame it is dropped on.
  const onDragOver = (event: React.DragEvent) => {
    if (!event.dataTransfer.types.includes(PROVIDER_DRAG_TYPE)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = hostIdAt(event.target) ? "copy" : "none";
  };
  const onDrop = (event: React.DragEvent) => {
    const name = event.dataTransfer.getData(PROVIDER_DRAG_TYPE);
    if (!name) return;
    event.preventDefault();
    const hostId = hostIdAt(event.target);
    if (!hostId) {
      setNotice(`Drop ${name} on a host frame to start it there`);
      return;
    }
    const taken = new Set(model.nodes.flatMap((n) => (n.kind === "provider" ? [n.data.providerId] : [])));
    const id = freeProviderId(name, taken);
    setNotice(null);
    setDropped(`starting ${id}…`);
    startProvider(name, id, hostId)
      .then((sentence) => setDropped(sentence))
      .catch((err: unknown) => {
        setDropped(null);
        setNotice(`Cannot start ${name}: ${toApiError(err).message}`);
      });
  };

  return (
    <>
    <ReactFlow
      onDragOver={onDragOver}
      onDrop={onDrop}
      onNodesChange={onNodesChange}
      nodes={nodes}
      edges={edges}
      nodeTypes={nodeTypes}
      edgeTypes={edgeTypes}
      colorMode="system"
      minZoom={0.05}
      // Large lattices: only what is in view is in the page, so panning stays smooth (closer
      // in, what is near the view: `near`).
      onlyRenderVisibleElements={large && !near}
      className={`graph--${level}${large ? " graph--large" : ""}`}
      maxZoom={2}
      proOptions={{ hideAttribution: true }}
      onNodeClick={(_, node) => onSelect(node.id)}
      onPaneClick={() => onSelect(null)}
      isValidConnection={(c) => plan(c).ok}
      onConnect={onConnect}
      onConnectStart={() => setNotice(null)}
      onConnectEnd={onConnectEnd}
      onClickConnectStart={(_, p) => {
        setNotice(null);
        if (p.nodeId) setClickStart({ nodeId: p.nodeId, handleId: p.handleId, source: p.handleType === "source" });
      }}
      onClickConnectEnd={onClickConnectEnd}
      onEdgesDelete={onEdgesDelete}
      onEdgeClick={onEdgeClick}
      deleteKeyCode={["Delete", "Backspace"]}
    >
      <Background variant={BackgroundVariant.Dots} gap={22} size={1.2} color="var(--canvas-dots)" />
      <Controls showInteractive={false} />
      {large ? (
        <FrameMiniMap model={model} positions={positions} />
      ) : (
        <MiniMap pannable zoomable style={{ width: 160, height: 100 }} nodeColor={minimapColor} maskColor="var(--minimap-mask)" />
      )}
    </ReactFlow>
    {notice && (
      <div className="link-notice" role="alert" data-testid="link-notice">
        {notice}
      </div>
    )}
    {dropped && !notice && (
      <div className="drop-notice" role="status" data-testid="drop-notice">
        {dropped}
      </div>
    )}
    {draft && <LinkDialog draft={draft} onClose={() => setDraft(null)} />}
    {editing && !draft && (
      <LinkDialog
        key={`${editing.source_id}:${editing.wit_namespace}:${editing.wit_package}:${editing.name}`}
        draft={editing}
        existing={editing}
        onClose={() => setEditing(null)}
      />
    )}
    </>
  );
}

/** A size React Flow measured, when it has measured both sides. */
function measuredSize(size: { width?: number; height?: number } | undefined): { width: number; height: number } | undefined {
  return size?.width !== undefined && size.height !== undefined ? { width: size.width, height: size.height } : undefined;
}

/** Each host frame of a large graph as last drawn with its boxes, by the node without them. */
const framesDrawn = new WeakMap<HostFlowNode, HostFlowNode>();

/**
 * `frame` drawing `boxes`: the same object as last time while the frame and its boxes are
 * unchanged, so React Flow does not take it again when the nodes near the view change.
 */
function withBoxes(frame: HostFlowNode, boxes: readonly MiniBox[]): HostFlowNode {
  const drawn = framesDrawn.get(frame);
  if (drawn?.data.mini && sameBoxes(drawn.data.mini, boxes)) return drawn;
  const next = { ...frame, data: { ...frame.data, mini: boxes } };
  framesDrawn.set(frame, next);
  return next;
}

/**
 * While `active`, the area of the graph whose nodes stay in the page: the view grown by
 * `NEAR_MARGIN`, taken again only when the view leaves it (so a pan step re-renders nothing),
 * and then once the view has been still for `NEAR_SETTLE_MS`.
 */
function useNearArea(active: boolean, nodeCount: number): Area | null {
  const store = useStoreApi();
  const [area, setArea] = useState<Area | null>(null);
  const kept = useRef<Area | null>(null);
  useEffect(() => {
    kept.current = null;
    if (!active) return;
    let settle: ReturnType<typeof setTimeout> | undefined;
    // The view the pending take waits on: other store updates (nodes measured, a model
    // change) are not movement and must not put it off.
    let waitingOn = "";
    const take = ({ transform, width, height }: { transform: [number, number, number]; width: number; height: number }) => {
      // Zoomed out to the overview (fitting a new graph does): the canvas re-renders without
      // this area; taking one for the whole graph would mount every node first.
      if (width <= 0 || height <= 0 || detailLevel(transform[2], nodeCount) === "overview") return;
      kept.current = nearArea(viewArea(transform, width, height));
      setArea(kept.current);
    };
    const check = (state: { transform: [number, number, number]; width: number; height: number }) => {
      const step = nearStep(kept.current, viewArea(state.transform, state.width, state.height));
      const view = `${state.transform.join(",")} ${state.width}x${state.height}`;
      if (step === "take when still" && settle !== undefined && view === waitingOn) return;
      clearTimeout(settle);
      settle = undefined;
      if (step === "take") take(state);
      // Taking a new area mounts a hundred or more nodes in one frame (100–300 ms of script
      // in bench/app's travelling pan): not while the view moves. Frames draw boxes meanwhile.
      else if (step === "take when still") {
        waitingOn = view;
        settle = setTimeout(() => {
          settle = undefined;
          take(store.getState());
        }, NEAR_SETTLE_MS);
      }
    };
    check(store.getState());
    const unsubscribe = store.subscribe(check);
    return () => {
      clearTimeout(settle);
      unsubscribe();
    };
  }, [active, nodeCount, store]);
  return active ? area : null;
}

/** One end of a drag in lattice terms: a component's pin or a provider. */
function endOf(nodes: readonly GraphNode[], nodeId: string, handle: string | null, side: "in" | "out"): LinkEnd | null {
  const node = nodes.find((n) => n.id === nodeId);
  if (node?.kind === "provider") return { kind: "provider", id: node.data.providerId, imageRef: node.data.imageRef };
  if (node?.kind !== "component") return null;
  const pins = side === "in" ? node.data.imports : node.data.exports;
  const pin = pins.find((p) => p.handle === handle);
  return pin ? { kind: "component", id: node.data.componentId, pin } : null;
}

/** Plans the link for a drag from a source handle (serving side) to a target handle (calling side). */
function planFor(
  model: GraphModel,
  source: string,
  sourceHandle: string | null,
  target: string,
  targetHandle: string | null,
): LinkPlan {
  const server = endOf(model.nodes, source, sourceHandle, "out");
  const caller = endOf(model.nodes, target, targetHandle, "in");
  if (!server || !caller) return { ok: false, reason: "drop on a pin of a component or provider" };
  return planLink(server, caller);
}

/** Whether `link` has this key (links are keyed by source, package and name). */
function sameKey(link: Link, key: LinkKey): boolean {
  return (
    link.source_id === key.source_id &&
    link.wit_namespace === key.wit_namespace &&
    link.wit_package === key.wit_package &&
    link.name === key.name
  );
}

/** Minimap colours by node type (theme variables): frames dim, components violet, providers amber. */
function minimapColor(node: { type?: string }): string {
  if (node.type === "component") return "var(--minimap-component)";
  if (node.type === "provider") return "var(--minimap-provider)";
  return "var(--minimap-host)";
}
