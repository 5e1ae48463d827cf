// Keeps the window's view of the lattice current: the connection status (pushed by the
// backend) and the hosts (pulled with `list_hosts`, every few seconds and after events that
// change the set of hosts).
import { useCallback, useEffect, useRef, useState } from "react";
import {
  ApiError,
  latticeStatus,
  listHosts,
  onLatticeEvent,
  onStatus,
  type Host,
  type LatticeStatus,
} from "../api";
import { changesHosts } from "../events/describe";

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

  return { status, hosts, hostsAt, hostsError, refreshing, refresh };
}
