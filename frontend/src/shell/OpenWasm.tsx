// "Open .wasm…": start a component file on the local host. The path is typed in (no file
// dialog plugin: the window gets no file system access at all).
import { useState } from "react";
import { startComponent, type ApiError } from "../api";
import { idFromPath } from "./openWasm";
import { isString, usePersistentState } from "./settings";

interface Props {
  connected: boolean;
  onStarted: (componentId: string) => void;
  /** Whether the form is shown (Ctrl+O opens it). */
  open: boolean;
  onOpenChange: (open: boolean) => void;
}

export function OpenWasm({ connected, onStarted, open, onOpenChange }: Props) {
  // The last path is remembered: the usual loop is starting the same file again.
  const [path, setPath] = usePersistentState("openWasm.path", "", isString);
  const [id, setId] = useState("");
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const effectiveId = id.trim() || idFromPath(path);

  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setResult(null);
    const startedId = effectiveId;
    startComponent(path.trim(), startedId)
      .then((text) => {
        setResult({ ok: true, text });
        onStarted(startedId);
      })
      .catch((err: ApiError) => setResult({ ok: false, text: err.message }))
      .finally(() => setBusy(false));
  };

  return (
    <div className="open-wasm">
      <button
        type="button"
        className={`palette__item palette__button${open ? " palette__button--open" : ""}`}
        onClick={() => onOpenChange(!open)}
        aria-expanded={open}
        data-testid="open-wasm"
      >
        <span className="palette__icon">+</span> Open .wasm…
      </button>
      {open && (
        <form className="open-wasm__form" onSubmit={submit}>
          <label className="open-wasm__label">
            path
            <input
              className="input mono"
              value={path}
              onChange={(e) => setPath(e.target.value)}
              placeholder="/path/to/component.wasm"
              spellCheck={false}
              autoFocus
              data-testid="open-wasm-path"
            />
          </label>
          <label className="open-wasm__label">
            id
            <input
              className="input mono"
              value={id}
              onChange={(e) => setId(e.target.value)}
              placeholder={idFromPath(path) || "component id"}
              spellCheck={false}
              data-testid="open-wasm-id"
            />
          </label>
          <button
            className="btn btn--primary"
            type="submit"
            disabled={!connected || busy || !path.trim() || !effectiveId}
            data-testid="open-wasm-start"
          >
            {busy ? "Starting…" : "Start on local host"}
          </button>
          {result && (
            <div
              className={`open-wasm__result${result.ok ? "" : " open-wasm__result--error"}`}
              role={result.ok ? "status" : "alert"}
              data-testid="open-wasm-result"
            >
              {result.text}
            </div>
          )}
        </form>
      )}
    </div>
  );
}
