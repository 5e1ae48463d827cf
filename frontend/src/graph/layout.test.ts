import { afterEach, describe, expect, it, vi } from "vitest";
import type { ElkNode } from "elkjs/lib/elk-api";
import { graphFromHosts, HOST_HEADER_HEIGHT, HOST_NODE_SIZE, type GraphModel } from "./model";
import {
  createLayoutEngine,
  LARGE_GRAPH,
  layoutGraph,
  type LayoutRequest,
  type LayoutResponse,
  type LayoutWorker,
  type Position,
  type Positions,
} from "./layout";
import type { Host, ModelSnapshot } from "../api";

const host = (id: string): Host => ({
  id,
  friendly_name: id.toLowerCase(),
  labels: {},
  lattice: "default",
  version: "0.1.0",
  uptime_seconds: 1,
  uptime_human: "1s",
  ctl_host: "",
  rpc_host: "",
});

describe("layoutGraph", () => {
  it("places every node without overlaps", async () => {
    const model = graphFromHosts([host("NA"), host("NB"), host("NC")], 0, null);
    const pos = await layoutGraph(model);
    expect([...pos.keys()].sort()).toEqual(model.nodes.map((n) => n.id).sort());
    const boxes = [...pos.values()];
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i];
        const b = boxes[j];
        if (!a || !b) throw new Error("missing box");
        const apart =
          Math.abs(a.x - b.x) >= HOST_NODE_SIZE.width || Math.abs(a.y - b.y) >= HOST_NODE_SIZE.height;
        expect(apart).toBe(true);
      }
    }
  });

  it("places hosts with nothing on them without waiting for ELK", async () => {
    const model = lattice({ NA: [], NB: [] });
    const layout = vi.fn(() => Promise.reject(new Error("ELK was asked to lay out bare hosts")));
    const pos = await layoutGraph(model, new Map(), { inThread: false, layout });
    expect(layout).not.toHaveBeenCalled();
    const [a, b] = [pos.get("host:NA"), pos.get("host:NB")];
    if (!a || !b) throw new Error("a host was not placed");
    expect(a).toMatchObject({ x: 24, y: 24 });
    const apart = Math.abs(a.x - b.x) >= HOST_NODE_SIZE.width || Math.abs(a.y - b.y) >= HOST_NODE_SIZE.height;
    expect(apart).toBe(true);
  });

  it("handles an empty graph", async () => {
    expect((await layoutGraph({ nodes: [], edges: [] })).size).toBe(0);
  });
});

describe("layoutGraph with host frames", () => {
  it("grows a frame around its contents and keeps children inside it", async () => {
    const snapshot: ModelSnapshot = {
      hosts: [
        {
          host: { id: "NA", friendly_name: "a", labels: {}, version: "1", uptime_seconds: 1 },
          components: [
            { id: "one", image_ref: "", annotations: {}, revision: 0, max_instances: 1, limits: null },
            { id: "two", image_ref: "", annotations: {}, revision: 0, max_instances: 1, limits: null },
          ],
          providers: [{ id: "kv", image_ref: "builtin://keyvalue", annotations: {}, revision: 0 }],
        },
        { host: { id: "NB", friendly_name: "b", labels: {}, version: "1", uptime_seconds: 1 }, components: [], providers: [] },
      ],
      links: [
        {
          source_id: "one",
          target: "kv",
          name: "default",
          wit_namespace: "wasi",
          wit_package: "keyvalue",
          interfaces: ["store"],
          source_config: [],
          target_config: [],
        },
      ],
      configs: [],
      v2_hosts: [],
    };
    const model = graphFromHosts([], 0, null, snapshot);
    const pos = await layoutGraph(model);
    const frame = pos.get("host:NA");
    if (!frame?.width || !frame.height) throw new Error("the frame has no size");
    expect(frame.width).toBeGreaterThan(HOST_NODE_SIZE.width);
    const empty = pos.get("host:NB");
    expect([empty?.width, empty?.height]).toEqual([HOST_NODE_SIZE.width, HOST_NODE_SIZE.height]);
    for (const n of model.nodes.filter((m) => m.parentId === "host:NA")) {
      const p = pos.get(n.id);
      if (!p) throw new Error(`no position for ${n.id}`);
      expect(p.y).toBeGreaterThanOrEqual(HOST_HEADER_HEIGHT);
      expect(p.x + n.width).toBeLessThanOrEqual(frame.width);
      expect(p.y + n.height).toBeLessThanOrEqual(frame.height);
    }
    // The provider serves the component, so it sits to its left.
    expect(pos.get("provider:NA:kv")?.x).toBeLessThan(pos.get("component:NA:one")?.x ?? 0);
  });
});

