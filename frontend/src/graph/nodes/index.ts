import type { NodeTypes } from "@xyflow/react";
import { HostNode } from "./HostNode";

export type { HostFlowNode } from "./HostNode";

// Module scope so React Flow sees the same object on every render.
export const nodeTypes: NodeTypes = { host: HostNode };
