import { useState } from "react";
import { EventsPanel } from "../events/EventsPanel";
import { LogsPanel } from "../logs/LogsPanel";

const TABS = ["Logs", "Events"] as const;
type Tab = (typeof TABS)[number];

export function Dock() {
  const [tab, setTab] = useState<Tab>("Logs");
  return (
    <section className="dock panel">
      <div className="tabs" role="tablist">
        {TABS.map((t) => (
          <button
            key={t}
            type="button"
            role="tab"
            aria-selected={tab === t}
            className={`tab${tab === t ? " tab--active" : ""}`}
            onClick={() => setTab(t)}
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
    </section>
  );
}