describe("layoutGraph across hosts", () => {
  it("lays out a link from a component on one host to a provider on another", async () => {
    const info = (id: string) => ({ id, friendly_name: id, labels: {}, version: "1", uptime_seconds: 1 });
    const snapshot: ModelSnapshot = {
      hosts: [
        {
          host: info("NA"),
          components: [{ id: "app", image_ref: "", annotations: {}, revision: 0, max_instances: 1, limits: null }],
          providers: [],
        },
        { host: info("NB"), components: [], providers: [{ id: "kv", annotations: {}, revision: 0 }] },
      ],
      links: [
        {
          source_id: "app",
          target: "kv",
          name: "default",
          wit_namespace: "wasi",
          wit_package: "keyvalue",
          interfaces: ["store"],
          source_config: [],
          target_config: [],
        },
      ],
      configs: [],
      v2_hosts: [],
    };
    const model = graphFromHosts([], 0, null, snapshot);
    expect(model.edges).toHaveLength(1);
    const pos = await layoutGraph(model);
    expect([...pos.keys()].sort()).toEqual(model.nodes.map((n) => n.id).sort());
    // The serving host's frame comes first (left), the calling host's after it.
    expect(pos.get("host:NB")?.x).toBeLessThan(pos.get("host:NA")?.x ?? 0);
  });
});

const info = (id: string) => ({ id, friendly_name: id, labels: {}, version: "1", uptime_seconds: 1 });
const component = (id: string) => ({ id, image_ref: "", annotations: {}, revision: 0, max_instances: 1, limits: null });

/** A lattice of hosts, each with the named components. */
function lattice(hosts: Record<string, string[]>): GraphModel {
  const snapshot: ModelSnapshot = {
    hosts: Object.entries(hosts).map(([id, components]) => ({
      host: info(id),
      components: components.map(component),
      providers: [],
    })),
    links: [],
    configs: [],
    v2_hosts: [],
  };
  return graphFromHosts([], 0, null, snapshot);
}

interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Absolute boxes of every node (children are relative to their frame). */
function boxes(model: GraphModel, pos: Positions): Map<string, Box> {
  const out = new Map<string, Box>();
  for (const n of model.nodes) {
    const p = pos.get(n.id);
    if (!p) throw new Error(`no position for ${n.id}`);
    const frame = n.parentId ? pos.get(n.parentId) : undefined;
    out.set(n.id, {
      x: p.x + (frame?.x ?? 0),
      y: p.y + (frame?.y ?? 0),
      w: n.kind === "host" ? (p.width ?? n.width) : n.width,
      h: n.kind === "host" ? (p.height ?? n.height) : n.height,
    });
  }
  return out;
}

const apart = (a: Box, b: Box) => a.x + a.w <= b.x || b.x + b.w <= a.x || a.y + a.h <= b.y || b.y + b.h <= a.y;

/** Fails on the first two frames, or two nodes of one frame, that overlap, or a child outside its frame. */
function expectTidy(model: GraphModel, pos: Positions) {
  const b = boxes(model, pos);
  const groups = new Map<string, Box[]>();
  for (const n of model.nodes) {
    const box = b.get(n.id) as Box;
    const group = groups.get(n.parentId ?? "") ?? [];
    for (const other of group) if (!apart(box, other)) throw new Error(`${n.id} overlaps a neighbour`);
    group.push(box);
    groups.set(n.parentId ?? "", group);
    const frame = n.parentId ? b.get(n.parentId) : undefined;
    if (frame && (box.x < frame.x || box.y < frame.y + HOST_HEADER_HEIGHT || box.x + box.w > frame.x + frame.w || box.y + box.h > frame.y + frame.h)) {
      throw new Error(`${n.id} is outside its frame`);
    }
  }
}

/** Positions only (what the canvas keeps and the session saves). */
const xy = (pos: ReadonlyMap<string, Position>) => new Map([...pos].map(([id, p]) => [id, { x: p.x, y: p.y }]));

