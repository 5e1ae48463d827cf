// A palette entry that opens a small form (start a .wasm, start a built-in provider): the
// toggle button, the submit button with its busy state, and the outcome line.
import { useState, type ReactNode } from "react";
import type { ApiError } from "../api";
import { Elapsed } from "./Elapsed";

/** The outcome of the last submit: the backend's sentence, or its error. */
export interface ActionResult {
  ok: boolean;
  text: string;
}

/** Runs one backend action at a time and keeps its outcome for display. */
export function useAction(): {
  busy: boolean;
  /** When the running action started (ms since the epoch), while busy. */
  startedAt: number | null;
  result: ActionResult | null;
  run: (action: () => Promise<string>, onOk?: () => void) => void;
} {
  const [busy, setBusy] = useState(false);
  const [startedAt, setStartedAt] = useState<number | null>(null);
  const [result, setResult] = useState<ActionResult | null>(null);
  const run = (action: () => Promise<string>, onOk?: () => void) => {
    if (busy) return;
    setBusy(true);
    setStartedAt(Date.now());
    setResult(null);
    action()
      .then((text) => {
        setResult({ ok: true, text });
        onOk?.();
      })
      .catch((err: ApiError) => setResult({ ok: false, text: err.message }))
      .finally(() => {
        setBusy(false);
        setStartedAt(null);
      });
  };
  return { busy, startedAt, result, run };
}

interface Props {
  icon: string;
  title: string;
  /** Prefix of the test ids: `<id>`, `<id>-submit`, `<id>-result`. */
  testId: string;
  open: boolean;
  onOpenChange: (open: boolean) => void;
  canSubmit: boolean;
  busy: boolean;
  /** When the running start began, to show how long it has taken. */
  startedAt?: number | null;
  /** The step the running start is at, as the host reported it. */
  phase?: string | null;
  result: ActionResult | null;
  onSubmit: () => void;
  /** The submit button's words when idle (default: "Start on local host"). */
  submitLabel?: string;
  /** The form's fields. */
  children: ReactNode;
}

export function PaletteForm(props: Props) {
  const { icon, title, testId, open, onOpenChange, canSubmit, busy, startedAt, phase, result, onSubmit, submitLabel } =
    props;
  const { children } = props;
  return (
    <div className="open-wasm">
      <button
        type="button"
        className={`palette__item palette__button${open ? " palette__button--open" : ""}`}
        onClick={() => onOpenChange(!open)}
        aria-expanded={open}
        data-testid={testId}
      >
        <span className="palette__icon">{icon}</span> {title}
      </button>
      {open && (
        <form
          className="open-wasm__form"
          onSubmit={(event) => {
            event.preventDefault();
            onSubmit();
          }}
        >
          {children}
          <button className="btn btn--primary" type="submit" disabled={!canSubmit || busy} data-testid={`${testId}-submit`}>
            {busy ? (
              <>
                Starting… {startedAt ? <Elapsed since={startedAt} /> : null}
              </>
            ) : (
              (submitLabel ?? "Start on local host")
            )}
          </button>
          {busy && phase && (
            <p className="muted open-wasm__phase" role="status" data-testid={`${testId}-phase`}>
              {phase}
            </p>
          )}
          {result && (
            <div
              className={`open-wasm__result${result.ok ? "" : " open-wasm__result--error"}`}
              role={result.ok ? "status" : "alert"}
              data-testid={`${testId}-result`}
            >
              {result.text}
            </div>
          )}
        </form>
      )}
    </div>
  );
}
