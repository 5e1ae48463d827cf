// Keeps a session's view of its lattice current: the connection status (pushed by the
// backend) and the lattice model (a `lattice_snapshot`, then the `trellis://model` changes
// applied to it, and again on top of a snapshot that was on its way while they came). The
// model alone feeds the graph: hosts come from it too (it learns them from heartbeats and
// events), so nothing is polled.
import { useCallback, useEffect, useRef, useState } from "react";
import {
  ApiError,
  latticeSnapshot,
  latticeStatus,
  onModelChange,
  onStatus,
  type LatticeStatus,
  type ModelEvent,
  type ModelSnapshot,
} from "../api";
import { applyModelChange, EMPTY_SNAPSHOT, replayChanges } from "./snapshot";

/**
 * How long to wait before asking again for a snapshot that was not ready. Short: at start the
 * model is ready a few hundred ms after "connected", and when its resync event came before
 * this listener was in place, a 1 s retry was a second of the app's cold start (bench/app).
 */
const SNAPSHOT_RETRY_MS = 200;

/** What the window shows about one session's lattice. */
export interface LatticeView {
  status: LatticeStatus | null;
  /** The lattice model: hosts, what runs on each, the links and config names. */
  snapshot: ModelSnapshot;
  /** When the snapshot last changed (ms since epoch), for uptimes shown as of now. */
  snapshotAt: number;
  /** The last failed reload, cleared by the next good one. */
  error: ApiError | null;
  refreshing: boolean;
  /** Re-reads the whole model (the model also resyncs by itself when it missed changes). */
  refresh: () => void;
}

export function useLattice(session: string): LatticeView {
  const [status, setStatus] = useState<LatticeStatus | null>(null);
  const connected = status?.state === "connected";
  const model = useModelSnapshot(session, connected);

  useEffect(() => {
    let alive = true;
    const unlisten = onStatus((s) => alive && s.context === session && setStatus(s));
    // Ask only once the listener is in place, so no change falls between the two.
    unlisten
      .then(() => latticeStatus(session))
      .then((s) => alive && setStatus(s))
      .catch(() => undefined);
    return () => {
      alive = false;
      void unlisten.then((f) => f());
    };
  }, [session]);

  return { status, ...model };
}

/** The lattice model while connected: a snapshot, kept current by change events. The
 * last one stays while disconnected, so a stale graph keeps showing. */
function useModelSnapshot(session: string, connected: boolean): Omit<LatticeView, "status"> {
  const [snapshot, setSnapshot] = useState<ModelSnapshot>(EMPTY_SNAPSHOT);
  const [snapshotAt, setSnapshotAt] = useState(0);
  const [error, setError] = useState<ApiError | null>(null);
  const [refreshing, setRefreshing] = useState(false);
  const loadRef = useRef<() => void>(() => undefined);

  useEffect(() => {
    if (!connected) return;
    let alive = true;
    let retry: number | undefined;
    // The changes that came while a snapshot was on its way (null when none is): the backend
    // may have read it before them, so they are applied again on top of it.
    let arrived: ModelEvent[] | null = null;
    let lastLoad = 0;
    const load = () => {
      window.clearTimeout(retry);
      setRefreshing(true);
      arrived ??= [];
      const thisLoad = ++lastLoad;
      latticeSnapshot()
        .then((s) => {
          // A newer read is on its way: it holds this one and the changes since.
          if (!alive || thisLoad !== lastLoad) return;
          const missed = arrived ?? [];
          arrived = null;
          setSnapshot(replayChanges(s, missed));
          setSnapshotAt(Date.now());
          setError(null);
        })
        // Not ready while the model loads: the backend also sends a resync once it is.
        .catch((err: ApiError) => {
          if (!alive || thisLoad !== lastLoad) return;
          setError(err);
          retry = window.setTimeout(load, SNAPSHOT_RETRY_MS);
        })
        .finally(() => alive && thisLoad === lastLoad && setRefreshing(false));
    };
    loadRef.current = load;
    const unlisten = onModelChange(session, (change) => {
      if (!alive) return;
      // Whether a change asks for a resync does not depend on the snapshot.
      if (applyModelChange(EMPTY_SNAPSHOT, change) === null) load();
      else {
        arrived?.push(change);
        setSnapshot((current) => applyModelChange(current, change) ?? current);
        setSnapshotAt(Date.now());
      }
    });
    // Listen first, then read, so no change falls between the two.
    void unlisten.then(load);
    return () => {
      alive = false;
      loadRef.current = () => undefined;
      window.clearTimeout(retry);
      void unlisten.then((f) => f());
    };
  }, [session, connected]);

  const refresh = useCallback(() => loadRef.current(), []);
  return { snapshot, snapshotAt, error, refreshing, refresh };
}
