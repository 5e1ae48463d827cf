// The strip of session tabs: one per open session, with its state as a coloured dot,
// "stale since HH:MM:SS" when it lost its server, and a close button on every tab but
// the local lattice's.
import { useState, type KeyboardEvent } from "react";
import { LOCAL_SESSION, toApiError, type LatticeStatus } from "../api";
import { sessionTitle, staleSince, stateTone } from "./sessionView";
import "./sessions.css";

export interface SessionTabsProps {
  /** Open sessions in tab order (`useSessions().sessions`). */
  sessions: readonly LatticeStatus[];
  /** The shown session's name (`useSessions().active`). */
  active: string;
  /** Show session `name` (`useSessions().setActive`). */
  onSelect: (name: string) => void;
  /** Detach session `name` (`useSessions().close`); a rejection is shown by the strip. */
  onClose: (name: string) => Promise<void>;
}

/** A state's dot; `tone` picks the colour. */
export function StateDot({ status }: { status: Pick<LatticeStatus, "state"> }) {
  return <span className={`session-dot session-dot--${stateTone(status.state)}`} aria-hidden="true" />;
}

export function SessionTabs({ sessions, active, onSelect, onClose }: SessionTabsProps) {
  const [closing, setClosing] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const close = (name: string) => {
    setClosing(name);
    setError(null);
    onClose(name)
      .catch((raw: unknown) => setError(`Could not close ${name}: ${toApiError(raw).message}`))
      .finally(() => setClosing(null));
  };

  // Arrow keys move between tabs (the WAI-ARIA tabs pattern); Home/End go to the ends.
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const i = sessions.findIndex((s) => s.context === active);
    let next = -1;
    if (e.key === "ArrowRight") next = (i + 1) % sessions.length;
    else if (e.key === "ArrowLeft") next = (i - 1 + sessions.length) % sessions.length;
    else if (e.key === "Home") next = 0;
    else if (e.key === "End") next = sessions.length - 1;
    const target = sessions[next];
    if (!target) return;
    e.preventDefault();
    onSelect(target.context);
    const el = e.currentTarget.querySelector<HTMLElement>(`[data-session="${CSS.escape(target.context)}"]`);
    el?.focus();
  };

  return (
    <div className="session-tabs-wrap">
      <div className="session-tabs" role="tablist" aria-label="Sessions" onKeyDown={onKeyDown}>
        {sessions.map((s) => {
          const name = s.context;
          const selected = name === active;
          const stale = staleSince(s);
          const closable = !s.local && name !== LOCAL_SESSION;
          return (
            <div
              key={name}
              role="presentation"
              className={
                "session-tab" +
                (selected ? " session-tab--active" : "") +
                (stale ? " session-tab--stale" : "") +
                ` session-tab--${s.state}`
              }
            >
              <button
                type="button"
                role="tab"
                className="session-tab__main"
                aria-selected={selected}
                tabIndex={selected ? 0 : -1}
                title={sessionTitle(s)}
                data-session={name}
                data-state={s.state}
                data-testid={`session-tab-${name}`}
                onClick={() => onSelect(name)}
              >
                <StateDot status={s} />
                <span className="session-tab__name">{name}</span>
                {stale && (
                  <span className="session-tab__stale" data-testid={`session-stale-${name}`}>
                    {stale}
                  </span>
                )}
              </button>
              {closable && (
                <button
                  type="button"
                  className="session-tab__close"
                  aria-label={`Close session ${name}`}
                  title={`Close ${name} (detach; the saved context stays)`}
                  disabled={closing === name}
                  data-testid={`session-close-${name}`}
                  onClick={() => close(name)}
                >
                  ×
                </button>
              )}
            </div>
          );
        })}
      </div>
      {error && (
        <div className="session-tabs__error" role="alert" data-testid="session-tabs-error">
          {error}
          <button type="button" className="btn btn--ghost" onClick={() => setError(null)} aria-label="Dismiss">
            ×
          </button>
        </div>
      )}
    </div>
  );
}
