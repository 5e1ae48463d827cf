// Which log lines the Logs tab shows: the levels switched on, a component filter and a
// regular expression. Pure, so the rules are tested without a webview.
import type { LogLevel, LogRecord } from "../api";

/** Levels from least to most severe. */
export const LEVELS: readonly LogLevel[] = ["trace", "debug", "info", "warn", "error", "critical"];

/** The level chips, in toolbar order. `critical` lines go with the `error` chip. */
export const LEVEL_CHIPS = ["trace", "debug", "info", "warn", "error"] as const;
export type LevelChip = (typeof LEVEL_CHIPS)[number];

/** The chip that shows lines of `level`. */
export function chipOf(level: LogLevel): LevelChip {
  return level === "critical" ? "error" : level;
}

/** Whether a stored value is a list of chips (for the persisted setting). */
export function isChipList(value: unknown): value is LevelChip[] {
  return Array.isArray(value) && value.every((v) => (LEVEL_CHIPS as readonly unknown[]).includes(v));
}

/** `chips` with `chip` switched on or off, in toolbar order. */
export function toggleChip(chips: readonly LevelChip[], chip: LevelChip): LevelChip[] {
  const on = chips.includes(chip);
  return LEVEL_CHIPS.filter((c) => (c === chip ? !on : chips.includes(c)));
}

/** A compiled regex filter: `regex` is null when the box is empty or the pattern is invalid. */
export interface CompiledRegex {
  regex: RegExp | null;
  /** Why the pattern does not compile, for "invalid regex: <reason>"; null when it does. */
  error: string | null;
}

/**
 * Compiles the regex box. Smart case, as in ripgrep: case-insensitive unless the pattern
 * has an upper-case letter. An invalid pattern filters nothing and says why.
 */
export function compileRegex(pattern: string): CompiledRegex {
  if (pattern === "") return { regex: null, error: null };
  const flags = /\p{Lu}/u.test(pattern) ? "" : "i";
  try {
    return { regex: new RegExp(pattern, flags), error: null };
  } catch (e) {
    return { regex: null, error: regexReason(e instanceof Error ? e.message : String(e), pattern) };
  }
}

/** The engine's message without its "Invalid regular expression: /pattern/flags: " preamble. */
function regexReason(message: string, pattern: string): string {
  let reason = message.replace(/^Invalid regular expression:\s*/i, "");
  for (const flags of ["i", ""]) {
    const quoted = `/${pattern}/${flags}: `;
    if (reason.startsWith(quoted)) reason = reason.slice(quoted.length);
  }
  return reason || message;
}

/** What the Logs tab filters on. */
export interface LogFilter {
  /** Levels switched on; a line of any other level is hidden. */
  levels: readonly LevelChip[];
  /** Part of the component id (any case); empty for all lines. */
  component: string;
  /** Lines where neither the message, the source nor the context matches are hidden. */
  regex: RegExp | null;
}

/** The line's source as shown: its component id, else its host id. */
export function logSource(record: LogRecord): string {
  return record.component ?? record.host;
}

/** Whether `record` passes every part of `filter`. */
export function logVisible(record: LogRecord, filter: LogFilter): boolean {
  if (!filter.levels.includes(chipOf(record.level))) return false;
  const needle = filter.component.trim().toLowerCase();
  // A 2.x workload's lines are found by its name too (their component ids are opaque).
  if (
    needle !== "" &&
    !(record.component ?? "").toLowerCase().includes(needle) &&
    !(record.workload ?? "").toLowerCase().includes(needle)
  ) {
    return false;
  }
  const re = filter.regex;
  if (re === null) return true;
  return re.test(record.message) || re.test(logSource(record)) || (record.context != null && re.test(record.context));
}

/** A piece of a shown message: matched by the regex filter (highlighted) or not. */
export interface Piece {
  text: string;
  match: boolean;
}

/** At most this many highlighted matches per line; the rest of the line is plain. */
const MAX_MATCHES = 100;

/** `text` cut into the parts `regex` matches and the parts between; one plain piece without a regex. */
export function splitMatches(text: string, regex: RegExp | null): Piece[] {
  if (regex === null) return [{ text, match: false }];
  const re = new RegExp(regex.source, regex.flags.includes("g") ? regex.flags : `${regex.flags}g`);
  const pieces: Piece[] = [];
  let last = 0;
  let found = 0;
  for (let m = re.exec(text); m !== null && found < MAX_MATCHES; m = re.exec(text)) {
    if (m[0] === "") {
      re.lastIndex++;
      continue;
    }
    if (m.index > last) pieces.push({ text: text.slice(last, m.index), match: false });
    pieces.push({ text: m[0], match: true });
    last = m.index + m[0].length;
    found++;
  }
  if (last < text.length || pieces.length === 0) pieces.push({ text: text.slice(last), match: false });
  return pieces;
}
