// The only module that talks to the Rust side: typed wrappers over `invoke` and `listen`.
// The types are generated from the Rust ones into `./generated.ts` (see
// src-tauri/src/ipc_types.rs); only what has no Rust type of its own is written here.
import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type {
  CloudEvent,
  ComponentInspection,
  ConnectionReport,
  Context,
  ContextList,
  ContextSummary,
  ImportSummary,
  AppSummary,
  AppVersion,
  Example,
  ExampleDeployment,
  ComponentCallResult,
  HttpHeader,
  HttpReply,
  SessionLatticeEvent,
  SessionLog,
  SessionModelEvent,
  SessionTouch,
  TelemetryInfo,
  Touch,
  DeleteLinkRequest,
  ErrorCode as ErrorCodeName,
  Host,
  LatticeStatus,
  Link,
  LogRecord,
  ModelChange,
  ModelSnapshot,
  NamedConfig,
  ReloadEvent,
  SessionSpyRecord,
  WatchState,
  WorkloadSpec,
  WorkloadView,
  WorkloadDescription,
} from "./generated";

export type * from "./generated";

/** The codes of the Rust `ErrorCode` (`src-tauri/src/error.rs`), by name. */
export const ErrorCode = {
  NotReady: "not_ready",
  NatsNotFound: "nats_not_found",
  LocalNats: "local_nats",
  Host: "host",
  Lattice: "lattice",
  InvalidInput: "invalid_input",
  NotFound: "not_found",
  Internal: "internal",
} as const satisfies Record<string, ErrorCodeName>;

/** A code of the Rust `ErrorCode`. */
export type ErrorCode = ErrorCodeName;

/** One of the codes above, or a newer one this frontend does not know yet. */
export type ErrorCodeValue = ErrorCode | (string & {});

/** What `trellis://model` carries: a change, or `resync` to re-read `lattice_snapshot`. */
export type ModelEvent = ModelChange | { change: "resync" };

/** Event names the backend emits; keep in step with `src-tauri/src/forward.rs`. */
export const EventName = {
  Status: "trellis://status",
  Log: "trellis://log",
  LatticeEvent: "trellis://lattice-event",
  Model: "trellis://model",
} as const;

/** A command failed; `code` says how, `message` is fit to show to the user. */
export class ApiError extends Error {
  readonly code: ErrorCodeValue;

  constructor(code: ErrorCodeValue, message: string) {
    super(message);
    this.name = "ApiError";
    this.code = code;
  }
}

/** Turns whatever `invoke` rejected with into an `ApiError`. */
export function toApiError(raw: unknown): ApiError {
  if (raw instanceof ApiError) return raw;
  if (isErrorPayload(raw)) return new ApiError(raw.code, raw.message);
  if (raw instanceof Error) return new ApiError(ErrorCode.Internal, raw.message);
  return new ApiError(ErrorCode.Internal, String(raw));
}

/** A rejection shaped like the Rust `CommandError`, whatever its code. */
interface ErrorPayload {
  code: ErrorCodeValue;
  message: string;
}

function isErrorPayload(raw: unknown): raw is ErrorPayload {
  return (
    typeof raw === "object" &&
    raw !== null &&
    typeof (raw as ErrorPayload).code === "string" &&
    typeof (raw as ErrorPayload).message === "string"
  );
}

/** The name of the app's own local lattice session. */
export const LOCAL_SESSION = "local";

// Lattice commands go to the session whose tab is shown: the workbench is mounted for one
// session at a time, so every command it sends is about that session.
let activeSession = LOCAL_SESSION;

/** Makes `name` the session lattice commands are sent to. */
export function setActiveSession(name: string): void {
  activeSession = name;
}

/** The session lattice commands are sent to. */
export function getActiveSession(): string {
  return activeSession;
}

async function invokeOrThrow<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (raw) {
    throw toApiError(raw);
  }
}

/** A command about the active session's lattice. */
function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  return invokeOrThrow<T>(command, { session: activeSession, ...args });
}

/** The state of a session's connection, by default the active one's. */
export function latticeStatus(session: string = activeSession): Promise<LatticeStatus> {
  return invokeOrThrow<LatticeStatus>("lattice_status", { session });
}

/** Hosts that answered `host.ping` on the active session's lattice. */
export function listHosts(): Promise<Host[]> {
  return call<Host[]>("list_hosts");
}

/** Calls `handler` for every status change of any session (`status.context` names it). */
export function onStatus(handler: (status: LatticeStatus) => void): Promise<UnlistenFn> {
  return listen<LatticeStatus>(EventName.Status, (e) => handler(e.payload));
}

/**
 * Per-session streams kept outside React: a tab that is not shown still records its
 * session's log lines and events, and shows them when it is shown again.
 */
