// Asks for a link's name and config names after a valid drop, then puts it; or, for a
// link clicked in the graph, edits it (prefilled) or deletes it. The backend checks both
// ends' WIT and the host validates; a refusal is shown as is.
import { useState } from "react";
import { deleteLink, putLink, toApiError, type Link } from "../api";
import { useHistory } from "../history/HistoryContext";
import type { LinkDraft } from "./link";

interface Props {
  /** The caller, the server and the package of the link. */
  draft: LinkDraft;
  /** The link being edited, when this is not a new one. */
  existing?: Link;
  onClose: () => void;
}

/** Comma- or space-separated names; blanks dropped. */
function names(text: string): string[] {
  return text.split(/[\s,]+/).filter((n) => n.length > 0);
}

export function LinkDialog({ draft, existing, onClose }: Props) {
  const [name, setName] = useState(existing?.name ?? "default");
  const [interfaces, setInterfaces] = useState((existing?.interfaces ?? draft.interfaces).join(", "));
  const [sourceConfig, setSourceConfig] = useState((existing?.source_config ?? []).join(", "));
  const [targetConfig, setTargetConfig] = useState((existing?.target_config ?? []).join(", "));
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const { perform } = useHistory();

  const act = async (action: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
      onClose();
    } catch (raw) {
      setError(toApiError(raw).message);
    } finally {
      setBusy(false);
    }
  };

  const submit = () =>
    act(() => {
      const link: Link = {
        ...draft,
        name: name.trim() || "default",
        interfaces: names(interfaces),
        source_config: names(sourceConfig),
        target_config: names(targetConfig),
      };
      if (!existing) return perform(`put link ${link.name}`, () => putLink(link), () => deleteLink(keyOf(link)));
      // A new name is a new link (links are keyed by source, package and name).
      const renamed = existing.name !== link.name;
      return perform(
        `edit link ${existing.name}`,
        async () => {
          await putLink(link);
          if (renamed) await deleteLink(keyOf(existing));
        },
        async () => {
          await putLink(existing);
          if (renamed) await deleteLink(keyOf(link));
        },
      );
    });

  return (
    <div
      className="link-dialog"
      role="dialog"
      aria-label={existing ? "Edit link" : "New link"}
      data-testid="link-dialog"
    >
      <div className="link-dialog__title">
        {existing ? "Edit link " : "Link "}
        <span className="mono">{draft.source_id}</span> → <span className="mono">{draft.target}</span> via{" "}
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
        Source config{" "}
        <input
          data-testid="link-source-config"
          value={sourceConfig}
          placeholder="optional"
          onChange={(e) => setSourceConfig(e.target.value)}
        />
      </label>
      <label>
        Target config{" "}
        <input
          data-testid="link-target-config"
          value={targetConfig}
          placeholder="optional"
          onChange={(e) => setTargetConfig(e.target.value)}
        />
      </label>
      {error && (
        <div className="link-dialog__error" role="alert" data-testid="link-error">
          {error}
        </div>
      )}
      <div className="link-dialog__buttons">
        {existing && (
          <button
            data-testid="link-delete"
            onClick={() =>
              void act(() =>
                perform(
                  `delete link ${existing.name}`,
                  () => deleteLink(keyOf(existing)),
                  () => putLink(existing),
                ),
              )
            }
            disabled={busy}
          >
            Delete
          </button>
        )}
        <button onClick={onClose} disabled={busy}>
          Cancel
        </button>
        <button data-testid="link-submit" onClick={() => void submit()} disabled={busy}>
          {existing ? "Save" : "Link"}
        </button>
      </div>
    </div>
  );
}

function keyOf(link: Link) {
  return {
    source_id: link.source_id,
    wit_namespace: link.wit_namespace,
    wit_package: link.wit_package,
    name: link.name,
  };
}
