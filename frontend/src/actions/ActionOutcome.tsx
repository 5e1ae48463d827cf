// The outcome line of an action taken in a panel: where the user acted, not only in a log.
import { Elapsed } from "../shell/Elapsed";
import type { ActionResult } from "../shell/PaletteForm";

interface Props {
  result: ActionResult | null;
  busy: boolean;
  /** When the running action started, to show how long it has taken. */
  startedAt?: number | null;
  /** The step the running action is at, as the host reported it. */
  phase?: string | null;
  testId: string;
}

export function ActionOutcome({ result, busy, startedAt, phase, testId }: Props) {
  if (busy)
    return (
      <p className="muted action__outcome" data-testid={testId}>
        {phase ?? "working…"} {startedAt ? <Elapsed since={startedAt} /> : null}
      </p>
    );
  if (!result) return null;
  return (
    <p
      className={result.ok ? "action__outcome action__outcome--ok" : "inspector__error"}
      role={result.ok ? "status" : "alert"}
      data-testid={testId}
    >
      {result.text}
    </p>
  );
}
