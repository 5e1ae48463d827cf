// Details of the selected node.
import type { V2ResourceNodeData } from "../graph/v2";
import type { ApiError, ComponentInspection } from "../api";
import type { GraphNode, HostNodeData, ProviderNodeData } from "../graph/model";
import { currentUptime } from "../graph/model";
import { formatUptime } from "../graph/format";
import { useNow } from "../lattice/useNow";
import { HostActions } from "../actions/HostActions";
import { ProviderActions } from "../actions/ProviderActions";
import { ComponentInspector } from "./ComponentInspector";
import { SpyPanel } from "./SpyPanel";
import { V2HostInspector } from "./V2HostInspector";
import { V2ComponentInspector, V2WorkloadInspector } from "./V2WorkloadInspector";

interface Props {
  node: GraphNode | null;
  /** Inspections by component id. */
  inspections: ReadonlyMap<string, ComponentInspection>;
  inspectionErrors: ReadonlyMap<string, ApiError>;
  /** The session's lattice (every host drawn is on it). */
  lattice?: string | null;
}

export function Inspector({ node, inspections, inspectionErrors, lattice = null }: Props) {
  if (!node) {
    return (
      <aside className="inspector panel">
        <h2 className="panel__title">Inspector</h2>
        <p className="muted">Select a node in the graph to see its details.</p>
      </aside>
    );
  }
  if (node.kind === "component") {
    const id = node.data.componentId;
    return (
      <ComponentInspector
        key={id}
        data={node.data}
        inspection={inspections.get(id) ?? null}
        error={inspectionErrors.get(id) ?? null}
      />
    );
  }
  if (node.kind === "provider") return <ProviderInspector data={node.data} />;
  if (node.kind === "v2host") return <V2HostInspector data={node.data} />;
  if (node.kind === "v2workload") return <V2WorkloadInspector data={node.data} />;
  if (node.kind === "v2component") return <V2ComponentInspector key={node.id} data={node.data} />;
  if (node.kind === "v2resource") return <V2ResourceInspector data={node.data} />;
  return <HostInspector data={node.data} lattice={lattice} />;
}

/** A subject, bucket or container that 2.x workloads' spans showed them touching. */
function V2ResourceInspector({ data }: { data: V2ResourceNodeData }) {
  return (
    <aside className="inspector panel" data-testid="inspector">
      <h2 className="panel__title">Touched {data.kind}</h2>
      <div className="inspector__name mono selectable">{data.name}</div>
      <p className="muted">
        Seen in the spans the session&apos;s OTLP receiver got: workloads used it at run time (no config declares it).
      </p>
      <h3 className="panel__subtitle">Touched by</h3>
      <ul className="mono selectable" data-testid="inspector-v2-touched-by">
        {data.workloads.map((w) => (
          <li key={w}>{w}</li>
        ))}
      </ul>
    </aside>
  );
}

function ProviderInspector({ data }: { data: ProviderNodeData }) {
  return (
    <aside className="inspector panel" data-testid="inspector">
      <h2 className="panel__title">Provider</h2>
      <div className="inspector__name">{data.providerId}</div>
      <dl className="kv">
        <dt>image</dt>
        <dd className="mono selectable wrap">{data.imageRef || "—"}</dd>
        <dt>name</dt>
        <dd>{data.name ?? "—"}</dd>
        <dt>host</dt>
        <dd className="mono selectable wrap">{data.hostId}</dd>
      </dl>
      <ProviderActions key={data.providerId} providerId={data.providerId} />
      <SpyPanel key={`spy-${data.providerId}`} componentId={data.providerId} />
    </aside>
  );
}

function HostInspector({ data: d, lattice }: { data: HostNodeData; lattice: string | null }) {
  const now = useNow(1000);
  const labels = Object.entries(d.labels).sort(([a], [b]) => a.localeCompare(b));
  return (
    <aside className="inspector panel" data-testid="inspector">
      <h2 className="panel__title">Host</h2>
      <div className="inspector__name">{d.friendlyName}</div>
      <dl className="kv">
        <dt>id</dt>
        <dd className="mono selectable wrap" data-testid="inspector-host-id">
          {d.hostId}
        </dd>
        <dt>version</dt>
        <dd className="mono">{d.version}</dd>
        <dt>lattice</dt>
        <dd className="mono" data-testid="inspector-host-lattice">
          {lattice ?? "—"}
        </dd>
        <dt>uptime</dt>
        <dd className="mono">{formatUptime(currentUptime(d, now))}</dd>
        <dt>kind</dt>
        <dd>{d.isLocal ? "embedded (this app)" : "remote"}</dd>
      </dl>
      <h3 className="panel__subtitle">Labels</h3>
      {labels.length === 0 ? (
        <p className="muted">none</p>
      ) : (
        <dl className="kv kv--labels">
          {labels.map(([k, v]) => (
            <div key={k} className="kv__row">
              <dt className="mono">{k}</dt>
              <dd className="mono">{v}</dd>
            </div>
          ))}
        </dl>
      )}
      <HostActions key={d.hostId} hostId={d.hostId} labels={d.labels} />
    </aside>
  );
}
