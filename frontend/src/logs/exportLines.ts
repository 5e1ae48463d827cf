// Export of what a dock stream shows: the text of a file and its name (pure), and
// `saveText`, which has the app write it to the user's Downloads folder.
import { saveExport, type CloudEvent, type LogRecord } from "../api";
import { logSource } from "./filter";

export type LogExportFormat = "jsonl" | "text";
export const LOG_EXPORT_FORMATS: readonly LogExportFormat[] = ["jsonl", "text"];

/** A file to save: its suggested name and its whole text. */
export interface ExportFile {
  filename: string;
  text: string;
}

/** `YYYYMMDD-HHMMSS` of `when` in local time. */
export function fileStamp(when: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return (
    `${when.getFullYear()}${p(when.getMonth() + 1)}${p(when.getDate())}-` +
    `${p(when.getHours())}${p(when.getMinutes())}${p(when.getSeconds())}`
  );
}

/** A session name safe in a file name: anything but letters, digits, `.`, `_`, `-` becomes `_`. */
export function fileSafe(name: string): string {
  const safe = name.replace(/[^A-Za-z0-9._-]+/g, "_").replace(/^\.+/, "_");
  return safe === "" ? "session" : safe;
}

/** One JSON object per line, each line ending in a newline; empty for no items. */
export function jsonLines(items: readonly unknown[]): string {
  return items.map((item) => `${JSON.stringify(item)}\n`).join("");
}

/** `time LEVEL source [context] message`, one line per record; a multi-line message stays as it is. */
export function textLines(records: readonly LogRecord[]): string {
  return records
    .map((r) => {
      const context = r.context ? ` [${r.context}]` : "";
      return `${r.time} ${r.level.toUpperCase().padEnd(8)} ${logSource(r)}${context} ${r.message}\n`;
    })
    .join("");
}

/** The shown log lines as a file: `trellis-logs-<session>-<YYYYMMDD-HHMMSS>.jsonl` (or `.txt`). */
export function exportLogs(
  records: readonly LogRecord[],
  format: LogExportFormat,
  session: string,
  now: Date,
): ExportFile {
  const base = `trellis-logs-${fileSafe(session)}-${fileStamp(now)}`;
  return format === "jsonl"
    ? { filename: `${base}.jsonl`, text: jsonLines(records) }
    : { filename: `${base}.txt`, text: textLines(records) };
}

/** The shown lattice events as JSON lines: `trellis-events-<session>-<YYYYMMDD-HHMMSS>.jsonl`. */
export function exportEvents(events: readonly CloudEvent[], session: string, now: Date): ExportFile {
  return { filename: `trellis-events-${fileSafe(session)}-${fileStamp(now)}.jsonl`, text: jsonLines(events) };
}

/**
 * Saves `text` as `filename` in the user's Downloads folder (through the app: WebKitGTK's
 * own downloads are not dependable) and resolves with the path written.
 */
export function saveText(filename: string, text: string): Promise<string> {
  return saveExport(filename, text);
}
