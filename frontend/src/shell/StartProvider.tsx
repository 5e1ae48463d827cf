// "Built-in providers": start one of the host's built-in providers on the local host, so a
// link can be dragged to it.
import { useState } from "react";
import { startProvider, type ApiError } from "../api";
import { PROVIDER_EXPORTS } from "../graph/link";

const NAMES = Object.keys(PROVIDER_EXPORTS);

interface Props {
  connected: boolean;
}

export function StartProvider({ connected }: Props) {
  const [open, setOpen] = useState(false);
  const [name, setName] = useState(NAMES[0] ?? "");
  const [id, setId] = useState("");
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const effectiveId = id.trim() || name;

  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setResult(null);
    startProvider(name, effectiveId)
      .then((text) => setResult({ ok: true, text }))
      .catch((err: ApiError) => setResult({ ok: false, text: err.message }))
      .finally(() => setBusy(false));
  };

  return (
    <div className="open-wasm">
      <button
        type="button"
        className={`palette__item palette__button${open ? " palette__button--open" : ""}`}
        onClick={() => setOpen((o) => !o)}
        aria-expanded={open}
        data-testid="start-provider"
      >
        <span className="palette__icon">⬡</span> Built-in providers
      </button>
      {open && (
        <form className="open-wasm__form" onSubmit={submit}>
          <label className="open-wasm__label">
            provider
            <select
              className="input mono"
              value={name}
              onChange={(e) => setName(e.target.value)}
              data-testid="start-provider-name"
            >
              {NAMES.map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
          </label>
          <label className="open-wasm__label">
            id
            <input
              className="input mono"
              value={id}
              onChange={(e) => setId(e.target.value)}
              placeholder={name}
              spellCheck={false}
              data-testid="start-provider-id"
            />
          </label>
          <button
            className="btn btn--primary"
            type="submit"
            disabled={!connected || busy || !effectiveId}
            data-testid="start-provider-submit"
          >
            {busy ? "Starting…" : "Start on local host"}
          </button>
          {result && (
            <div
              className={`open-wasm__result${result.ok ? "" : " open-wasm__result--error"}`}
              role={result.ok ? "status" : "alert"}
              data-testid="start-provider-result"
            >
              {result.text}
            </div>
          )}
        </form>
      )}
    </div>
  );
}
