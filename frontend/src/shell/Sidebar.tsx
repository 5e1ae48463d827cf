import type { ReactNode } from "react";
import type { LatticeStatus } from "../api";
import { ExamplesGallery } from "../gallery/ExamplesGallery";
import type { HostChoice } from "./HostPicker";
import { OpenWasm } from "./OpenWasm";
import { StartProvider } from "./StartProvider";

interface Props {
  status: LatticeStatus | null;
  /** The hosts starts can go to. */
  hosts: readonly HostChoice[];
  /** A component was started from the palette (its id, and its host when not the local one). */
  onStarted: (componentId: string, hostId: string | null) => void;
  /** Whether the "Open .wasm" form is shown. */
  openWasm: boolean;
  onOpenWasmChange: (open: boolean) => void;
  /** The saved contexts and open sessions. */
  contexts: ReactNode;
}

export function Sidebar({ status, hosts, onStarted, openWasm, onOpenWasmChange, contexts }: Props) {
  return (
    <nav className="sidebar panel">
      <h2 className="panel__title">Contexts</h2>
      {contexts}
      <h2 className="panel__title">Palette</h2>
      <ExamplesGallery connected={status?.state === "connected"} />
      <StartProvider connected={status?.state === "connected"} hosts={hosts} />
      <OpenWasm
        connected={status?.state === "connected"}
        hosts={hosts}
        onStarted={onStarted}
        open={openWasm}
        onOpenChange={onOpenWasmChange}
      />
      {status?.nats_url && (
        <div className="sidebar__footer muted mono" title="NATS server of this context">
          {status.nats_url}
        </div>
      )}
    </nav>
  );
}
