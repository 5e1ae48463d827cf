import type { LatticeStatus } from "../api";
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
}

export function Sidebar({ status, hosts, onStarted, openWasm, onOpenWasmChange }: Props) {
  return (
    <nav className="sidebar panel">
      <h2 className="panel__title">Contexts</h2>
      <ul className="tree">
        <li className="tree__item tree__item--active">
          <span className={`conn__dot conn--${status?.state ?? "starting"}`} />
          <span>{status?.context ?? "local"}</span>
          <ul className="tree">
            <li className="tree__item tree__item--child mono">{status?.lattice ?? "default"}</li>
          </ul>
        </li>
      </ul>
      <h2 className="panel__title">Palette</h2>
      <ul className="palette">
        <li className="palette__item palette__item--disabled" title="coming soon">
          <span className="palette__icon">▣</span> Components
        </li>
      </ul>
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
