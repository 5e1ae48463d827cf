// The minimap of a large graph: its frames as boxes and the view as a rectangle. React Flow's
// own minimap keeps a store subscription per node (2,000 of them ran on every pan step, about
// half a pan frame's script in bench/app) and repaints a rectangle per node; this one draws
// the frames once and moves one rectangle, outside React, as the view moves.
import { useEffect, useMemo, useRef } from "react";
import { Panel, useReactFlow, useStoreApi } from "@xyflow/react";
import { framesBounds, viewArea, type Area } from "./detail";
import type { Positions } from "./layout";
import type { GraphModel } from "./model";

const WIDTH = 160;
const HEIGHT = 100;

interface Props {
  model: GraphModel;
  positions: Positions;
}

/** A minimap of the top-level nodes (host frames); a click or a drag on it moves the view there. */
export function FrameMiniMap({ model, positions }: Props) {
  const store = useStoreApi();
  const { setCenter } = useReactFlow();
  const viewRect = useRef<SVGRectElement>(null);
  const frames = useMemo(
    () =>
      model.nodes.flatMap((n) => {
        const p = positions.get(n.id);
        return !n.parentId && p ? [{ id: n.id, x: p.x, y: p.y, width: p.width ?? n.width, height: p.height ?? n.height }] : [];
      }),
    [model, positions],
  );
  const bounds = useMemo(() => padded(framesBounds(model, positions)), [model, positions]);

  // The view's rectangle follows the store without re-rendering the minimap.
  useEffect(() => {
    const place = ({ transform, width, height }: { transform: [number, number, number]; width: number; height: number }) => {
      const rect = viewRect.current;
      if (!rect || width <= 0 || height <= 0) return;
      const view = viewArea(transform, width, height);
      rect.setAttribute("x", String(view.x));
      rect.setAttribute("y", String(view.y));
      rect.setAttribute("width", String(view.width));
      rect.setAttribute("height", String(view.height));
    };
    place(store.getState());
    return store.subscribe(place);
  }, [store, bounds]);

  if (!bounds) return null;
  const moveTo = (event: React.PointerEvent<SVGSVGElement>) => {
    const svg = event.currentTarget.getBoundingClientRect();
    const scale = Math.max(bounds.width / svg.width, bounds.height / svg.height);
    // The viewBox is centred in the element (preserveAspectRatio's default).
    const x = bounds.x + bounds.width / 2 + (event.clientX - svg.left - svg.width / 2) * scale;
    const y = bounds.y + bounds.height / 2 + (event.clientY - svg.top - svg.height / 2) * scale;
    void setCenter(x, y, { zoom: store.getState().transform[2] });
  };
  return (
    <Panel position="bottom-right" className="frame-minimap" data-testid="frame-minimap">
      <svg
        width={WIDTH}
        height={HEIGHT}
        viewBox={`${bounds.x} ${bounds.y} ${bounds.width} ${bounds.height}`}
        role="img"
        aria-label="Minimap of the host frames"
        onPointerDown={(event) => {
          event.currentTarget.setPointerCapture(event.pointerId);
          moveTo(event);
        }}
        onPointerMove={(event) => {
          if (event.buttons === 1) moveTo(event);
        }}
      >
        {frames.map((f) => (
          <rect key={f.id} className="frame-minimap__frame" x={f.x} y={f.y} width={f.width} height={f.height} />
        ))}
        <rect ref={viewRect} className="frame-minimap__view" vectorEffect="non-scaling-stroke" />
      </svg>
    </Panel>
  );
}

/** `bounds` with a margin of a tenth of its size, or null for an empty graph. */
function padded(bounds: Area | null): Area | null {
  if (!bounds) return null;
  const [dx, dy] = [bounds.width / 10, bounds.height / 10];
  return { x: bounds.x - dx, y: bounds.y - dy, width: bounds.width + 2 * dx, height: bounds.height + 2 * dy };
}
