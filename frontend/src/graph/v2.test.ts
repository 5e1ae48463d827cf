import { describe, expect, it } from "vitest";
import type { ComponentWit, ModelSnapshot, V2HostInfo, WorkloadDescription, WorkloadView } from "../api";
import { graphFromHosts, v2HostNodeId } from "./model";
import { v2ComponentNodeId, v2WorkloadNodeId, type V2Workload } from "./v2";

function v2Host(id: string, hostname: string): V2HostInfo {
  return {
    id,
    hostname,
    friendly_name: "",
    version: "2.10.4",
    labels: {},
    environment: "",
    workload_count: 1,
    component_count: 2,
    imports: [],
    exports: [],
    http_port: 18180,
    os: "linux/x86_64",
    started_at: null,
    heard_at: "2026-12-07T01:00:00Z",
  };
}

const snapshot: ModelSnapshot = { hosts: [], links: [], configs: [], v2_hosts: [v2Host("h1", "edge-a")] };

function view(workloadId: string, hostId: string): WorkloadView {
  return {
    record: {
      workload_id: workloadId,
      host_id: hostId,
      hostname: "edge-a",
      name: "demo/shop",
      images: ["r/front:1", "r/calc:1"],
      components: [
        { name: "front", image: "r/front:1" },
        { name: "calc", image: "r/calc:1" },
      ],
      host_interfaces: [],
      service: null,
    },
    status: "running (Workload started successfully)",
    running: true,
  };
}

const wit: ComponentWit = { world: "root", imports: [], exports: [], wit: "" };

const description: WorkloadDescription = {
  workload_id: "wl-1",
  name: "demo/shop",
  host_id: "h1",
  hostname: "edge-a",
  status: "running",
  running: true,
  components: [
    {
      name: "front",
      image: "r/front:1",
      digest: "sha256:00",
      wit,
      wit_error: null,
      interfaces: [
        {
          interface: "wasi:http/incoming-handler",
          direction: "export",
          config: { host: "shop.local" },
          label: "wasi:http/incoming-handler host=shop.local",
        },
      ],
    },
    { name: "calc", image: "r/calc:1", digest: null, wit: null, wit_error: "cannot pull r/calc:1: manifest unknown", interfaces: [] },
  ],
  links: [{ from: "front", to: "calc", interface: "demo:calc/math@0.1.0" }],
  unbound: [],
  service: null,
};

describe("wasmCloud 2.x workloads", () => {
  it("are frames placed by an edge from their host, their components inside, links between them", () => {
    const workloads: V2Workload[] = [{ view: view("wl-1", "h1"), description, error: null }];
    const g = graphFromHosts([], 0, null, snapshot, new Map(), workloads);
    expect(g.nodes.map((n) => [n.kind, n.id, n.parentId])).toEqual([
      ["v2host", v2HostNodeId("h1"), undefined],
      ["v2workload", "v2workload:wl-1", undefined],
      ["v2component", "v2component:wl-1:front", "v2workload:wl-1"],
      ["v2component", "v2component:wl-1:calc", "v2workload:wl-1"],
    ]);
    expect(v2WorkloadNodeId("wl-1")).toBe("v2workload:wl-1");
    expect(v2ComponentNodeId("wl-1", "front")).toBe("v2component:wl-1:front");
    const front = g.nodes.find((n) => n.id === "v2component:wl-1:front");
    if (front?.kind !== "v2component") throw new Error("expected a workload component");
    expect(front.data.interfaces.map((i) => i.label)).toEqual(["wasi:http/incoming-handler host=shop.local"]);
    const calc = g.nodes.find((n) => n.id === "v2component:wl-1:calc");
    if (calc?.kind !== "v2component") throw new Error("expected a workload component");
    expect(calc.data.witError).toContain("manifest unknown");
    expect(g.edges.map((e) => [e.source, e.target, e.label])).toEqual([
      [v2HostNodeId("h1"), "v2workload:wl-1", undefined],
      ["v2component:wl-1:calc", "v2component:wl-1:front", "demo:calc/math@0.1.0"],
    ]);
  });

  it("show their recorded components before the description comes, and only on hosts in the graph", () => {
    const workloads: V2Workload[] = [
      { view: view("wl-1", "h1"), description: null, error: null },
      { view: view("wl-elsewhere", "gone"), description: null, error: null },
    ];
    const g = graphFromHosts([], 0, null, snapshot, new Map(), workloads);
    expect(g.nodes.filter((n) => n.kind === "v2component").map((n) => n.id)).toEqual([
      "v2component:wl-1:front",
      "v2component:wl-1:calc",
    ]);
    expect(g.nodes.some((n) => n.id === "v2workload:wl-elsewhere")).toBe(false);
  });
});

describe("what workloads touch (OTLP spans)", () => {
  it("draws each touched resource once, joined by a dashed edge from each workload that touched it", () => {
    const workloads: V2Workload[] = [{ view: view("wl-1", "h1"), description: null, error: null }];
    const touch = (workload: string | null, name: string) =>
      ({ workload, trigger: null, kind: "subject", name }) as const;
    const g = graphFromHosts([], 0, null, snapshot, new Map(), workloads, [
      touch("demo/shop", "orders.new"),
      touch("demo/shop", "orders.new"),
      touch("demo/elsewhere", "x.y"), // not drawn here: no edge, no node
      touch(null, "z"), // not placed: left out
      { workload: "demo/shop", trigger: "orders.in", kind: "bucket", name: "carts" },
    ]);
    const resources = g.nodes.filter((n) => n.kind === "v2resource");
    expect(resources.map((n) => n.id)).toEqual(["v2resource:bucket:carts", "v2resource:subject:orders.new"]);
    const dashed = g.edges.filter((e) => e.dashed);
    expect(dashed).toHaveLength(2);
    for (const e of dashed) expect(e.source).toBe(v2WorkloadNodeId("wl-1"));
    expect(dashed.map((e) => e.label).sort()).toEqual(["key-value", "publishes"]);
  });
});
