// wasmCloud 2.x workloads in the graph: each workload Trellis started is a frame joined to its
// host by a placement edge, holding its components; a component lists the host interfaces it
// binds (labelled with their config) and links to the components it imports from. Pure.
import type {
  BoundInterface,
  ComponentWit,
  Touch,
  TouchKind,
  WorkloadDescription,
  WorkloadLink,
  WorkloadRecord,
  WorkloadView,
} from "../api";
import { resourceNodeId } from "../lattice/touches";

/** A remembered workload: its status (polled) and, once read, its description. */
export interface V2Workload {
  view: WorkloadView;
  description: WorkloadDescription | null;
  /** Why it could not be described. */
  error: string | null;
}

/** Data a 2.x workload frame shows. */
export type V2WorkloadNodeData = {
  workloadId: string;
  /** `namespace/name`. */
  name: string;
  hostId: string;
  hostname: string;
  /** `running (…)`, `error (reason)`, … */
  status: string;
  running: boolean;
  /** Host interfaces no component's known WIT names, as labels. */
  unbound: string[];
  /** The image of its long-running service, if it has one. */
  service: string | null;
  /** Its components' names. */
  components: string[];
  /** Links between its components. */
  links: WorkloadLink[];
  /** Why the description is missing, if it is. */
  error: string | null;
};

/** Data a component of a 2.x workload shows. */
export type V2ComponentNodeData = {
  workloadId: string;
  /** The 2.x host running its workload. */
  hostId: string;
  name: string;
  image: string;
  digest: string | null;
  /** The host interfaces it binds, each with its config. */
  interfaces: BoundInterface[];
  wit: ComponentWit | null;
  witError: string | null;
  /** The workload's links this component imports through or exports to. */
  links: WorkloadLink[];
};

/** Node id of a workload frame (telemetry edges key on it too). */
export function v2WorkloadNodeId(workloadId: string): string {
  return `v2workload:${workloadId}`;
}

/** Node id of a workload's component. */
export function v2ComponentNodeId(workloadId: string, component: string): string {
  return `v2component:${workloadId}:${component}`;
}

/** Height of a workload frame's header (name, id, state) above its components. */
export const V2_WORKLOAD_HEADER = 112;
/** Size of a workload frame with no known components. */
export const V2_WORKLOAD_SIZE = { width: 300, height: 150 } as const;
/** A workload component's geometry: a header with name and image, a row per interface. */
export const V2_COMPONENT_NODE = { width: 300, header: 52, row: 22, padding: 8 } as const;

/** Nodes of the v2 part of the graph (parents first), with their edges. */
export interface V2Graph {
  frames: V2FrameNode[];
  components: V2ComponentNode[];
  edges: V2Edge[];
}

/** A workload frame. */
export interface V2FrameNode {
  id: string;
  kind: "v2workload";
  data: V2WorkloadNodeData;
  parentId?: undefined;
  width: number;
  height: number;
}

/** A component inside a workload frame. */
export interface V2ComponentNode {
  id: string;
  kind: "v2component";
  data: V2ComponentNodeData;
  parentId: string;
  width: number;
  height: number;
}

/** Data of a resource workloads were seen touching (from their spans). */
export type V2ResourceNodeData = {
  kind: TouchKind;
  name: string;
  /** `namespace/name` of the workloads that touched it. */
  workloads: string[];
};

/** A subject, bucket or container some workload touched. */
export interface V2ResourceNode {
  id: string;
  kind: "v2resource";
  data: V2ResourceNodeData;
  parentId?: undefined;
  width: number;
  height: number;
}

/** Size of a touched resource's node. */
export const V2_RESOURCE_NODE = { width: 220, height: 56 } as const;

/**
 * A placement (host → workload), a link inside a workload (exporter → importer), or a
 * touch seen in telemetry (workload → resource, `dashed`).
 */
export interface V2Edge {
  id: string;
  source: string;
  target: string;
  sourceHandle?: string;
  targetHandle?: string;
  label?: string;
  /** Seen at run time (spans), not declared: drawn dashed. */
  dashed?: boolean;
}

/** The handle touches leave a workload frame by. */
export const V2_TOUCHES = "touches";

/** What a touch's edge says. */
const TOUCH_VERBS: Record<TouchKind, string> = {
  subject: "publishes",
  bucket: "key-value",
  container: "blobstore",
};

/**
 * The resources the drawn workloads were seen touching, each once, with a dashed edge from
 * every workload that touched it. Touches of workloads not drawn (or not placed) are left out.
 */
