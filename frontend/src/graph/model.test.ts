import { describe, expect, it } from "vitest";
import type { ComponentInspection, Host, Link, ModelSnapshot } from "../api";
import {
  appOf,
  componentHeight,
  componentNodeId,
  currentUptime,
  graphFromHosts,
  hostNodeId,
  interfaceKey,
  providerNodeId,
  structureKey,
  v2HostNodeId,
  type GraphNode,
  type HostNodeData,
} from "./model";

/** The data of a host node (fails the test for any other kind). */
function hostData(node: GraphNode | undefined): HostNodeData | undefined {
  if (node && node.kind !== "host") throw new Error(`expected a host node, got ${node.kind}`);
  return node?.data;
}

function host(id: string, friendly_name: string, uptime_seconds = 10): Host {
  return {
    id,
    friendly_name,
    labels: { "hostcore.os": "linux" },
    lattice: "default",
    version: "0.1.0",
    uptime_seconds,
    uptime_human: `${uptime_seconds}s`,
    ctl_host: "nats://127.0.0.1:4222",
    rpc_host: "nats://127.0.0.1:4222",
  };
}

describe("graphFromHosts", () => {
  it("makes one host node per host with its fields", () => {
    const g = graphFromHosts([host("NAAA", "quiet-river-1")], 1_000, null);
    expect(g.edges).toEqual([]);
    expect(g.nodes).toHaveLength(1);
    const [node] = g.nodes;
    expect(node?.id).toBe(hostNodeId("NAAA"));
    expect(node?.kind).toBe("host");
    expect(node?.data).toMatchObject({
      hostId: "NAAA",
      friendlyName: "quiet-river-1",
      version: "0.1.0",
      uptimeSeconds: 10,
      observedAt: 1_000,
      isLocal: false,
    });
  });

  it("puts the local host first, then sorts by name", () => {
    const g = graphFromHosts([host("NB", "zebra"), host("NC", "alpha"), host("NL", "middle")], 0, "NL");
    expect(g.nodes.map((n) => ("hostId" in n.data ? n.data.hostId : null))).toEqual(["NL", "NC", "NB"]);
    expect(hostData(g.nodes[0])?.isLocal).toBe(true);
  });

  it("merges duplicate answers and drops hosts without id", () => {
    const g = graphFromHosts([host("NA", "a", 5), host("NA", "a", 9), host("", "ghost")], 0, null);
    expect(g.nodes).toHaveLength(1);
    expect(hostData(g.nodes[0])?.uptimeSeconds).toBe(9);
  });

  it("falls back to the id when a host has no friendly name", () => {
    const g = graphFromHosts([host("NA", "")], 0, null);
    expect(hostData(g.nodes[0])?.friendlyName).toBe("NA");
  });

  it("does not share label objects with the input", () => {
    const input = host("NA", "a");
    const g = graphFromHosts([input], 0, null);
    input.labels["x"] = "y";
    expect(hostData(g.nodes[0])?.labels).not.toHaveProperty("x");
  });
});

describe("structureKey", () => {
  it("ignores uptime but sees new hosts", () => {
    const a = graphFromHosts([host("NA", "a", 1)], 0, null);
    const b = graphFromHosts([host("NA", "a", 99)], 5_000, null);
    const c = graphFromHosts([host("NA", "a"), host("NB", "b")], 0, null);
    expect(structureKey(a)).toBe(structureKey(b));
    expect(structureKey(a)).not.toBe(structureKey(c));
  });
});

describe("currentUptime", () => {
  it("adds the time since the ping", () => {
    expect(currentUptime({ uptimeSeconds: 10, observedAt: 1_000 }, 4_000)).toBe(13);
    expect(currentUptime({ uptimeSeconds: 10, observedAt: 4_000 }, 1_000)).toBe(10);
  });
});

