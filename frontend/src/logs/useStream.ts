// A live stream for the dock: items arrive one by one from the backend and are applied
// at most once per animation frame, so a log flood costs one render per frame, not one
// per line; only the newest `limit` are kept. Each item gets a sequence number, in
// arrival order, that row keys and the "N new lines" count use.
import { useCallback, useEffect, useState } from "react";
import { appendBounded } from "./buffer";

/** Subscribes a handler; resolves to the function that unsubscribes it. */
export type Subscribe<T> = (handler: (item: T) => void) => Promise<() => void>;

/** An item and its place in the stream (0, 1, 2… from the subscription). */
export interface Entry<T> {
  seq: number;
  value: T;
}

/** The entries and the subscription they came from: a new one (another session) starts empty. */
export interface StreamState<T, S = Subscribe<T>> {
  source: S;
  entries: Entry<T>[];
}

/** `prev` with `batch` from `source` appended, keeping the newest `limit`; another source's entries are dropped. */
export function receive<T, S>(
  prev: StreamState<T, S>,
  source: S,
  batch: readonly Entry<T>[],
  limit: number,
): StreamState<T, S> {
  return { source, entries: appendBounded(prev.source === source ? prev.entries : [], batch, limit) };
}

/** The stream's entries (oldest first) and a function that clears them. */
export function useStream<T>(subscribe: Subscribe<T>, limit: number): [Entry<T>[], () => void] {
  const [state, setState] = useState<StreamState<T>>({ source: subscribe, entries: [] });

  useEffect(() => {
    let pending: Entry<T>[] = [];
    let frame: number | null = null;
    let seq = 0;
    const flush = () => {
      frame = null;
      const batch = pending;
      pending = [];
      setState((prev) => receive(prev, subscribe, batch, limit));
    };
    const unlisten = subscribe((value) => {
      pending.push({ seq: seq++, value });
      // While the window is hidden frames stop: keep the backlog bounded too.
      if (pending.length > 2 * limit) pending = pending.slice(-limit);
      frame ??= requestAnimationFrame(flush);
    });
    return () => {
      if (frame !== null) cancelAnimationFrame(frame);
      void unlisten.then((stop) => stop());
    };
  }, [subscribe, limit]);

  const clear = useCallback(() => setState({ source: subscribe, entries: [] }), [subscribe]);
  return [state.source === subscribe ? state.entries : [], clear];
}

/** A stable row key for stream lists: the entry's sequence number. */
export const bySeq = (entry: { seq: number }): number => entry.seq;
