// The step a component's start or update is at, from the host's log: "fetching …",
// "compiling 18.2 MB", "compiled in 12.0 s; linking its imports". Shown beside the
// busy button so a long start says what it is doing.
import { useEffect, useState } from "react";
import type { LogRecord } from "../api";
import { getActiveSession, onLog } from "../api";

/** Whether `record` is a lifecycle step of component `id` logged at or after `since` (ms). */
export function isPhaseOf(record: LogRecord, id: string, since: number): boolean {
  if (record.component !== id || record.context !== "runtime") return false;
  // Lines replayed from earlier starts are not this one's; a second of slack for clocks.
  const at = Date.parse(record.time);
  return Number.isNaN(at) || at >= since - 1000;
}

/** The latest step reported for component `id` since `since`; null while idle or before the first. */
export function useComponentPhase(id: string | null, since: number | null): string | null {
  // Tagged with the start it belongs to, so a finished start's last step never shows on the next.
  const [latest, setLatest] = useState<{ key: string; message: string } | null>(null);
  const key = id && since !== null ? `${id}@${since}` : null;
  useEffect(() => {
    if (!id || since === null || !key) return;
    const unlisten = onLog(getActiveSession(), (record) => {
      if (isPhaseOf(record, id, since)) setLatest({ key, message: record.message });
    });
    return () => void unlisten.then((stop) => stop());
  }, [id, since, key]);
  return latest && latest.key === key ? latest.message : null;
}
