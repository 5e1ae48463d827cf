// The Logs tab: host log lines forwarded from the lattice client's log stream, with a
// level and a component filter.
import { useMemo } from "react";
import { onLog, type LogLevel, type LogRecord } from "../api";
import { formatClock, shortId } from "../graph/format";
import { isBoolean, isOneOf, isString, usePersistentState } from "../shell/settings";
import { LEVELS, logVisible } from "./filter";
import { StreamList } from "./StreamList";
import { useStream } from "./useStream";

/** Lines kept in memory; older ones scroll away. */
const MAX_LINES = 5000;

export function LogsPanel() {
  const [lines, clear] = useStream<LogRecord>(onLog, MAX_LINES);
  const [follow, setFollow] = usePersistentState("logs.follow", true, isBoolean);
  const [minLevel, setMinLevel] = usePersistentState<LogLevel>("logs.level", "trace", isOneOf(LEVELS));
  const [component, setComponent] = usePersistentState("logs.component", "", isString);
  const shown = useMemo(() => lines.filter((l) => logVisible(l, minLevel, component)), [lines, minLevel, component]);

  return (
    <div className="stream">
      <div className="stream__toolbar">
        <label className="check">
          <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} /> follow
        </label>
        <select
          className="input input--small"
          value={minLevel}
          onChange={(e) => setMinLevel(e.target.value as LogLevel)}
          aria-label="lowest level shown"
          data-testid="log-level"
        >
          {LEVELS.map((l) => (
            <option key={l} value={l}>
              {l === "trace" ? "all levels" : `${l} and above`}
            </option>
          ))}
        </select>
        <input
          className="input input--small mono"
          value={component}
          onChange={(e) => setComponent(e.target.value)}
          placeholder="component"
          spellCheck={false}
          aria-label="component filter"
          data-testid="log-component"
        />
        <button type="button" className="btn btn--ghost" onClick={clear}>
          clear
        </button>
        <span className="muted">
          {shown.length === lines.length ? `${lines.length} lines` : `${shown.length} of ${lines.length} lines`}
        </span>
      </div>
      <StreamList
        items={shown}
        rowKey={(_, i) => i}
        follow={follow}
        empty={lines.length === 0 ? "No log lines yet." : "No lines match the filter."}
        label="logs"
        renderRow={(l) => (
          <div className={`logline logline--${l.level}`} title={l.message}>
            <span className="logline__time">{formatClock(l.time)}</span>
            <span className="logline__level">{l.level.toUpperCase()}</span>
            <span className="logline__src">{l.component ?? shortId(l.host)}</span>
            <span className="logline__msg">{oneLine(l.message)}</span>
          </div>
        )}
      />
    </div>
  );
}

/** A message on one row: line breaks shown as ↵ (the full text is the row's tooltip). */
function oneLine(message: string): string {
  return message.replace(/\r?\n/g, " ↵ ");
}
