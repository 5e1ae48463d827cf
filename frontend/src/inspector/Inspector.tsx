// Details of the selected node.
import type { GraphNode } from "../graph/model";
import { currentUptime } from "../graph/model";
import { formatUptime } from "../graph/format";
import { useNow } from "../lattice/useNow";

interface Props {
  node: GraphNode | null;
}

export function Inspector({ node }: Props) {
  const now = useNow(1000);
  if (!node) {
    return (
      <aside className="inspector panel">
        <h2 className="panel__title">Inspector</h2>
        <p className="muted">Select a node in the graph to see its details.</p>
      </aside>
    );
  }
  const d = node.data;
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
        <dd className="mono">{d.lattice}</dd>
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
    </aside>
  );
}
