// Keeps the window's view of the lattice current: the connection status (pushed by the
// backend), the hosts (pulled with `list_hosts`, every few seconds and after events that
// change the set of hosts) and the lattice model (a `lattice_snapshot`, then the
// `trellis://model` changes applied to it).
import { useCallback, useEffect, useRef, useState } from "react";
import {
  ApiError,
  latticeSnapshot,
  latticeStatus,
  listHosts,
  onLatticeEvent,
  onModelChange,
  onStatus,
  type Host,
  type LatticeStatus,
  type ModelSnapshot,
} from "../api";
import { changesHosts } from "../events/describe";
import { applyModelChange, EMPTY_SNAPSHOT } from "./snapshot";

/** How long to wait before asking again for a snapshot that was not ready. */
const SNAPSHOT_RETRY_MS = 1000;

/** How often hosts are pinged while connected. */
const REFRESH_MS = 4000;

/** What the window shows about the lattice. */
export interface LatticeView {
  status: LatticeStatus | null;
  hosts: Host[];
  /** When `hosts` was fetched (ms since epoch). */
  hostsAt: number;
  /** The last failed refresh, cleared by the next good one. */
  hostsError: ApiError | null;
  refreshing: boolean;
  refresh: () => void;
  /** The lattice model: what runs on each host, and the links. */
  snapshot: ModelSnapshot;
}

export function useLattice(): LatticeView {
  const [status, setStatus] = useState<LatticeStatus | null>(null);
  const [hosts, setHosts] = useState<Host[]>([]);
  const [hostsAt, setHostsAt] = useState(0);
  const [hostsError, setHostsError] = useState<ApiError | null>(null);
  const [refreshing, setRefreshing] = useState(false);
  // A ping takes a scatter-gather window; never run two at once.
  const inFlight = useRef(false);
  const connected = status?.state === "connected";
  const snapshot = useModelSnapshot(connected);

  const refresh = useCallback(() => {
    if (inFlight.current) return;
    inFlight.current = true;
    setRefreshing(true);
    listHosts()
      .then((found) => {
        setHosts(found);
        setHostsAt(Date.now());
        setHostsError(null);
      })
      .catch((err: ApiError) => setHostsError(err))
      .finally(() => {
        inFlight.current = false;
        setRefreshing(false);
      });
  }, []);

  useEffect(() => {
    let alive = true;
    const unlisten = onStatus((s) => alive && setStatus(s));
    // Ask only once the listener is in place, so no change falls between the two.
    unlisten
      .then(() => latticeStatus())
      .then((s) => alive && setStatus(s))
      .catch(() => undefined);
    return () => {
      alive = false;
      void unlisten.then((f) => f());
    };
  }, []);

  useEffect(() => {
    if (!connected) return;
    refresh();
    const timer = window.setInterval(refresh, REFRESH_MS);
    const unlisten = onLatticeEvent((event) => {
      if (changesHosts(event)) refresh();
    });
    return () => {
      window.clearInterval(timer);
      void unlisten.then((f) => f());
    };
  }, [connected, refresh]);

  return { status, hosts, hostsAt, hostsError, refreshing, refresh, snapshot };
}

/** The lattice model while connected: a snapshot, kept current by change events. */
function useModelSnapshot(connected: boolean): ModelSnapshot {
  const [snapshot, setSnapshot] = useState<ModelSnapshot>(EMPTY_SNAPSHOT);
  useEffect(() => {
    if (!connected) return;
    let alive = true;
    let retry: number | undefined;
    const load = () => {
      window.clearTimeout(retry);
      latticeSnapshot()
        .then((s) => alive && setSnapshot(s))
        // Not ready while the model loads: the backend also sends a resync once it is.
        .catch(() => {
          if (alive) retry = window.setTimeout(load, SNAPSHOT_RETRY_MS);
        });
    };
    const unlisten = onModelChange((change) => {
      if (!alive) return;
      // Whether a change asks for a resync does not depend on the snapshot.
      if (applyModelChange(EMPTY_SNAPSHOT, change) === null) load();
      else setSnapshot((current) => applyModelChange(current, change) ?? current);
    });
    // Listen first, then read, so no change falls between the two.
    void unlisten.then(load);
    return () => {
      alive = false;
      window.clearTimeout(retry);
      void unlisten.then((f) => f());
    };
  }, [connected]);
  return snapshot;
}
