import { memo } from "react";
import type { Node, NodeProps } from "@xyflow/react";
import { useNow } from "../../lattice/useNow";
import { formatUptime, shortId } from "../format";
import { currentUptime, type HostNodeData } from "../model";

/** React Flow's view of a host node. */
export type HostFlowNode = Node<HostNodeData, "host">;

function HostNodeView({ data, selected }: NodeProps<HostFlowNode>) {
  const now = useNow(1000);
  return (
    <div className={`host-node${selected ? " host-node--selected" : ""}`} title={data.hostId}>
      <div className="host-node__header">
        <span className="host-node__icon" aria-hidden>
          ◆
        </span>
        <span className="host-node__name">{data.friendlyName}</span>
        {data.isLocal && <span className="badge badge--local">local</span>}
      </div>
      <dl className="host-node__facts">
        <dt>id</dt>
        <dd className="host-node__id mono">{shortId(data.hostId)}</dd>
        <dt>version</dt>
        <dd className="host-node__version mono">{data.version}</dd>
        <dt>uptime</dt>
        <dd className="host-node__uptime mono">{formatUptime(currentUptime(data, now))}</dd>
      </dl>
      {data.componentCount + data.providerCount === 0 && <div className="host-node__empty">no components yet</div>}
    </div>
  );
}

/** A host frame: friendly name, short id, version and a ticking uptime; what it runs sits inside. */
export const HostNode = memo(HostNodeView);
