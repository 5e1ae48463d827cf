// The palette's Examples entry: the gallery of example applications (hello-http, counter,
// pair), each a card with what it shows, its languages and a Deploy button that deploys
// it through wadm and says how it went. The graph then draws what wadm started.
import { useEffect, useState } from "react";
import { deployExample, listExamples, toApiError, type Example } from "../api";
import { ActionOutcome } from "../actions/ActionOutcome";
import { useAction } from "../shell/PaletteForm";
import { deployedText } from "./outcome";

interface Props {
  /** Whether the active session's lattice is reachable. */
  connected: boolean;
}

export function ExamplesGallery({ connected }: Props) {
  const [open, setOpen] = useState(false);
  const [examples, setExamples] = useState<Example[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);

  useEffect(() => {
    if (!open || examples) return;
    listExamples()
      .then((list) => {
        setExamples(list);
        setLoadError(null);
      })
      .catch((err: unknown) => setLoadError(toApiError(err).message));
  }, [open, examples]);

  return (
    <div className="gallery">
      <button
        type="button"
        className={`palette__item palette__button${open ? " palette__button--open" : ""}`}
        onClick={() => setOpen(!open)}
        aria-expanded={open}
        data-testid="palette-examples"
      >
        <span className="palette__icon">▣</span> Examples
      </button>
      {open && (
        <div className="gallery__cards" data-testid="examples-gallery">
          {loadError && (
            <p className="inspector__error" role="alert" data-testid="examples-error">
              {loadError}
            </p>
          )}
          {examples?.length === 0 && <p className="muted">No examples found.</p>}
          {examples?.map((example) => (
            <ExampleCard key={example.name} example={example} connected={connected} />
          ))}
        </div>
      )}
    </div>
  );
}

function ExampleCard({ example, connected }: { example: Example; connected: boolean }) {
  const { busy, startedAt, result, run } = useAction();
  return (
    <article className="gallery__card" data-testid={`example-${example.name}`}>
      <h3 className="gallery__name mono">{example.name}</h3>
      <p className="gallery__description">{example.description}</p>
      <div className="gallery__languages">
        {example.languages.map((language) => (
          <span key={language} className="palette-chip" data-testid="example-language">
            {language}
          </span>
        ))}
      </div>
      <button
        type="button"
        className="btn btn--primary"
        disabled={!connected || busy}
        title={connected ? `Deploy ${example.name} through wadm` : "not connected to a lattice"}
        onClick={() => run(() => deployExample(example.name).then(deployedText))}
        data-testid="example-deploy"
      >
        {busy ? "Deploying…" : "Deploy"}
      </button>
      <ActionOutcome result={result} busy={busy} startedAt={startedAt} testId="example-result" />
    </article>
  );
}
