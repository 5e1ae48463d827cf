// Invoke: call one exported function of the selected component with arguments in WAVE
// (one field per parameter, its WIT type shown), see the result as WAVE with the time it
// took, and re-run earlier calls from the history.
import { useState } from "react";
import { callFunction, toApiError, type ComponentWit } from "../api";
import { callables } from "./callable";

interface Props {
  componentId: string;
  wit: ComponentWit | null;
}

interface Done {
  target: string;
  args: string[];
  ok: boolean;
  /** The results (WAVE, one per line) or the refusal. */
  text: string;
  durationMs: number | null;
}

export function InvokePanel({ componentId, wit }: Props) {
  const functions = callables(wit);
  const [target, setTarget] = useState<string | null>(null);
  const [args, setArgs] = useState<Record<string, string[]>>({});
  const [busy, setBusy] = useState(false);
  const [history, setHistory] = useState<Done[]>([]);
  const chosen = functions.find((f) => f.target === target) ?? functions[0];
  if (!chosen) return null;
  const values = args[chosen.target] ?? chosen.fn.params.map(() => "");

  const call = () => {
    setBusy(true);
    const sent = [...values];
    callFunction(componentId, chosen.target, sent)
      .then((r) => ({ ok: true, text: r.results.join("\n") || "(no result)", durationMs: r.duration_ms }))
      .catch((err: unknown) => ({ ok: false, text: toApiError(err).message, durationMs: null }))
      .then((done) => setHistory((h) => [{ target: chosen.target, args: sent, ...done }, ...h].slice(0, 10)))
      .finally(() => setBusy(false));
  };
  const last = history[0];

  return (
    <div className="invoke" data-testid="invoke">
      <h3 className="panel__subtitle">Invoke</h3>
      <select
        className="input mono"
        value={chosen.target}
        onChange={(e) => setTarget(e.target.value)}
        aria-label="function"
        data-testid="invoke-function"
      >
        {functions.map((f) => (
          <option key={f.target} value={f.target}>
            {f.label}
          </option>
        ))}
      </select>
      {chosen.fn.params.map((p, i) => (
        <label key={p.name} className="invoke__param">
          <span className="mono">
            {p.name}: <span className="muted">{p.type}</span>
          </span>
          <input
            className="input mono"
            value={values[i] ?? ""}
            placeholder="WAVE, e.g. {x: 1, y: 2}"
            spellCheck={false}
            onChange={(e) =>
              setArgs((all) => ({ ...all, [chosen.target]: values.map((v, j) => (j === i ? e.target.value : v)) }))
            }
            data-testid={`invoke-arg-${p.name}`}
          />
        </label>
      ))}
      <button type="button" className="btn btn--primary" disabled={busy} onClick={call} data-testid="invoke-call">
        {busy ? "Calling…" : `Call ${chosen.fn.name}`}
      </button>
      {last && (
        <pre
          className={`invoke__result mono selectable${last.ok ? "" : " invoke__result--error"}`}
          role={last.ok ? "status" : "alert"}
          data-testid="invoke-result"
        >
          {last.text}
          {last.durationMs !== null && <span className="muted">{`\n${last.durationMs.toFixed(1)} ms`}</span>}
        </pre>
      )}
      {history.length > 1 && (
        <ul className="invoke__history">
          {history.slice(1).map((h, i) => (
            <li key={i}>
              <button
                type="button"
                className="link-button mono"
                title="Fill the form with this call"
                onClick={() => {
                  setTarget(h.target);
                  setArgs((all) => ({ ...all, [h.target]: h.args }));
                }}
              >
                {h.target.split(/[.#]/).pop()}({h.args.join(", ")}) → {h.ok ? h.text.split("\n")[0] : "refused"}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
