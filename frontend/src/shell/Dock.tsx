import type { ReactNode } from "react";
import { AppsPanel } from "../apps/AppsPanel";
import { ConfigPanel } from "../config/ConfigPanel";
import { EventsPanel } from "../events/EventsPanel";
import type { TelemetryState } from "../lattice/useTelemetry";
import { LogsPanel } from "../logs/LogsPanel";

/** The dock's tabs, in order (Ctrl+1 … Ctrl+4). */
export const DOCK_TABS = ["Logs", "Events", "Config", "Apps"] as const;
export type DockTab = (typeof DOCK_TABS)[number];

interface Props {
  tab: DockTab;
  onTab: (tab: DockTab) => void;
  /** Changes when the lattice's config names or links change (the Config view re-reads). */
  configRevision: string;
  /** Drawn above the tabs (the time-travel scrubber). */
  header?: ReactNode;
  /** The session whose logs and events these are. */
  session: string;
  /** Shown in the Logs tab while it is empty (e.g. why a lattice sends no logs). */
  logsNote?: string | null;
  /** The session's OTLP receiver, when its Logs tab offers one (2.x hosts are there). */
  telemetry?: TelemetryState | null;
  /** A click on a log line's component selects its node. */
  onSelectComponent?: (componentId: string) => void;
  /** The application highlighted in the graph (Apps tab). */
  selectedApp?: string | null;
  onSelectApp?: (name: string | null) => void;
}

export function Dock(props: Props) {
  const { tab, onTab, configRevision, header, session, logsNote, onSelectComponent, telemetry } = props;
  const { selectedApp = null, onSelectApp = () => undefined } = props;
  return (
    <section className="dock panel">
      {header}
      <div className="tabs" role="tablist">
        {DOCK_TABS.map((t) => (
          <button
            key={t}
            type="button"
            role="tab"
            aria-selected={tab === t}
            className={`tab${tab === t ? " tab--active" : ""}`}
            onClick={() => onTab(t)}
            data-testid={`dock-tab-${t.toLowerCase()}`}
          >
            {t}
          </button>
        ))}
      </div>
      {/* Both stay mounted so neither misses lines while hidden. */}
      <div className="dock__body" hidden={tab !== "Logs"}>
        <LogsPanel
          session={session}
          logsNote={logsNote}
          onSelectComponent={onSelectComponent}
          telemetry={telemetry}
        />
      </div>
      <div className="dock__body" hidden={tab !== "Events"}>
        <EventsPanel session={session} />
      </div>
      {tab === "Config" && (
        <div className="dock__body">
          <ConfigPanel revision={configRevision} />
        </div>
      )}
      {tab === "Apps" && (
        <div className="dock__body">
          <AppsPanel selected={selectedApp} onSelect={onSelectApp} />
        </div>
      )}
    </section>
  );
}
