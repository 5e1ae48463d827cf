// The edit history as React state: `perform` runs an edit and records it; `undo` and
// `redo` (Ctrl+Z, Ctrl+Shift+Z) call the backend and say what they did.
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { toApiError } from "../api";
import { EMPTY_STACKS, recorded, redoStep, undoStep, type Edit, type Stacks } from "./history";

interface HistoryApi {
  /** Runs the edit; on success records it (with `undo` to take it back) and resolves with its result. */
  perform: <T>(label: string, run: () => Promise<T>, undo: () => Promise<unknown>) => Promise<T>;
  undo: () => void;
  redo: () => void;
  /** What the last undo or redo did, or why it failed. */
  notice: string | null;
  canUndo: boolean;
  canRedo: boolean;
}

const HistoryContext = createContext<HistoryApi | null>(null);

export function HistoryProvider({ children }: { children: ReactNode }) {
  const [stacks, setStacks] = useState<Stacks>(EMPTY_STACKS);
  const [notice, setNotice] = useState<string | null>(null);
  // One step at a time: a second Ctrl+Z while the first runs would undo the same edit twice.
  const busy = useRef(false);
  // The notice fades after a few seconds.
  useEffect(() => {
    if (notice === null) return;
    const timer = setTimeout(() => setNotice(null), 5000);
    return () => clearTimeout(timer);
  }, [notice]);
  // The stacks as of the last render, for the key handlers (which outlive renders).
  const current = useRef(stacks);
  useEffect(() => {
    current.current = stacks;
  }, [stacks]);

  const perform = useCallback(
    async <T,>(label: string, run: () => Promise<T>, undo: () => Promise<unknown>): Promise<T> => {
      const result = await run();
      const edit: Edit = { label, undo, redo: run };
      setStacks((s) => recorded(s, edit));
      return result;
    },
    [],
  );

  const step = useCallback((which: "undo" | "redo") => {
    if (busy.current) return;
    const planned = which === "undo" ? undoStep(current.current) : redoStep(current.current);
    if (!planned) {
      setNotice(which === "undo" ? "Nothing to undo" : "Nothing to redo");
      return;
    }
    busy.current = true;
    const call = which === "undo" ? planned.edit.undo : planned.edit.redo;
    call()
      .then(() => {
        setStacks(planned.next);
        setNotice(`${which === "undo" ? "Undid" : "Redid"}: ${planned.edit.label}`);
      })
      .catch((err: unknown) => setNotice(`Could not ${which} ${planned.edit.label}: ${toApiError(err).message}`))
      .finally(() => {
        busy.current = false;
      });
  }, []);

  const api = useMemo<HistoryApi>(
    () => ({
      perform,
      undo: () => step("undo"),
      redo: () => step("redo"),
      notice,
      canUndo: stacks.done.length > 0,
      canRedo: stacks.undone.length > 0,
    }),
    [perform, step, notice, stacks],
  );
  return <HistoryContext.Provider value={api}>{children}</HistoryContext.Provider>;
}

/** The edit history; outside a provider, edits run unrecorded. */
export function useHistory(): HistoryApi {
  return (
    useContext(HistoryContext) ?? {
      perform: (_label, run) => run(),
      undo: () => undefined,
      redo: () => undefined,
      notice: null,
      canUndo: false,
      canRedo: false,
    }
  );
}
