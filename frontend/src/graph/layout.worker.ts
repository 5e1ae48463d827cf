// The layout worker: runs ELK off the window's thread. It receives an ELK graph with an id
// (layout.ts builds it) and answers with the laid-out graph, or with ELK's error, under the
// same id.
import ELK from "elkjs/lib/elk.bundled.js";
import type { LayoutRequest, LayoutResponse } from "./layout";

/** The part of the worker's global scope this file uses. */
interface Scope {
  onmessage: ((event: MessageEvent<LayoutRequest>) => void) | null;
  postMessage(message: LayoutResponse): void;
}
const scope = self as unknown as Scope;

// Made before the handler is set: inside a worker, elkjs's bundled engine installs its own
// `onmessage` when it is constructed, and ours must replace it.
const elk = new ELK();

scope.onmessage = (event) => {
  const { id, graph } = event.data;
  elk.layout(graph).then(
    (laid) => scope.postMessage({ id, graph: laid }),
    (err: unknown) => scope.postMessage({ id, error: describe(err) }),
  );
};

/** ELK rejects with Java exceptions turned into objects; keep what a person can read. */
function describe(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (typeof err === "object" && err !== null && "message" in err) return String((err as { message: unknown }).message);
  return String(err);
}
