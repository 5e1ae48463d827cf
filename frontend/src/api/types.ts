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
  Internal: "internal",
} as const;

/** One of the codes above, or a newer one this frontend does not know yet. */
export type ErrorCodeValue = (typeof ErrorCode)[keyof typeof ErrorCode] | (string & {});

/** The JSON shape of a failed command: `{code, message}`. */
export interface CommandErrorPayload {
  code: ErrorCodeValue;
  message: string;
}
