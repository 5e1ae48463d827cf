// Asks for a link's name and config names after a valid drop, then puts it. The host
// validates; its refusal message is shown as is.
import { useState } from "react";
import { putLink, toApiError } from "../api";
import type { LinkDraft } from "./link";

interface Props {
  draft: LinkDraft;
  onClose: () => void;
}

/** Comma- or space-separated names; blanks dropped. */
function names(text: string): string[] {
  return text.split(/[\s,]+/).filter((n) => n.length > 0);
}

export function LinkDialog({ draft, onClose }: Props) {
  const [name, setName] = useState("default");
  const [interfaces, setInterfaces] = useState(draft.interfaces.join(", "));
  const [sourceConfig, setSourceConfig] = useState("");
  const [targetConfig, setTargetConfig] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      await putLink({
        ...draft,
        name: name.trim() || "default",
        interfaces: names(interfaces),
        source_config: names(sourceConfig),
        target_config: names(targetConfig),
      });
      onClose();
    } catch (raw) {
      setError(toApiError(raw).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="link-dialog" role="dialog" aria-label="New link" data-testid="link-dialog">
      <div className="link-dialog__title">
        Link <span className="mono">{draft.source_id}</span> → <span className="mono">{draft.target}</span> via{" "}
        <span className="mono">
          {draft.wit_namespace}:{draft.wit_package}
        </span>
      </div>
      <label>
        Name <input data-testid="link-name" value={name} onChange={(e) => setName(e.target.value)} />
      </label>
      <label>
        Interfaces <input data-testid="link-interfaces" value={interfaces} onChange={(e) => setInterfaces(e.target.value)} />
      </label>
      <label>
        Source config <input value={sourceConfig} placeholder="optional" onChange={(e) => setSourceConfig(e.target.value)} />
      </label>
      <label>
        Target config <input value={targetConfig} placeholder="optional" onChange={(e) => setTargetConfig(e.target.value)} />
      </label>
      {error && (
        <div className="link-dialog__error" role="alert" data-testid="link-error">
          {error}
        </div>
      )}
      <div className="link-dialog__buttons">
        <button onClick={onClose} disabled={busy}>
          Cancel
        </button>
        <button data-testid="link-submit" onClick={() => void submit()} disabled={busy}>
          Link
        </button>
      </div>
    </div>
  );
}
