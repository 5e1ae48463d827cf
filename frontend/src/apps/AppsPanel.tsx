// The Applications tab: wadm's applications in this lattice with their versions, status
// and wadm's reasons; deploy a manifest file (validated first: errors name the line),
// undeploy, delete; the selected one's version history, any version deployable again. Re-read every 2 s while shown: wadm's status moves on its own.
import { useCallback, useEffect, useState } from "react";
import {
  appHistory,
  deleteApp,
  deployApp,
  deployAppVersion,
  exportManifest,
  listApps,
  saveExport,
  toApiError,
  undeployApp,
  type AppSummary,
  type AppVersion,
} from "../api";
import { ActionOutcome } from "../actions/ActionOutcome";
import { useAction } from "../shell/PaletteForm";
import { isString, usePersistentState } from "../shell/settings";

const POLL_MS = 2000;

interface Props {
  /** The application whose parts stand out in the graph, if any. */
  selected: string | null;
  onSelect: (name: string | null) => void;
}

export function AppsPanel({ selected, onSelect }: Props) {
  const [apps, setApps] = useState<AppSummary[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [path, setPath] = usePersistentState("apps.manifestPath", "", isString);
  const { busy, startedAt, result, run } = useAction();
  // Keyed by application, so a stale answer for another one is never shown.
  const [history, setHistory] = useState<{ app: string; versions: AppVersion[]; error: string | null } | null>(
    null,
  );

  const reload = useCallback(() => {
    listApps()
      .then((list) => {
        setApps(list);
        setLoadError(null);
      })
      .catch((err: unknown) => setLoadError(toApiError(err).message));
  }, []);
  useEffect(() => {
    reload();
    const timer = window.setInterval(reload, POLL_MS);
    return () => window.clearInterval(timer);
  }, [reload]);
  // The selected application's versions, read again with the list (a deploy adds one).
  const deployedOfSelected = apps?.find((a) => a.name === selected)?.deployed_version ?? null;
  const latestOfSelected = apps?.find((a) => a.name === selected)?.latest_version ?? null;
  useEffect(() => {
    if (!selected) return;
    let alive = true;
    appHistory(selected)
      .then((versions) => alive && setHistory({ app: selected, versions, error: null }))
      .catch((err: unknown) => alive && setHistory({ app: selected, versions: [], error: toApiError(err).message }));
    return () => {
      alive = false;
    };
  }, [selected, deployedOfSelected, latestOfSelected]);
  const shown = selected && history?.app === selected ? history : null;
  const versions = shown?.versions ?? null;

  return (
    <div className="apps-view" data-testid="apps-view">
      <form
        className="apps-view__deploy"
        onSubmit={(event) => {
          event.preventDefault();
          if (path.trim()) run(() => deployApp(path.trim()), reload);
        }}
      >
        <input
          className="input mono"
          value={path}
          onChange={(e) => setPath(e.target.value)}
          placeholder="/path/to/app.yaml"
          spellCheck={false}
          aria-label="manifest file"
          data-testid="apps-manifest-path"
        />
        <button type="submit" className="btn btn--primary" disabled={busy || !path.trim()} data-testid="apps-deploy">
          Deploy manifest
        </button>
        <button
          type="button"
          className="btn"
          disabled={busy}
          title="Write what runs now (components, providers, links and their config) as a wadm manifest"
          onClick={() =>
            run(async () => {
              const yaml = await exportManifest("exported");
              const saved = await saveExport("exported-app.yaml", yaml);
              return `manifest of the live lattice saved to ${saved}`;
            })
          }
          data-testid="apps-export"
        >
          Export as manifest…
        </button>
      </form>
      <ActionOutcome result={result} busy={busy} startedAt={startedAt} testId="apps-result" />
      {loadError && (
        <p className="inspector__error" role="alert" data-testid="apps-error">
          {loadError}
        </p>
      )}
      {apps?.length === 0 && <p className="muted">No applications yet: deploy a wadm manifest.</p>}
      {apps && apps.length > 0 && (
        <table className="apps-view__table">
          <thead>
            <tr>
              <th>name</th>
              <th>deployed</th>
              <th>latest</th>
              <th>status</th>
              <th>reason</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {apps.map((app) => (
              <tr
                key={app.name}
                className={app.name === selected ? "apps-view__row--selected" : undefined}
                data-testid={`app-row-${app.name}`}
              >
                <td className="mono">
                  <button
                    type="button"
                    className="link-button mono"
                    title="Show its components and providers in the graph (click again to show all)"
                    onClick={() => onSelect(app.name === selected ? null : app.name)}
                    data-testid="app-select"
                  >
                    {app.name}
                  </button>
                </td>
                <td className="mono">{app.deployed_version ?? "—"}</td>
                <td className="mono">{app.latest_version}</td>
                <td>
                  <span className={`app-status app-status--${app.status}`} data-testid="app-status">
                    {app.status}
                  </span>
                </td>
                <td className="apps-view__reason">{app.message}</td>
                <td className="apps-view__actions">
                  {app.deployed_version && (
                    <button
                      type="button"
                      className="btn"
                      disabled={busy}
                      onClick={() => run(() => undeployApp(app.name), reload)}
                      data-testid="app-undeploy"
                    >
                      Undeploy
                    </button>
                  )}
                  <button
                    type="button"
                    className="btn btn--danger"
                    disabled={busy}
                    onClick={() => {
                      if (window.confirm(`Delete every version of ${app.name}?`)) run(() => deleteApp(app.name), reload);
                    }}
                    data-testid="app-delete"
                  >
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {shown?.error && (
        <p className="inspector__error" role="alert" data-testid="app-versions">
          versions of {selected}: {shown.error}
        </p>
      )}
      {selected && versions && versions.length > 0 && (
        <div className="apps-view__versions" data-testid="app-versions">
          <h3 className="panel__subtitle">Versions of {selected}</h3>
          <ul>
            {[...versions].reverse().map((v) => (
              <li key={v.version} className="mono">
                {v.version}
                {v.deployed ? (
                  <span className="badge badge--local">deployed</span>
                ) : (
                  <button
                    type="button"
                    className="link-button"
                    disabled={busy}
                    title="Deploy this stored version (roll back or forward)"
                    onClick={() => run(() => deployAppVersion(selected, v.version), reload)}
                    data-testid={`app-deploy-version-${v.version}`}
                  >
                    deploy
                  </button>
                )}
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
