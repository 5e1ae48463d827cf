import { ConfigPanel } from "../config/ConfigPanel";
import { EventsPanel } from "../events/EventsPanel";
import { LogsPanel } from "../logs/LogsPanel";

/** The dock's tabs, in order (Ctrl+1, Ctrl+2). */
export const DOCK_TABS = ["Logs", "Events", "Config"] as const;
export type DockTab = (typeof DOCK_TABS)[number];

interface Props {
  tab: DockTab;
  onTab: (tab: DockTab) => void;
  /** Changes when the lattice's config names or links change (the Config view re-reads). */
  configRevision: string;
}

export function Dock({ tab, onTab, configRevision }: Props) {
  return (
    <section className="dock panel">
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
        <LogsPanel />
      </div>
      <div className="dock__body" hidden={tab !== "Events"}>
        <EventsPanel />
      </div>
      {tab === "Config" && (
        <div className="dock__body">
          <ConfigPanel revision={configRevision} />
        </div>
      )}
    </section>
  );
}
