// "Open .wasm…": start a component file on the local host. The path is typed in (no file
// dialog plugin: the window gets no file system access at all).
import { useState } from "react";
import { startComponent } from "../api";
import { idFromPath } from "./openWasm";
import { PaletteForm, useAction } from "./PaletteForm";
import { isString, usePersistentState } from "./settings";

interface Props {
  connected: boolean;
  onStarted: (componentId: string) => void;
  /** Whether the form is shown (Ctrl+O opens it). */
  open: boolean;
  onOpenChange: (open: boolean) => void;
}

export function OpenWasm({ connected, onStarted, open, onOpenChange }: Props) {
  // The last path is remembered: the usual loop is starting the same file again.
  const [path, setPath] = usePersistentState("openWasm.path", "", isString);
  const [id, setId] = useState("");
  const { busy, startedAt, result, run } = useAction();
  const effectiveId = id.trim() || idFromPath(path);

  return (
    <PaletteForm
      icon="+"
      title="Open .wasm…"
      testId="open-wasm"
      open={open}
      onOpenChange={onOpenChange}
      canSubmit={connected && path.trim() !== "" && effectiveId !== ""}
      busy={busy}
      startedAt={startedAt}
      result={result}
      onSubmit={() => {
        const startedId = effectiveId;
        run(
          () => startComponent(path.trim(), startedId),
          () => onStarted(startedId),
        );
      }}
    >
      <label className="open-wasm__label">
        path
        <input
          className="input mono"
          value={path}
          onChange={(e) => setPath(e.target.value)}
          placeholder="/path/to/component.wasm"
          spellCheck={false}
          autoFocus
          data-testid="open-wasm-path"
        />
      </label>
      <label className="open-wasm__label">
        id
        <input
          className="input mono"
          value={id}
          onChange={(e) => setId(e.target.value)}
          placeholder={idFromPath(path) || "component id"}
          spellCheck={false}
          data-testid="open-wasm-id"
        />
      </label>
    </PaletteForm>
  );
}
