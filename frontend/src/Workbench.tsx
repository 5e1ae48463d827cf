// One session's workbench: its graph, inspector, dock (logs, events, config) and time
// travel. Mounted for the session whose tab is shown (keyed by its name), so every command
// it sends goes to that session's lattice.
import { useEffect, useMemo, useState } from "react";
import { ReactFlowProvider } from "@xyflow/react";
import type { Host, LatticeStatus } from "./api";
import { GraphCanvas } from "./graph/GraphCanvas";
import { formatClock } from "./graph/format";
import { componentNodeId, graphFromHosts } from "./graph/model";
import { GrantPrompt } from "./grants/GrantPrompt";
import { useHistory } from "./history/HistoryContext";
import { Inspector } from "./inspector/Inspector";
import { useInspections } from "./lattice/useInspections";
import { useLattice, type LatticeView } from "./lattice/useLattice";
import { useTelemetry } from "./lattice/useTelemetry";
import { useV2Workloads } from "./lattice/useV2Workloads";
import { DOCK_TABS, Dock, type DockTab } from "./shell/Dock";
import { isOneOf, usePersistentState } from "./shell/settings";
import { actionFor, isEditable, type ShortcutAction } from "./shell/shortcuts";
import { ShortcutsHelp } from "./shell/ShortcutsHelp";
import { Sidebar } from "./shell/Sidebar";
import { TopBar } from "./shell/TopBar";
import { Scrubber, TimeTravelBanner, useTimeline } from "./timetravel";

/** Hosts come from the model alone; the graph's ping list stays empty. */
const NO_PINGED_HOSTS: Host[] = [];

interface Props {
  session: string;
  /** The sidebar's sessions and saved contexts, drawn above the palette. */
  contexts: React.ReactNode;
  /** The session tabs, drawn in the top bar. */
  tabs: React.ReactNode;
}

export function Workbench({ session, contexts, tabs }: Props) {
  const lattice = useLattice(session);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const localHostId = lattice.status?.local_host_id ?? null;
  const timeline = useTimeline(session, { snapshot: lattice.snapshot, hosts: NO_PINGED_HOSTS });
  const past = timeline.viewed;
  const { inspections, errors } = useInspections(lattice.snapshot);
  const v2HostIds = useMemo(() => (lattice.snapshot.v2_hosts ?? []).map((h) => h.id), [lattice.snapshot]);
  const v2Workloads = useV2Workloads(v2HostIds);
  const telemetry = useTelemetry(session);
  const touches = telemetry.touches;
  const model = useMemo(
    () =>
      past
        ? graphFromHosts(past.hosts, past.at, localHostId, past.snapshot, inspections, v2Workloads, touches)
        : graphFromHosts(NO_PINGED_HOSTS, lattice.snapshotAt, localHostId, lattice.snapshot, inspections, v2Workloads, touches),
    [past, lattice.snapshotAt, localHostId, lattice.snapshot, inspections, v2Workloads, touches],
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
    // The first load counts too: a lattice with no config and no link reads again once
    // its model is there.
    () => JSON.stringify([lattice.snapshotAt > 0, lattice.snapshot.configs, lattice.snapshot.links, history.notice]),
    [lattice.snapshotAt, lattice.snapshot, history.notice],
  );
  const logsNote = logsNoteFor(lattice);
  const [dockTab, setDockTab] = usePersistentState<DockTab>("dock.tab", "Logs", isOneOf(DOCK_TABS));
  const [openWasm, setOpenWasm] = useState(false);
  const [selectedApp, setSelectedApp] = useState<string | null>(null);
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
      "show-apps": () => setDockTab("Apps"),
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

  const stale = isStale(lattice.status);
  const canvasClass = ["canvas", stale ? "canvas--stale" : "", past ? "canvas--past" : ""].filter(Boolean).join(" ");

  return (
    <div className={past ? "app app--past" : "app"}>
      <TopBar
        status={lattice.status}
        hostCount={model.nodes.filter((n) => n.kind === "host").length}
        refreshing={lattice.refreshing}
        onRefresh={lattice.refresh}
        onShowShortcuts={() => setHelpOpen(true)}
        tabs={tabs}
      />
      <Sidebar
        status={lattice.status}
        hosts={hostChoices}
        onStarted={(id, hostId) => setSelectedId(componentNodeId(hostId ?? localHostId ?? "", id))}
        openWasm={openWasm}
        onOpenWasmChange={setOpenWasm}
        contexts={contexts}
      />
      <main className={canvasClass} data-testid="canvas" data-stale={stale ? "true" : "false"}>
        <ReactFlowProvider>
          <GraphCanvas
            model={model}
            selectedId={selectedId}
            onSelect={setSelectedId}
            fitRequest={fitRequest}
            links={lattice.snapshot.links}
            sessionKey={session}
            highlightApp={dockTab === "Apps" ? selectedApp : null}
          />
          {history.notice && (
            <div className="history-notice" role="status" data-testid="history-notice">
              {history.notice}
            </div>
          )}
        </ReactFlowProvider>
        {timeline.at !== null && <TimeTravelBanner at={timeline.at} onLive={() => timeline.setAt(null)} />}
        {stale && lattice.status && <StaleNotice status={lattice.status} />}
        <CanvasNotice lattice={lattice} empty={model.nodes.length === 0} />
        {lattice.status?.local && <GrantPrompt session={session} localHostId={localHostId} />}
      </main>
      <Inspector node={selected} inspections={inspections} inspectionErrors={errors} lattice={lattice.status?.lattice} />
      <Dock
        tab={dockTab}
        onTab={setDockTab}
        configRevision={configRevision}
        header={<Scrubber frames={timeline.frames} at={timeline.at} onChange={timeline.setAt} />}
        session={session}
        logsNote={logsNote}
        telemetry={v2HostIds.length > 0 || telemetry.info ? telemetry : null}
        selectedApp={selectedApp}
        onSelectApp={setSelectedApp}
        onSelectComponent={(componentId) => {
          const node = model.nodes.find((n) => n.kind === "component" && n.data.componentId === componentId);
          if (node) setSelectedId(node.id);
        }}
      />
      {helpOpen && <ShortcutsHelp onClose={() => setHelpOpen(false)} />}
    </div>
  );
}

