// A session's OTLP receiver for wasmCloud 2.x hosts: whether one runs (and where), and
// the resources its workloads were seen touching, for the Logs tab's bar and the graph.
import { useCallback, useEffect, useState } from "react";
import { onTouch, startTelemetry, stopTelemetry, telemetryInfo, type TelemetryInfo, type Touch } from "../api";
import { addTouch } from "./touches";

export interface TelemetryState {
  info: TelemetryInfo | null;
  touches: readonly Touch[];
  /** Starts the receiver on 127.0.0.1:`port`; rejects with the reason (port taken, …). */
  start: (port: number) => Promise<void>;
  stop: () => Promise<void>;
}

interface Seen {
  session: string;
  info: TelemetryInfo | null;
  touches: readonly Touch[];
}

export function useTelemetry(session: string): TelemetryState {
  const [seen, setSeen] = useState<Seen>({ session, info: null, touches: [] });
  // What another session's receiver showed is not this one's.
  const current: Seen = seen.session === session ? seen : { session, info: null, touches: [] };

  useEffect(() => {
    let alive = true;
    telemetryInfo(session)
      .then((found) => {
        if (alive) setSeen({ session, info: found, touches: found?.touches ?? [] });
      })
      .catch(() => undefined);
    const unlisten = onTouch(session, (touch) =>
      setSeen((prev) =>
        prev.session === session
          ? { ...prev, touches: addTouch(prev.touches, touch) }
          : { session, info: null, touches: [touch] },
      ),
    );
    return () => {
      alive = false;
      void unlisten.then((stop) => stop());
    };
  }, [session]);

  const start = useCallback(
    async (port: number) => {
      const started = await startTelemetry(port);
      setSeen({ session, info: started, touches: started.touches });
    },
    [session],
  );
  const stop = useCallback(async () => {
    await stopTelemetry();
    setSeen((prev) => ({ ...prev, info: null }));
  }, []);
  return { info: current.info, touches: current.touches, start, stop };
}
