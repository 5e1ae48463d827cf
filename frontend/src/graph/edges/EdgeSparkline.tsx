// The traffic of a spied link drawn under its edge's label: calls per second (solid) and the
// median latency (thin) per second over the last 30 s, the figures beside them, red when a
// call failed in the window. Plain SVG inside the edge's own SVG group: no portal, no HTML.
import { memo } from "react";
import { latencyText, trafficTitle, type Traffic } from "../../spy/traffic";

/** Size of the sparkline's box, and of its plot inside it. */
export const SPARKLINE = { width: 128, height: 24, plotX: 4, plotWidth: 58, plotY: 4, plotHeight: 16 } as const;
/** How far below the edge's label centre the box starts (the label is ~18 px tall). */
const BELOW_LABEL = 12;

interface Props {
  traffic: Traffic;
  /** The edge's label centre. */
  x: number;
  y: number;
}

/** `values` as polyline points over the plot, scaled to their own maximum; `null`s are skipped. */
export function sparkPoints(values: readonly (number | null)[]): string {
  const { plotX, plotWidth, plotY, plotHeight } = SPARKLINE;
  const max = Math.max(1, ...values.map((v) => v ?? 0));
  const step = values.length > 1 ? plotWidth / (values.length - 1) : 0;
  return values
    .flatMap((v, i) => (v === null ? [] : [`${round(plotX + i * step)},${round(plotY + plotHeight - (v / max) * plotHeight)}`]))
    .join(" ");
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

function EdgeSparklineView({ traffic, x, y }: Props) {
  const title = trafficTitle(traffic);
  const failing = traffic.errors > 0;
  const { width, height, plotX, plotWidth } = SPARKLINE;
  const text = plotX + plotWidth + 6;
  return (
    <svg
      className={`edge-sparkline${failing ? " edge-sparkline--failing" : ""}`}
      data-testid="edge-sparkline"
      data-errors={traffic.errors}
      x={round(x - width / 2)}
      y={round(y + BELOW_LABEL)}
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-label={title}
    >
      <title>{title}</title>
      <rect className="edge-sparkline__bg" x={0.5} y={0.5} width={width - 1} height={height - 1} rx={4} />
      <polyline className="edge-sparkline__latency" points={sparkPoints(traffic.p50s)} />
      <polyline className="edge-sparkline__rate" points={sparkPoints(traffic.counts)} />
      <text className="edge-sparkline__text" x={text} y={10}>
        {traffic.rate.toFixed(1)}/s{failing ? ` ${traffic.errors}✗` : ""}
      </text>
      <text className="edge-sparkline__text edge-sparkline__text--dim" x={text} y={20}>
        {traffic.p50Us === null ? "–" : `p50 ${latencyText(traffic.p50Us)}`}
      </text>
    </svg>
  );
}

export const EdgeSparkline = memo(EdgeSparklineView);
