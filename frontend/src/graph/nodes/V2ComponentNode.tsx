import { memo } from "react";
import { Handle, Position, type Node, type NodeProps } from "@xyflow/react";
import { V2_IN, V2_OUT, type V2ComponentNodeData } from "../v2";

/** React Flow's view of a component of a 2.x workload. */
export type V2ComponentFlowNode = Node<V2ComponentNodeData, "v2component">;

function V2ComponentNodeView({ data, selected }: NodeProps<V2ComponentFlowNode>) {
  return (
    <div
      className={`component-node v2component-node${selected ? " component-node--selected" : ""}${data.witError ? " component-node--broken" : ""}`}
      title={data.digest ? `${data.image}\n${data.digest}` : data.image}
      data-v2-component={`${data.workloadId}:${data.name}`}
    >
      {/* Links inside the workload: from an exporter (right) to an importer (left). */}
      <Handle id={V2_IN} type="target" position={Position.Left} className="v2-handle" isConnectable={false} />
      <Handle id={V2_OUT} type="source" position={Position.Right} className="v2-handle" isConnectable={false} />
      <div className="component-node__header">
        <span className="component-node__icon" aria-hidden>
          ▣
        </span>
        <span className="component-node__name">{data.name}</span>
      </div>
      <div className="component-node__sub mono muted" data-testid="v2-component-image">
        {data.image}
      </div>
      <ul className="v2component-node__interfaces mono">
        {data.witError && (
          <li className="v2component-node__error" title={data.witError}>
            WIT unavailable: {data.witError}
          </li>
        )}
        {data.interfaces.map((i) => (
          <li key={`${i.direction}:${i.interface}`} title={`${i.direction === "export" ? "the host calls" : "the host serves"} ${i.label}`} data-testid="v2-interface">
            <span className="muted">{i.direction === "export" ? "⇠ " : "⇢ "}</span>
            {i.label}
          </li>
        ))}
        {!data.witError && data.interfaces.length === 0 && <li className="muted">{data.wit ? "no host interfaces" : "reading WIT…"}</li>}
      </ul>
    </div>
  );
}

/** A component of a 2.x workload: name, image, and the host interfaces it binds with their config. */
export const V2ComponentNode = memo(V2ComponentNodeView);
