// A wasmCloud 2.x host: what its last heartbeat said, the workloads Trellis started on it
// (a 2.x host cannot list workloads over NATS), and a form to start one.
import { useEffect, useState } from "react";
import { listV2Workloads, startV2Workload, stopV2Workload, type WorkloadView } from "../api";
import { ActionOutcome } from "../actions/ActionOutcome";
import type { V2HostNodeData } from "../graph/model";
import { useAction } from "../shell/PaletteForm";

/** How often the remembered workloads' status is read again while the inspector is open. */
const STATUS_EVERY_MS = 5000;

export function V2HostInspector({ data: d }: { data: V2HostNodeData }) {
  const [workloads, setWorkloads] = useState<WorkloadView[]>([]);
  const [images, setImages] = useState("");
  const [name, setName] = useState("");
  const [httpHost, setHttpHost] = useState("");
  const [interfaces, setInterfaces] = useState("");
  const [service, setService] = useState("");
  const { busy, startedAt, result, run } = useAction();

  useEffect(() => {
    let alive = true;
    const read = () =>
      listV2Workloads()
        .then((all) => alive && setWorkloads(all))
        .catch(() => undefined);
    void read();
    const timer = window.setInterval(read, STATUS_EVERY_MS);
    return () => {
      alive = false;
      window.clearInterval(timer);
    };
  }, [d.hostId]);

  const mine = workloads.filter((w) => w.record.host_id === d.hostId);
  const imageList = images
    .split(/[\s,]+/)
    .map((i) => i.trim())
    .filter(Boolean);

  return (
    <aside className="inspector panel" data-testid="inspector">
      <h2 className="panel__title">wasmCloud 2.x host</h2>
      <div className="inspector__name">{d.hostname}</div>
      <dl className="kv">
        <dt>id</dt>
        <dd className="mono selectable wrap" data-testid="inspector-v2-host-id">
          {d.hostId}
        </dd>
        <dt>name</dt>
        <dd className="mono">{d.friendlyName}</dd>
        <dt>version</dt>
        <dd className="mono">{d.version}</dd>
        <dt>group</dt>
        <dd className="mono">{d.group || "—"}</dd>
        <dt>environment</dt>
        <dd className="mono">{d.environment || "—"}</dd>
        <dt>runs</dt>
        <dd>
          {d.workloadCount} workloads, {d.componentCount} components
        </dd>
        <dt>ingress</dt>
        <dd className="mono">{d.httpPort > 0 ? `port ${d.httpPort}` : "none"}</dd>
      </dl>

      <h3 className="panel__subtitle">Workloads started here by Trellis</h3>
      {mine.length === 0 ? (
        <p className="muted">
          none — a 2.x host cannot list its workloads over NATS, so only those Trellis started are shown
        </p>
      ) : (
        <ul className="v2-workloads" data-testid="v2-workloads">
          {mine.map((w) => (
            <li key={w.record.workload_id} className="v2-workloads__row">
              <span className="mono" title={w.record.images.join("\n")}>
                {w.record.name}
              </span>
              <span className={w.running ? "v2-workloads__state--ok" : "muted"}>{w.status}</span>
              <button
                type="button"
                className="btn btn--danger"
                disabled={busy}
                onClick={() =>
                  run(() =>
                    stopV2Workload(w.record.workload_id).then((all) => {
                      setWorkloads(all);
                      return `stopped ${w.record.name}`;
                    }),
                  )
                }
                data-testid={`v2-stop-${w.record.name}`}
              >
                Stop
              </button>
            </li>
          ))}
        </ul>
      )}

      <h3 className="panel__subtitle">Start a workload</h3>
      <form
        className="actions__column"
        onSubmit={(e) => {
          e.preventDefault();
          if (imageList.length === 0) return;
          run(() =>
            startV2Workload({
              host: d.hostId,
              images: imageList,
              name: name.trim() || null,
              namespace: null,
              http_host: httpHost.trim() || null,
              config: {},
              environment: {},
              id: null,
              interfaces: interfaceLines(interfaces),
              service: service.trim() || null,
            }).then((all) => {
              setWorkloads(all);
              return "running";
            }),
          );
        }}
      >
        <TextField placeholder="OCI references (2.x hosts take no files)" value={images} onChange={setImages} testId="v2-images" />
        <TextField placeholder="name (default: the image's)" value={name} onChange={setName} testId="v2-name" />
        <TextField placeholder="HTTP Host header to serve (optional)" value={httpHost} onChange={setHttpHost} testId="v2-http-host" />
        <textarea
          className="input mono"
          rows={2}
          placeholder={"more host interfaces, one per line, e.g.\nwasi:logging/logging@0.1.0-draft"}
          title={
            "NS:PKG/IFACE[,IFACE][@VERSION] [KEY=VALUE …] — e.g. wasmcloud:messaging/consumer,handler@0.2.0 subscriptions=demo.in"
          }
          value={interfaces}
          onChange={(e) => setInterfaces(e.target.value)}
          spellCheck={false}
          data-testid="v2-interfaces"
        />
        <TextField placeholder="service image: a long-running wasi:cli/run component (optional)" value={service} onChange={setService} testId="v2-service" />
        <button type="submit" className="btn btn--primary" disabled={busy || imageList.length === 0} data-testid="v2-start">
          Start workload
        </button>
      </form>
      <ActionOutcome result={result} busy={busy} startedAt={startedAt} testId="v2-result" />

      <h3 className="panel__subtitle">Plugin interfaces</h3>
      {d.interfaces.length === 0 ? (
        <p className="muted">none reported</p>
      ) : (
        <ul className="mono selectable">
          {d.interfaces.map((i) => (
            <li key={i}>{i}</li>
          ))}
        </ul>
      )}
    </aside>
  );
}

/** The Interfaces field: one host interface per non-empty line. */
export function interfaceLines(text: string): string[] {
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean);
}

/** One line of the start form: monospaced, no spell check. */
function TextField(props: { placeholder: string; value: string; onChange: (value: string) => void; testId: string }) {
  return (
    <input
      className="input mono"
      placeholder={props.placeholder}
      value={props.value}
      onChange={(e) => props.onChange(e.target.value)}
      spellCheck={false}
      data-testid={props.testId}
    />
  );
}
