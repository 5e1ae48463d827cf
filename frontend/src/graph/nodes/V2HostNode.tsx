import { memo } from "react";
import { Handle, Position, type Node, type NodeProps } from "@xyflow/react";
import { useNow } from "../../lattice/useNow";
import { shortId } from "../format";
import type { V2HostNodeData } from "../model";
import { V2_OUT } from "../v2";

/** React Flow's view of a wasmCloud 2.x host node. */
export type V2HostFlowNode = Node<V2HostNodeData, "v2host">;

/** Past this, the host has missed a heartbeat (it sends one every 15 s). */
const LATE_AFTER_MS = 20_000;

function V2HostNodeView({ data, selected }: NodeProps<V2HostFlowNode>) {
  const now = useNow(1000);
  const age = data.heardAt > 0 ? Math.max(0, Math.round((now - data.heardAt) / 1000)) : null;
  const late = age !== null && age * 1000 > LATE_AFTER_MS;
  return (
    <div
      className={`host-node v2host-node${selected ? " host-node--selected" : ""}${late ? " v2host-node--late" : ""}`}
      title={`${data.friendlyName} ${data.hostId}`}
      data-v2-host-id={data.hostId}
    >
      {/* Placement edges to the workloads Trellis started here leave from this side. */}
      <Handle id={V2_OUT} type="source" position={Position.Right} className="v2-handle" isConnectable={false} />
      <div className="host-node__header">
        <span className="host-node__icon" aria-hidden>
          ▲
        </span>
        <span className="host-node__name">{data.hostname}</span>
        <span className="badge badge--v2">wasmCloud 2.x</span>
      </div>
      <dl className="host-node__facts">
        <dt>id</dt>
        <dd className="host-node__id mono">{shortId(data.hostId)}</dd>
        <dt>version</dt>
        <dd className="mono">{data.version}</dd>
        <dt>group</dt>
        <dd className="mono">
          {data.group || "—"}
          {data.environment && <span className="muted"> · {data.environment}</span>}
        </dd>
        <dt>runs</dt>
        <dd className="v2host-node__counts">
          {data.workloadCount} workload{data.workloadCount === 1 ? "" : "s"}, {data.componentCount} component
          {data.componentCount === 1 ? "" : "s"}
        </dd>
        <dt>heard</dt>
        <dd className="v2host-node__heard mono">{age === null ? "—" : `${age} s ago`}</dd>
      </dl>
      {data.interfaces.length > 0 && (
        <div className="v2host-node__interfaces mono" title={data.interfaces.join("\n")}>
          {data.interfaces.length} plugin interface{data.interfaces.length === 1 ? "" : "s"}
        </div>
      )}
    </div>
  );
}

/** A wasmCloud 2.x host from its heartbeats: hostname, group, counts and the age of its last
 * heartbeat (late past 20 s; it leaves the graph after four missed). */
export const V2HostNode = memo(V2HostNodeView);
