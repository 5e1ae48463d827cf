// Types mirrored from the Rust side (trellis-proto and src-tauri). Field names are the
// wire names, so a payload can be used as-is.

/** A host as answered to `host.ping` (protocol.md §1, `Host`). */
export interface Host {
  id: string;
  friendly_name: string;
  labels: Record<string, string>;
  lattice: string;
  version: string;
  uptime_seconds: number;
  uptime_human: string;
  ctl_host: string;
  rpc_host: string;
  js_domain?: string | null;
}

/** Where the app's lattice connection is. */
export type ConnectionState = "starting" | "connected" | "reconnecting" | "disconnected" | "failed";

/** The lattice the window is looking at, as reported by `lattice_status`. */
export interface LatticeStatus {
  /** Name of the active context ("local" for the embedded lattice). */
  context: string;
  lattice: string;
  state: ConnectionState;
  /** Human-readable step while starting ("starting nats-server", ...). */
  detail: string | null;
  /** NATS URL without credentials, once known. */
  nats_url: string | null;
  /** Id of the embedded host, once started. */
  local_host_id: string | null;
  /** Why starting or connecting failed. */
  error: CommandErrorPayload | null;
}

/** Log levels of `trellis-proto::LogLevel`. */
export type LogLevel = "trace" | "debug" | "info" | "warn" | "error" | "critical";

/** One log line from a host (`trellis-proto::LogRecord`). */
export interface LogRecord {
  time: string;
  level: LogLevel;
  host: string;
  component?: string | null;
  context?: string | null;
  message: string;
}

/** A lattice event as a CloudEvents 1.0 envelope (protocol.md §2). */
export interface CloudEvent {
  specversion: string;
  id: string;
  source: string;
  type: string;
  time: string;
  datacontenttype?: string;
  data: unknown;
}

/** Error codes the Rust `CommandError` uses; keep in step with `src-tauri/src/error.rs`. */
export const ErrorCode = {
  NotReady: "not_ready",
  NatsNotFound: "nats_not_found",
  LocalNats: "local_nats",
  Host: "host",
  Lattice: "lattice",
  InvalidInput: "invalid_input",
  NotFound: "not_found",
  Internal: "internal",
} as const;

/** One of the codes above, or a newer one this frontend does not know yet. */
export type ErrorCodeValue = (typeof ErrorCode)[keyof typeof ErrorCode] | (string & {});

/** The JSON shape of a failed command: `{code, message}`. */
export interface CommandErrorPayload {
  code: ErrorCodeValue;
  message: string;
}

// ---- The lattice model (trellis-lattice `ModelSnapshot`, `ModelChange`) ----

/** A host as the lattice model knows it. */
export interface HostInfo {
  id: string;
  friendly_name: string;
  labels: Record<string, string>;
  version: string;
  uptime_seconds: number;
}

/** A component in a host inventory (trellis-proto `ComponentDescription`). */
export interface ComponentDescription {
  id: string;
  image_ref: string;
  name?: string | null;
  annotations: Record<string, string>;
  revision: number;
  max_instances: number;
  limits?: Record<string, string> | null;
}

/** A provider in a host inventory (trellis-proto `ProviderDescription`). */
export interface ProviderDescription {
  id: string;
  image_ref?: string | null;
  name?: string | null;
  annotations: Record<string, string>;
  revision: number;
}

/** A link: `source_id` calls `target` through the listed interfaces of one package. */
export interface Link {
  source_id: string;
  target: string;
  name: string;
  wit_namespace: string;
  wit_package: string;
  interfaces: string[];
  source_config: string[];
  target_config: string[];
}

/** What identifies a link. */
export interface LinkKey {
  source_id: string;
  wit_namespace: string;
  wit_package: string;
  name: string;
}

/** One host of a snapshot, with what it runs. */
export interface HostSnapshot {
  host: HostInfo;
  components: ComponentDescription[];
  providers: ProviderDescription[];
}

/** The whole lattice model, as `lattice_snapshot` answers. */
export interface ModelSnapshot {
  hosts: HostSnapshot[];
  links: Link[];
  configs: string[];
}

/** One change of the model (`trellis://model`); `resync` asks to re-read the snapshot. */
export type ModelChange =
  | { change: "host_added"; host: HostInfo }
  | { change: "host_updated"; host: HostInfo }
  | { change: "host_removed"; host_id: string; reason: "stopped" | "missed_heartbeats" }
  | { change: "component_changed"; host_id: string; component: ComponentDescription }
  | { change: "component_removed"; host_id: string; component_id: string }
  | { change: "provider_changed"; host_id: string; provider: ProviderDescription }
  | { change: "provider_removed"; host_id: string; provider_id: string }
  | { change: "link_set"; link: Link }
  | { change: "link_deleted"; key: LinkKey }
  | { change: "config_set"; name: string }
  | { change: "config_deleted"; name: string }
  | { change: "resync" };

// ---- WIT (trellis-wit's JSON shape) ----

/** A parameter of a function. */
export interface WitParam {
  name: string;
  type: string;
}

/** A function, freestanding or attached to a resource. */
export interface WitFunction {
  name: string;
  kind: string;
  resource?: string | null;
  params: WitParam[];
  result?: string | null;
  docs?: string | null;
}

/** A named type; the fields present depend on `kind`. */
export interface WitType {
  name: string;
  kind: string;
  methods?: WitFunction[];
  [field: string]: unknown;
}

/** An interface with its functions and types. */
export interface WitInterface {
  item: "interface";
  name: string;
  docs?: string | null;
  functions: WitFunction[];
  types: WitType[];
}

/** An import or export of a world. */
export type WitWorldEntry = WitInterface | ({ item: "function" } & WitFunction) | ({ item: "type" } & WitType);

/** The WIT of a component. */
export interface ComponentWit {
  world: string;
  package?: string | null;
  imports: WitWorldEntry[];
  exports: WitWorldEntry[];
  /** The world as WIT text. */
  wit: string;
}

/** Who serves an import. */
export type SatisfiedBy =
  | { kind: "wasi" }
  | { kind: "host-internal" }
  | { kind: "provider"; link: string; target: string }
  | { kind: "component"; link: string; target: string }
  | { kind: "unsatisfied"; reason: string };

/** One import and what serves it. */
export interface ImportStatus {
  import: string;
  satisfied_by: SatisfiedBy;
}

/** What `inspect_component` answers. */
export interface ComponentInspection {
  component: ComponentDescription;
  host_ids: string[];
  links: Link[];
  config: Record<string, Record<string, string> | null>;
  wit: ComponentWit | null;
  wit_error: string | null;
  imports: ImportStatus[];
}
