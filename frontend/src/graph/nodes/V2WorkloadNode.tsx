import { memo } from "react";
import { Handle, Position, type Node, type NodeProps } from "@xyflow/react";
import { shortId } from "../format";
import { V2_IN, V2_TOUCHES, type V2WorkloadNodeData } from "../v2";

/** React Flow's view of a wasmCloud 2.x workload frame. */
export type V2WorkloadFlowNode = Node<V2WorkloadNodeData, "v2workload">;

function V2WorkloadNodeView({ data, selected }: NodeProps<V2WorkloadFlowNode>) {
  return (
    <div
      className={`host-node v2workload-node${selected ? " host-node--selected" : ""}${data.running ? "" : " v2workload-node--down"}`}
      title={`${data.name} ${data.workloadId} on ${data.hostname}`}
      data-v2-workload-id={data.workloadId}
    >
      {/* The placement edge from the host arrives here. */}
      <Handle id={V2_IN} type="target" position={Position.Left} className="v2-handle" isConnectable={false} />
      {/* Dashed edges to what its spans showed it touching leave from here. */}
      <Handle id={V2_TOUCHES} type="source" position={Position.Right} className="v2-handle" isConnectable={false} />
      <div className="host-node__header">
        <span className="host-node__icon" aria-hidden>
          ◆
        </span>
        <span className="host-node__name">{data.name}</span>
        <span className="badge badge--v2">workload</span>
      </div>
      <dl className="host-node__facts">
        <dt>id</dt>
        <dd className="host-node__id mono" title={data.workloadId}>
          {shortId(data.workloadId)}
        </dd>
        <dt>state</dt>
        <dd className={`v2workload-node__state mono ${data.running ? "v2-workloads__state--ok" : "v2workload-node__state--bad"}`} title={data.status}>
          {data.status}
        </dd>
        {data.error && (
          <>
            <dt>parts</dt>
            <dd className="v2workload-node__state--bad" title={data.error}>
              {data.error}
            </dd>
          </>
        )}
        {data.service && (
          <>
            <dt>service</dt>
            <dd className="mono" title={data.service} data-testid="v2-workload-service">
              {data.service}
            </dd>
          </>
        )}
        {data.unbound.length > 0 && (
          <>
            <dt>asks</dt>
            <dd className="mono" title={data.unbound.join("\n")}>
              {data.unbound.join(", ")}
            </dd>
          </>
        )}
      </dl>
    </div>
  );
}

/** A workload Trellis started on a 2.x host: `namespace/name`, id and state, its components inside. */
export const V2WorkloadNode = memo(V2WorkloadNodeView);
