// The Config view: every named config with its values and the links that use it; create,
// edit and delete them. Values are edited as KEY=VALUE lines.
import { useCallback, useEffect, useState } from "react";
import { deleteConfig, listConfigs, putConfig, toApiError, type NamedConfig } from "../api";
import { ActionOutcome } from "../actions/ActionOutcome";
import { useHistory } from "../history/HistoryContext";
import { useAction } from "../shell/PaletteForm";
import { configText, parseConfigText } from "./configText";

interface Props {
  /** Re-read when this changes (the lattice model's config names and links). */
  revision: string;
}

export function ConfigPanel({ revision }: Props) {
  const [configs, setConfigs] = useState<NamedConfig[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const { busy, startedAt, result, run } = useAction();
  const { perform } = useHistory();

  const reload = useCallback(() => {
    listConfigs()
      .then((list) => {
        setConfigs(list);
        setLoadError(null);
      })
      .catch((err: unknown) => setLoadError(toApiError(err).message));
  }, []);
  useEffect(reload, [reload, revision]);

  const save = (name: string, text: string, onSaved?: () => void) => {
    const parsed = parseConfigText(text);
    if (!parsed.ok) {
      run(() => Promise.reject(new Error(`config ${name}: ${parsed.reason}`)));
      return;
    }
    const before = configs?.find((c) => c.name === name)?.values ?? null;
    run(
      () =>
        perform(
          `save config ${name}`,
          () => putConfig(name, parsed.values),
          () => (before ? putConfig(name, before) : deleteConfig(name)),
        ),
      () => {
        onSaved?.();
        reload();
      },
    );
  };

  const remove = (config: NamedConfig) => {
    const before = config.values ?? {};
    run(
      () =>
        perform(
          `delete config ${config.name}`,
          () => deleteConfig(config.name),
          () => putConfig(config.name, before),
        ),
      reload,
    );
  };

  return (
    <div className="config-view" data-testid="config-view">
      <NewConfig busy={busy} onSave={save} />
      <ActionOutcome result={result} busy={busy} startedAt={startedAt} testId="config-result" />
      {loadError && (
        <p className="inspector__error" role="alert">
          {loadError}
        </p>
      )}
      {configs?.length === 0 && <p className="muted">No named config yet.</p>}
      {configs?.map((c) => (
        <ConfigItem
          key={`${c.name}:${configText(c.values)}`}
          config={c}
          busy={busy}
          onSave={(text) => save(c.name, text)}
          onDelete={() => remove(c)}
        />
      ))}
    </div>
  );
}

function NewConfig({
  busy,
  onSave,
}: {
  busy: boolean;
  onSave: (name: string, text: string, onSaved: () => void) => void;
}) {
  const [name, setName] = useState("");
  const [text, setText] = useState("");
  return (
    <form
      className="config-view__item"
      onSubmit={(e) => {
        e.preventDefault();
        if (name.trim())
          onSave(name.trim(), text, () => {
            setName("");
            setText("");
          });
      }}
    >
      <div className="actions__row">
        <input
          className="input"
          placeholder="new config name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          data-testid="config-new-name"
        />
        <button type="submit" className="btn" disabled={busy || !name.trim()} data-testid="config-new-save">
          Create
        </button>
      </div>
      <textarea
        className="input"
        placeholder="KEY=VALUE, one a line"
        value={text}
        onChange={(e) => setText(e.target.value)}
        data-testid="config-new-values"
      />
    </form>
  );
}

interface ItemProps {
  config: NamedConfig;
  busy: boolean;
  onSave: (text: string) => void;
  onDelete: () => void;
}

function ConfigItem({ config, busy, onSave, onDelete }: ItemProps) {
  const [text, setText] = useState(configText(config.values));
  return (
    <div className="config-view__item" data-testid={`config-${config.name}`}>
      <div className="actions__row">
        <span className="config-view__name mono">{config.name}</span>
        {config.values === null && <span className="muted">(named by a link, not stored)</span>}
        <button type="button" className="btn" disabled={busy} onClick={() => onSave(text)}>
          Save
        </button>
        <button type="button" className="btn btn--danger" disabled={busy} onClick={onDelete}>
          Delete
        </button>
      </div>
      <textarea className="input" value={text} onChange={(e) => setText(e.target.value)} />
      {config.used_by.length > 0 && (
        <ul className="inspector__list muted">
          {config.used_by.map((u) => (
            <li key={`${u.id}:${u.end}:${u.link}`}>
              {u.id} ({u.end} of {u.link})
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
