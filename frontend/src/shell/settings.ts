// UI settings kept between launches (the dock's tab, log following, the last opened path),
// in the webview's local storage under "trellis.<key>". A stored value that is missing,
// unreadable or of the wrong shape gives the default, so an old or hand-edited entry
// never breaks the app.
import { useEffect, useState } from "react";

/** Where settings live; `window.localStorage` in the app, a stand-in in tests. */
export interface SettingsStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

const PREFIX = "trellis.";

function defaultStorage(): SettingsStorage | null {
  try {
    return typeof window === "undefined" ? null : window.localStorage;
  } catch {
    // Storage can be disabled; settings then last one session.
    return null;
  }
}

/** The stored value of `key` if `isValid` accepts it, else `fallback`. */
export function loadSetting<T>(
  key: string,
  fallback: T,
  isValid: (value: unknown) => value is T,
  storage: SettingsStorage | null = defaultStorage(),
): T {
  try {
    const raw = storage?.getItem(PREFIX + key);
    if (raw == null) return fallback;
    const value: unknown = JSON.parse(raw);
    return isValid(value) ? value : fallback;
  } catch {
    return fallback;
  }
}

/** Stores `value` under `key`; a full or disabled storage only costs persistence. */
export function saveSetting(key: string, value: unknown, storage: SettingsStorage | null = defaultStorage()): void {
  try {
    storage?.setItem(PREFIX + key, JSON.stringify(value));
  } catch {
    // Nothing to do: the setting lasts this session.
  }
}

/** `useState` whose value is loaded from and saved to the settings. */
export function usePersistentState<T>(
  key: string,
  fallback: T,
  isValid: (value: unknown) => value is T,
): [T, (value: T | ((prev: T) => T)) => void] {
  const [value, setValue] = useState<T>(() => loadSetting(key, fallback, isValid));
  useEffect(() => saveSetting(key, value), [key, value]);
  return [value, setValue];
}

/** Validators for the common shapes. */
export const isBoolean = (v: unknown): v is boolean => typeof v === "boolean";
export const isString = (v: unknown): v is string => typeof v === "string";
export function isOneOf<T extends string>(options: readonly T[]) {
  return (v: unknown): v is T => typeof v === "string" && (options as readonly string[]).includes(v);
}
