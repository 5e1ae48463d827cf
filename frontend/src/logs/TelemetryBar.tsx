// The Logs tab's bar for wasmCloud 2.x hosts, which publish no logs over NATS: start an
// OTLP receiver on a loopback port, and see the endpoint to give the hosts.
import { useState } from "react";
import { toApiError } from "../api";
import type { TelemetryState } from "../lattice/useTelemetry";

/** The port OTLP/gRPC uses by default. */
const DEFAULT_PORT = 4317;

export function TelemetryBar({ telemetry }: { telemetry: TelemetryState }) {
  const { info, start, stop } = telemetry;
  const [port, setPort] = useState(String(DEFAULT_PORT));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const portNumber = Number(port);
  const portValid = Number.isInteger(portNumber) && portNumber >= 0 && portNumber <= 65535;

  const act = (work: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    work()
      .catch((err: unknown) => setError(toApiError(err).message))
      .finally(() => setBusy(false));
  };

  if (info) {
    return (
      <div className="telemetry-bar" data-testid="telemetry-bar">
        <span className="telemetry-bar__dot" aria-hidden />
        <span>
          Receiving OTLP on <span className="mono">{info.addr}</span> — start 2.x hosts with{" "}
          <code className="mono selectable" data-testid="telemetry-endpoint">
            OTEL_EXPORTER_OTLP_ENDPOINT={info.endpoint}
          </code>
        </span>
        <span className="stream__spacer" />
        <button type="button" className="btn btn--small" disabled={busy} onClick={() => act(stop)} data-testid="telemetry-stop">
          Stop
        </button>
      </div>
    );
  }
  return (
    <div className="telemetry-bar" data-testid="telemetry-bar">
      <span>wasmCloud 2.x hosts send logs and traces over OTLP only. Receive them on 127.0.0.1 port</span>
      <input
        className={`input input--small mono telemetry-bar__port${portValid ? "" : " input--invalid"}`}
        value={port}
        onChange={(e) => setPort(e.target.value.trim())}
        aria-label="OTLP port"
        aria-invalid={!portValid}
        inputMode="numeric"
        data-testid="telemetry-port"
      />
      <button
        type="button"
        className="btn btn--small btn--primary"
        disabled={busy || !portValid}
        onClick={() => act(() => start(portNumber))}
        data-testid="telemetry-start"
      >
        Receive
      </button>
      {error && (
        <span className="stream__error" role="alert" data-testid="telemetry-error">
          {error}
        </span>
      )}
    </div>
  );
}
