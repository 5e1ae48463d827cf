// Pure helpers behind the session tabs, the contexts list and the Attach dialog: how a
// state is coloured and worded, since when a session is stale, the one-line summary of a
// connection test and of an import, and how the list of open sessions is kept.
import type { ConnectionReport, ImportSummary, LatticeStatus } from "../api";
import { LOCAL_SESSION } from "../api";

/** A session's connection state (`LatticeStatus["state"]`). */
export type SessionState = LatticeStatus["state"];

/** The colour of a state's dot: green, amber, red or grey. */
export type Tone = "ok" | "warn" | "err" | "idle";

/** connected green, reconnecting amber, failed or disconnected red, starting grey. */
export function stateTone(state: SessionState): Tone {
  switch (state) {
    case "connected":
      return "ok";
    case "reconnecting":
      return "warn";
    case "failed":
    case "disconnected":
      return "err";
    case "starting":
      return "idle";
  }
}

/** The state in words, for titles and screen readers. */
export function stateLabel(state: SessionState): string {
  return state;
}

function two(n: number): string {
  return String(n).padStart(2, "0");
}

/** `ms` since the epoch as the local wall-clock time `HH:MM:SS`. */
export function formatClock(ms: number): string {
  const d = new Date(ms);
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

/** Whether a session in `state` shows its last graph as stale (it lost its server). */
export function isStale(state: SessionState): boolean {
  return state === "reconnecting" || state === "disconnected";
}

/** "stale since HH:MM:SS" for a session that lost its server, else null. */
export function staleSince(status: Pick<LatticeStatus, "state" | "since_ms">): string | null {
  if (!isStale(status.state)) return null;
  if (!Number.isFinite(status.since_ms) || status.since_ms <= 0) return "stale";
  return `stale since ${formatClock(status.since_ms)}`;
}

/** A tab's tooltip: lattice, server, state and, when stale or failed, since when and why. */
export function sessionTitle(status: LatticeStatus): string {
  const lines = [`${status.context} — lattice ${status.lattice}`];
  if (status.nats_url) lines.push(status.nats_url);
  const stale = staleSince(status);
  lines.push(stale ? `${status.state}, ${stale}` : status.state);
  if (status.detail) lines.push(status.detail);
  if (status.error) lines.push(status.error.message);
  return lines.join("\n");
}

type Step = ConnectionReport["steps"][number];

/** A step's name as people read it (`name_lookup` → `name lookup`). */
export function stepLabel(step: Step["step"]): string {
  return step.replace(/_/g, " ");
}

/** ✓ passed, ✗ failed, – skipped. */
export function stepMark(outcome: Step["outcome"]): string {
  switch (outcome) {
    case "passed":
      return "✓";
    case "failed":
      return "✗";
    case "skipped":
      return "–";
  }
}

/** The step that failed, if any (at most one does; the later ones are skipped). */
export function failedStep(report: ConnectionReport): Step | null {
  return report.steps.find((s) => s.outcome === "failed") ?? null;
}

/** "failed at authentication: authorization violation", or what passed. */
export function reportSummary(report: ConnectionReport): string {
  const failed = failedStep(report);
  if (failed) {
    return failed.detail
      ? `failed at ${stepLabel(failed.step)}: ${failed.detail}`
      : `failed at ${stepLabel(failed.step)}`;
  }
  const skipped = report.steps.filter((s) => s.outcome === "skipped").map((s) => stepLabel(s.step));
  return skipped.length > 0
    ? `every step passed (not used: ${skipped.join(", ")})`
    : "every step passed";
}

/** "imported 2: a, b; skipped 1" (the reasons are listed apart). */
export function importSummaryText(summary: ImportSummary): string {
  const n = summary.imported.length;
  const imported = n > 0 ? `imported ${n}: ${summary.imported.join(", ")}` : "imported 0";
  return `${imported}; skipped ${summary.skipped.length}`;
}

/** Sessions in tab order: the local one first, the others as they were opened. */
export function sortSessions(sessions: readonly LatticeStatus[]): LatticeStatus[] {
  const local = sessions.filter((s) => s.local || s.context === LOCAL_SESSION);
  const others = sessions.filter((s) => !(s.local || s.context === LOCAL_SESSION));
  return [...local, ...others];
}

/** `sessions` with `status` replacing the entry of the same session, or added. */
export function upsertSession(sessions: readonly LatticeStatus[], status: LatticeStatus): LatticeStatus[] {
  const i = sessions.findIndex((s) => s.context === status.context);
  if (i === -1) return sortSessions([...sessions, status]);
  const next = sessions.slice();
  next[i] = status;
  return next;
}

/** `sessions` without session `name`. */
export function removeSession(sessions: readonly LatticeStatus[], name: string): LatticeStatus[] {
  return sessions.filter((s) => s.context !== name);
}

/**
 * The listed sessions, combined with statuses already received as events: for a session
 * in both, the one whose state changed later wins (the list on a tie); a session only
 * known from an event stays.
 */
export function mergeSessions(
  listed: readonly LatticeStatus[],
  received: readonly LatticeStatus[],
): LatticeStatus[] {
  let merged = sortSessions(listed);
  for (const status of received) {
    const known = merged.find((s) => s.context === status.context);
    if (!known || status.since_ms > known.since_ms) merged = upsertSession(merged, status);
  }
  return merged;
}

/** The tab to show: `wanted` when that session is open, else the local one. */
export function resolveActive(sessions: readonly LatticeStatus[], wanted: string): string {
  return sessions.some((s) => s.context === wanted) ? wanted : LOCAL_SESSION;
}

/** Whether `attach` is needed to show saved context `name`, rather than switching tabs. */
export function needsAttach(sessions: readonly LatticeStatus[], name: string): boolean {
  const open = sessions.find((s) => s.context === name);
  // A failed session stays failed until closed: its tab says why, so switch to it.
  return !open || open.state === "disconnected";
}