class SessionStreams<T> {
  private readonly buffers = new Map<string, T[]>();
  private readonly handlers = new Map<string, Set<(item: T) => void>>();
  private started: Promise<unknown> | null = null;

  constructor(
    private readonly eventName: string,
    private readonly limit: number,
    private readonly unwrap: (payload: never) => [string, T],
  ) {}

  /** Replays what `session` recorded, then calls `handler` for every new item. */
  subscribe(session: string, handler: (item: T) => void): Promise<UnlistenFn> {
    this.started ??= listen(this.eventName, (e) => {
      const [from, item] = this.unwrap(e.payload as never);
      this.push(from, item);
    });
    for (const item of this.buffers.get(session) ?? []) handler(item);
    let set = this.handlers.get(session);
    if (!set) this.handlers.set(session, (set = new Set()));
    set.add(handler);
    const stop = () => void set.delete(handler);
    return this.started.then(() => stop);
  }

  /** Forgets what `session` recorded (its panel's "clear", or a closed tab). */
  clear(session: string): void {
    this.buffers.delete(session);
  }

  private push(session: string, item: T): void {
    let buffer = this.buffers.get(session);
    if (!buffer) this.buffers.set(session, (buffer = []));
    buffer.push(item);
    if (buffer.length > this.limit * 1.25) buffer.splice(0, buffer.length - this.limit);
    for (const handler of this.handlers.get(session) ?? []) handler(item);
  }
}

const logStreams = new SessionStreams<LogRecord>(EventName.Log, 5000, (p: SessionLog) => [p.session, p.record]);
const eventStreams = new SessionStreams<CloudEvent>(EventName.LatticeEvent, 2000, (p: SessionLatticeEvent) => [
  p.session,
  p.event,
]);

/** Calls `handler` for the log lines `session`'s hosts sent so far and every new one. */
export function onLog(session: string, handler: (record: LogRecord) => void): Promise<UnlistenFn> {
  return logStreams.subscribe(session, handler);
}

/** Calls `handler` for `session`'s lattice events so far and every new one (CloudEvents). */
export function onLatticeEvent(session: string, handler: (event: CloudEvent) => void): Promise<UnlistenFn> {
  return eventStreams.subscribe(session, handler);
}

/** Forgets the log lines and events recorded for `session`. */
export function clearSessionStreams(session: string): void {
  logStreams.clear(session);
  eventStreams.clear(session);
}

/** The active session's lattice model: hosts with their components and providers, links, config names. */
export function latticeSnapshot(): Promise<ModelSnapshot> {
  return call<ModelSnapshot>("lattice_snapshot");
}

/** A component's description, links, config, WIT and which imports are served. */
export function inspectComponent(componentId: string): Promise<ComponentInspection> {
  return call<ComponentInspection>("inspect_component", { componentId });
}

/** Starts the `.wasm` file at `path` as `id` on `hostId` (default: the local host, or any host of a remote lattice); resolves with a sentence once it runs. */
export function startComponent(path: string, id: string, hostId?: string | null): Promise<string> {
  return call<string>("start_component", { path, id, hostId: hostId ?? null });
}

/** Starts built-in provider `name` as `id` on `hostId` (default: the local host, or any host of a remote lattice); resolves with a sentence once it runs. */
export function startProvider(name: string, id: string, hostId?: string | null): Promise<string> {
  return call<string>("start_provider", { name, id, hostId: hostId ?? null });
}

/** Calls `handler` for every change of `session`'s lattice model. */
export function onModelChange(session: string, handler: (change: ModelEvent) => void): Promise<UnlistenFn> {
  return listen<SessionModelEvent>(EventName.Model, (e) => {
    const { session: from, resync, change } = e.payload;
    if (from !== session) return;
    if (resync || !change) handler({ change: "resync" });
    else handler(change);
  });
}

// ----- sessions and saved contexts -----

/** The saved contexts (never their credentials) and the entries that could not be read. */
export function listContexts(): Promise<ContextList> {
  return invokeOrThrow<ContextList>("list_contexts");
}

/** The status of every open session, local first. */
export function listSessions(): Promise<LatticeStatus[]> {
  return invokeOrThrow<LatticeStatus[]>("list_sessions");
}

/** Reaches the lattice `context` describes step by step and says which step failed. */
export function testConnection(context: Context): Promise<ConnectionReport> {
  return invokeOrThrow<ConnectionReport>("test_connection", { context });
}

/** Saves `context` as `name` without connecting. */
export function saveContext(name: string, context: Context): Promise<ContextSummary> {
  return invokeOrThrow<ContextSummary>("save_context", { name, context });
}

/** Connects to `context`; once connected saves it as `name` and opens it as a session. Nothing is saved when it fails. */
export function attachNew(name: string, context: Context): Promise<LatticeStatus> {
  return invokeOrThrow<LatticeStatus>("attach_new", { name, context });
}

