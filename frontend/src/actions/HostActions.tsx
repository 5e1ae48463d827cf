// Edit a host's labels and stop it (after a confirmation), from its inspector.
import { useState } from "react";
import { deleteLabel, putLabel, stopHost } from "../api";
import { useHistory } from "../history/HistoryContext";
import { useAction } from "../shell/PaletteForm";
import { ActionOutcome } from "./ActionOutcome";

interface Props {
  hostId: string;
  labels: Record<string, string>;
}

/** Labels the host sets itself; they cannot be edited. */
export function isReservedLabel(key: string): boolean {
  return key.toLowerCase().startsWith("hostcore.");
}

export function HostActions({ hostId, labels }: Props) {
  const { busy, startedAt, result, run } = useAction();
  const [key, setKey] = useState("");
  const [value, setValue] = useState("");
  const [confirming, setConfirming] = useState(false);
  const { perform } = useHistory();
  const setLabel = (k: string, v: string) => {
    const before = labels[k];
    return perform(
      `set label ${k}`,
      () => putLabel(hostId, k, v),
      () => (before === undefined ? deleteLabel(hostId, k) : putLabel(hostId, k, before)),
    );
  };
  const removeLabel = (k: string) => {
    const before = labels[k] ?? "";
    return perform(`remove label ${k}`, () => deleteLabel(hostId, k), () => putLabel(hostId, k, before));
  };
  const editable = Object.keys(labels)
    .filter((k) => !isReservedLabel(k))
    .sort();
  const keyOk = key.trim() !== "" && !isReservedLabel(key.trim());

  return (
    <section className="actions" data-testid="host-actions">
      <h3 className="panel__subtitle">Edit labels</h3>
      {editable.map((k) => (
        <div key={k} className="actions__row">
          <span className="mono actions__label">
            {k}={labels[k]}
          </span>
          <button
            type="button"
            className="btn btn--ghost"
            disabled={busy}
            onClick={() => run(() => removeLabel(k))}
            aria-label={`remove label ${k}`}
          >
            Remove
          </button>
        </div>
      ))}
      <form
        className="actions__row"
        onSubmit={(e) => {
          e.preventDefault();
          if (keyOk) run(() => setLabel(key.trim(), value), () => {
            setKey("");
            setValue("");
          });
        }}
      >
        <input
          className="input input--narrow mono"
          placeholder="key"
          value={key}
          onChange={(e) => setKey(e.target.value)}
          aria-invalid={key !== "" && !keyOk}
          data-testid="label-key"
        />
        <input
          className="input input--narrow mono"
          placeholder="value"
          value={value}
          onChange={(e) => setValue(e.target.value)}
          data-testid="label-value"
        />
        <button type="submit" className="btn" disabled={busy || !keyOk} data-testid="label-submit">
          Set
        </button>
      </form>
      <div className="actions__row">
        {confirming ? (
          <>
            <span>Stop this host and everything it runs?</span>
            <button
              type="button"
              className="btn btn--danger"
              disabled={busy}
              onClick={() => {
                setConfirming(false);
                run(() => stopHost(hostId));
              }}
              data-testid="stop-host-confirm"
            >
              Stop host
            </button>
            <button type="button" className="btn btn--ghost" onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </>
        ) : (
          <button
            type="button"
            className="btn btn--danger"
            disabled={busy}
            onClick={() => setConfirming(true)}
            data-testid="stop-host"
          >
            Stop host…
          </button>
        )}
      </div>
      <ActionOutcome result={result} busy={busy} startedAt={startedAt} testId="host-action-result" />
    </section>
  );
}
