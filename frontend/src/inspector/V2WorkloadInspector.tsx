// A workload Trellis started on a wasmCloud 2.x host, and one of its components: what it runs,
// the host interfaces each component binds with their config, the links between components, and
// a component's WIT in the same view as a 1.x component's.
import type { V2ComponentNodeData, V2WorkloadNodeData } from "../graph/v2";
import { WitView } from "./WitView";

export function V2WorkloadInspector({ data: d }: { data: V2WorkloadNodeData }) {
  return (
    <aside className="inspector panel" data-testid="inspector">
      <h2 className="panel__title">wasmCloud 2.x workload</h2>
      <div className="inspector__name">{d.name}</div>
      <dl className="kv">
        <dt>id</dt>
        <dd className="mono selectable wrap" data-testid="inspector-v2-workload-id">
          {d.workloadId}
        </dd>
        <dt>state</dt>
        <dd className={d.running ? "v2-workloads__state--ok" : "inspector__error"}>{d.status}</dd>
        <dt>host</dt>
        <dd className="mono selectable wrap" title={d.hostId}>
          {d.hostname}
        </dd>
        <dt>components</dt>
        <dd className="mono">{d.components.join(", ") || "—"}</dd>
      </dl>
      {d.error && <p className="inspector__error">cannot describe it: {d.error}</p>}
      <h3 className="panel__subtitle">Links between its components</h3>
      {d.links.length === 0 ? (
        <p className="muted inspector__pad">none</p>
      ) : (
        <ul className="inspector__list">
          {d.links.map((l) => (
            <li key={`${l.from}>${l.to}:${l.interface}`} className="mono">
              {l.from} → {l.to} <span className="muted">{l.interface}</span>
            </li>
          ))}
        </ul>
      )}
      {d.unbound.length > 0 && (
        <>
          <h3 className="panel__subtitle">Host interfaces no component names</h3>
          <ul className="inspector__list mono">
            {d.unbound.map((label) => (
              <li key={label}>{label}</li>
            ))}
          </ul>
        </>
      )}
    </aside>
  );
}

export function V2ComponentInspector({ data: d }: { data: V2ComponentNodeData }) {
  return (
    <aside className="inspector panel" data-testid="inspector">
      <h2 className="panel__title">Workload component</h2>
      <div className="inspector__name" data-testid="inspector-v2-component">
        {d.name}
      </div>
      <dl className="kv">
        <dt>image</dt>
        <dd className="mono selectable wrap" data-testid="inspector-image-ref">
          {d.image}
        </dd>
        <dt>digest</dt>
        <dd className="mono selectable wrap">{d.digest ?? "—"}</dd>
        <dt>workload</dt>
        <dd className="mono selectable wrap">{d.workloadId}</dd>
      </dl>
      <h3 className="panel__subtitle">Host interfaces</h3>
      {d.interfaces.length === 0 ? (
        <p className="muted inspector__pad">none</p>
      ) : (
        <ul className="inspector__list" data-testid="inspector-v2-interfaces">
          {d.interfaces.map((i) => (
            <li key={`${i.direction}:${i.interface}`} className="mono">
              {i.label} <span className="muted">({i.direction === "export" ? "the host calls it" : "the host serves it"})</span>
            </li>
          ))}
        </ul>
      )}
      <h3 className="panel__subtitle">Links</h3>
      {d.links.length === 0 ? (
        <p className="muted inspector__pad">none</p>
      ) : (
        <ul className="inspector__list">
          {d.links.map((l) => (
            <li key={`${l.from}>${l.to}:${l.interface}`} className="mono">
              {l.from === d.name ? `→ ${l.to}` : `← ${l.from}`} <span className="muted">{l.interface}</span>
            </li>
          ))}
        </ul>
      )}
      <h3 className="panel__subtitle">WIT</h3>
      {d.witError && <p className="inspector__error">WIT unavailable: {d.witError}</p>}
      {!d.wit && !d.witError && <p className="muted inspector__pad">reading…</p>}
      {d.wit && <WitView wit={d.wit} />}
    </aside>
  );
}
