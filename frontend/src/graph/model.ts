// The lattice as a graph, independent of React Flow: host frames holding component and
// provider nodes, and links as edges between interface pins. Pure functions only, so they
// are tested without a DOM.
import type {
  ComponentDescription,
  ComponentInspection,
  Host,
  HostInfo,
  InterfaceDef,
  Link,
  LinkKey,
  ModelSnapshot,
  ProviderDescription,
  Touch,
  V2HostInfo,
  WorldEntry,
} from "../api";
import {
  v2TouchGraph,
  v2WorkloadGraph,
  type V2ComponentNode,
  type V2FrameNode,
  type V2ResourceNode,
  type V2Workload,
} from "./v2";

/** What a node stands for. */
export type GraphNodeKind = "host" | "component" | "provider" | "v2host" | "v2workload" | "v2component";

/** Data a host node shows (a type alias, not an interface, so React Flow accepts it as node data). */
export type HostNodeData = {
  hostId: string;
  friendlyName: string;
  version: string;
  labels: Record<string, string>;
  /** Uptime reported by the host at `observedAt` (ms since epoch). */
  uptimeSeconds: number;
  observedAt: number;
  /** The embedded host of this app (as opposed to a remote one). */
  isLocal: boolean;
  /** How many components and providers the frame holds. */
  componentCount: number;
  providerCount: number;
};

/** Data a wasmCloud 2.x host node shows (from its last heartbeat). */
export type V2HostNodeData = {
  hostId: string;
  hostname: string;
  friendlyName: string;
  version: string;
  /** The `hostgroup` label. */
  group: string;
  environment: string;
  workloadCount: number;
  componentCount: number;
  /** Interfaces its plugins offer guests, `ns:pkg/a,b@version`. */
  interfaces: string[];
  httpPort: number;
  /** When its last heartbeat arrived (ms since epoch). */
  heardAt: number;
};

/** One interface (or bare function) on the side of a component node. */
export type Pin = {
  /** React Flow handle id: `in:<key>` or `out:<key>`. */
  handle: string;
  /** The interface without its version (`wasi:keyvalue/store`), how links name it. */
  key: string;
  /** The full name, with version when known. */
  name: string;
  /** Nothing serves this import. */
  unsatisfied: boolean;
  /** Why, when unsatisfied. */
  reason: string | null;
  /** The interface's WIT (functions and types) when read from the component. */
  def?: InterfaceDef;
};

/** Data a component node shows. */
export type ComponentNodeData = {
  componentId: string;
  hostId: string;
  imageRef: string;
  maxInstances: number;
  imports: Pin[];
  exports: Pin[];
  /** Imports served by the host itself (WASI, logging, config): counted, not drawn. */
  hostServed: number;
  /** The WIT has been read (pins come from links only until then). */
  witKnown: boolean;
  witError: string | null;
  /** The wadm application that manages it, if any. */
  app: string | null;
};

/** Data a provider node shows. */
export type ProviderNodeData = {
  providerId: string;
  hostId: string;
  imageRef: string;
  name: string | null;
  /** The wadm application that manages it, if any. */
  app: string | null;
};

/** A node of the lattice graph. Children name their host frame in `parentId`. */
export type GraphNode =
  | { id: string; kind: "host"; data: HostNodeData; parentId?: undefined; width: number; height: number }
  | { id: string; kind: "component"; data: ComponentNodeData; parentId: string; width: number; height: number }
  | { id: string; kind: "provider"; data: ProviderNodeData; parentId: string; width: number; height: number }
  | { id: string; kind: "v2host"; data: V2HostNodeData; parentId?: undefined; width: number; height: number }
  | V2FrameNode
  | V2ComponentNode
  | V2ResourceNode;

/** Frames: nodes that hold others and are sized by the layout around them. */
export function isFrame(node: Pick<GraphNode, "kind">): boolean {
  return node.kind === "host" || node.kind === "v2workload";
}

/** A link drawn from the serving node's export pin to the calling node's import pin. */
export interface GraphEdge {
  id: string;
  source: string;
  target: string;
  sourceHandle?: string;
  targetHandle?: string;
  label?: string;
  /** The link exists but does not serve the import (incompatible target). */
  broken?: boolean;
  /** What deletes the link this edge draws. */
  linkKey?: LinkKey;
  /** Seen at run time in telemetry rather than declared: drawn dashed. */
  dashed?: boolean;
  /** A link with a component at one end: what its spied calls name. */
  calls?: LinkCalls;
}

