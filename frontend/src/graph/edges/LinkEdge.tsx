// A link's edge: React Flow's bezier edge with its label, and, while the link's target is
// spied on, the traffic crossing it as a sparkline under the label. Only the edges of a
// spied link subscribe to the spy store, and each re-renders only when its own traffic
// changes (the store throttles that to ~4 times a second).
import { memo } from "react";
import { BaseEdge, getBezierPath, type Edge, type EdgeProps } from "@xyflow/react";
import { getActiveSession, type LinkKey } from "../../api";
import { useLinkTraffic, type SpiedLink } from "../../spy/store";
import { EdgeSparkline } from "./EdgeSparkline";

/** Data of a link edge (a type alias, not an interface, so React Flow accepts it as edge data). */
export type LinkEdgeData = {
  /** What deletes or edits the link this edge draws. */
  linkKey?: LinkKey;
  /** Set while the calls crossing this edge are spied on: the link as spy records name it. */
  spied?: SpiedLink;
};

export type LinkFlowEdge = Edge<LinkEdgeData, "link">;

function LinkEdgeView({
  sourceX,
  sourceY,
  targetX,
  targetY,
  sourcePosition,
  targetPosition,
  label,
  labelStyle,
  labelShowBg,
  labelBgStyle,
  labelBgPadding,
  labelBgBorderRadius,
  style,
  markerEnd,
  markerStart,
  interactionWidth,
  data,
}: EdgeProps<LinkFlowEdge>) {
  const [path, labelX, labelY] = getBezierPath({ sourceX, sourceY, sourcePosition, targetX, targetY, targetPosition });
  return (
    <>
      <BaseEdge
        path={path}
        labelX={labelX}
        labelY={labelY}
        label={label}
        labelStyle={labelStyle}
        labelShowBg={labelShowBg}
        labelBgStyle={labelBgStyle}
        labelBgPadding={labelBgPadding}
        labelBgBorderRadius={labelBgBorderRadius}
        style={style}
        markerEnd={markerEnd}
        markerStart={markerStart}
        interactionWidth={interactionWidth}
      />
      {data?.spied && <LinkTraffic link={data.spied} x={labelX} y={labelY} />}
    </>
  );
}

/** The sparkline of a spied link, kept current from the session's spy store. */
function LinkTraffic({ link, x, y }: { link: SpiedLink; x: number; y: number }) {
  const traffic = useLinkTraffic(getActiveSession(), link);
  return traffic ? <EdgeSparkline traffic={traffic} x={x} y={y} /> : null;
}

export const LinkEdge = memo(LinkEdgeView);
