// One line of the Logs tab: time (optional), level, source and message. The component
// name is a button that selects the component's node.
import { memo } from "react";
import type { LogRecord } from "../api";
import { formatClock, shortId } from "../graph/format";
import { splitMatches } from "./filter";

interface Props {
  record: LogRecord;
  timestamps: boolean;
  /** The regex filter, whose matches in the message are highlighted. */
  highlight?: RegExp | null;
  onSelectComponent?: (componentId: string) => void;
}

export const LogRow = memo(function LogRow({ record, timestamps, highlight = null, onSelectComponent }: Props) {
  const component = record.component;
  return (
    <div className={`logline logline--${record.level}`} title={record.message}>
      {timestamps && (
        <span className="logline__time" title={record.time}>
          {formatClock(record.time)}
        </span>
      )}
      <span className="logline__level">{record.level.toUpperCase()}</span>
      {record.workload && (
        <span className="logline__workload mono" title={`wasmCloud 2.x workload ${record.workload}`} data-testid="log-workload">
          {record.workload}
        </span>
      )}
      {component && onSelectComponent ? (
        <button
          type="button"
          className="logline__src logline__src--link"
          title={`Select ${component} in the graph`}
          onClick={() => onSelectComponent(component)}
          data-testid="log-component-link"
        >
          {component}
        </button>
      ) : (
        <span className="logline__src" title={component ?? record.host}>
          {component ?? shortId(record.host)}
        </span>
      )}
      <span className="logline__msg">
        {splitMatches(oneLine(record.message), highlight).map((piece, i) =>
          piece.match ? (
            <mark key={i} className="logline__match">
              {piece.text}
            </mark>
          ) : (
            piece.text
          ),
        )}
      </span>
    </div>
  );
});

/** A message on one row: line breaks shown as ↵ (the full text is the row's tooltip). */
export function oneLine(message: string): string {
  return message.replace(/\r?\n/g, " ↵ ");
}
