import type { NodeTypes } from "@xyflow/react";
import { ComponentNode } from "./ComponentNode";
import { HostNode } from "./HostNode";
import { ProviderNode } from "./ProviderNode";

export type { ComponentFlowNode } from "./ComponentNode";
export type { HostFlowNode } from "./HostNode";
export type { ProviderFlowNode } from "./ProviderNode";

// Module scope so React Flow sees the same object on every render.
export const nodeTypes: NodeTypes = { host: HostNode, component: ComponentNode, provider: ProviderNode };
