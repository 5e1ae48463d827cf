// "Providers": start one of the host's built-in providers, or a capability provider
// binary, provider archive (.par, .par.gz) or provider image by its path or reference, on
// a host, so a link can be dragged to it. Binaries and images run only where the host's
// grants allow them; a refusal names the grant.
import { useState } from "react";
import { startProvider } from "../api";
import { PROVIDER_EXPORTS } from "../graph/link";
import { HostPicker, startLabel, type HostChoice } from "./HostPicker";
import { idFromPath } from "./openWasm";
import { PROVIDER_DRAG_TYPE } from "./paletteDrag";
import { PaletteForm, useAction } from "./PaletteForm";

const NAMES = Object.keys(PROVIDER_EXPORTS);

interface Props {
  connected: boolean;
  hosts: readonly HostChoice[];
}

export function StartProvider({ connected, hosts }: Props) {
  const [hostId, setHostId] = useState<string | null>(null);
  const [open, setOpen] = useState(false);
  const [name, setName] = useState(NAMES[0] ?? "");
  const [id, setId] = useState("");
  // A binary, archive or image, when given, is started instead of the built-in.
  const [reference, setReference] = useState("");
  const { busy, startedAt, result, run } = useAction();
  const external = reference.trim();
  const effectiveId = id.trim() || (external ? idFromPath(external) : name);

  return (
    <PaletteForm
      icon="⬡"
      title="Providers"
      testId="start-provider"
      open={open}
      onOpenChange={setOpen}
      canSubmit={connected && effectiveId !== ""}
      busy={busy}
      startedAt={startedAt}
      result={result}
      onSubmit={() => run(() => startProvider(external || name, effectiveId, hostId))}
      submitLabel={startLabel(hosts, hostId)}
    >
      <div className="palette-chips" title="Drag one onto a host frame to start it there">
        {NAMES.map((n) => (
          <span
            key={n}
            className="palette-chip mono"
            draggable={connected}
            onDragStart={(e) => {
              e.dataTransfer.setData(PROVIDER_DRAG_TYPE, n);
              e.dataTransfer.effectAllowed = "copy";
            }}
            data-testid={`palette-provider-${n}`}
          >
            ⬡ {n}
          </span>
        ))}
      </div>
      <HostPicker hosts={hosts} value={hostId} onChange={setHostId} testId="start-provider-host" />
      <label className="open-wasm__label">
        built-in
        <select
          className="input mono"
          value={name}
          onChange={(e) => setName(e.target.value)}
          data-testid="start-provider-name"
        >
          {NAMES.map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
      </label>
      <label className="open-wasm__label">
        or a binary, archive or image
        <input
          className="input mono"
          value={reference}
          onChange={(e) => setReference(e.target.value)}
          placeholder="/path/to/provider.par.gz or ghcr.io/org/provider:1.0"
          spellCheck={false}
          data-testid="start-provider-reference"
        />
      </label>
      <label className="open-wasm__label">
        id
        <input
          className="input mono"
          value={id}
          onChange={(e) => setId(e.target.value)}
          placeholder={external ? idFromPath(external) : name}
          spellCheck={false}
          data-testid="start-provider-id"
        />
      </label>
    </PaletteForm>
  );
}
