// The open sessions (the local lattice and every lattice attached to), the saved
// contexts, and which session's tab is shown.
//
// Sessions: `listSessions()` once, then every `trellis://status` replaces its session's
// entry (`status.context` names it). A session closed here is dropped at once, and a late
// status of it is ignored until it is opened again.
//
// The shown tab is kept between launches; when that session is not open the local one is
// shown. `setActiveSession` (the session lattice commands go to) is set while rendering,
// so the workbench below never renders with one session and sends commands to another.
import { useCallback, useEffect, useRef, useState } from "react";
import {
  attach,
  clearSessionStreams,
  detach,
  ErrorCode,
  listContexts,
  listSessions,
  LOCAL_SESSION,
  onStatus,
  setActiveSession,
  toApiError,
  type ContextList,
  type LatticeStatus,
} from "../api";
import { isString, usePersistentState } from "../shell/settings";
import { mergeSessions, needsAttach, removeSession, resolveActive, upsertSession } from "./sessionView";

/** What `useSessions` gives. */
export interface Sessions {
  /** Open sessions in tab order, local first. */
  sessions: LatticeStatus[];
  /** Whether `listSessions` answered. */
  loaded: boolean;
  /** Why `listSessions` failed, if it did (status events still fill the tabs). */
  sessionsError: string | null;
  /** The saved contexts, the entries that could not be read, and a file-level error. */
  contexts: ContextList;
  /** Whether `listContexts` answered at least once. */
  contextsLoaded: boolean;
  /** The session whose tab is shown (always an open one, or `local`). */
  active: string;
  /** Shows session `name`'s tab. */
  setActive: (name: string) => void;
  /** Shows saved context `name`: its tab when open, else attaches first. Rejects with an `ApiError`. */
  attachSaved: (name: string) => Promise<void>;
  /** Takes in a session opened elsewhere (the Attach dialog's `attachNew`) and shows it. */
  adopt: (status: LatticeStatus) => void;
  /** Detaches session `name` and drops its tab. Rejects with an `ApiError`. */
  close: (name: string) => Promise<void>;
  /** Reads the saved contexts again (after a save, delete or import). */
  reloadContexts: () => void;
}

const EMPTY_CONTEXTS: ContextList = { contexts: [], problems: [], error: null };

export function useSessions(): Sessions {
  const [sessions, setSessions] = useState<LatticeStatus[]>([]);
  const [loaded, setLoaded] = useState(false);
  const [sessionsError, setSessionsError] = useState<string | null>(null);
  const [contexts, setContexts] = useState<ContextList>(EMPTY_CONTEXTS);
  const [contextsLoaded, setContextsLoaded] = useState(false);
  const [wanted, setWanted] = usePersistentState<string>("sessions.active", LOCAL_SESSION, isString);
  // Sessions closed here: their late status events must not bring the tab back.
  const closed = useRef(new Set<string>());

  // Until the list answers only the local tab can be shown: a remembered tab is shown
  // once its session is known to be open.
  const active = resolveActive(sessions, wanted);
  // Before anything below renders with it (see the file comment).
  setActiveSession(active);

  useEffect(() => {
    let alive = true;
    const unlisten = onStatus((status) => {
      if (!alive || closed.current.has(status.context)) return;
      setSessions((prev) => upsertSession(prev, status));
    });
    // Ask only once the listener is in place, so no change falls between the two.
    unlisten
      .then(() => listSessions())
      .then((listed) => {
        if (!alive) return;
        const open = listed.filter((s) => !closed.current.has(s.context));
        setSessions((received) => mergeSessions(open, received));
        setSessionsError(null);
        setLoaded(true);
      })
      .catch((raw: unknown) => {
        if (!alive) return;
        setSessionsError(toApiError(raw).message);
        setLoaded(true);
      });
    return () => {
      alive = false;
      void unlisten.then((stop) => stop());
    };
  }, []);

  const reloadContexts = useCallback(() => {
    listContexts()
      .then((list) => setContexts(list))
      // The sessions stay usable; the list says why it could not be read.
      .catch((raw: unknown) => setContexts((prev) => ({ ...prev, error: toApiError(raw).message })))
      .finally(() => setContextsLoaded(true));
  }, []);

  useEffect(() => {
    reloadContexts();
  }, [reloadContexts]);

  const setActive = useCallback(
    (name: string) => {
      setWanted(name);
    },
    [setWanted],
  );

  const adopt = useCallback(
    (status: LatticeStatus) => {
      closed.current.delete(status.context);
      setSessions((prev) => mergeSessions(prev, [status]));
      setWanted(status.context);
    },
    [setWanted],
  );

  const attachSaved = useCallback(
    async (name: string) => {
      if (!needsAttach(sessions, name)) {
        setWanted(name);
        return;
      }
      const status = await attach(name);
      adopt(status);
    },
    [sessions, adopt, setWanted],
  );

  const close = useCallback(
    async (name: string) => {
      if (name === LOCAL_SESSION) return;
      try {
        await detach(name);
      } catch (raw) {
        const err = toApiError(raw);
        // Already gone on the Rust side: drop the tab all the same.
        if (err.code !== ErrorCode.NotFound) throw err;
      }
      closed.current.add(name);
      setSessions((prev) => removeSession(prev, name));
      clearSessionStreams(name);
      setWanted((prev) => (prev === name ? LOCAL_SESSION : prev));
    },
    [setWanted],
  );

  return {
    sessions,
    loaded,
    sessionsError,
    contexts,
    contextsLoaded,
    active,
    setActive,
    attachSaved,
    adopt,
    close,
    reloadContexts,
  };
}
