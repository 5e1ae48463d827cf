// The sidebar's contexts: the local lattice and every saved context (the contexts file
// the CLI uses) with its connection state. A click attaches, or shows the tab when the
// session is open. Each saved context can be deleted (after a confirmation); "Attach…"
// opens the dialog for a new one and "Import" reads `nats` CLI and wash contexts. Entries
// of the file that could not be read are listed with why; the others stay usable.
import { useState } from "react";
import {
  deleteContext,
  importContexts,
  LOCAL_SESSION,
  toApiError,
  type ContextSummary,
  type ImportSummary,
  type LatticeStatus,
} from "../api";
import { AttachDialog } from "./AttachDialog";
import { StateDot } from "./SessionTabs";
import { importSummaryText, staleSince } from "./sessionView";
import type { Sessions } from "./useSessions";
import "./sessions.css";

export interface ContextsListProps {
  /** Everything `useSessions()` returns. */
  model: Sessions;
  /**
   * Whether the Attach dialog is open, when the caller controls it (a top bar button or a
   * shortcut); left out, the list keeps it itself.
   */
  attachOpen?: boolean;
  onAttachOpenChange?: (open: boolean) => void;
}

/** One row: a saved context, an open session, or both. */
interface Row {
  name: string;
  summary: ContextSummary | null;
  session: LatticeStatus | null;
}

/** The local lattice, then the saved contexts, then open sessions no longer saved. */
function rowsOf(sessions: readonly LatticeStatus[], saved: readonly ContextSummary[]): Row[] {
  const rows: Row[] = [];
  const seen = new Set<string>();
  for (const s of sessions) {
    if (s.local || s.context === LOCAL_SESSION) {
      rows.push({ name: s.context, summary: null, session: s });
      seen.add(s.context);
    }
  }
  for (const summary of saved) {
    if (seen.has(summary.name)) continue;
    rows.push({ name: summary.name, summary, session: sessions.find((s) => s.context === summary.name) ?? null });
    seen.add(summary.name);
  }
  for (const s of sessions) {
    if (!seen.has(s.context)) rows.push({ name: s.context, summary: null, session: s });
  }
  return rows;
}

