// Scale, update and stop a component, from its inspector.
import { useState } from "react";
import { scaleComponent, stopComponent, updateComponent } from "../api";
import { useAction } from "../shell/PaletteForm";
import { ActionOutcome } from "./ActionOutcome";

interface Props {
  componentId: string;
  maxInstances: number;
}

export function ComponentActions({ componentId, maxInstances }: Props) {
  const { busy, startedAt, result, run } = useAction();
  const [count, setCount] = useState(String(maxInstances));
  const [path, setPath] = useState("");
  const parsed = Number(count);
  const countOk = Number.isInteger(parsed) && parsed >= 1 && parsed <= 10_000;

  return (
    <section className="actions" data-testid="component-actions">
      <h3 className="panel__subtitle">Actions</h3>
      <form
        className="actions__row"
        onSubmit={(e) => {
          e.preventDefault();
          if (countOk) run(() => scaleComponent(componentId, parsed));
        }}
      >
        <label className="actions__label" htmlFor="scale-count">
          instances
        </label>
        <input
          id="scale-count"
          className="input input--narrow mono"
          inputMode="numeric"
          value={count}
          onChange={(e) => setCount(e.target.value)}
          aria-invalid={!countOk}
          data-testid="scale-count"
        />
        <button type="submit" className="btn" disabled={busy || !countOk} data-testid="scale-submit">
          Scale
        </button>
      </form>
      <form
        className="actions__row"
        onSubmit={(e) => {
          e.preventDefault();
          if (path.trim()) run(() => updateComponent(componentId, path.trim()), () => setPath(""));
        }}
      >
        <input
          className="input mono"
          placeholder="/absolute/path/new.wasm"
          value={path}
          onChange={(e) => setPath(e.target.value)}
          data-testid="update-path"
        />
        <button type="submit" className="btn" disabled={busy || !path.trim()} data-testid="update-submit">
          Update
        </button>
      </form>
      <div className="actions__row">
        <button
          type="button"
          className="btn btn--danger"
          disabled={busy}
          onClick={() => run(() => stopComponent(componentId))}
          data-testid="stop-component"
        >
          Stop component
        </button>
      </div>
      <ActionOutcome result={result} busy={busy} startedAt={startedAt} testId="component-action-result" />
    </section>
  );
}