export function v2TouchGraph(
  touches: readonly Touch[],
  frames: readonly V2FrameNode[],
): { resources: V2ResourceNode[]; edges: V2Edge[] } {
  const frameByName = new Map(frames.map((f) => [f.data.name, f.id]));
  const resources = new Map<string, V2ResourceNode>();
  const edges: V2Edge[] = [];
  for (const t of touches) {
    const frame = t.workload ? frameByName.get(t.workload) : undefined;
    if (!frame || !t.workload) continue;
    const id = resourceNodeId(t);
    const node = resources.get(id) ?? {
      id,
      kind: "v2resource" as const,
      width: V2_RESOURCE_NODE.width,
      height: V2_RESOURCE_NODE.height,
      data: { kind: t.kind, name: t.name, workloads: [] },
    };
    if (node.data.workloads.includes(t.workload)) continue;
    node.data.workloads.push(t.workload);
    resources.set(id, node);
    edges.push({
      id: `touch:${frame}>${id}`,
      source: frame,
      target: id,
      sourceHandle: V2_TOUCHES,
      targetHandle: V2_IN,
      label: TOUCH_VERBS[t.kind],
      dashed: true,
    });
  }
  return { resources: [...resources.values()].sort((a, b) => a.id.localeCompare(b.id)), edges };
}

/** Handles of a 2.x host, workload or workload component. */
export const V2_IN = "in";
export const V2_OUT = "out";

/**
 * The workloads on the 2.x hosts in the graph (`hostNodes` by host id): a workload whose host
 * is not there is left out, since Trellis's record spans every NATS server it ever used.
 */
export function v2WorkloadGraph(workloads: readonly V2Workload[], hostNodes: ReadonlyMap<string, string>): V2Graph {
  const graph: V2Graph = { frames: [], components: [], edges: [] };
  const sorted = [...workloads].sort(
    (a, b) => a.view.record.name.localeCompare(b.view.record.name) || a.view.record.workload_id.localeCompare(b.view.record.workload_id),
  );
  for (const w of sorted) {
    const record = w.view.record;
    const hostNode = hostNodes.get(record.host_id);
    if (!hostNode) continue;
    const frameId = v2WorkloadNodeId(record.workload_id);
    const d = w.description;
    const components = d?.components ?? fallbackComponents(record);
    const links = d?.links ?? [];
    graph.frames.push({
      id: frameId,
      kind: "v2workload",
      width: V2_WORKLOAD_SIZE.width,
      height: V2_WORKLOAD_SIZE.height,
      data: {
        workloadId: record.workload_id,
        name: record.name,
        hostId: record.host_id,
        hostname: record.hostname,
        status: w.view.status,
        running: w.view.running,
        unbound: (d?.unbound ?? []).map((i) => i.label),
        service: record.service ?? null,
        components: components.map((c) => c.name),
        links,
        error: w.error,
      },
    });
    graph.edges.push({
      id: `placement:${record.workload_id}`,
      source: hostNode,
      target: frameId,
      sourceHandle: V2_OUT,
      targetHandle: V2_IN,
    });
    for (const c of components) {
      graph.components.push({
        id: v2ComponentNodeId(record.workload_id, c.name),
        kind: "v2component",
        parentId: frameId,
        width: V2_COMPONENT_NODE.width,
        height: v2ComponentHeight(c.interfaces.length + (c.wit_error ? 1 : 0)),
        data: {
          workloadId: record.workload_id,
          hostId: record.host_id,
          name: c.name,
          image: c.image,
          digest: c.digest,
          interfaces: c.interfaces,
          wit: c.wit,
          witError: c.wit_error,
          links: links.filter((l) => l.from === c.name || l.to === c.name),
        },
      });
    }
    for (const link of links) {
      graph.edges.push({
        id: `v2link:${record.workload_id}:${link.from}>${link.to}:${link.interface}`,
        source: v2ComponentNodeId(record.workload_id, link.to),
        target: v2ComponentNodeId(record.workload_id, link.from),
        sourceHandle: V2_OUT,
        targetHandle: V2_IN,
        label: link.interface,
      });
    }
  }
  return graph;
}

/** Height of a workload component node with `rows` interface rows. */
export function v2ComponentHeight(rows: number): number {
  return V2_COMPONENT_NODE.header + Math.max(1, rows) * V2_COMPONENT_NODE.row + V2_COMPONENT_NODE.padding;
}

/** Before the description arrives: the components as recorded (as named by the record's
 * images in a record from before Trellis kept them). */
function fallbackComponents(record: WorkloadRecord) {
  const base = record.name.split("/").pop() ?? record.name;
  const recorded =
    record.components.length > 0
      ? record.components
      : record.images.map((image, i) => ({ name: record.images.length === 1 ? base : `${base}-${i}`, image }));
  return recorded.map(({ name, image }) => ({
    name,
    image,
    digest: null,
    wit: null,
    wit_error: null,
    interfaces: [] as BoundInterface[],
  }));
}