/** A session whose server went away: its last graph stays, greyed. */
function isStale(status: LatticeStatus | null): boolean {
  return status?.state === "reconnecting" || status?.state === "disconnected";
}

function StaleNotice({ status }: { status: LatticeStatus }) {
  return (
    <div className="stale-notice" role="status" data-testid="stale-notice">
      {status.state === "reconnecting" ? "Reconnecting" : "Disconnected"} — the graph is as it was at{" "}
      {formatClock(new Date(status.since_ms).toISOString())}
    </div>
  );
}

/** What the Logs tab says while empty on a lattice the app attached to. */
function logsNoteFor(lattice: LatticeView): string | null {
  if (lattice.status?.local !== false) return null;
  return "No log lines yet. Trellis hosts send their logs here; wasmCloud hosts publish no logs over NATS, so a lattice of wasmCloud hosts shows none (their events are in the Events tab).";
}

/** What the canvas says when it has nothing (or something wrong) to show. */
function CanvasNotice({ lattice, empty }: { lattice: LatticeView; empty: boolean }) {
  const status = lattice.status;
  if (status?.state === "failed" && status.error) {
    return (
      <div className="notice notice--error" role="alert" data-testid="lattice-error">
        <div className="notice__title">
          {status.local ? "The local lattice could not start" : `Cannot reach ${status.context}`}
        </div>
        <div className="notice__body">{status.error.message}</div>
        <div className="notice__code mono">{status.error.code}</div>
      </div>
    );
  }
  if (lattice.error && empty && lattice.error.code !== "not_ready") {
    return (
      <div className="notice notice--error" role="alert">
        <div className="notice__title">Could not read the lattice</div>
        <div className="notice__body">{lattice.error.message}</div>
      </div>
    );
  }
  if (!empty) return null;
  if (!status || status.state === "starting") {
    return (
      <div className="notice">
        <div className="spinner" aria-hidden />
        <div className="notice__title">{status?.local === false ? "Connecting…" : "Starting the local lattice…"}</div>
        <div className="notice__body muted">{status?.detail ?? "launching"}</div>
      </div>
    );
  }
  if (status.state === "connected") {
    return (
      <div className="notice">
        <div className="spinner" aria-hidden />
        <div className="notice__title">Looking for hosts…</div>
        <div className="notice__body muted">lattice {status.lattice}</div>
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
