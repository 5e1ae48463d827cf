// The Events tab: the lattice's CloudEvents, newest last.
import { onLatticeEvent, type CloudEvent } from "../api";
import { formatClock, shortId } from "../graph/format";
import { StreamList } from "../logs/StreamList";
import { useStream } from "../logs/useStream";
import { eventKind, eventSummary, isFailure } from "./describe";

const MAX_EVENTS = 2000;

export function EventsPanel() {
  const [events, clear] = useStream<CloudEvent>(onLatticeEvent, MAX_EVENTS);

  return (
    <div className="stream">
      <div className="stream__toolbar">
        <button type="button" className="btn btn--ghost" onClick={clear}>
          clear
        </button>
        <span className="muted">{events.length} events</span>
      </div>
      <StreamList
        items={events}
        rowKey={(e) => e.id}
        follow
        empty="No lattice events yet."
        label="lattice events"
        renderRow={(e) => (
          <div className={`eventline${isFailure(e) ? " eventline--failed" : ""}`} title={eventSummary(e)}>
            <span className="logline__time">{formatClock(e.time)}</span>
            <span className="eventline__type">{eventKind(e.type)}</span>
            <span className="logline__src">{shortId(e.source)}</span>
            <span className="logline__msg">{eventSummary(e)}</span>
          </div>
        )}
      />
    </div>
  );
}
