// The real worker script, run here with a stand-in for the worker's global scope. It has a file
// of its own so elkjs is first loaded as it is in a worker: with `self` defined and no `document`.
import { afterAll, describe, expect, it, vi } from "vitest";
import { createLayoutEngine, layoutGraph, type LayoutRequest, type LayoutResponse, type LayoutWorker } from "./layout";
import { graphFromHosts } from "./model";

describe("layout.worker", () => {
  afterAll(() => vi.unstubAllGlobals());

  it("answers each request by id with ELK's layout, the second as well as the first", async () => {
    const scope: { onmessage: ((e: { data: LayoutRequest }) => void) | null; postMessage: (m: LayoutResponse) => void } = {
      onmessage: null,
      postMessage: () => {},
    };
    vi.stubGlobal("self", scope);
    await import("./layout.worker");

    const answers: LayoutResponse[] = [];
    const engine = createLayoutEngine(() => {
      const worker: LayoutWorker = {
        onmessage: null,
        onerror: null,
        terminate: () => {},
        postMessage: (req) => queueMicrotask(() => scope.onmessage?.({ data: req })),
      };
      scope.postMessage = (m) => {
        answers.push(m);
        worker.onmessage?.({ data: m } as MessageEvent<LayoutResponse>);
      };
      return worker;
    });
    // Each host runs a component: hosts with nothing on them are placed without ELK.
    const component = { id: "one", image_ref: "", annotations: {}, revision: 0, max_instances: 1, limits: null };
    const host = (id: string) => ({
      host: { id, friendly_name: id, labels: {}, version: "1", uptime_seconds: 1 },
      components: [{ ...component, id: `${id}-one` }],
      providers: [],
    });
    const model = graphFromHosts([], 0, null, { hosts: [host("NA"), host("NB")], links: [], configs: [], v2_hosts: [] });

    // Twice: elkjs, made in a worker, installs its own message handler; ours must stay.
    for (const round of [1, 2]) {
      const pos = await layoutGraph(model, new Map(), engine);
      expect([...pos.keys()].filter((k) => k.startsWith("host:")).sort()).toEqual(["host:NA", "host:NB"]);
      expect(answers.map((a) => a.id)).toEqual(round === 1 ? [1] : [1, 2]);
    }
    expect(engine.inThread).toBe(false);
  });
});
