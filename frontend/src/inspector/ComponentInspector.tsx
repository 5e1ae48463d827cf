// The inspector for a component: image, instances, hosts, annotations, links, config, Invoke,
// HTTP (for an HTTP handler), and its WIT as a tree (unsatisfied imports in red) and as text.
import { useState } from "react";
import type { ApiError, ComponentInspection, FunctionDef, SatisfiedBy, WorldEntry } from "../api";
import type { ComponentNodeData } from "../graph/model";
import { linkInterfaces } from "../graph/model";
import { shortId } from "../graph/format";
import { ComponentActions } from "../actions/ComponentActions";
import { InvokePanel } from "../invoke/InvokePanel";
import { HttpPanel } from "../http/HttpPanel";
import { servesHttp } from "../http/request";
import { describeServer, functionSignature } from "./wit";

interface Props {
  data: ComponentNodeData;
  inspection: ComponentInspection | null;
  error: ApiError | null;
}

export function ComponentInspector({ data, inspection, error }: Props) {
  const [tab, setTab] = useState<"tree" | "text">("tree");
  const c = inspection?.component;
  const annotations = Object.entries(c?.annotations ?? {}).sort(([a], [b]) => a.localeCompare(b));
  const wit = inspection?.wit ?? null;
  const statuses = new Map((inspection?.imports ?? []).map((s) => [s.import, s.satisfied_by]));

  return (
    <aside className="inspector panel" data-testid="inspector">
      <h2 className="panel__title">Component</h2>
      <div className="inspector__name" data-testid="inspector-component-id">
        {data.componentId}
      </div>
      <dl className="kv">
        <dt>image</dt>
        <dd className="mono selectable wrap" data-testid="inspector-image-ref">
          {data.imageRef}
        </dd>
        <dt>instances</dt>
        <dd className="mono">{data.maxInstances}</dd>
        <dt>hosts</dt>
        <dd className="mono" title={(inspection?.host_ids ?? [data.hostId]).join("\n")}>
          {(inspection?.host_ids ?? [data.hostId]).map((h) => shortId(h)).join(", ")}
        </dd>
      </dl>

      {error && (
        <p className="inspector__error" role="alert">
          {error.message}
        </p>
      )}

      <ComponentActions componentId={data.componentId} maxInstances={data.maxInstances} />
      <InvokePanel key={data.componentId} componentId={data.componentId} wit={inspection?.wit ?? null} />
      {servesHttp(wit) && <HttpPanel key={data.componentId} componentId={data.componentId} />}

      <h3 className="panel__subtitle">WIT</h3>
      {!inspection && !error && <p className="muted inspector__pad">reading…</p>}
      {inspection?.wit_error && <p className="inspector__error">{inspection.wit_error}</p>}
      {wit && (
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
      )}

      <h3 className="panel__subtitle">Links</h3>
      {(inspection?.links ?? []).length === 0 ? (
        <p className="muted inspector__pad">none</p>
      ) : (
        <ul className="inspector__list">
          {inspection?.links.map((l) => (
            <li key={`${l.source_id}>${l.target}:${l.wit_namespace}:${l.wit_package}:${l.name}`} className="mono">
              {l.source_id === data.componentId ? `→ ${l.target}` : `← ${l.source_id}`}{" "}
              <span className="muted">
                {linkInterfaces(l).join(", ")} · {l.name}
              </span>
            </li>
          ))}
        </ul>
      )}

      <h3 className="panel__subtitle">Config</h3>
      {Object.keys(inspection?.config ?? {}).length === 0 ? (
        <p className="muted inspector__pad">none</p>
      ) : (
        Object.entries(inspection?.config ?? {}).map(([name, values]) => (
          <div key={name} className="inspector__config">
            <div className="mono">{name}</div>
            {values === null ? (
              <p className="inspector__error">not found</p>
            ) : (
              <dl className="kv kv--labels">
                {Object.entries(values).map(([k, v]) => (
                  <div key={k} className="kv__row">
                    <dt className="mono">{k}</dt>
                    <dd className="mono">{v}</dd>
                  </div>
                ))}
              </dl>
            )}
          </div>
        ))
      )}

      <h3 className="panel__subtitle">Annotations</h3>
      {annotations.length === 0 ? (
        <p className="muted inspector__pad">none</p>
      ) : (
        <dl className="kv kv--labels">
          {annotations.map(([k, v]) => (
            <div key={k} className="kv__row">
              <dt className="mono">{k}</dt>
              <dd className="mono">{v}</dd>
            </div>
          ))}
        </dl>
      )}
    </aside>
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
