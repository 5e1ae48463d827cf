import type { ReactNode } from "react";
import type { LatticeStatus } from "../api";

interface Props {
  status: LatticeStatus | null;
  hostCount: number;
  refreshing: boolean;
  onRefresh: () => void;
  onShowShortcuts: () => void;
  /** The session tabs. */
  tabs?: ReactNode;
}

const STATE_LABEL: Record<string, string> = {
  starting: "starting",
  connected: "connected",
  reconnecting: "reconnecting",
  disconnected: "disconnected",
  failed: "failed",
};

export function TopBar({ status, hostCount, refreshing, onRefresh, onShowShortcuts, tabs }: Props) {
  const state = status?.state ?? "starting";
  return (
    <header className="topbar">
      <div className="brand">
        <svg className="brand__mark" viewBox="0 0 24 24" aria-hidden>
          <path d="M12 4 20 12 12 20 4 12Z M8 8 16 16 M16 8 8 16" />
        </svg>
        Trellis
      </div>
      {tabs}
      <div className="topbar__group">
        <span className="field">
          <span className="field__label">context</span>
          <span className="field__value" data-testid="context">
            {status?.context ?? "local"}
          </span>
        </span>
        <span className="field">
          <span className="field__label">lattice</span>
          <span className="field__value mono" data-testid="lattice">
            {status?.lattice ?? "…"}
          </span>
        </span>
        <span className={`conn conn--${state}`} data-testid="connection-state" title={status?.nats_url ?? ""}>
          <span className="conn__dot" />
          {STATE_LABEL[state] ?? state}
        </span>
        <span className="field">
          <span className="field__label">hosts</span>
          <span className="field__value">{hostCount}</span>
        </span>
      </div>
      <button
        type="button"
        className="btn"
        onClick={onRefresh}
        disabled={state !== "connected" || refreshing}
        aria-busy={refreshing}
        title="Re-read the lattice now (Ctrl+R)"
      >
        Refresh
      </button>
      <button type="button" className="btn btn--ghost" onClick={onShowShortcuts} title="Keyboard shortcuts (?)">
        ?
      </button>
    </header>
  );
}
