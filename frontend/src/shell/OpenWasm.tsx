// "Open .wasm…": start a component file or OCI reference on a host. The path is typed in
// (no file dialog plugin: the window gets no file system access at all); a reference is
// pulled by the host, whose progress shows as the start's phase.
import { useState } from "react";
import { startComponent } from "../api";
import { idFromPath } from "./openWasm";
import { HostPicker, startLabel, type HostChoice } from "./HostPicker";
import { PaletteForm, useAction } from "./PaletteForm";
import { isString, usePersistentState } from "./settings";
import { useComponentPhase } from "./useComponentPhase";

interface Props {
  connected: boolean;
  hosts: readonly HostChoice[];
  /** A component started (its id, and its host when not the local one). */
  onStarted: (componentId: string, hostId: string | null) => void;
  /** Whether the form is shown (Ctrl+O opens it). */
  open: boolean;
  onOpenChange: (open: boolean) => void;
}

export function OpenWasm({ connected, hosts, onStarted, open, onOpenChange }: Props) {
  const [hostId, setHostId] = useState<string | null>(null);
  // The last path is remembered: the usual loop is starting the same file again.
  const [path, setPath] = usePersistentState("openWasm.path", "", isString);
  const [id, setId] = useState("");
  const { busy, startedAt, result, run } = useAction();
  const effectiveId = id.trim() || idFromPath(path);
  const phase = useComponentPhase(busy ? effectiveId : null, startedAt);

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
      phase={phase}
      result={result}
      onSubmit={() => {
        const startedId = effectiveId;
        const on = hostId;
        run(
          () => startComponent(path.trim(), startedId, on),
          () => onStarted(startedId, on),
        );
      }}
      submitLabel={startLabel(hosts, hostId)}
    >
      <HostPicker hosts={hosts} value={hostId} onChange={setHostId} testId="open-wasm-host" />
      <label className="open-wasm__label">
        path or reference
        <input
          className="input mono"
          value={path}
          onChange={(e) => setPath(e.target.value)}
          placeholder="/path/to/component.wasm or ghcr.io/org/app:1.0"
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
