// The lattice as a graph, independent of React Flow: hosts now; components, providers and
// links inside host frames later. Pure functions only, so they are tested without a DOM.
import type { Host } from "../api/types";

/** What a node stands for. */
export type GraphNodeKind = "host";

/** Data a host node shows (a type alias, not an interface, so React Flow accepts it as node data). */
export type HostNodeData = {
  hostId: string;
  friendlyName: string;
  version: string;
  lattice: string;
  labels: Record<string, string>;
  /** Uptime reported by the host at `observedAt` (ms since epoch). */
  uptimeSeconds: number;
  observedAt: number;
  /** The embedded host of this app (as opposed to a remote one). */
  isLocal: boolean;
};

/** A node of the lattice graph. */
export interface GraphNode {
  id: string;
  kind: GraphNodeKind;
  data: HostNodeData;
  /** Size used by the layout; nodes render at this size. */
  width: number;
  height: number;
}

/** A directed edge (links, later). */
export interface GraphEdge {
  id: string;
  source: string;
  target: string;
  label?: string;
}

/** The whole graph handed to the layout and the canvas. */
export interface GraphModel {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

/** Size of a host node without contents. */
export const HOST_NODE_SIZE = { width: 280, height: 132 } as const;

/** Node id of a host; prefixed so component ids can never collide with it. */
export function hostNodeId(hostId: string): string {
  return `host:${hostId}`;
}

/**
 * Builds the graph from the hosts that answered a ping. Hosts are sorted (local first,
 * then by friendly name, then id) so the layout is stable between refreshes, and
 * duplicate answers from one host are merged (the newest uptime wins).
 */
export function graphFromHosts(hosts: readonly Host[], observedAt: number, localHostId: string | null): GraphModel {
  const byId = new Map<string, Host>();
  for (const host of hosts) {
    if (!host.id) continue;
    const seen = byId.get(host.id);
    if (!seen || host.uptime_seconds >= seen.uptime_seconds) byId.set(host.id, host);
  }
  const sorted = [...byId.values()].sort((a, b) => {
    const local = Number(b.id === localHostId) - Number(a.id === localHostId);
    if (local !== 0) return local;
    return a.friendly_name.localeCompare(b.friendly_name) || a.id.localeCompare(b.id);
  });
  return {
    nodes: sorted.map((host) => ({
      id: hostNodeId(host.id),
      kind: "host" as const,
      width: HOST_NODE_SIZE.width,
      height: HOST_NODE_SIZE.height,
      data: {
        hostId: host.id,
        friendlyName: host.friendly_name || host.id,
        version: host.version,
        lattice: host.lattice,
        labels: { ...host.labels },
        uptimeSeconds: host.uptime_seconds,
        observedAt,
        isLocal: host.id === localHostId,
      },
    })),
    edges: [],
  };
}

/** Uptime of a host now, extrapolated from what it reported at `observedAt`. */
export function currentUptime(data: Pick<HostNodeData, "uptimeSeconds" | "observedAt">, now: number): number {
  return data.uptimeSeconds + Math.max(0, now - data.observedAt) / 1000;
}

/** A key that changes only when the graph's shape changes (not when uptimes tick). */
export function structureKey(model: GraphModel): string {
  return [
    ...model.nodes.map((n) => `${n.id}:${n.width}x${n.height}`),
    ...model.edges.map((e) => `${e.id}:${e.source}>${e.target}`),
  ].join("|");
}
