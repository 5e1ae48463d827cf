// The Spy section of the component and provider inspectors: a start/stop toggle and the
// calls components make into this component or built-in provider as they happen (function, WAVE arguments
// and results, duration, errors). The hosts publish records only while the spy runs. The
// calls are kept in the session's spy store, which the graph's edges read too (their
// sparklines): one listener for both.
import { useEffect, useState } from "react";
import { getActiveSession, spyComponent, toApiError } from "../api";
import { spyStoreFor, useSpyCalls, useSpyLease } from "../spy/store";
import { callText, durationText } from "./spy";

interface Props {
  componentId: string;
}

/** Live calls into `componentId`, while the user has the spy on. */
export function SpyPanel({ componentId }: Props) {
  const session = getActiveSession();
  const [on, setOn] = useState(false);
  const calls = useSpyCalls(session, componentId);
  const [problem, setProblem] = useState<string | null>(null);
  useSpyLease(session, componentId, on);

  useEffect(() => {
    if (!on) return;
    let stopped = false;
    spyComponent(componentId, true).catch((err: unknown) => {
      if (!stopped) {
        setProblem(toApiError(err).message);
        setOn(false);
      }
    });
    return () => {
      stopped = true;
      spyComponent(componentId, false).catch(() => undefined);
    };
  }, [on, componentId]);

  // The list outlives a stop (to read it), not the panel.
  useEffect(() => () => spyStoreFor(session).forget(componentId), [session, componentId]);

  const toggle = () => {
    setProblem(null);
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
