// Stop a provider, from its inspector.
import { stopProvider } from "../api";
import { useAction } from "../shell/PaletteForm";
import { ActionOutcome } from "./ActionOutcome";

export function ProviderActions({ providerId }: { providerId: string }) {
  const { busy, startedAt, result, run } = useAction();
  return (
    <section className="actions" data-testid="provider-actions">
      <h3 className="panel__subtitle">Actions</h3>
      <div className="actions__row">
        <button
          type="button"
          className="btn btn--danger"
          disabled={busy}
          onClick={() => run(() => stopProvider(providerId))}
          data-testid="stop-provider"
        >
          Stop provider
        </button>
      </div>
      <ActionOutcome result={result} busy={busy} startedAt={startedAt} testId="provider-action-result" />
    </section>
  );
}