export function ContextsList({ model, attachOpen, onAttachOpenChange }: ContextsListProps) {
  const { sessions, sessionsError, contexts, active, attachSaved, adopt, reloadContexts } = model;
  const [ownOpen, setOwnOpen] = useState(false);
  const dialogOpen = attachOpen ?? ownOpen;
  const setDialogOpen = (open: boolean) => {
    setOwnOpen(open);
    onAttachOpenChange?.(open);
  };
  const [pending, setPending] = useState<string | null>(null);
  const [rowError, setRowError] = useState<{ name: string; message: string } | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [importing, setImporting] = useState(false);
  const [imported, setImported] = useState<ImportSummary | null>(null);
  const [importError, setImportError] = useState<string | null>(null);

  const open = (name: string) => {
    if (pending) return;
    setPending(name);
    setRowError(null);
    attachSaved(name)
      .catch((raw: unknown) => setRowError({ name, message: toApiError(raw).message }))
      .finally(() => setPending(null));
  };

  const remove = (name: string) => {
    setConfirming(null);
    setRowError(null);
    deleteContext(name)
      .catch((raw: unknown) => setRowError({ name, message: toApiError(raw).message }))
      .finally(reloadContexts);
  };

  const runImport = () => {
    setImporting(true);
    setImported(null);
    setImportError(null);
    importContexts()
      .then((summary) => {
        setImported(summary);
        reloadContexts();
      })
      .catch((raw: unknown) => setImportError(toApiError(raw).message))
      .finally(() => setImporting(false));
  };

  const rows = rowsOf(sessions, contexts.contexts);

  return (
    <div className="contexts" data-testid="contexts-list">
      <ul className="contexts__list">
        {rows.map((row) => {
          const { name, summary, session } = row;
          const isLocal = session?.local === true || name === LOCAL_SESSION;
          const stale = session ? staleSince(session) : null;
          const where = summary ? `${summary.urls.join(", ")} · lattice ${summary.lattice}` : session?.nats_url;
          return (
            <li
              key={name}
              className={"contexts__item" + (name === active ? " contexts__item--active" : "")}
            >
              <div className="contexts__row">
                <button
                  type="button"
                  className="contexts__open"
                  data-testid={`context-${name}`}
                  data-state={session?.state ?? "not_attached"}
                  title={where ?? undefined}
                  disabled={pending !== null}
                  onClick={() => open(name)}
                >
                  {session ? <StateDot status={session} /> : <span className="session-dot session-dot--none" aria-hidden="true" />}
                  <span className="contexts__text">
                    <span className="contexts__line">
                      <span className="contexts__name">{name}</span>
                      {summary?.current && (
                        <span
                          className="contexts__badge"
                          title="The current context of the contexts file (the CLI's default)"
                        >
                          current
                        </span>
                      )}
                      {isLocal && <span className="contexts__badge contexts__badge--local">local</span>}
                    </span>
                    <span className="contexts__state muted">
                      {pending === name ? "attaching…" : session ? (stale ?? session.state) : "not attached"}
                    </span>
                  </span>
                </button>
                {summary && !isLocal && (
                  <button
                    type="button"
                    className="contexts__delete"
                    aria-label={`Delete saved context ${name}`}
                    title={`Delete saved context ${name}`}
                    data-testid={`context-delete-${name}`}
                    onClick={() => setConfirming(confirming === name ? null : name)}
                  >
                    ✕
                  </button>
                )}
              </div>
              {!summary && !isLocal && <div className="contexts__note muted">open, not saved</div>}
              {confirming === name && (
                <div className="contexts__confirm" role="group" aria-label={`Delete ${name}?`}>
                  <span>
                    Delete saved context <b>{name}</b>?{session ? " Its open tab stays." : ""}
                  </span>
                  <button
                    type="button"
                    className="btn btn--danger contexts__small"
                    data-testid={`context-delete-confirm-${name}`}
                    onClick={() => remove(name)}
                  >
                    Delete
                  </button>
                  <button type="button" className="btn btn--ghost contexts__small" onClick={() => setConfirming(null)}>
                    Cancel
                  </button>
                </div>
              )}
              {rowError?.name === name && (
                <div className="contexts__error" role="alert" data-testid={`context-error-${name}`}>
                  {rowError.message}
                </div>
              )}
            </li>
          );
        })}
      </ul>

      {sessionsError && (
        <div className="contexts__error" role="alert" data-testid="sessions-error">
          Open sessions could not be listed: {sessionsError}
        </div>
      )}
      {contexts.error && (
        <div className="contexts__error" role="alert" data-testid="contexts-error">
          Saved contexts could not be read: {contexts.error}
        </div>
      )}
      {contexts.problems.length > 0 && (
        <ul className="contexts__problems" aria-label="Contexts that could not be read">
          {contexts.problems.map((p) => (
            <li key={p.name} className="contexts__problem" data-testid="contexts-problem">
              <span className="mono">{p.name}</span>: {p.reason}
            </li>
          ))}
        </ul>
      )}

      <div className="contexts__actions">
        <button type="button" className="btn contexts__small" data-testid="attach-open" onClick={() => setDialogOpen(true)}>
          Attach…
        </button>
        <button
          type="button"
          className="btn contexts__small"
          data-testid="contexts-import"
          disabled={importing}
          title="Import the nats CLI's contexts and wash 1.x contexts found on this machine"
          onClick={runImport}
        >
          {importing ? "Importing…" : "Import"}
        </button>
      </div>
      {imported && (
        <div className="contexts__result" data-testid="contexts-import-result">
          {importSummaryText(imported)}
          {imported.skipped.length > 0 && (
            <ul className="contexts__problems">
              {imported.skipped.map((s) => (
                <li key={s.name} className="contexts__problem">
                  <span className="mono">{s.name}</span>: {s.reason}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      {importError && (
        <div className="contexts__error" role="alert" data-testid="contexts-import-error">
          Import failed: {importError}
        </div>
      )}

      {dialogOpen && (
        <AttachDialog
          takenNames={contexts.contexts.map((c) => c.name)}
          onClose={() => setDialogOpen(false)}
          onSaved={reloadContexts}
          onAttached={(status) => {
            adopt(status);
            reloadContexts();
            setDialogOpen(false);
          }}
        />
      )}
    </div>
  );
}
