import { memo } from "react";
import type { Node, NodeProps } from "@xyflow/react";
import { useNow } from "../../lattice/useNow";
import type { MiniBox } from "../detail";
import { formatUptime, shortId } from "../format";
import { currentUptime, type HostNodeData } from "../model";

/**
 * React Flow's view of a host node. `mini` is set in a large graph (see detail.ts): the frame
 * draws its components and providers itself, as plain boxes, under the nodes in the page.
 */
export type HostFlowNode = Node<HostNodeData & { mini?: readonly MiniBox[] }, "host">;

function HostNodeView({ data, selected, width, height }: NodeProps<HostFlowNode>) {
  const now = useNow(1000);
  return (
    <div className={`host-node${selected ? " host-node--selected" : ""}`} title={data.hostId}>
      {data.mini && (
        // One SVG per frame: no React Flow node, handle or edge per child to update or paint.
        <svg className="host-node__mini" width={width} height={height} aria-hidden>
          {data.mini.map((b, i) => (
            <rect key={i} className={`mini-box mini-box--${b.kind}`} x={b.x} y={b.y} width={b.width} height={b.height} />
          ))}
        </svg>
      )}
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