describe("incremental layout", () => {
  it("keeps every placed node where it is when nodes are added, and places only the new ones", async () => {
    const before = lattice({ NA: ["one", "two"], NB: ["three"] });
    const first = await layoutGraph(before);
    // The user moved a frame and a component.
    first.set("host:NB", { ...(first.get("host:NB") ?? { x: 0, y: 0 }), x: 900, y: 40 });
    first.set("component:NA:two", { x: 400, y: 300 });

    const after = lattice({ NA: ["one", "two", "four"], NB: ["three"], NC: ["five", "six"] });
    const second = await layoutGraph(after, xy(first));
    for (const [id, p] of first) expect([id, second.get(id)?.x, second.get(id)?.y]).toEqual([id, p.x, p.y]);

    // Every node has a place, and no two nodes of one level overlap.
    expectTidy(after, second);
    // The new component sits inside its frame, under the header; the frame grew around it.
    const frame = second.get("host:NA");
    const added = second.get("component:NA:four");
    if (!frame?.width || !frame.height || !added) throw new Error("no frame or no new node");
    expect(added.y).toBeGreaterThanOrEqual(HOST_HEADER_HEIGHT);
    expect(added.x + 1).toBeGreaterThan(0);
    expect(added.y + (after.nodes.find((n) => n.id === "component:NA:four")?.height ?? 0)).toBeLessThanOrEqual(frame.height);
  });

  it("puts a new node reached by an edge from a placed frame to the right of that frame", async () => {
    const before = lattice({ NA: ["one"], NB: ["two"] });
    const first = await layoutGraph(before);
    const after = lattice({ NA: ["one"], NB: ["two"] });
    after.nodes.push({ id: "v2resource:subject:a.b", kind: "v2resource", width: 220, height: 56, data: { kind: "subject", name: "a.b", workloads: ["w"] } });
    after.edges.push({ id: "touch:host:NB>v2resource:subject:a.b", source: "host:NB", target: "v2resource:subject:a.b", dashed: true });
    const second = await layoutGraph(after, xy(first));
    const frame = second.get("host:NB");
    const added = second.get("v2resource:subject:a.b");
    if (!frame?.width || !added) throw new Error("no frame or no new node");
    expect(added.x).toBeGreaterThan(frame.x + frame.width);
    expect(added.y).toBeGreaterThanOrEqual(frame.y);
    expectTidy(after, second);
  });

  it("moves nothing when a node is removed", async () => {
    const before = lattice({ NA: ["one", "two", "three"], NB: ["four"] });
    const first = await layoutGraph(before);
    const after = lattice({ NA: ["one", "three"], NB: ["four"] });
    const second = await layoutGraph(after, xy(first));
    expect(second.has("component:NA:two")).toBe(false);
    for (const n of after.nodes) {
      expect([n.id, second.get(n.id)?.x, second.get(n.id)?.y]).toEqual([n.id, first.get(n.id)?.x, first.get(n.id)?.y]);
    }
  });

  it("lays everything out when no node has a place yet (positions of other nodes don't count)", async () => {
    const model = lattice({ NA: ["one"] });
    const fresh = await layoutGraph(model);
    const stale = await layoutGraph(model, new Map([["host:GONE", { x: 5000, y: 5000 }]]));
    expect(xy(stale)).toEqual(xy(fresh));
  });
});

/** A stand-in worker that answers with `answer`, after the engine has set its handlers. */
function fakeWorker(answer: (req: LayoutRequest, w: LayoutWorker) => void): LayoutWorker & { sent: number } {
  const w: LayoutWorker & { sent: number } = {
    sent: 0,
    onmessage: null,
    onerror: null,
    terminate: vi.fn(),
    postMessage(req) {
      w.sent++;
      queueMicrotask(() => answer(req, w));
    },
  };
  return w;
}

const reply = (w: LayoutWorker, data: LayoutResponse) => w.onmessage?.({ data } as MessageEvent<LayoutResponse>);

describe("layout engine", () => {
  afterEach(() => vi.unstubAllGlobals());
  const model = lattice({ NA: ["one"], NB: [] });

  it("lays out on this thread when no worker can be made", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const engine = createLayoutEngine(() => {
      throw new Error("workers are refused here");
    });
    const pos = await layoutGraph(model, new Map(), engine);
    expect(engine.inThread).toBe(true);
    expect([...pos.keys()].sort()).toEqual(model.nodes.map((n) => n.id).sort());
    warn.mockRestore();
  });

  it("falls back to this thread when the worker fails, for the pending layout and the next", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const worker = fakeWorker((_, w) => w.onerror?.(new Event("error")));
    const engine = createLayoutEngine(() => worker);
    const pos = await layoutGraph(model, new Map(), engine);
    expect([...pos.keys()].sort()).toEqual(model.nodes.map((n) => n.id).sort());
    expect(worker.terminate).toHaveBeenCalled();
    expect(engine.inThread).toBe(true);
    await layoutGraph(model, new Map(), engine);
    expect(worker.sent).toBe(1);
    warn.mockRestore();
  });

  it("uses the worker's answer, and passes on ELK's errors without dropping the worker", async () => {
    const answered: ElkNode = { id: "root", children: [{ id: "host:NA", x: 7, y: 9, width: 300, height: 200 }] };
    const engine = createLayoutEngine(() =>
      fakeWorker((req, w) => reply(w, { id: req.id, graph: answered })),
    );
    const pos = await layoutGraph(model, new Map(), engine);
    expect(pos.get("host:NA")).toEqual({ x: 7, y: 9, width: 300, height: 200 });
    expect(engine.inThread).toBe(false);

    const failing = createLayoutEngine(() => fakeWorker((req, w) => reply(w, { id: req.id, error: "bad option" })));
    await expect(layoutGraph(model, new Map(), failing)).rejects.toThrow("bad option");
    expect(failing.inThread).toBe(false);
  });
});

