// The Events tab: the lattice's CloudEvents, newest last.
import { useEffect, useRef, useState } from "react";
import { onLatticeEvent, type CloudEvent } from "../api";
import { formatClock, shortId } from "../graph/format";
import { appendBounded } from "../logs/buffer";
import { eventKind, eventSummary, isFailure } from "./describe";

const MAX_EVENTS = 1000;

export function EventsPanel() {
  const [events, setEvents] = useState<CloudEvent[]>([]);
  const end = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const unlisten = onLatticeEvent((e) => setEvents((prev) => appendBounded(prev, [e], MAX_EVENTS)));
    return () => void unlisten.then((f) => f());
  }, []);

  useEffect(() => end.current?.scrollIntoView({ block: "end" }), [events]);

  return (
    <div className="stream">
      <div className="stream__toolbar">
        <button type="button" className="btn btn--ghost" onClick={() => setEvents([])}>
          clear
        </button>
        <span className="muted">{events.length} events</span>
      </div>
      <div className="stream__body mono">
        {events.length === 0 && <div className="muted stream__empty">No lattice events yet.</div>}
        {events.map((e) => (
          <div key={e.id} className={`eventline${isFailure(e) ? " eventline--failed" : ""}`}>
            <span className="logline__time">{formatClock(e.time)}</span>
            <span className="eventline__type">{eventKind(e.type)}</span>
            <span className="logline__src">{shortId(e.source)}</span>
            <span className="logline__msg">{eventSummary(e)}</span>
          </div>
        ))}
        <div ref={end} />
      </div>
    </div>
  );
}