describe("graphFromHosts with the lattice model", () => {
  const inspection = (id: string, unsatisfiedKv: boolean): ComponentInspection => ({
    component: { id, image_ref: `file:///${id}.wasm`, annotations: {}, revision: 0, max_instances: 2, limits: null },
    host_ids: ["NA"],
    links: [],
    config: {},
    wit_error: null,
    wit: {
      world: "root",
      wit: "world root {}",
      imports: [
        { item: "interface", name: "wasi:io/streams@0.2.12", functions: [], types: [] },
        { item: "interface", name: "wasi:keyvalue/store@0.2.0-draft", functions: [], types: [] },
      ],
      exports: [{ item: "interface", name: "wasi:http/incoming-handler@0.2.12", functions: [], types: [] }],
    },
    imports: [
      { import: "wasi:io/streams@0.2.12", satisfied_by: { kind: "wasi" } },
      {
        import: "wasi:keyvalue/store@0.2.0-draft",
        satisfied_by: unsatisfiedKv
          ? { kind: "unsatisfied", reason: "no link for wasi:keyvalue" }
          : { kind: "provider", link: "default", target: "kv" },
      },
    ],
  });
  const snapshot = (links: Link[]): ModelSnapshot => ({
    hosts: [
      {
        host: { id: "NA", friendly_name: "a", labels: {}, version: "1", uptime_seconds: 1 },
        components: [{ id: "app", image_ref: "file:///app.wasm", annotations: {}, revision: 0, max_instances: 2, limits: null }],
        providers: [{ id: "kv", image_ref: "builtin://keyvalue", annotations: {}, revision: 0 }],
      },
    ],
    links,
    configs: [],
    v2_hosts: [],
  });
  const kvLink: Link = {
    source_id: "app",
    target: "kv",
    name: "default",
    wit_namespace: "wasi",
    wit_package: "keyvalue",
    interfaces: ["store"],
    source_config: [],
    target_config: [],
  };

  it("puts components and providers inside their host frame, after it", () => {
    const g = graphFromHosts([host("NA", "a")], 0, "NA", snapshot([]));
    expect(g.nodes.map((n) => [n.kind, n.id, n.parentId])).toEqual([
      ["host", hostNodeId("NA"), undefined],
      ["provider", providerNodeId("NA", "kv"), hostNodeId("NA")],
      ["component", componentNodeId("NA", "app"), hostNodeId("NA")],
    ]);
    const hostNode = hostData(g.nodes[0]);
    expect(hostNode?.componentCount).toBe(1);
    expect(hostNode?.providerCount).toBe(1);
  });

  it("draws pins from the WIT, hides host-served imports and marks unsatisfied ones", () => {
    const g = graphFromHosts([], 0, null, snapshot([]), new Map([["app", inspection("app", true)]]));
    const node = g.nodes.find((n) => n.kind === "component");
    if (node?.kind !== "component") throw new Error("no component node");
    expect(node.data.maxInstances).toBe(2);
    expect(node.data.hostServed).toBe(1);
    expect(node.data.imports).toEqual([
      {
        handle: "in:wasi:keyvalue/store",
        key: "wasi:keyvalue/store",
        name: "wasi:keyvalue/store@0.2.0-draft",
        unsatisfied: true,
        reason: "no link for wasi:keyvalue",
        // The pin carries the interface's WIT so a drag can check it.
        def: expect.objectContaining({ name: "wasi:keyvalue/store@0.2.0-draft" }),
      },
    ]);
    expect(node.data.exports.map((p) => p.handle)).toEqual(["out:wasi:http/incoming-handler"]);
    expect(node.height).toBe(componentHeight(1, 1, true));
  });

  it("turns a link into an edge from the provider's export side to the component's import pin", () => {
    const g = graphFromHosts([], 0, null, snapshot([kvLink]), new Map([["app", inspection("app", false)]]));
    expect(g.edges).toEqual([
      {
        id: `link:${componentNodeId("NA", "app")}>${providerNodeId("NA", "kv")}:wasi:keyvalue/store:default`,
        source: providerNodeId("NA", "kv"),
        target: componentNodeId("NA", "app"),
        sourceHandle: "out",
        targetHandle: "in:wasi:keyvalue/store",
        label: "wasi:keyvalue/store · default",
        broken: false,
        linkKey: { source_id: "app", wit_namespace: "wasi", wit_package: "keyvalue", name: "default" },
        calls: { sourceId: "app", targetId: "kv", iface: "wasi:keyvalue/store", linkName: "default" },
      },
    ]);
  });

  it("adds pins for linked interfaces before the WIT is known, and skips links to nothing", () => {
    const toNowhere = { ...kvLink, target: "ghost", wit_package: "blobstore", interfaces: ["container"] };
    const g = graphFromHosts([], 0, null, snapshot([kvLink, toNowhere]));
    const node = g.nodes.find((n) => n.kind === "component");
    if (node?.kind !== "component") throw new Error("no component node");
    expect(node.data.witKnown).toBe(false);
    expect(node.data.imports.map((p) => p.key)).toEqual(["wasi:keyvalue/store", "wasi:blobstore/container"]);
    expect(g.edges).toHaveLength(1);
  });

  it("marks the edge of a link that does not satisfy its import as broken", () => {
    const g = graphFromHosts([], 0, null, snapshot([kvLink]), new Map([["app", inspection("app", true)]]));
    expect(g.edges[0]?.broken).toBe(true);
  });

  it("names the link a spied call crosses on an edge from a component, to a component or a provider", () => {
    const both = snapshot([kvLink]);
    both.hosts[0]?.components.push({ id: "back", image_ref: "file:///back.wasm", annotations: {}, revision: 0, max_instances: 1, limits: null });
    const greeter: Link = { ...kvLink, target: "back", name: "pair", wit_namespace: "trellis-examples", wit_package: "pair", interfaces: ["greeter"] };
    both.links.push(greeter);
    const g = graphFromHosts([], 0, null, both);
    const toBack = g.edges.find((e) => e.source === componentNodeId("NA", "back"));
    expect(toBack?.calls).toEqual({ sourceId: "app", targetId: "back", iface: "trellis-examples:pair/greeter", linkName: "pair" });
    const toKv = g.edges.find((e) => e.source === providerNodeId("NA", "kv"));
    expect(toKv?.calls).toEqual({ sourceId: "app", targetId: "kv", iface: "wasi:keyvalue/store", linkName: "default" });
  });

  it("names the requests an http-server's link brings to a component, for its spy", () => {
    const withServer = snapshot([]);
    withServer.hosts[0]?.providers.push({ id: "http", image_ref: "builtin://http-server", annotations: {}, revision: 0 });
    withServer.links.push({ ...kvLink, source_id: "http", target: "app", wit_package: "http", interfaces: ["incoming-handler"] });
    const g = graphFromHosts([], 0, null, withServer);
    const toApp = g.edges.find((e) => e.source === componentNodeId("NA", "app"));
    expect(toApp?.calls).toEqual({ sourceId: "http", targetId: "app", iface: "wasi:http/incoming-handler", linkName: "default" });
  });

  it("keeps hosts the model knows that did not answer the ping", () => {
    const g = graphFromHosts([], 0, null, snapshot([]));
    expect(hostData(g.nodes[0])?.friendlyName).toBe("a");
  });
});

