// The Logs tab of one session: host and component log lines with level chips, a component
// and a regex filter, timestamps, follow that pauses on scroll up, export and clear.
import { useCallback, useMemo, useState } from "react";
import { onLog, toApiError, type LogRecord } from "../api";
import { isBoolean, isOneOf, isString, usePersistentState } from "../shell/settings";
import { exportLogs, LOG_EXPORT_FORMATS, saveText, type LogExportFormat } from "./exportLines";
import { compileRegex, isChipList, LEVEL_CHIPS, logVisible, toggleChip, type LevelChip } from "./filter";
import type { TelemetryState } from "../lattice/useTelemetry";
import { LogRow } from "./LogRow";
import { TelemetryBar } from "./TelemetryBar";
import { StreamList } from "./StreamList";
import { useFollow } from "./useFollow";
import { bySeq, useStream, type Subscribe } from "./useStream";
import "./logs.css";

/** Lines kept in memory; older ones scroll away. */
const MAX_LINES = 5000;

export interface LogsPanelProps {
  /** The session (lattice tab) whose lines are shown. */
  session: string;
  /** Called with a component id when its name on a line is clicked. */
  onSelectComponent?: (componentId: string) => void;
  /** Said instead of the generic empty text while no line has arrived (e.g. hosts that publish none). */
  logsNote?: string | null;
}

export function LogsPanel({
  session,
  telemetry,
  ...rest
}: LogsPanelProps & { telemetry?: TelemetryState | null }) {
  const subscribe = useCallback<Subscribe<LogRecord>>((handler) => onLog(session, handler), [session]);
  return (
    <div className="logs-panel">
      {telemetry && <TelemetryBar telemetry={telemetry} />}
      <LogsView session={session} subscribe={subscribe} {...rest} />
    </div>
  );
}

/** The tab itself, over any source of lines (tests inject one). */
export function LogsView({
  session,
  subscribe,
  onSelectComponent,
  logsNote,
}: LogsPanelProps & { subscribe: Subscribe<LogRecord> }) {
  const [lines, clearLines] = useStream(subscribe, MAX_LINES);
  const [levels, setLevels] = usePersistentState<LevelChip[]>("logs.levels", [...LEVEL_CHIPS], isChipList);
  const [component, setComponent] = usePersistentState("logs.component", "", isString);
  const [pattern, setPattern] = usePersistentState("logs.regex", "", isString);
  const [timestamps, setTimestamps] = usePersistentState("logs.timestamps", true, isBoolean);
  const [format, setFormat] = usePersistentState<LogExportFormat>(
    "logs.exportFormat",
    "jsonl",
    isOneOf(LOG_EXPORT_FORMATS),
  );
  const { regex, error } = useMemo(() => compileRegex(pattern), [pattern]);
  const shown = useMemo(
    () => lines.filter((l) => logVisible(l.value, { levels, component, regex })),
    [lines, levels, component, regex],
  );
  const follow = useFollow(shown);
  const { setFollowing } = follow;

  const clear = useCallback(() => {
    clearLines();
    setFollowing(true);
  }, [clearLines, setFollowing]);
  const [exported, setExported] = useState<string | null>(null);
  const exportShown = () => {
    const file = exportLogs(
      shown.map((l) => l.value),
      format,
      session,
      new Date(),
    );
    saveText(file.filename, file.text)
      .then((path) => setExported(`saved to ${path}`))
      .catch((err: unknown) => setExported(`export failed: ${toApiError(err).message}`));
  };

  const empty = lines.length === 0 ? (logsNote ?? "No log lines yet.") : "No lines match the filter.";
  return (
    <div className="stream">
      <div className="stream__toolbar stream__toolbar--wrap">
        <label className="check">
          <input
            type="checkbox"
            checked={follow.following}
            onChange={(e) => setFollowing(e.target.checked)}
            data-testid="log-follow"
          />{" "}
          follow
        </label>
        <span className="chips" role="group" aria-label="levels shown">
          {LEVEL_CHIPS.map((chip) => (
            <button
              key={chip}
              type="button"
              className={`chip chip--${chip}${levels.includes(chip) ? " chip--on" : ""}`}
              aria-pressed={levels.includes(chip)}
              onClick={() => setLevels((prev) => toggleChip(prev, chip))}
              title={chip === "error" ? "error and critical" : chip}
              data-testid={`log-level-chip-${chip}`}
            >
              {chip}
            </button>
          ))}
        </span>
        <input
          className="input input--small mono logs__component"
          value={component}
          onChange={(e) => setComponent(e.target.value)}
          placeholder="component"
          spellCheck={false}
          aria-label="component filter"
          data-testid="log-component"
        />
        <input
          className={`input input--small mono logs__regex${error ? " input--invalid" : ""}`}
          value={pattern}
          onChange={(e) => setPattern(e.target.value)}
          placeholder="regex"
          spellCheck={false}
          aria-label="regex filter"
          aria-invalid={error !== null}
          title="Hides lines whose message, source and context do not match; case-insensitive unless it has a capital"
          data-testid="log-regex"
        />
        {error !== null && (
          <span className="stream__error" role="alert" data-testid="log-regex-error">
            invalid regex: {error}
          </span>
        )}
        <label className="check">
          <input
            type="checkbox"
            checked={timestamps}
            onChange={(e) => setTimestamps(e.target.checked)}
            data-testid="log-timestamps"
          />{" "}
          timestamps
        </label>
        <span className="stream__spacer" />
        <span className="muted" data-testid="log-count">
          {shown.length === lines.length ? `${lines.length} lines` : `${shown.length} of ${lines.length} lines`}
        </span>
        <select
          className="input input--small"
          value={format}
          onChange={(e) => setFormat(e.target.value as LogExportFormat)}
          aria-label="export format"
          data-testid="log-export-format"
        >
          <option value="jsonl">.jsonl</option>
          <option value="text">.txt</option>
        </select>
        <button
          type="button"
          className="btn btn--ghost"
          onClick={exportShown}
          disabled={shown.length === 0}
          title="Save the lines shown, as JSON lines or plain text"
          data-testid="log-export"
        >
          export
        </button>
        <button type="button" className="btn btn--ghost" onClick={clear} data-testid="log-clear">
          clear
        </button>
        {exported && (
          <span className="muted" role="status" data-testid="log-exported">
            {exported}
          </span>
        )}
      </div>
      <div className="stream__view">
        <StreamList
          items={shown}
          rowKey={bySeq}
          follow={follow.following}
          onScroll={follow.onScroll}
          empty={empty}
          label="logs"
          renderRow={(l) => (
            <LogRow record={l.value} timestamps={timestamps} highlight={regex} onSelectComponent={onSelectComponent} />
          )}
        />
        {follow.pill !== null && (
          <button
            type="button"
            className="stream__pill"
            onClick={() => setFollowing(true)}
            title="Jump to the newest line and follow"
            data-testid="log-paused"
          >
            {follow.pill}
          </button>
        )}
      </div>
    </div>
  );
}