/** Opens saved context `name` as a session (answers with its status when already open). */
export function attach(name: string): Promise<LatticeStatus> {
  return invokeOrThrow<LatticeStatus>("attach", { name });
}

/** Closes session `name` (not the local one). */
export async function detach(name: string): Promise<void> {
  await invokeOrThrow<null>("detach", { name });
}

/** Deletes saved context `name`. */
export async function deleteContext(name: string): Promise<void> {
  await invokeOrThrow<null>("delete_context", { name });
}

/** Imports every `nats` CLI and wash 1.x context found on this machine. */
export function importContexts(): Promise<ImportSummary> {
  return invokeOrThrow<ImportSummary>("import_contexts");
}

/** Puts a link; the host validates it and a refusal rejects with the host's message. */
export function putLink(link: Link): Promise<string> {
  return call<string>("put_link", { link });
}

/** Deletes the link(s) with this key; answers with the host's message. */
export function deleteLink(request: DeleteLinkRequest): Promise<string> {
  return call<string>("delete_link", { request });
}

/** Sets a component's maximum instances on every host running it; resolves with the outcome. */
export function scaleComponent(componentId: string, count: number): Promise<string> {
  return call<string>("scale_component", { componentId, count });
}

/** Stops a component on every host running it; resolves with the outcome. */
export function stopComponent(componentId: string): Promise<string> {
  return call<string>("stop_component", { componentId });
}

/** Replaces a component's code with the `.wasm` file at `path` (absolute), keeping its links. */
export function updateComponent(componentId: string, path: string): Promise<string> {
  return call<string>("update_component", { componentId, path });
}

/** Stops a provider on every host running it. */
export function stopProvider(providerId: string): Promise<string> {
  return call<string>("stop_provider", { providerId });
}

/** Asks a host to stop; resolves once it reports stopping. */
export function stopHost(hostId: string): Promise<string> {
  return call<string>("stop_host", { hostId });
}

/** Sets label `key=value` on a host. */
export function putLabel(hostId: string, key: string, value: string): Promise<string> {
  return call<string>("put_label", { hostId, key, value });
}

/** Removes label `key` from a host. */
export function deleteLabel(hostId: string, key: string): Promise<string> {
  return call<string>("delete_label", { hostId, key });
}

/** Calls `fn` (`ns:pkg/iface.name` or a root name) of component `componentId` with one WAVE value per parameter. */
export function callFunction(componentId: string, fn: string, args: string[]): Promise<ComponentCallResult> {
  return call<ComponentCallResult>("call_function", { componentId, function: fn, args });
}

/**
 * Sends one HTTP request to component `componentId` through the http-server link that serves
 * it; resolves with the status, headers, body and time (`trellis http` does the same).
 */
export function httpRequest(
  componentId: string,
  method: string,
  path: string,
  headers: HttpHeader[],
  body: string,
): Promise<HttpReply> {
  return call<HttpReply>("http_request", { componentId, method, path, headers, body });
}

/** Starts a workload on a wasmCloud 2.x host of the active session's NATS server (the host
 * answers after pulling, compiling and linking); resolves to every workload Trellis started. */
export function startV2Workload(spec: WorkloadSpec): Promise<WorkloadView[]> {
  return call<WorkloadView[]>("start_v2_workload", { spec });
}

/** The workloads Trellis started on 2.x hosts, each with its status read again. */
export function listV2Workloads(): Promise<WorkloadView[]> {
  return call<WorkloadView[]>("list_v2_workloads");
}

/** Stops a workload Trellis started; resolves to what remains. */
export function stopV2Workload(workloadId: string): Promise<WorkloadView[]> {
  return call<WorkloadView[]>("stop_v2_workload", { workloadId });
}

/** What a workload Trellis started runs: its components with their WIT, the host interfaces
 * each binds (with config) and the links between them (`trellis v2 describe` says the same). */
export function describeV2Workload(workloadId: string): Promise<WorkloadDescription> {
  return call<WorkloadDescription>("describe_v2_workload", { workloadId });
}

/** The event the resources 2.x workloads touch arrive on; keep in step with `src-tauri/src/commands/telemetry.rs`. */
export const TOUCH_EVENT = "trellis://touch";

/** Starts the active session's OTLP receiver for 2.x hosts on 127.0.0.1:`port`. */
export function startTelemetry(port: number): Promise<TelemetryInfo> {
  return call<TelemetryInfo>("start_telemetry", { port });
}

/** Stops the active session's OTLP receiver. */
export function stopTelemetry(): Promise<void> {
  return call<null>("stop_telemetry").then(() => undefined);
}

