import type { EdgeTypes } from "@xyflow/react";
import { LinkEdge } from "./LinkEdge";

export type { LinkEdgeData, LinkFlowEdge } from "./LinkEdge";

// Module scope so React Flow sees the same object on every render.
export const edgeTypes: EdgeTypes = {
  link: LinkEdge,
};
