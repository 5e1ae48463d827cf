// Scale, update and stop a component, from its inspector; for a component started from a
// local file, a "Watch file" toggle that hot-reloads it whenever the file changes.
import { useEffect, useState } from "react";
import {
  getActiveSession,
  latticeSnapshot,
  listWatches,
  onModelChange,
  scaleComponent,
  stopComponent,
  updateComponent,
  watchComponent,
} from "../api";
import { fileRefPath, reloadSummary, useLastReload } from "../graph/nodes/reloads";
import { useAction } from "../shell/PaletteForm";
import { useComponentPhase } from "../shell/useComponentPhase";
import { ActionOutcome } from "./ActionOutcome";

interface Props {
  componentId: string;
  maxInstances: number;
  /** The component's image reference; read from the lattice model when not given. */
  imageRef?: string;
}

export function ComponentActions({ componentId, maxInstances, imageRef }: Props) {
  const { busy, startedAt, result, run } = useAction();
  const phase = useComponentPhase(busy ? componentId : null, startedAt);
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
          placeholder="/absolute/path/new.wasm or registry/app:tag"
          value={path}
          onChange={(e) => setPath(e.target.value)}
          data-testid="update-path"
        />
        <button type="submit" className="btn" disabled={busy || !path.trim()} data-testid="update-submit">
          Update
        </button>
      </form>
      <WatchFile componentId={componentId} imageRef={imageRef} />
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
      <ActionOutcome result={result} busy={busy} startedAt={startedAt} phase={phase} testId="component-action-result" />
    </section>
  );
}

/** The image reference of `componentId` in the active session: `given`, else the model's. */
function useImageRef(componentId: string, given: string | undefined): string | null {
  const [found, setFound] = useState<{ id: string; ref: string | null } | null>(null);
  useEffect(() => {
    if (given !== undefined) return;
    let alive = true;
    const session = getActiveSession();
    const unlisten = onModelChange(session, (change) => {
      if (change.change === "component_changed" && change.component.id === componentId)
        setFound({ id: componentId, ref: change.component.image_ref });
    });
    latticeSnapshot()
      .then((snapshot) => {
        const ref = snapshot.hosts.flatMap((h) => h.components).find((c) => c.id === componentId)?.image_ref;
        if (alive) setFound({ id: componentId, ref: ref ?? null });
      })
      .catch(() => undefined);
    return () => {
      alive = false;
      void unlisten.then((f) => f());
    };
  }, [componentId, given]);
  return given ?? (found?.id === componentId ? found.ref : null);
}

/** "Watch file": shown only for a component whose image is a local file. */
function WatchFile({ componentId, imageRef }: { componentId: string; imageRef: string | undefined }) {
  const path = fileRefPath(useImageRef(componentId, imageRef));
  const session = getActiveSession();
  // Each kept with the component it is about, so another selection starts clean.
  const [watchedState, setWatchedState] = useState<{ id: string; on: boolean } | null>(null);
  const [busy, setBusy] = useState(false);
  const [errorState, setErrorState] = useState<{ id: string; text: string } | null>(null);
  const reload = useLastReload(session, componentId);
  const watched = watchedState?.id === componentId && watchedState.on;
  const error = errorState?.id === componentId ? errorState.text : null;

  // The backend keeps the watch across tab switches: ask it whether this one is on.
  useEffect(() => {
    let alive = true;
    listWatches(session)
      .then((watches) => {
        const on = watches.some((w) => w.component_id === componentId);
        if (alive) setWatchedState({ id: componentId, on });
      })
      .catch(() => undefined);
    return () => {
      alive = false;
    };
  }, [session, componentId]);

  if (!path) return null;
  const toggle = (enabled: boolean) => {
    setBusy(true);
    setErrorState(null);
    watchComponent(componentId, path, enabled)
      .then(() => setWatchedState({ id: componentId, on: enabled }))
      .catch((err: Error) => setErrorState({ id: componentId, text: err.message }))
      .finally(() => setBusy(false));
  };
  return (
    <>
      <div className="actions__row">
        <label className="check" title={path}>
          <input
            type="checkbox"
            checked={watched}
            disabled={busy}
            onChange={(e) => toggle(e.target.checked)}
            data-testid="watch-file"
          />{" "}
          Watch file
        </label>
      </div>
      {error ? (
        <p className="inspector__error" role="alert" data-testid="watch-result">
          {error}
        </p>
      ) : (
        watched &&
        reload && (
          <p
            className={reload.ok ? "action__outcome action__outcome--ok" : "inspector__error"}
            role={reload.ok ? "status" : "alert"}
            title={reload.message}
            data-testid="watch-result"
            data-ok={reload.ok}
          >
            {reloadSummary(reload)}
          </p>
        )
      )}
    </>
  );
}
