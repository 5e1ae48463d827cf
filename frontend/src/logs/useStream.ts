// A live stream for the dock: items arrive one by one from the backend and are applied
// at most once per animation frame, so a log flood costs one render per frame, not one
// per line; only the newest `limit` are kept.
import { useCallback, useEffect, useState } from "react";
import { appendBounded } from "./buffer";

/** Subscribes a handler; resolves to the function that unsubscribes it. */
export type Subscribe<T> = (handler: (item: T) => void) => Promise<() => void>;

/** The stream's items (oldest first) and a function that clears them. */
export function useStream<T>(subscribe: Subscribe<T>, limit: number): [T[], () => void] {
  const [items, setItems] = useState<T[]>([]);

  useEffect(() => {
    let pending: T[] = [];
    let frame: number | null = null;
    const flush = () => {
      frame = null;
      const batch = pending;
      pending = [];
      setItems((prev) => appendBounded(prev, batch, limit));
    };
    const unlisten = subscribe((item) => {
      pending.push(item);
      // While the window is hidden frames stop: keep the backlog bounded too.
      if (pending.length > 2 * limit) pending = pending.slice(-limit);
      frame ??= requestAnimationFrame(flush);
    });
    return () => {
      if (frame !== null) cancelAnimationFrame(frame);
      void unlisten.then((stop) => stop());
    };
  }, [subscribe, limit]);

  const clear = useCallback(() => setItems([]), []);
  return [items, clear];
}
