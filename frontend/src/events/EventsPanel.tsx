// The Events tab of one session: the lattice's CloudEvents, newest last, with a type
// filter, a search, failures highlighted, the selected event's JSON beside the list,
// export as JSON lines and clear.
import { useCallback, useMemo, useRef, useState, type KeyboardEvent } from "react";
import { onLatticeEvent, toApiError, type CloudEvent } from "../api";
import { formatClock, shortId } from "../graph/format";
import { exportEvents, saveText } from "../logs/exportLines";
import { StreamList } from "../logs/StreamList";
import { useFollow } from "../logs/useFollow";
import { bySeq, useStream, type Entry, type Subscribe } from "../logs/useStream";
import { isBoolean, isString, usePersistentState } from "../shell/settings";
import { eventKind, eventSummary, isFailure } from "./describe";
import { eventVisible, HEARTBEAT, isStringList, kindCounts, prettyJson, stepSelection, toggleKind } from "./filter";
import "../logs/logs.css";
import "./events.css";

const MAX_EVENTS = 2000;

export interface EventsPanelProps {
  /** The session (lattice tab) whose events are shown. */
  session: string;
}

export function EventsPanel({ session }: EventsPanelProps) {
  const subscribe = useCallback<Subscribe<CloudEvent>>((handler) => onLatticeEvent(session, handler), [session]);
  return <EventsView session={session} subscribe={subscribe} />;
}

/** The tab itself, over any source of events (tests inject one). */
export function EventsView({ session, subscribe }: EventsPanelProps & { subscribe: Subscribe<CloudEvent> }) {
  const [events, clearEvents] = useStream(subscribe, MAX_EVENTS);
  const [hiddenKinds, setHiddenKinds] = usePersistentState<string[]>("events.hiddenKinds", [], isStringList);
  const [heartbeats, setHeartbeats] = usePersistentState("events.heartbeats", false, isBoolean);
  const [search, setSearch] = usePersistentState("events.search", "", isString);
  const [selectedSeq, setSelected] = useState<number | null>(null);
  // The selection as of the last change, for key presses that come faster than renders.
  const latest = useRef<number | null>(null);
  const setSelectedSeq = useCallback((seq: number | null) => {
    latest.current = seq;
    setSelected(seq);
  }, []);
  const [reveal, setReveal] = useState<{ index: number } | null>(null);

  const kinds = useMemo(() => kindCounts(events.map((e) => e.value)), [events]);
  const beats = useMemo(() => events.filter((e) => eventKind(e.value.type) === HEARTBEAT).length, [events]);
  const shown = useMemo(
    () => events.filter((e) => eventVisible(e.value, { hiddenKinds, heartbeats, search })),
    [events, hiddenKinds, heartbeats, search],
  );
  const selected = selectedSeq === null ? undefined : events.find((e) => e.seq === selectedSeq);
  const follow = useFollow(shown, "event");
  const { setFollowing } = follow;

  const clear = () => {
    clearEvents();
    setSelectedSeq(null);
    setFollowing(true);
  };
  // Up/Down move the selection (the JSON follows), Escape closes the JSON pane.
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === "Escape" && latest.current !== null) {
      setSelectedSeq(null);
    } else if (e.key === "ArrowUp" || e.key === "ArrowDown") {
      const next = stepSelection(shown, latest.current, e.key === "ArrowUp" ? -1 : 1);
      if (next === null) return;
      setSelectedSeq(next);
      setReveal({ index: shown.findIndex((s) => s.seq === next) });
    } else {
      return;
    }
    e.preventDefault();
  };
  const [exported, setExported] = useState<string | null>(null);
  const exportShown = () => {
    const file = exportEvents(
      shown.map((e) => e.value),
      session,
      new Date(),
    );
    saveText(file.filename, file.text)
      .then((path) => setExported(`saved to ${path}`))
      .catch((err: unknown) => setExported(`export failed: ${toApiError(err).message}`));
  };

  return (
    <div className="stream">
      <div className="stream__toolbar stream__toolbar--wrap">
        <input
          className="input input--small mono events__search"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          placeholder="search"
          spellCheck={false}
          aria-label="search events"
          title="Words that must all appear in the type, source, summary or JSON"
          data-testid="event-search"
        />
        <span className="chips" role="group" aria-label="event types shown" data-testid="event-type-filter">
          {kinds.map(({ kind, count, failed }) => {
            const on = !hiddenKinds.includes(kind);
            return (
              <button
                key={kind}
                type="button"
                className={`chip${failed ? " chip--failed" : ""}${on ? " chip--on" : ""}`}
                aria-pressed={on}
                onClick={() => setHiddenKinds((prev) => toggleKind(prev, kind))}
                data-testid={`event-type-chip-${kind}`}
              >
                {kind}
                <span className="chip__count">{count}</span>
              </button>
            );
          })}
        </span>
        <label className="check" title="Hosts publish a heartbeat every few seconds">
          <input
            type="checkbox"
            checked={heartbeats}
            onChange={(e) => setHeartbeats(e.target.checked)}
            data-testid="event-heartbeats"
          />{" "}
          heartbeats ({beats})
        </label>
        <span className="stream__spacer" />
        <span className="muted" data-testid="event-count">
          {shown.length === events.length ? `${events.length} events` : `${shown.length} of ${events.length} events`}
        </span>
        <button
          type="button"
          className="btn btn--ghost"
          onClick={exportShown}
          disabled={shown.length === 0}
          title="Save the events shown as JSON lines"
          data-testid="event-export"
        >
          export
        </button>
        <button type="button" className="btn btn--ghost" onClick={clear} data-testid="event-clear">
          clear
        </button>
        {exported && (
          <span className="muted" role="status" data-testid="event-exported">
            {exported}
          </span>
        )}
      </div>
      <div className="events__body">
        <div className="stream__view" onKeyDown={onKeyDown}>
          <StreamList
            items={shown}
            rowKey={bySeq}
            follow={follow.following}
            onScroll={follow.onScroll}
            reveal={reveal}
            empty={events.length === 0 ? "No lattice events yet." : "No events match the filter."}
            label="lattice events"
            renderRow={(e) => (
              <EventRow
                entry={e}
                selected={e.seq === selectedSeq}
                onSelect={(seq) => setSelectedSeq(latest.current === seq ? null : seq)}
              />
            )}
          />
          {follow.pill !== null && (
            <button
              type="button"
              className="stream__pill"
              onClick={() => setFollowing(true)}
              data-testid="event-paused"
            >
              {follow.pill}
            </button>
          )}
        </div>
        {selected && <EventDetail event={selected.value} onClose={() => setSelectedSeq(null)} />}
      </div>
    </div>
  );
}

