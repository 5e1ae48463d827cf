// The Logs tab: host log lines forwarded from the lattice client's log stream.
import { useEffect, useRef, useState } from "react";
import { onLog, type LogRecord } from "../api";
import { formatClock, shortId } from "../graph/format";
import { isBoolean, usePersistentState } from "../shell/settings";
import { appendBounded } from "./buffer";

/** Lines kept in memory; older ones scroll away. */
const MAX_LINES = 2000;

export function LogsPanel() {
  const [lines, setLines] = useState<LogRecord[]>([]);
  const [follow, setFollow] = usePersistentState("logs.follow", true, isBoolean);
  const end = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const unlisten = onLog((record) => setLines((prev) => appendBounded(prev, [record], MAX_LINES)));
    return () => void unlisten.then((f) => f());
  }, []);

  useEffect(() => {
    if (follow) end.current?.scrollIntoView({ block: "end" });
  }, [lines, follow]);

  return (
    <div className="stream">
      <div className="stream__toolbar">
        <label className="check">
          <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} /> follow
        </label>
        <button type="button" className="btn btn--ghost" onClick={() => setLines([])}>
          clear
        </button>
        <span className="muted">{lines.length} lines</span>
      </div>
      <div className="stream__body mono" role="log">
        {lines.length === 0 && <div className="muted stream__empty">No log lines yet.</div>}
        {lines.map((l, i) => (
          <div key={i} className={`logline logline--${l.level}`}>
            <span className="logline__time">{formatClock(l.time)}</span>
            <span className="logline__level">{l.level.toUpperCase()}</span>
            <span className="logline__src">{l.component ?? shortId(l.host)}</span>
            <span className="logline__msg">{l.message}</span>
          </div>
        ))}
        <div ref={end} />
      </div>
    </div>
  );
}
