// A component's WIT as a tree (imports marked by who serves them, unsatisfied ones in red) and
// as WIT text: the same view for a 1.x component and a component of a 2.x workload.
import { useState } from "react";
import type { ComponentWit, FunctionDef, SatisfiedBy, WorldEntry } from "../api";
import { describeServer, functionSignature } from "./wit";

interface Props {
  wit: ComponentWit;
  /** Who serves each import, by name, when known. */
  statuses?: ReadonlyMap<string, SatisfiedBy>;
}

export function WitView({ wit, statuses = new Map() }: Props) {
  const [tab, setTab] = useState<"tree" | "text">("tree");
  return (
    <>
      <div className="tabs tabs--small" role="tablist">
        <button className={`tab${tab === "tree" ? " tab--active" : ""}`} onClick={() => setTab("tree")}>
          Tree
        </button>
        <button
          className={`tab${tab === "text" ? " tab--active" : ""}`}
          onClick={() => setTab("text")}
          data-testid="wit-text-tab"
        >
          WIT text
        </button>
      </div>
      {tab === "tree" ? (
        <div className="wit-tree" data-testid="wit-tree">
          <div className="wit-tree__world mono muted">
            world {wit.world}
            {wit.package ? ` (${wit.package})` : ""}
          </div>
          <WitSection title="imports" entries={wit.imports} statuses={statuses} />
          <WitSection title="exports" entries={wit.exports} statuses={null} />
        </div>
      ) : (
        <pre className="wit-text mono selectable" data-testid="wit-text">
          {wit.wit}
        </pre>
      )}
    </>
  );
}

interface SectionProps {
  title: string;
  entries: readonly WorldEntry[];
  /** Import statuses by name; `null` for exports. */
  statuses: ReadonlyMap<string, SatisfiedBy> | null;
}

function WitSection({ title, entries, statuses }: SectionProps) {
  const shown = entries.filter((e) => e.item !== "type");
  return (
    <details className="wit-tree__section" open>
      <summary>
        {title} <span className="muted">({shown.length})</span>
      </summary>
      {shown.length === 0 && <div className="muted wit-tree__empty">none</div>}
      {shown.map((entry) => {
        const by = statuses?.get(entry.name) ?? null;
        const unsatisfied = by?.kind === "unsatisfied";
        const functions: FunctionDef[] =
          entry.item === "interface"
            ? [...entry.functions, ...entry.types.flatMap((t) => (t.kind === "resource" ? t.methods : []))]
            : entry.item === "function"
              ? [entry]
              : [];
        return (
          <details
            key={entry.name}
            className={`wit-tree__item${unsatisfied ? " wit-tree__item--unsatisfied" : ""}`}
            data-testid="wit-entry"
            // Unsatisfied imports start open, so their reason shows.
            open={unsatisfied || undefined}
          >
            <summary className="mono" title={by ? describeServer(by) : entry.name}>
              {entry.name}
              {by && <span className={`wit-tree__by wit-tree__by--${by.kind}`}>{shortServer(by)}</span>}
            </summary>
            {unsatisfied && <div className="wit-tree__reason">{by.reason}</div>}
            <ul className="wit-tree__functions">
              {functions.length === 0 && <li className="muted">types only</li>}
              {functions.map((f) => (
                <li key={`${f.resource ?? ""}.${f.name}`} className="mono selectable">
                  {functionSignature(f)}
                </li>
              ))}
            </ul>
          </details>
        );
      })}
    </details>
  );
}

function shortServer(by: SatisfiedBy): string {
  switch (by.kind) {
    case "wasi":
      return "wasi";
    case "host-internal":
      return "host";
    case "provider":
    case "component":
      return `→ ${by.target}`;
    case "unsatisfied":
      return "unsatisfied";
  }
}