function EventRow({
  entry,
  selected,
  onSelect,
}: {
  entry: Entry<CloudEvent>;
  selected: boolean;
  onSelect: (seq: number) => void;
}) {
  const e = entry.value;
  const summary = eventSummary(e);
  const cls = `eventline${isFailure(e) ? " eventline--failed" : ""}${selected ? " eventline--selected" : ""}`;
  return (
    <div className={cls} title={summary} onClick={() => onSelect(entry.seq)} data-testid="event-row">
      <span className="logline__time">{formatClock(e.time)}</span>
      <span className="eventline__type">{eventKind(e.type)}</span>
      <span className="logline__src" title={e.source}>
        {shortId(e.source)}
      </span>
      <span className="logline__msg">{summary}</span>
    </div>
  );
}

function EventDetail({ event, onClose }: { event: CloudEvent; onClose: () => void }) {
  return (
    <aside className="events__detail" aria-label="selected event">
      <div className="events__detail-head">
        <span className={isFailure(event) ? "events__kind events__kind--failed" : "events__kind"}>
          {eventKind(event.type)}
        </span>
        <span className="muted mono">{formatClock(event.time)}</span>
        <span className="stream__spacer" />
        <button
          type="button"
          className="btn btn--ghost"
          onClick={onClose}
          aria-label="close"
          data-testid="event-json-close"
        >
          ×
        </button>
      </div>
      <pre className="events__json mono selectable" data-testid="event-json">
        {prettyJson(event)}
      </pre>
    </aside>
  );
}
