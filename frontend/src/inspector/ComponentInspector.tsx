// The inspector for a component: image, instances, hosts, annotations, links, config, Invoke,
// HTTP (for an HTTP handler), Spy (live calls into it), and its WIT as a tree (unsatisfied imports in red) and as text.
import type { ApiError, ComponentInspection } from "../api";
import type { ComponentNodeData } from "../graph/model";
import { linkInterfaces } from "../graph/model";
import { shortId } from "../graph/format";
import { ComponentActions } from "../actions/ComponentActions";
import { InvokePanel } from "../invoke/InvokePanel";
import { HttpPanel } from "../http/HttpPanel";
import { servesHttp } from "../http/request";
import { SpyPanel } from "./SpyPanel";
import { WitView } from "./WitView";

interface Props {
  data: ComponentNodeData;
  inspection: ComponentInspection | null;
  error: ApiError | null;
}

export function ComponentInspector({ data, inspection, error }: Props) {
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
      <SpyPanel key={data.componentId} componentId={data.componentId} />

      <h3 className="panel__subtitle">WIT</h3>
      {!inspection && !error && <p className="muted inspector__pad">reading…</p>}
      {inspection?.wit_error && <p className="inspector__error">{inspection.wit_error}</p>}
      {wit && <WitView wit={wit} statuses={statuses} />}

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
