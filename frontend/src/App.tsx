import { useEffect, useMemo, useState } from "react";
import { ReactFlowProvider } from "@xyflow/react";
import { GraphCanvas } from "./graph/GraphCanvas";
import { componentNodeId, graphFromHosts } from "./graph/model";
import { Inspector } from "./inspector/Inspector";
import { useInspections } from "./lattice/useInspections";
import { useHistory } from "./history/HistoryContext";
import { useLattice } from "./lattice/useLattice";
import { DOCK_TABS, Dock, type DockTab } from "./shell/Dock";
import { isOneOf, usePersistentState } from "./shell/settings";
import { actionFor, isEditable, type ShortcutAction } from "./shell/shortcuts";
import { ShortcutsHelp } from "./shell/ShortcutsHelp";
import { Sidebar } from "./shell/Sidebar";
import { TopBar } from "./shell/TopBar";
import type { LatticeView } from "./lattice/useLattice";

export function App() {
  const lattice = useLattice();
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const localHostId = lattice.status?.local_host_id ?? null;
  const { inspections, errors } = useInspections(lattice.snapshot);
  const model = useMemo(
    () => graphFromHosts(lattice.hosts, lattice.hostsAt, localHostId, lattice.snapshot, inspections),
    [lattice.hosts, lattice.hostsAt, localHostId, lattice.snapshot, inspections],
  );
  const selected = model.nodes.find((n) => n.id === selectedId) ?? null;
  const history = useHistory();
  const hostChoices = useMemo(
    () =>
      model.nodes.flatMap((n) =>
        n.kind === "host" ? [{ id: n.data.hostId, name: n.data.friendlyName, isLocal: n.data.isLocal }] : [],
      ),
    [model],
  );
  const configRevision = useMemo(
    // An undo or redo may change a config's values, which the snapshot does not carry.
    () => JSON.stringify([lattice.snapshot.configs, lattice.snapshot.links, history.notice]),
    [lattice.snapshot, history.notice],
  );
  const [dockTab, setDockTab] = usePersistentState<DockTab>("dock.tab", "Logs", isOneOf(DOCK_TABS));
  const [openWasm, setOpenWasm] = useState(false);
  const [helpOpen, setHelpOpen] = useState(false);
  const [fitRequest, setFitRequest] = useState(0);
  const { refresh } = lattice;
  const { undo, redo } = history;

  useEffect(() => {
    const run: Record<ShortcutAction, () => void> = {
      "open-wasm": () => setOpenWasm(true),
      refresh: () => void refresh(),
      "show-logs": () => setDockTab("Logs"),
      "show-events": () => setDockTab("Events"),
      "show-config": () => setDockTab("Config"),
      undo,
      redo,
      "fit-view": () => setFitRequest((n) => n + 1),
      deselect: () => {
        setHelpOpen(false);
        setSelectedId(null);
      },
      "toggle-help": () => setHelpOpen((open) => !open),
    };
    const onKey = (event: KeyboardEvent) => {
      const action = actionFor(event, isEditable(event.target));
      if (!action) return;
      // Ctrl+R and F5 would reload the webview, Ctrl+O open nothing: the app handles them.
      event.preventDefault();
      run[action]();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [refresh, setDockTab, undo, redo]);

  return (
    <div className="app">
      <TopBar
        status={lattice.status}
        hostCount={model.nodes.filter((n) => n.kind === "host").length}
        refreshing={lattice.refreshing}
        onRefresh={lattice.refresh}
        onShowShortcuts={() => setHelpOpen(true)}
      />
      <Sidebar
        status={lattice.status}
        hosts={hostChoices}
        onStarted={(id, hostId) => setSelectedId(componentNodeId(hostId ?? localHostId ?? "", id))}
        openWasm={openWasm}
        onOpenWasmChange={setOpenWasm}
      />
      <main className="canvas">
        <ReactFlowProvider>
          <GraphCanvas
            model={model}
            selectedId={selectedId}
            onSelect={setSelectedId}
            fitRequest={fitRequest}
            links={lattice.snapshot.links}
          />
          {history.notice && (
            <div className="history-notice" role="status" data-testid="history-notice">
              {history.notice}
            </div>
          )}
        </ReactFlowProvider>
        <CanvasNotice lattice={lattice} empty={model.nodes.length === 0} />
      </main>
      <Inspector node={selected} inspections={inspections} inspectionErrors={errors} />
      <Dock tab={dockTab} onTab={setDockTab} configRevision={configRevision} />
      {helpOpen && <ShortcutsHelp onClose={() => setHelpOpen(false)} />}
    </div>
  );
}

/** What the canvas says when it has nothing (or something wrong) to show. */
function CanvasNotice({ lattice, empty }: { lattice: LatticeView; empty: boolean }) {
  const status = lattice.status;
  if (status?.state === "failed" && status.error) {
    return (
      <div className="notice notice--error" role="alert" data-testid="lattice-error">
        <div className="notice__title">The local lattice could not start</div>
        <div className="notice__body">{status.error.message}</div>
        <div className="notice__code mono">{status.error.code}</div>
      </div>
    );
  }
  if (lattice.hostsError && empty) {
    return (
      <div className="notice notice--error" role="alert">
        <div className="notice__title">Could not list hosts</div>
        <div className="notice__body">{lattice.hostsError.message}</div>
      </div>
    );
  }
  if (!empty) return null;
  if (!status || status.state === "starting") {
    return (
      <div className="notice">
        <div className="spinner" aria-hidden />
        <div className="notice__title">Starting the local lattice…</div>
        <div className="notice__body muted">{status?.detail ?? "launching"}</div>
      </div>
    );
  }
  if (status.state === "connected") {
    return (
      <div className="notice">
        <div className="spinner" aria-hidden />
        <div className="notice__title">Looking for hosts…</div>
        <div className="notice__body muted">pinging lattice {status.lattice}</div>
      </div>
    );
  }
  return (
    <div className="notice">
      <div className="notice__title">{status.state}</div>
      <div className="notice__body muted">{status.detail ?? ""}</div>
    </div>
  );
}
