// The only module that talks to the Rust side: typed wrappers over `invoke` and `listen`.
// The types are generated from the Rust ones into `./generated.ts` (see
// src-tauri/src/ipc_types.rs); only what has no Rust type of its own is written here.
import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type {
  CloudEvent,
  ComponentInspection,
  DeleteLinkRequest,
  ErrorCode as ErrorCodeName,
  Host,
  LatticeStatus,
  Link,
  LogRecord,
  ModelChange,
  ModelSnapshot,
  NamedConfig,
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

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (raw) {
    throw toApiError(raw);
  }
}

/** The state of the lattice connection (never fails). */
export function latticeStatus(): Promise<LatticeStatus> {
  return call<LatticeStatus>("lattice_status");
}

/** Hosts that answered `host.ping` on the current lattice. */
export function listHosts(): Promise<Host[]> {
  return call<Host[]>("list_hosts");
}

/** Calls `handler` for every status change. */
export function onStatus(handler: (status: LatticeStatus) => void): Promise<UnlistenFn> {
  return listen<LatticeStatus>(EventName.Status, (e) => handler(e.payload));
}

/** Calls `handler` for every log line from the lattice's hosts. */
export function onLog(handler: (record: LogRecord) => void): Promise<UnlistenFn> {
  return listen<LogRecord>(EventName.Log, (e) => handler(e.payload));
}

/** Calls `handler` for every lattice event (CloudEvents envelope). */
export function onLatticeEvent(handler: (event: CloudEvent) => void): Promise<UnlistenFn> {
  return listen<CloudEvent>(EventName.LatticeEvent, (e) => handler(e.payload));
}

/** The lattice model: hosts with their components and providers, links, config names. */
export function latticeSnapshot(): Promise<ModelSnapshot> {
  return call<ModelSnapshot>("lattice_snapshot");
}

/** A component's description, links, config, WIT and which imports are served. */
export function inspectComponent(componentId: string): Promise<ComponentInspection> {
  return call<ComponentInspection>("inspect_component", { componentId });
}

/** Starts the `.wasm` file at `path` as `id` on `hostId` (default: the local host); resolves with a sentence once it runs. */
export function startComponent(path: string, id: string, hostId?: string | null): Promise<string> {
  return call<string>("start_component", { path, id, hostId: hostId ?? null });
}

/** Starts built-in provider `name` as `id` on `hostId` (default: the local host); resolves with a sentence once it runs. */
export function startProvider(name: string, id: string, hostId?: string | null): Promise<string> {
  return call<string>("start_provider", { name, id, hostId: hostId ?? null });
}

/** Calls `handler` for every change of the lattice model. */
export function onModelChange(handler: (change: ModelEvent) => void): Promise<UnlistenFn> {
  return listen<ModelEvent>(EventName.Model, (e) => handler(e.payload));
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
