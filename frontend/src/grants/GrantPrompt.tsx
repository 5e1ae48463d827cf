// Asks the user about grants the app's own host refused: a component (started by wadm, a
// manifest or the CLI) wanted a directory, a variable or the network that the host's
// policy does not allow. "Allow" extends the policy (saved for later runs); the start
// itself is not repeated here: wadm retries by itself, other callers start it again.
import { useEffect, useState } from "react";
import { allowGrants, onLatticeEvent, toApiError } from "../api";
import { grantRequestOf, type GrantRequest } from "./grantRequest";

interface Props {
  session: string;
  /** The app's own host; refusals by other hosts are theirs to allow. */
  localHostId: string | null;
}

interface Shown extends GrantRequest {
  /** What happened after the user answered, when they did. */
  outcome?: { ok: boolean; text: string };
}

export function GrantPrompt({ session, localHostId }: Props) {
  const [requests, setRequests] = useState<Shown[]>([]);
  useEffect(() => {
    const unlisten = onLatticeEvent(session, (event) => {
      const request = grantRequestOf(event, localHostId);
      if (!request) return;
      setRequests((shown) => [...shown.filter((r) => r.componentId !== request.componentId), request]);
    });
    return () => void unlisten.then((stop) => stop());
  }, [session, localHostId]);

  const dismiss = (componentId: string) => setRequests((shown) => shown.filter((r) => r.componentId !== componentId));
  const answer = (request: Shown, outcome: Shown["outcome"]) =>
    setRequests((shown) => shown.map((r) => (r.componentId === request.componentId ? { ...r, outcome } : r)));
  const allow = (request: Shown) => {
    allowGrants(request.componentId)
      .then((text) => answer(request, { ok: true, text: `${text}. Start ${request.componentId} again (wadm retries by itself).` }))
      .catch((err: unknown) => answer(request, { ok: false, text: toApiError(err).message }));
  };

  if (requests.length === 0) return null;
  return (
    <div className="grant-prompts" data-testid="grant-prompts">
      {requests.map((request) => (
        <div key={request.componentId} className="notice grant-prompt" role="alertdialog" data-testid="grant-prompt">
          <div className="notice__title">
            <span className="mono">{request.componentId}</span> asked for something this host does not allow
          </div>
          <div className="notice__body mono">{request.reason}</div>
          {request.outcome ? (
            <div
              className={request.outcome.ok ? "action__outcome action__outcome--ok" : "inspector__error"}
              role="status"
              data-testid="grant-outcome"
            >
              {request.outcome.text}
            </div>
          ) : null}
          <div className="grant-prompt__actions">
            {!request.outcome?.ok && (
              <button type="button" className="btn btn--primary" onClick={() => allow(request)} data-testid="grant-allow">
                Allow on this host
              </button>
            )}
            <button type="button" className="btn" onClick={() => dismiss(request.componentId)} data-testid="grant-dismiss">
              {request.outcome?.ok ? "Close" : "Dismiss"}
            </button>
          </div>
        </div>
      ))}
    </div>
  );
}
