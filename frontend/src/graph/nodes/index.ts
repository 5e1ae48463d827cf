import type { NodeTypes } from "@xyflow/react";
import { ComponentNode } from "./ComponentNode";
import { HostNode } from "./HostNode";
import { ProviderNode } from "./ProviderNode";
import { V2ComponentNode } from "./V2ComponentNode";
import { V2HostNode } from "./V2HostNode";
import { V2ResourceNode } from "./V2ResourceNode";
import { V2WorkloadNode } from "./V2WorkloadNode";

export type { ComponentFlowNode } from "./ComponentNode";
export type { HostFlowNode } from "./HostNode";
export type { ProviderFlowNode } from "./ProviderNode";
export type { V2ComponentFlowNode } from "./V2ComponentNode";
export type { V2HostFlowNode } from "./V2HostNode";
export type { V2ResourceFlowNode } from "./V2ResourceNode";
export type { V2WorkloadFlowNode } from "./V2WorkloadNode";

// Module scope so React Flow sees the same object on every render.
export const nodeTypes: NodeTypes = {
  host: HostNode,
  component: ComponentNode,
  provider: ProviderNode,
  v2host: V2HostNode,
  v2workload: V2WorkloadNode,
  v2component: V2ComponentNode,
  v2resource: V2ResourceNode,
};