describe("layout engine with an idle limit", () => {
  afterEach(() => vi.useRealTimers());
  const model = lattice({ NA: ["one"] });
  const answering = () => {
    const made: (LayoutWorker & { sent: number })[] = [];
    const factory = () => {
      const w = fakeWorker((req, me) => reply(me, { id: req.id, graph: { id: "root", children: [] } }));
      made.push(w);
      return w;
    };
    return { made, factory };
  };

  it("ends an idle worker and starts another for the next layout", async () => {
    vi.useFakeTimers();
    const { made, factory } = answering();
    const engine = createLayoutEngine(factory, { idleMs: 1000 });
    await layoutGraph(model, new Map(), engine);
    await layoutGraph(model, new Map(), engine);
    expect(made).toHaveLength(1);

    vi.advanceTimersByTime(999);
    expect(made[0]?.terminate).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(made[0]?.terminate).toHaveBeenCalledTimes(1);
    expect(engine.inThread).toBe(false);

    await layoutGraph(model, new Map(), engine);
    expect(made).toHaveLength(2);
    expect(made[1]?.sent).toBe(1);
  });

  it("keeps a worker that has a layout under way", async () => {
    vi.useFakeTimers();
    const held: LayoutRequest[] = [];
    const worker = fakeWorker((req) => held.push(req));
    const engine = createLayoutEngine(() => worker, { idleMs: 1000 });
    const first = engine.layout({ id: "a", children: [] });
    const second = engine.layout({ id: "b", children: [] });
    await Promise.resolve();
    const [a, b] = held;
    if (!a || !b) throw new Error("both layouts should have reached the worker");
    reply(worker, { id: a.id, graph: { id: "a" } });
    await first;
    vi.advanceTimersByTime(5000);
    expect(worker.terminate).not.toHaveBeenCalled();
    reply(worker, { id: b.id, graph: { id: "b" } });
    await second;
    vi.advanceTimersByTime(1000);
    expect(worker.terminate).toHaveBeenCalledTimes(1);
  });

  it("keeps the worker for good without a limit", async () => {
    vi.useFakeTimers();
    const { made, factory } = answering();
    const engine = createLayoutEngine(factory);
    await layoutGraph(model, new Map(), engine);
    vi.advanceTimersByTime(3_600_000);
    expect(made).toHaveLength(1);
    expect(made[0]?.terminate).not.toHaveBeenCalled();
  });
});

describe("layout of a large lattice", () => {
  /** An engine that must not be used. */
  const refuse = () => Promise.reject(new Error("ELK was asked to lay out a large graph"));

  it("places hundreds of nodes without ELK, tidily, and quickly", async () => {
    const hosts: Record<string, string[]> = {};
    for (let h = 0; h < 30; h++) hosts[`N${h}`] = Array.from({ length: 20 }, (_, c) => `c${c}`);
    const model = lattice(hosts);
    expect(model.nodes.length).toBeGreaterThan(LARGE_GRAPH.nodes);
    const started = performance.now();
    const pos = await layoutGraph(model, new Map(), { inThread: true, layout: refuse });
    expect(performance.now() - started).toBeLessThan(1000);
    expect(pos.size).toBe(model.nodes.length);
    expectTidy(model, pos);
  });

  it("puts many new frames in rows below the placed ones, moving none", async () => {
    const hosts: Record<string, string[]> = {};
    for (let h = 0; h < 80; h++) hosts[`N${h}`] = [`a`, `b`, `c`];
    const model = lattice(hosts);
    const first = await layoutGraph(model, new Map(), { inThread: true, layout: refuse });
    expectTidy(model, first);
    for (let h = 80; h < 150; h++) hosts[`N${h}`] = ["a"];
    const bigger = lattice(hosts);
    const second = await layoutGraph(bigger, xy(first), { inThread: true, layout: refuse });
    expectTidy(bigger, second);
    for (const [id, p] of first) expect([id, second.get(id)?.x, second.get(id)?.y]).toEqual([id, p.x, p.y]);
  });
});
