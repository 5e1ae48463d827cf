import { memo } from "react";
import { Handle, Position, type Node, type NodeProps } from "@xyflow/react";
import { getActiveSession } from "../../api";
import type { ComponentNodeData, Pin } from "../model";
import { reloadBadge, reloadSummary, useLastReload } from "./reloads";

/** React Flow's view of a component node. */
export type ComponentFlowNode = Node<ComponentNodeData, "component">;

function PinRow({ pin, side }: { pin: Pin; side: "in" | "out" }) {
  const title = pin.unsatisfied ? `${pin.name}: unsatisfied — ${pin.reason ?? "nothing serves it"}` : pin.name;
  return (
    <div
      className={`pin pin--${side}${pin.unsatisfied ? " pin--unsatisfied" : ""}`}
      title={title}
      data-testid={`pin-${side}`}
    >
      <Handle
        id={pin.handle}
        type={side === "in" ? "target" : "source"}
        position={side === "in" ? Position.Left : Position.Right}
        className="pin__handle"
        isConnectable
      />
      <span className="pin__label mono">{pin.key}</span>
    </div>
  );
}

function ComponentNodeView({ data, selected }: NodeProps<ComponentFlowNode>) {
  const unsatisfied = data.imports.filter((p) => p.unsatisfied).length;
  // Pins change only with the model: the canvas re-measures every node after each change.
  return (
    <div
      className={`component-node${selected ? " component-node--selected" : ""}${unsatisfied ? " component-node--broken" : ""}`}
      title={data.imageRef}
      data-component-id={data.componentId}
    >
      <div className="component-node__header">
        <span className="component-node__icon" aria-hidden>
          ▣
        </span>
        <span className="component-node__name">{data.componentId}</span>
        <span className="badge badge--instances" title="max instances">
          ×{data.maxInstances}
        </span>
        <ReloadBadge componentId={data.componentId} />
      </div>
      <div className="component-node__sub mono muted">
        {data.witError ? "WIT unavailable" : data.witKnown ? imageName(data.imageRef) : "reading WIT…"}
        {data.app && (
          <span className="app-badge" title={`managed by wadm: application ${data.app}`} data-testid="app-badge">
            {" "}
            · app {data.app}
          </span>
        )}
      </div>
      <div className="component-node__pins">
        <div className="component-node__side">
          {data.imports.map((pin) => (
            <PinRow key={pin.handle} pin={pin} side="in" />
          ))}
        </div>
        <div className="component-node__side component-node__side--out">
          {data.exports.map((pin) => (
            <PinRow key={pin.handle} pin={pin} side="out" />
          ))}
        </div>
      </div>
      {data.hostServed > 0 && (
        <div className="component-node__footer muted">
          + {data.hostServed} import{data.hostServed === 1 ? "" : "s"} served by the host
        </div>
      )}
    </div>
  );
}

/** The last "Watch file" reload of the component: its new revision, or that it failed. */
function ReloadBadge({ componentId }: { componentId: string }) {
  const reload = useLastReload(getActiveSession(), componentId);
  if (!reload) return null;
  return (
    <span
      className="badge badge--instances"
      style={reload.ok ? undefined : { background: "var(--err-soft)", color: "var(--err)" }}
      title={reload.ok ? `${reloadSummary(reload)}\n${reload.message}` : reloadSummary(reload)}
      data-testid="component-reload-badge"
      data-ok={reload.ok}
    >
      {reloadBadge(reload)}
    </span>
  );
}

/** The last path segment of an image reference. */
function imageName(ref: string): string {
  const cut = ref.lastIndexOf("/");
  return cut < 0 ? ref : ref.slice(cut + 1);
}

/** A component: id, instances badge, imports as pins on the left, exports on the right. */
export const ComponentNode = memo(ComponentNodeView);
