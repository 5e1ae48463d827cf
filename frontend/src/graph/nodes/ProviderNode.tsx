import { memo } from "react";
import { Handle, Position, type Node, type NodeProps } from "@xyflow/react";
import { PROVIDER_IN, PROVIDER_OUT, type ProviderNodeData } from "../model";

/** React Flow's view of a provider node. */
export type ProviderFlowNode = Node<ProviderNodeData, "provider">;

function ProviderNodeView({ data, selected }: NodeProps<ProviderFlowNode>) {
  return (
    <div className={`provider-node${selected ? " provider-node--selected" : ""}`} title={data.imageRef}>
      {/* Links where the provider calls a component end here; links it serves start on the right. */}
      <Handle id={PROVIDER_IN} type="target" position={Position.Left} isConnectable />
      <div className="provider-node__header">
        <span className="provider-node__icon" aria-hidden>
          ⬡
        </span>
        <span className="provider-node__name">{data.providerId}</span>
      </div>
      <div className="provider-node__ref mono muted">
        {data.imageRef || "provider"}
        {data.app && (
          <span className="app-badge" title={`managed by wadm: application ${data.app}`} data-testid="app-badge">
            {" "}
            · app {data.app}
          </span>
        )}
      </div>
      <Handle id={PROVIDER_OUT} type="source" position={Position.Right} isConnectable />
    </div>
  );
}

/** A capability provider (its WIT is not known: one pin per side). */
export const ProviderNode = memo(ProviderNodeView);
