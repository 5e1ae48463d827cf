// Which log lines the Logs tab shows: a lowest level and a component filter.
import type { LogLevel, LogRecord } from "../api";

/** Levels from least to most severe; the filter shows the chosen level and above. */
export const LEVELS: readonly LogLevel[] = ["trace", "debug", "info", "warn", "error", "critical"];

/** Whether `record` is at `minLevel` or above and its component id contains `component`. */
export function logVisible(record: LogRecord, minLevel: LogLevel, component: string): boolean {
  const rank = LEVELS.indexOf(record.level);
  if (rank >= 0 && rank < LEVELS.indexOf(minLevel)) return false;
  const needle = component.trim().toLowerCase();
  return needle === "" || (record.component ?? "").toLowerCase().includes(needle);
}
