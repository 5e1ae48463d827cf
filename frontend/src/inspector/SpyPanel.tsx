// The Spy section of the component inspector: a start/stop toggle and the calls other
// components on its host make into this component as they happen (function, WAVE arguments
// and results, duration, errors). The hosts publish records only while the spy runs.
import { useEffect, useState } from "react";
import { getActiveSession, onSpyRecord, spyComponent, toApiError, type SpyRecord } from "../api";
import { addCall, callText, durationText } from "./spy";

interface Props {
  componentId: string;
}

/** Live calls into `componentId`, while the user has the spy on. */
export function SpyPanel({ componentId }: Props) {
  const [on, setOn] = useState(false);
  const [calls, setCalls] = useState<SpyRecord[]>([]);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    if (!on) return;
    const session = getActiveSession();
    let stopped = false;
    const unlisten = onSpyRecord(session, (e) => setCalls((c) => addCall(c, e.record, componentId)));
    spyComponent(componentId, true).catch((err: unknown) => {
      if (!stopped) {
        setProblem(toApiError(err).message);
        setOn(false);
      }
    });
    return () => {
      stopped = true;
      void unlisten.then((f) => f());
      spyComponent(componentId, false).catch(() => undefined);
    };
  }, [on, componentId]);

  const toggle = () => {
    setProblem(null);
    if (!on) setCalls([]);
    setOn(!on);
  };

  return (
    <div className="spy" data-testid="spy">
      <h3 className="panel__subtitle">Spy</h3>
      <button type="button" className="btn" onClick={toggle} aria-pressed={on} data-testid="spy-toggle">
        {on ? "Stop spying" : "Spy on incoming calls"}
      </button>
      {problem && (
        <p className="inspector__error" role="alert">
          {problem}
        </p>
      )}
      {on && calls.length === 0 && <p className="muted inspector__pad">waiting for calls…</p>}
      {calls.length > 0 && (
        <ul className="inspector__list" data-testid="spy-calls">
          {calls.map((r, i) => (
            <li key={`${calls.length - i}`} className={`mono${r.error ? " spy__call--error" : ""}`} title={r.interface}>
              <span className="muted">{r.time.slice(11, 23)} ← {r.source_id} </span>
              <span className="selectable wrap">{callText(r)}</span>{" "}
              <span className="muted">{durationText(r.duration_us)}</span>
              {r.error && (
                <div className="inspector__error" role="alert">
                  {r.error}
                </div>
              )}
              {r.truncated && <span className="muted"> (values cut)</span>}
              {(r.dropped ?? 0) > 0 && <span className="muted"> ({r.dropped} earlier calls not shown)</span>}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
