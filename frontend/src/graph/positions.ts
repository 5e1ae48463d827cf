// Node positions kept per session (the lattice a tab shows), so a graph looks the same after a
// restart and a user's arrangement survives. Stored in the UI settings as
// "graph.positions.<session>": `{ "<node id>": [x, y] }`, children relative to their frame.
// Frame sizes are not stored: the layout sizes frames around their contents.
import { loadSetting, saveSetting, type SettingsStorage } from "../shell/settings";
import type { Position, Positions } from "./layout";

/** The session name used when the caller gives none. */
export const DEFAULT_SESSION = "local";

type Stored = Record<string, [number, number]>;

function settingKey(sessionKey: string): string {
  return `graph.positions.${sessionKey || DEFAULT_SESSION}`;
}

function isStored(value: unknown): value is Stored {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  return Object.values(value).every(
    (p) => Array.isArray(p) && p.length === 2 && p.every((n) => typeof n === "number" && Number.isFinite(n)),
  );
}

/** The positions saved for a session (none if nothing, or nothing readable, was saved). */
export function loadPositions(sessionKey: string, storage?: SettingsStorage | null): Positions {
  const stored = loadSetting<Stored>(settingKey(sessionKey), {}, isStored, storage);
  return new Map(Object.entries(stored).map(([id, [x, y]]): [string, Position] => [id, { x, y }]));
}

/** Saves a session's positions, replacing what was saved before (so removed nodes go). */
export function savePositions(sessionKey: string, positions: ReadonlyMap<string, Position>, storage?: SettingsStorage | null): void {
  const stored: Stored = {};
  for (const [id, p] of positions) stored[id] = [Math.round(p.x * 10) / 10, Math.round(p.y * 10) / 10];
  saveSetting(settingKey(sessionKey), stored, storage);
}