describe("interfaceKey", () => {
  it("drops the version", () => {
    expect(interfaceKey("wasi:http/types@0.2.12")).toBe("wasi:http/types");
    expect(interfaceKey("log")).toBe("log");
  });
});

describe("appOf", () => {
  it("names the wadm application from wadm's annotation", () => {
    expect(appOf({ "wasmcloud.dev/appspec": "shop", "wasmcloud.dev/managed-by": "wadm" })).toBe("shop");
    expect(appOf({})).toBeNull();
    expect(appOf(null)).toBeNull();
  });
});

describe("wasmCloud 2.x hosts", () => {
  it("are nodes of their own kind beside the 1.x hosts, with what their heartbeat says", () => {
    const snapshot: ModelSnapshot = {
      hosts: [],
      links: [],
      configs: [],
      v2_hosts: [
        {
          id: "01a2",
          hostname: "edge-b",
          friendly_name: "nervous-body-1",
          version: "2.10.3",
          labels: { hostgroup: "edge" },
          environment: "dev-ns",
          workload_count: 1,
          component_count: 2,
          imports: ["wasmcloud:messaging/consumer,types@0.3.0"],
          exports: [],
          http_port: 18180,
          os: "linux/x86_64",
          started_at: null,
          heard_at: "2026-12-07T01:00:00Z",
        },
      ],
    };
    const g = graphFromHosts([host("NAAA", "quiet-river-1")], 1_000, null, snapshot);
    expect(g.nodes.map((n) => [n.kind, n.id])).toEqual([
      ["host", hostNodeId("NAAA")],
      ["v2host", v2HostNodeId("01a2")],
    ]);
    const node = g.nodes[1];
    if (node?.kind !== "v2host") throw new Error("expected a v2host node");
    expect(node.data).toMatchObject({
      hostname: "edge-b",
      group: "edge",
      environment: "dev-ns",
      workloadCount: 1,
      componentCount: 2,
      heardAt: Date.parse("2026-12-07T01:00:00Z"),
    });
  });
});
