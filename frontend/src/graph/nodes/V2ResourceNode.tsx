import { memo } from "react";
import { Handle, Position, type Node, type NodeProps } from "@xyflow/react";
import { V2_IN, type V2ResourceNodeData } from "../v2";

/** React Flow's view of a subject, bucket or container 2.x workloads were seen touching. */
export type V2ResourceFlowNode = Node<V2ResourceNodeData, "v2resource">;

const ICONS: Record<V2ResourceNodeData["kind"], string> = { subject: "✉", bucket: "⛁", container: "▤" };

function V2ResourceNodeView({ data, selected }: NodeProps<V2ResourceFlowNode>) {
  return (
    <div
      className={`v2resource-node${selected ? " v2resource-node--selected" : ""}`}
      title={`${data.kind} ${data.name}, seen in the spans of ${data.workloads.join(", ")}`}
      data-v2-resource={`${data.kind}:${data.name}`}
    >
      <Handle id={V2_IN} type="target" position={Position.Left} className="v2-handle" isConnectable={false} />
      <span className="v2resource-node__icon" aria-hidden>
        {ICONS[data.kind]}
      </span>
      <span className="v2resource-node__kind">{data.kind}</span>
      <span className="v2resource-node__name mono">{data.name}</span>
    </div>
  );
}

export const V2ResourceNode = memo(V2ResourceNodeView);