/** A link as a spied call names it (`SpyRecord`'s ids, interface and link). */
export interface LinkCalls {
  /** The caller (the link's source: a component, or a provider such as an http-server). */
  sourceId: string;
  /** The called component or provider (the link's target). */
  targetId: string;
  /** `ns:pkg/iface`, without a version. */
  iface: string;
  linkName: string;
}

/** The whole graph handed to the layout and the canvas. */
export interface GraphModel {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

/** Size of a host node without contents (frames with contents are sized by the layout). */
export const HOST_NODE_SIZE = { width: 280, height: 132 } as const;
/** Height of a host frame's header (name and facts) above its contents. */
export const HOST_HEADER_HEIGHT = 112;
/** Size of a wasmCloud 2.x host node (it holds no nodes: its workloads are not listable). */
export const V2_HOST_NODE_SIZE = { width: 280, height: 168 } as const;
/** Component node geometry. */
export const COMPONENT_NODE = { width: 260, header: 52, pinRow: 22, footer: 22, padding: 8 } as const;
/** Provider node size. */
export const PROVIDER_NODE_SIZE = { width: 220, height: 60 } as const;

/** Handle ids of a provider node (providers' WIT is not known, so one pin per side). */
export const PROVIDER_IN = "in";
export const PROVIDER_OUT = "out";

/** Node id of a host; prefixed so component ids can never collide with it. */
export function hostNodeId(hostId: string): string {
  return `host:${hostId}`;
}

/** Node id of a wasmCloud 2.x host. */
export function v2HostNodeId(hostId: string): string {
  return `v2host:${hostId}`;
}

/** Node id of a component on a host (one node per host running it). */
export function componentNodeId(hostId: string, componentId: string): string {
  return `component:${hostId}:${componentId}`;
}

/** Node id of a provider on a host. */
export function providerNodeId(hostId: string, providerId: string): string {
  return `provider:${hostId}:${providerId}`;
}

/** `wasi:keyvalue/store` from `wasi:keyvalue/store@0.2.0-draft`; other names unchanged. */
export function interfaceKey(name: string): string {
  const at = name.indexOf("@");
  return at < 0 ? name : name.slice(0, at);
}

/** The interfaces a link carries, as `ns:pkg/iface`. */
export function linkInterfaces(link: Link): string[] {
  return link.interfaces.map((i) => `${link.wit_namespace}:${link.wit_package}/${i}`);
}

/** What the frontend knows of a component's WIT, by component id. */
export type Inspections = ReadonlyMap<string, ComponentInspection>;

/** A snapshot with nothing in it. */
const NO_SNAPSHOT: ModelSnapshot = { hosts: [], links: [], configs: [], v2_hosts: [] };

/**
 * Builds the graph from the hosts that answered a ping and the lattice model. Hosts are
 * sorted (local first, then by friendly name, then id) so the layout is stable between
 * refreshes; duplicate answers from one host are merged (the newest uptime wins); hosts
 * the model knows but the ping missed are kept.
 */
export function graphFromHosts(
  hosts: readonly Host[],
  observedAt: number,
  localHostId: string | null,
  snapshot: ModelSnapshot = NO_SNAPSHOT,
  inspections: Inspections = new Map(),
  v2Workloads: readonly V2Workload[] = [],
  touches: readonly Touch[] = [],
): GraphModel {
  const byId = new Map<string, Host>();
  for (const host of hosts) {
    if (!host.id) continue;
    const seen = byId.get(host.id);
    if (!seen || host.uptime_seconds >= seen.uptime_seconds) byId.set(host.id, host);
  }
  for (const { host } of snapshot.hosts) {
    if (host.id && !byId.has(host.id)) byId.set(host.id, hostFromInfo(host));
  }
  const sorted = [...byId.values()].sort((a, b) => {
    const local = Number(b.id === localHostId) - Number(a.id === localHostId);
    if (local !== 0) return local;
    return a.friendly_name.localeCompare(b.friendly_name) || a.id.localeCompare(b.id);
  });
  const contents = new Map(snapshot.hosts.map((h) => [h.host.id, h]));

  const nodes: GraphNode[] = [];
  const children: GraphNode[] = [];
  for (const host of sorted) {
    const inside = contents.get(host.id);
    const components = [...(inside?.components ?? [])].sort((a, b) => a.id.localeCompare(b.id));
    const providers = [...(inside?.providers ?? [])].sort((a, b) => a.id.localeCompare(b.id));
    nodes.push({
      id: hostNodeId(host.id),
      kind: "host",
      width: HOST_NODE_SIZE.width,
      height: HOST_NODE_SIZE.height,
      data: {
        hostId: host.id,
        friendlyName: host.friendly_name || host.id,
        version: host.version,
        labels: { ...host.labels },
        uptimeSeconds: host.uptime_seconds,
        observedAt,
        isLocal: host.id === localHostId,
        componentCount: components.length,
        providerCount: providers.length,
      },
    });
    for (const p of providers) children.push(providerNode(host.id, p));
    for (const c of components) {
      children.push(componentNode(host.id, c, snapshot.links, inspections.get(c.id) ?? null));
    }
  }
  // wasmCloud 2.x hosts on the same NATS server, after the 1.x ones, by hostname.
  const v2 = [...(snapshot.v2_hosts ?? [])].sort(
    (a, b) => a.hostname.localeCompare(b.hostname) || a.id.localeCompare(b.id),
  );
  for (const host of v2) nodes.push(v2HostNode(host));
  // The workloads Trellis started on them, each a frame placed by an edge from its host.
  const workloads = v2WorkloadGraph(v2Workloads, new Map(v2.map((h) => [h.id, v2HostNodeId(h.id)])));
  nodes.push(...workloads.frames);
  // What their spans showed them touching (subjects, buckets), by dashed edges.
  const touched = v2TouchGraph(touches, workloads.frames);
  nodes.push(...touched.resources);
  // React Flow wants parents before their children.
  nodes.push(...children, ...workloads.components);
  return { nodes, edges: [...linkEdges(nodes, snapshot.links), ...workloads.edges, ...touched.edges] };
}

function v2HostNode(host: V2HostInfo): GraphNode {
  const heardAt = Date.parse(host.heard_at);
  return {
    id: v2HostNodeId(host.id),
    kind: "v2host",
    width: V2_HOST_NODE_SIZE.width,
    height: V2_HOST_NODE_SIZE.height,
    data: {
      hostId: host.id,
      hostname: host.hostname || host.friendly_name || host.id,
      friendlyName: host.friendly_name,
      version: host.version,
      group: host.labels["hostgroup"] ?? "",
      environment: host.environment,
      workloadCount: host.workload_count,
      componentCount: host.component_count,
      interfaces: host.imports,
      httpPort: host.http_port,
      heardAt: Number.isNaN(heardAt) ? 0 : heardAt,
    },
  };
}

function hostFromInfo(info: HostInfo): Host {
  return {
    id: info.id,
    friendly_name: info.friendly_name,
    labels: info.labels,
    lattice: "",
    version: info.version,
    uptime_seconds: info.uptime_seconds,
    uptime_human: "",
    ctl_host: "",
    rpc_host: "",
  };
}

function providerNode(hostId: string, p: ProviderDescription): GraphNode {
  return {
    id: providerNodeId(hostId, p.id),
    kind: "provider",
    parentId: hostNodeId(hostId),
    width: PROVIDER_NODE_SIZE.width,
    height: PROVIDER_NODE_SIZE.height,
    data: { providerId: p.id, hostId, imageRef: p.image_ref ?? "", name: p.name ?? null, app: appOf(p.annotations) },
  };
}

/** Pins of one side of a world: interfaces by name, bare functions by name. */
function worldPins(entries: readonly WorldEntry[], side: "in" | "out"): Pin[] {
  return entries
    .filter((e) => e.item !== "type")
    .map((e) => {
      const key = interfaceKey(e.name);
      const def = e.item === "interface" ? e : undefined;
      return { handle: `${side}:${key}`, key, name: e.name, unsatisfied: false, reason: null, def };
    });
}

/** Adds a pin for every interface a link names that the WIT did not list (or is unknown). */
function withLinkPins(pins: Pin[], keys: readonly string[], side: "in" | "out"): Pin[] {
  const out = [...pins];
  for (const key of keys) {
    if (!out.some((p) => p.key === key)) {
      out.push({ handle: `${side}:${key}`, key, name: key, unsatisfied: false, reason: null });
    }
  }
  return out;
}

/** Height of a component node with these pins. */
export function componentHeight(imports: number, exports: number, footer: boolean): number {
  const rows = Math.max(1, imports, exports);
  return (
    COMPONENT_NODE.header + rows * COMPONENT_NODE.pinRow + COMPONENT_NODE.padding + (footer ? COMPONENT_NODE.footer : 0)
  );
}

function componentNode(
  hostId: string,
  c: ComponentDescription,
  links: readonly Link[],
  inspection: ComponentInspection | null,
): GraphNode {
  const wit = inspection?.wit ?? null;
  const statuses = new Map((inspection?.imports ?? []).map((s) => [s.import, s.satisfied_by]));
  let hostServed = 0;
  let imports = worldPins(wit?.imports ?? [], "in").flatMap((pin) => {
    const by = statuses.get(pin.name);
    if (by?.kind === "wasi" || by?.kind === "host-internal") {
      hostServed += 1;
      return [];
    }
    if (by?.kind === "unsatisfied") return [{ ...pin, unsatisfied: true, reason: by.reason }];
    return [pin];
  });
  imports = withLinkPins(
    imports,
    links.filter((l) => l.source_id === c.id).flatMap(linkInterfaces),
    "in",
  );
  const exports = withLinkPins(
    worldPins(wit?.exports ?? [], "out"),
    links.filter((l) => l.target === c.id).flatMap(linkInterfaces),
    "out",
  );
  return {
    id: componentNodeId(hostId, c.id),
    kind: "component",
    parentId: hostNodeId(hostId),
    width: COMPONENT_NODE.width,
    height: componentHeight(imports.length, exports.length, hostServed > 0),
    data: {
      componentId: c.id,
      hostId,
      imageRef: c.image_ref,
      maxInstances: c.max_instances,
      imports,
      exports,
      hostServed,
      witKnown: wit !== null,
      witError: inspection?.wit_error ?? null,
      app: appOf(c.annotations),
    },
  };
}

/** Component and provider nodes by their lattice id (a component on two hosts has two). */
function nodesByLatticeId(nodes: readonly GraphNode[]): Map<string, GraphNode[]> {
  const map = new Map<string, GraphNode[]>();
  for (const n of nodes) {
    const id = n.kind === "component" ? n.data.componentId : n.kind === "provider" ? n.data.providerId : null;
    if (id === null) continue;
    map.set(id, [...(map.get(id) ?? []), n]);
  }
  return map;
}

/**
 * One edge per link, interface and calling node: from the serving node (the link's
 * target: its export pin) to the calling node (the source: its import pin). A caller is
 * joined to the target on its own host when there is one. Links to or from something no
 * host runs draw nothing.
 */
function linkEdges(nodes: readonly GraphNode[], links: readonly Link[]): GraphEdge[] {
  const byId = nodesByLatticeId(nodes);
  const edges: GraphEdge[] = [];
  for (const link of links) {
    const callers = byId.get(link.source_id) ?? [];
    const servers = byId.get(link.target) ?? [];
    if (servers.length === 0) continue;
    for (const caller of callers) {
      const server = servers.find((s) => s.parentId === caller.parentId) ?? servers[0];
      if (!server) continue;
      for (const key of linkInterfaces(link)) {
        const pin = caller.kind === "component" ? caller.data.imports.find((p) => p.key === key) : undefined;
        edges.push({
          id: `link:${caller.id}>${server.id}:${key}:${link.name}`,
          source: server.id,
          target: caller.id,
          sourceHandle: server.kind === "component" ? `out:${key}` : PROVIDER_OUT,
          targetHandle: caller.kind === "component" ? `in:${key}` : PROVIDER_IN,
          label: `${key} · ${link.name}`,
          broken: pin?.unsatisfied ?? false,
          linkKey: {
            source_id: link.source_id,
            wit_namespace: link.wit_namespace,
            wit_package: link.wit_package,
            name: link.name,
          },
          // Calls are spied where they arrive (a component or a provider), whether a
          // component or a provider (an http-server's requests) makes them.
          ...(caller.kind === "component" || server.kind === "component"
            ? { calls: { sourceId: link.source_id, targetId: link.target, iface: key, linkName: link.name } }
            : {}),
        });
      }
    }
  }
  return edges;
}

/** Uptime of a host now, extrapolated from what it reported at `observedAt`. */
export function currentUptime(data: Pick<HostNodeData, "uptimeSeconds" | "observedAt">, now: number): number {
  return data.uptimeSeconds + Math.max(0, now - data.observedAt) / 1000;
}

/** A key that changes only when the graph's shape changes (not when uptimes tick). */
export function structureKey(model: GraphModel): string {
  return [
    ...model.nodes.map((n) => `${n.id}<${n.parentId ?? ""}:${n.width}x${n.height}`),
    ...model.edges.map((e) => `${e.id}:${e.source}>${e.target}`),
  ].join("|");
}

/** The annotation wadm puts on what it runs: the application's name. */
export const APPSPEC_ANNOTATION = "wasmcloud.dev/appspec";

/** The wadm application `annotations` say manages a component or provider, if any. */
export function appOf(annotations: Record<string, string> | undefined | null): string | null {
  return annotations?.[APPSPEC_ANNOTATION] ?? null;
}