/** The OTLP receiver of `session` (default: the active one), or null when none runs. */
export function telemetryInfo(session: string = activeSession): Promise<TelemetryInfo | null> {
  return invokeOrThrow<TelemetryInfo | null>("telemetry_info", { session });
}

/** Calls `handler` for each resource a 2.x workload of `session` is seen touching for the first time. */
export function onTouch(session: string, handler: (touch: Touch) => void): Promise<UnlistenFn> {
  return listen<SessionTouch>(TOUCH_EVENT, (e) => {
    if (e.payload.session === session) handler(e.payload.touch);
  });
}

/** Every stored version of application `name`, oldest first, the deployed one marked. */
export function appHistory(name: string): Promise<AppVersion[]> {
  return call<AppVersion[]>("app_history", { name });
}

/** Deploys stored version `version` of application `name`; resolves to a sentence naming it. */
export function deployAppVersion(name: string, version: string): Promise<string> {
  return call<string>("deploy_app_version", { name, version });
}

/** wadm's applications in the active session's lattice, with status and reasons. */
export function listApps(): Promise<AppSummary[]> {
  return call<AppSummary[]>("list_apps");
}

/** Validates the manifest file at `path`, puts it and deploys it; resolves with a sentence naming the version. */
export function deployApp(path: string): Promise<string> {
  return call<string>("deploy_app", { path });
}

/** The examples gallery: name, description, languages and where each answers HTTP. */
export function listExamples(): Promise<Example[]> {
  return call<Example[]>("list_examples");
}

/** Deploys example `name` through wadm; resolves once wadm reports it deployed. */
export function deployExample(name: string): Promise<ExampleDeployment> {
  return call<ExampleDeployment>("deploy_example", { name });
}

/** Undeploys application `name`; its versions stay. */
export function undeployApp(name: string): Promise<string> {
  return call<string>("undeploy_app", { name });
}

/** Deletes every version of application `name`. */
export function deleteApp(name: string): Promise<string> {
  return call<string>("delete_app", { name });
}

/** The active session's live graph as a wadm manifest named `name` (YAML, notes first). */
export function exportManifest(name: string): Promise<string> {
  return call<string>("export_manifest", { name });
}

/** Every named config with its values and the links that use it. */
export function listConfigs(): Promise<NamedConfig[]> {
  return call<NamedConfig[]>("list_configs");
}

/** Creates or replaces a named config. */
export function putConfig(name: string, values: Record<string, string>): Promise<string> {
  return call<string>("put_config", { name, values });
}

/** Deletes a named config. */
export function deleteConfig(name: string): Promise<string> {
  return call<string>("delete_config", { name });
}

// ----- "Watch file": hot reload of a component started from a local file -----

/** The event a watched component's reloads arrive on; keep in step with `src-tauri/src/commands/watch.rs`. */
export const RELOAD_EVENT = "trellis://reload";

/** Starts (`enabled`) or stops hot reload of `componentId` from the file at `path` (absolute) in the active session. */
export function watchComponent(componentId: string, path: string, enabled: boolean): Promise<string> {
  return call<string>("watch_component", { componentId, path, enabled });
}

/** The components of `session` (default: the active one) whose file is watched, with their latest reload. */
export function listWatches(session: string = activeSession): Promise<WatchState[]> {
  return invokeOrThrow<WatchState[]>("list_watches", { session });
}

/** Calls `handler` for every reload of a watched component of `session`. */
export function onReload(session: string, handler: (event: ReloadEvent) => void): Promise<UnlistenFn> {
  return listen<ReloadEvent>(RELOAD_EVENT, (e) => {
    if (e.payload.session === session) handler(e.payload);
  });
}

// ----- Message spy: calls other components make into one component -----

/** The event spied calls arrive on; keep in step with `src-tauri/src/commands/spy.rs`. */
export const SPY_EVENT = "trellis://spy";

/** Starts (`enabled`) or stops spying on calls into `componentId` in the active session. */
export function spyComponent(componentId: string, enabled: boolean): Promise<string> {
  return call<string>("spy_component", { componentId, enabled });
}

/** Calls `handler` for every spied call of `session`. */
export function onSpyRecord(session: string, handler: (event: SessionSpyRecord) => void): Promise<UnlistenFn> {
  return listen<SessionSpyRecord>(SPY_EVENT, (e) => {
    if (e.payload.session === session) handler(e.payload);
  });
}

/** Writes `text` as `filename` in the user's Downloads folder (never replacing a file); resolves with the path. */
export function saveExport(filename: string, text: string): Promise<string> {
  return invokeOrThrow<string>("save_export", { filename, text });
}

/** Allows, on the app's own host (now and after a restart), the grants it refused component `componentId`; resolves with what was allowed. */
export function allowGrants(componentId: string): Promise<string> {
  return invokeOrThrow<string>("allow_grants", { componentId });
}
