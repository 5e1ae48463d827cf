// Generated from the Rust types by src-tauri/src/ipc_types.rs: do not edit.
// Regenerate with `TRELLIS_UPDATE_IPC_TYPES=1 cargo test -p trellis-app --lib ipc_types`.

/**
 * A failed command, as the webview sees it.
 */
export type CommandError = {
  /**
   * The kind of failure.
   */
  code: ErrorCode,
  /**
   * A one-line explanation for the user.
   */
  message: string, };

/**
 * What kind of failure a [`CommandError`] is.
 */
export type ErrorCode = "not_ready" | "nats_not_found" | "local_nats" | "host" | "lattice" | "invalid_input" | "not_found" | "internal";

/**
 * A session's status, shown in its tab and the top bar; sent to the webview as
 * `trellis://status`.
 *
 * Holds no credentials: `nats_url` is the server URL without user info.
 */
export type LatticeStatus = {
  /**
   * The session's name: its context's (`local` for the embedded lattice).
   */
  context: string,
  /**
   * The lattice name.
   */
  lattice: string,
  /**
   * Whether this is the app's own local lattice.
   */
  local: boolean,
  /**
   * Connection state.
   */
  state: ConnState,
  /**
   * When `state` last changed, in ms since the Unix epoch (a session that lost its
   * server shows its graph as stale since then).
   */
  since_ms: number,
  /**
   * The current step while starting, for the user.
   */
  detail: string | null,
  /**
   * The NATS server URL(s), once known, without user info.
   */
  nats_url: string | null,
  /**
   * The embedded host's id, once it runs (local session only).
   */
  local_host_id: string | null,
  /**
   * Why the lattice failed, when `state` is `failed`.
   */
  error: CommandError | null, };

/**
 * Where a session's lattice connection stands.
 */
export type ConnState = "starting" | "connected" | "reconnecting" | "disconnected" | "failed";

/**
 * A host log line of one session (`trellis://log`).
 */
export type SessionLog = {
  /**
   * The session it came from.
   */
  session: string,
  /**
   * The line.
   */
  record: LogRecord, };

/**
 * A lattice event of one session (`trellis://lattice-event`).
 */
export type SessionLatticeEvent = {
  /**
   * The session it came from.
   */
  session: string,
  /**
   * The CloudEvents envelope.
   */
  event: CloudEvent, };

/**
 * A change of one session's lattice model (`trellis://model`): `change`, or `resync`
 * when the webview should re-read `lattice_snapshot` (the model loaded, or changes were
 * missed).
 */
export type SessionModelEvent = {
  /**
   * The session it is about.
   */
  session: string,
  /**
   * Re-read the whole snapshot.
   */
  resync: boolean,
  /**
   * The change, when not a resync.
   */
  change: ModelChange | null, };

/**
 * The saved contexts, and the entries of the file that could not be read.
 */
export type ContextList = {
  /**
   * Every readable context, by name.
   */
  contexts: Array<ContextSummary>,
  /**
   * Entries that could not be read, with why (the others stay usable).
   */
  problems: Array<ContextProblem>,
  /**
   * Why the file could not be read at all, if so.
   */
  error: string | null, };

/**
 * A saved context that could not be read.
 */
export type ContextProblem = {
  /**
   * Its name.
   */
  name: string,
  /**
   * Why, naming the field or line.
   */
  reason: string, };

/**
 * What an import of `nats` CLI and wash contexts did.
 */
export type ImportSummary = {
  /**
   * The contexts imported (and saved), by name.
   */
  imported: Array<string>,
  /**
   * Files skipped, with why.
   */
  skipped: Array<ContextProblem>, };

/**
 * A saved context as the desktop app's webview may see it: no credential, URLs without
 * user info, only the auth mode.
 */
export type ContextSummary = {
  /**
   * The context's name.
   */
  name: string,
  /**
   * Server URLs, user info removed.
   */
  urls: Array<string>,
  /**
   * Lattice name.
   */
  lattice: string,
  /**
   * Control subject prefix.
   */
  ctl_prefix: string,
  /**
   * How it authenticates (`none`, `user_password`, `token`, `creds_file`, `jwt_seed`,
   * `nkey_seed`).
   */
  auth_mode: string,
  /**
   * Whether any TLS option is set or a URL is `tls://`/`wss://`.
   */
  tls: boolean,
  /**
   * JetStream domain, if any.
   */
  js_domain: string | null,
  /**
   * Free text.
   */
  description: string | null,
  /**
   * Whether it is the current context.
   */
  current: boolean, };

/**
 * How to reach one lattice: NATS servers, lattice name, ctl prefix, auth, TLS,
 * JetStream domain and timeouts. Serialisable (the contexts file and the desktop app
 * store it as JSON); its `Debug` leaves secrets out.
 *
 * ```
 * use std::time::Duration;
 * use trellis_lattice::Context;
 *
 * let ctx = Context::new("nats://127.0.0.1:4222")
 *     .with_lattice("dev")
 *     .with_user_password("me", "secret")
 *     .with_timeout(Duration::from_secs(3));
 * assert!(!format!("{ctx:?}").contains("secret"));
 * ```
 */
export type Context = {
  /**
   * Server URLs (`nats://`, `tls://`, `ws://`, `wss://`); several for a cluster.
   */
  urls: Array<string>,
  /**
   * Lattice name (default `default`).
   */
  lattice: string,
  /**
   * Control subject prefix (default `wasmbus.ctl`).
   */
  ctl_prefix: string,
  /**
   * Authentication.
   */
  auth: Auth,
  /**
   * TLS settings.
   */
  tls: TlsOptions,
  /**
   * JetStream domain (leaf nodes, hosted NATS), if any.
   */
  js_domain?: string | null,
  /**
   * Single-request timeout in milliseconds.
   */
  timeout_ms: number,
  /**
   * Scatter-gather window (`host.ping`, auctions) in milliseconds.
   */
  scatter_window_ms: number,
  /**
   * Connection timeout in milliseconds.
   */
  connect_timeout_ms: number,
  /**
   * Free text shown in context lists.
   */
  description?: string | null, };

/**
 * How the client authenticates to NATS.
 *
 * Secrets are kept as given; [`Context`]'s `Debug` never prints them.
 */
export type Auth = { "mode": "none" } | { "mode": "user_password",
  /**
   * User name.
   */
  user: string,
  /**
   * Password.
   */
  password: string, } | { "mode": "token",
  /**
   * The token.
   */
  token: string, } | { "mode": "creds_file",
  /**
   * Path to the file.
   */
  path: string, } | { "mode": "jwt_seed",
  /**
   * The user JWT.
   */
  jwt: string,
  /**
   * The user seed (`SU…`).
   */
  seed: string, } | { "mode": "nkey_seed",
  /**
   * The seed.
   */
  seed: string, };

/**
 * TLS settings. With none set, TLS is still used when the URL is `tls://`/`wss://` or
 * the server requires it.
 */
export type TlsOptions = {
  /**
   * PEM file with the CA certificate(s) to trust, besides the system roots.
   */
  ca_file?: string | null,
  /**
   * PEM client certificate, for servers that verify clients.
   */
  cert_file?: string | null,
  /**
   * PEM private key of the client certificate.
   */
  key_file?: string | null,
  /**
   * Start TLS before the server's INFO (servers with `handshake_first`).
   */
  tls_first?: boolean,
  /**
   * Refuse to connect without TLS.
   */
  required?: boolean, };

/**
 * The outcome of [`test_connection`]: every [`StepKind`], in order.
 *
 * Serialised as
 * `{"url":"nats://h:4222","lattice":"default","steps":[{"step":"name_lookup","outcome":"passed","detail":"h → 10.0.0.5","duration_ms":1}, …]}`.
 */
export type ConnectionReport = {
  /**
   * The server URL(s) tested, comma separated, without user info.
   */
  url: string,
  /**
   * The lattice tested.
   */
  lattice: string,
  /**
   * One entry per [`StepKind`], in [`StepKind::ALL`] order.
   */
  steps: Array<CheckStep>, };

/**
 * One step's outcome and one line about it.
 */
export type CheckStep = {
  /**
   * Which step.
   */
  step: StepKind,
  /**
   * How it went.
   */
  outcome: StepOutcome,
  /**
   * What was found, e.g. `localhost → 127.0.0.1`, `connection refused`,
   * `no host answered the ping on lattice "default"`; never a credential.
   */
  detail: string,
  /**
   * How long the step took, in milliseconds (0 when skipped).
   */
  duration_ms: number, };

/**
 * One step of a connection test, in the order they run.
 */
export type StepKind = "settings" | "name_lookup" | "tcp" | "tls" | "authentication" | "authorization" | "hosts" | "jetstream";

/**
 * How a step went.
 */
export type StepOutcome = "passed" | "failed" | "skipped";

/**
 * One host's answer to `host.ping`.
 *
 * Fields other than `id` default when missing so that older hosts still parse.
 */
export type Host = {
  /**
   * The host's public server nkey (`N…`).
   */
  id: string,
  /**
   * A random human name such as `aged-field-9725`.
   */
  friendly_name: string,
  /**
   * Host labels, always including `hostcore.arch`, `hostcore.os` and `hostcore.osfamily`.
   */
  labels: { [key in string]: string },
  /**
   * The lattice the host belongs to.
   */
  lattice: string,
  /**
   * Host software version, e.g. `1.9.2`.
   */
  version: string,
  /**
   * Seconds since the host started.
   */
  uptime_seconds: number,
  /**
   * Uptime as text, e.g. `6s`.
   */
  uptime_human: string,
  /**
   * NATS URL of the host's control connection.
   */
  ctl_host: string,
  /**
   * NATS URL of the host's RPC connection.
   */
  rpc_host: string,
  /**
   * JetStream domain, left out of the JSON when none is set.
   */
  js_domain?: string | null, };

/**
 * A component entry in a host inventory.
 */
export type ComponentDescription = {
  /**
   * Component id (free-form; wadm uses `<app>-<component>`).
   */
  id: string,
  /**
   * The reference the component was started from.
   */
  image_ref: string,
  /**
   * Name from embedded claims; absent for unsigned components.
   */
  name?: string | null,
  /**
   * Annotations given at scale time; always serialised, `{}` when empty.
   */
  annotations: { [key in string]: string },
  /**
   * Claims revision, 0 when unsigned.
   */
  revision: number,
  /**
   * Maximum concurrent instances.
   */
  max_instances: number,
  /**
   * Per-component limits; serialised as `null` when unset, as real hosts do.
   */
  limits: { [key in string]: string } | null, };

/**
 * A capability provider entry in a host inventory.
 */
export type ProviderDescription = {
  /**
   * Provider id.
   */
  id: string,
  /**
   * Image reference; for builtins the bare name such as `http-server`.
   */
  image_ref?: string | null,
  /**
   * Name from embedded claims; absent for unsigned providers.
   */
  name?: string | null,
  /**
   * Annotations given at start; always serialised, `{}` when empty.
   */
  annotations: { [key in string]: string },
  /**
   * Claims revision, 0 when unsigned.
   */
  revision: number, };

/**
 * A link from a source to a target over one WIT package: `link.put` body,
 * `link.get` entry, `linkdef_set` data and KV `COMPONENT_<id>` entry.
 *
 * Config lists hold config *names* (entries in `CONFIGDATA_<lattice>`), not values.
 */
export type Link = {
  /**
   * The calling side (for `wasi:http` incoming, the http-server provider).
   */
  source_id: string,
  /**
   * The called side.
   */
  target: string,
  /**
   * Link name; `"default"` when left out of the JSON.
   */
  name: string,
  /**
   * WIT namespace, e.g. `wasi`.
   */
  wit_namespace: string,
  /**
   * WIT package, e.g. `http`.
   */
  wit_package: string,
  /**
   * Interfaces of the package, e.g. `["incoming-handler"]`.
   */
  interfaces: Array<string>,
  /**
   * Config names applied on the source side.
   */
  source_config: Array<string>,
  /**
   * Config names applied on the target side.
   */
  target_config: Array<string>, };

/**
 * What identifies a link in a lattice: (source, namespace, package, name).
 *
 * Two links with the same key and overlapping interfaces but different
 * targets conflict; `link.del` removes by this key.
 */
export type LinkKey = {
  /**
   * The link source.
   */
  source_id: string,
  /**
   * WIT namespace.
   */
  wit_namespace: string,
  /**
   * WIT package.
   */
  wit_package: string,
  /**
   * Link name.
   */
  name: string, };

/**
 * `link.del` request body; keyed on (source, namespace, package, name).
 */
export type DeleteLinkRequest = {
  /**
   * The link source.
   */
  source_id: string,
  /**
   * Link name; `"default"` when left out of the JSON.
   */
  name: string,
  /**
   * WIT namespace.
   */
  wit_namespace: string,
  /**
   * WIT package.
   */
  wit_package: string, };

/**
 * Severity of a log record, ordered from least to most severe.
 */
export type LogLevel = "trace" | "debug" | "info" | "warn" | "error" | "critical";

/**
 * One log line from a host or one of its components.
 */
export type LogRecord = {
  /**
   * RFC 3339 time.
   */
  time: string,
  /**
   * Severity.
   */
  level: LogLevel,
  /**
   * The host id that produced it.
   */
  host: string,
  /**
   * The component id, for guest (`wasi:logging`, stdout/stderr) records.
   */
  component?: string | null,
  /**
   * The `wasi:logging` context (or the tracing target for host records).
   */
  context?: string | null,
  /**
   * The text.
   */
  message: string,
  /**
   * `namespace/name` of the wasmCloud 2.x workload it came from (records received over
   * OTLP); 1.x hosts have no workloads.
   */
  workload?: string | null, };

/**
 * A CloudEvents 1.0 JSON envelope as published on `wasmbus.evt.<lattice>.<event_type>`.
 */
export type CloudEvent = {
  /**
   * Always `"1.0"`.
   */
  specversion: string,
  /**
   * Unique, time-ordered id (a ULID shaped as a UUID).
   */
  id: string,
  /**
   * The publishing host's id.
   */
  source: string,
  /**
   * `com.wasmcloud.lattice.<event_type>`.
   */
  type: string,
  /**
   * RFC 3339 time with nanoseconds.
   */
  time: string,
  /**
   * Always `"application/json"`.
   */
  datacontenttype: string,
  /**
   * The event data, a JSON object.
   */
  data: unknown, };

/**
 * A serialisable copy of the whole model.
 */
export type ModelSnapshot = {
  /**
   * Every host with what it runs.
   */
  hosts: Array<HostSnapshot>,
  /**
   * Every link.
   */
  links: Array<Link>,
  /**
   * Known config names.
   */
  configs: Array<string>,
  /**
   * wasmCloud 2.x hosts heard on the same NATS server.
   */
  v2_hosts: Array<V2HostInfo>, };

/**
 * One host in a [`ModelSnapshot`].
 */
export type HostSnapshot = {
  /**
   * The host.
   */
  host: HostInfo,
  /**
   * Its components.
   */
  components: Array<ComponentDescription>,
  /**
   * Its providers.
   */
  providers: Array<ProviderDescription>, };

/**
 * A host as the model knows it.
 */
export type HostInfo = {
  /**
   * Host id (`N…`).
   */
  id: string,
  /**
   * Friendly name (empty until the host has announced itself).
   */
  friendly_name: string,
  /**
   * Labels.
   */
  labels: { [key in string]: string },
  /**
   * Host version.
   */
  version: string,
  /**
   * Uptime at the last report.
   */
  uptime_seconds: number, };

/**
 * One change of the model, for the UI. Serialised with a `"change"` tag.
 */
export type ModelChange = { "change": "host_added",
  /**
   * The host.
   */
  host: HostInfo, } | { "change": "host_updated",
  /**
   * The host.
   */
  host: HostInfo, } | { "change": "host_removed",
  /**
   * Host id.
   */
  host_id: string,
  /**
   * Why.
   */
  reason: RemovalReason, } | { "change": "component_changed",
  /**
   * Host id.
   */
  host_id: string,
  /**
   * The component as the host reports it.
   */
  component: ComponentDescription, } | { "change": "component_removed",
  /**
   * Host id.
   */
  host_id: string,
  /**
   * Component id.
   */
  component_id: string, } | { "change": "provider_changed",
  /**
   * Host id.
   */
  host_id: string,
  /**
   * The provider as the host reports it.
   */
  provider: ProviderDescription, } | { "change": "provider_removed",
  /**
   * Host id.
   */
  host_id: string,
  /**
   * Provider id.
   */
  provider_id: string, } | { "change": "link_set",
  /**
   * The link.
   */
  link: Link, } | { "change": "link_deleted",
  /**
   * Its key.
   */
  key: LinkKey, } | { "change": "config_set",
  /**
   * Config name.
   */
  name: string, } | { "change": "config_deleted",
  /**
   * Config name.
   */
  name: string, } | { "change": "v2_host_seen",
  /**
   * The host.
   */
  host: V2HostInfo, } | { "change": "v2_host_removed",
  /**
   * Host id.
   */
  host_id: string, };

/**
 * Why a host left the model.
 */
export type RemovalReason = "stopped" | "missed_heartbeats";

/**
 * A wasmCloud 2.x host as its last heartbeat described it.
 */
export type V2HostInfo = {
  /**
   * Host id (a UUIDv7, new on every host start).
   */
  id: string,
  /**
   * `--host-name`: the stable name to key on.
   */
  hostname: string,
  /**
   * A random friendly name.
   */
  friendly_name: string,
  /**
   * wash / wasmCloud version.
   */
  version: string,
  /**
   * Labels (`hostgroup`).
   */
  labels: { [key in string]: string },
  /**
   * `--environment` (in Kubernetes, the pod namespace).
   */
  environment: string,
  /**
   * Workloads running.
   */
  workload_count: number,
  /**
   * Components running.
   */
  component_count: number,
  /**
   * Interfaces its plugins offer guests (`wasmcloud:messaging/consumer,types@0.3.0`).
   */
  imports: Array<string>,
  /**
   * Interfaces its plugins call guests with.
   */
  exports: Array<string>,
  /**
   * The HTTP ingress port (0: none).
   */
  http_port: number,
  /**
   * `linux/x86_64`.
   */
  os: string,
  /**
   * When the host started (RFC 3339), if it said.
   */
  started_at: string | null,
  /**
   * When this heartbeat arrived (RFC 3339, this machine's clock): liveness is its age.
   */
  heard_at: string, };

/**
 * A workload as a user describes it: components by OCI reference, optionally served on
 * the host's HTTP ingress for a `Host` header.
 */
export type WorkloadSpec = {
  /**
   * Host id, hostname or friendly name.
   */
  host: string,
  /**
   * Component images (OCI references).
   */
  images: Array<string>,
  /**
   * Workload name (default: the first image's repository name).
   */
  name: string | null,
  /**
   * Namespace (default `default`).
   */
  namespace: string | null,
  /**
   * `Host` header the first component serves on the ingress.
   */
  http_host: string | null,
  /**
   * Config for every component.
   */
  config: { [key in string]: string },
  /**
   * Environment for every component.
   */
  environment: { [key in string]: string },
  /**
   * Workload id (default: a new UUID).
   */
  id: string | null,
  /**
   * More host interfaces the components import, as [`crate::parse_interface`] reads
   * them (`wasi:logging/logging@0.1.0-draft`,
   * `wasmcloud:messaging/consumer,handler@0.2.0 subscriptions=demo.in`).
   */
  interfaces: Array<string>,
  /**
   * The image of a long-running service (a `wasi:cli/run` component, the workload's
   * localhost), if it has one.
   */
  service: string | null, };

/**
 * A workload Trellis started, with its status as the host reports it now.
 */
export type WorkloadView = {
  /**
   * What Trellis remembers.
   */
  record: WorkloadRecord,
  /**
   * `running`, `not found`, …, or why the host could not be asked.
   */
  status: string,
  /**
   * Whether it is running.
   */
  running: boolean, };

/**
 * One workload Trellis started.
 */
export type WorkloadRecord = {
  /**
   * The id Trellis gave it.
   */
  workload_id: string,
  /**
   * The host it runs on.
   */
  host_id: string,
  /**
   * That host's hostname (ids change on every host restart).
   */
  hostname: string,
  /**
   * `namespace/name`.
   */
  name: string,
  /**
   * The component images.
   */
  images: Array<string>,
  /**
   * The components as sent, by name (empty in records written before Trellis kept
   * them: see [`WorkloadRecord::components`]).
   */
  components: Array<RecordedComponent>,
  /**
   * The host interfaces as sent, with their config.
   */
  host_interfaces: Array<RecordedInterface>,
  /**
   * The image of the workload's long-running service, if it has one.
   */
  service: string | null, };

/**
 * A component of a workload as Trellis sent it. Its config and environment are left
 * out: they may hold a guest's secrets.
 */
export type RecordedComponent = {
  /**
   * The name in the workload.
   */
  name: string,
  /**
   * The image (an OCI reference, or a file for a workbench's own reading).
   */
  image: string, };

/**
 * A host interface a workload asked its host for, with the config the host's plugin
 * reads (`host` for `wasi:http`, `subscriptions` for messaging, …).
 */
export type RecordedInterface = {
  /**
   * `wasi`.
   */
  namespace: string,
  /**
   * `http`.
   */
  package: string,
  /**
   * `["incoming-handler"]`.
   */
  interfaces: Array<string>,
  /**
   * The package version, when given.
   */
  version: string | null,
  /**
   * The plugin's config.
   */
  config: { [key in string]: string }, };

/**
 * A workload Trellis started: where it runs, its state, its components and what binds
 * them.
 */
export type WorkloadDescription = {
  /**
   * The id Trellis gave it.
   */
  workload_id: string,
  /**
   * `namespace/name`.
   */
  name: string,
  /**
   * The host it runs on.
   */
  host_id: string,
  /**
   * That host's hostname.
   */
  hostname: string,
  /**
   * `running (…)`, `error (reason)`, `not found (…)`, or why the host could not be asked.
   */
  status: string,
  /**
   * Whether it is running.
   */
  running: boolean,
  /**
   * Its components, in the order they were sent.
   */
  components: Array<WorkloadComponent>,
  /**
   * Component-to-component links inside the workload.
   */
  links: Array<WorkloadLink>,
  /**
   * Host interfaces the workload asked for that no component's known WIT names (a
   * component's WIT could not be read, or none uses it).
   */
  unbound: Array<BoundInterface>,
  /**
   * The image of its long-running service, if it has one.
   */
  service: string | null, };

/**
 * One component of a workload.
 */
export type WorkloadComponent = {
  /**
   * Its name in the workload.
   */
  name: string,
  /**
   * Its image.
   */
  image: string,
  /**
   * The image's layer digest (`sha256:…`), when pulled from a registry.
   */
  digest: string | null,
  /**
   * Its WIT, when the image could be read.
   */
  wit: ComponentWit | null,
  /**
   * Why the WIT is unavailable.
   */
  wit_error: string | null,
  /**
   * The host interfaces it binds, each with its config.
   */
  interfaces: Array<BoundInterface>, };

/**
 * A host interface a component binds: served by one of the host's plugins (an import)
 * or called by it (an export, such as `wasi:http/incoming-handler`).
 */
export type BoundInterface = {
  /**
   * `wasi:http/incoming-handler`.
   */
  interface: string,
  /**
   * `import` (the host serves it), `export` (the host calls it) or `unknown`.
   */
  direction: string,
  /**
   * The config the workload gave the host's plugin.
   */
  config: { [key in string]: string },
  /**
   * `wasi:http/incoming-handler host=hello.local`: the interface and its config.
   */
  label: string, };

/**
 * An import of one component served by an export of another in the same workload.
 */
export type WorkloadLink = {
  /**
   * The importing component.
   */
  from: string,
  /**
   * The exporting component.
   */
  to: string,
  /**
   * The import, `ns:pkg/iface@version`.
   */
  interface: string, };

/**
 * A session's receiver, as the webview sees it.
 */
export type TelemetryInfo = {
  /**
   * `127.0.0.1:4317`.
   */
  addr: string,
  /**
   * What to give hosts as `OTEL_EXPORTER_OTLP_ENDPOINT`.
   */
  endpoint: string,
  /**
   * Every touch seen so far, placed.
   */
  touches: Array<Touch>, };

/**
 * A touch seen by one session's receiver (`trellis://touch`).
 */
export type SessionTouch = {
  /**
   * The session whose receiver saw it.
   */
  session: string,
  /**
   * What was touched, and by which workload when known.
   */
  touch: Touch, };

/**
 * "A workload touched resource R", as one span showed.
 */
export type Touch = {
  /**
   * `namespace/name` of the workload, when its trace names one.
   */
  workload: string | null,
  /**
   * The subject of the message that started the trace, when one did: the workload
   * subscribed to it is the one that touched the resource.
   */
  trigger: string | null,
  /**
   * What kind of resource.
   */
  kind: TouchKind,
  /**
   * Its name: the subject, bucket or container. Reply inboxes are one resource,
   * `_INBOX.>`.
   */
  name: string, };

/**
 * A kind of resource a workload touches.
 */
export type TouchKind = "subject" | "bucket" | "container";

/**
 * Everything known about one running component.
 */
export type ComponentInspection = {
  /**
   * The component as its (first) host reports it.
   */
  component: ComponentDescription,
  /**
   * Hosts running it.
   */
  host_ids: Array<string>,
  /**
   * Links from or to it.
   */
  links: Array<Link>,
  /**
   * Named configs its links give it, with their values (`None` when the config
   * does not exist, could not be read, or is a secret reference).
   */
  config: { [key in string]: { [key in string]: string } | null },
  /**
   * Its WIT: from its `file://` image when that file is on this machine, else as
   * its host decodes it.
   */
  wit: ComponentWit | null,
  /**
   * Why `wit` is missing.
   */
  wit_error: string | null,
  /**
   * Every import and what serves it, or why nothing does (empty without WIT).
   */
  imports: Array<ImportStatus>, };

/**
 * One reload of a watched component (`trellis://reload`).
 */
export type ReloadEvent = {
  /**
   * The session the component runs in.
   */
  session: string,
  /**
   * The component reloaded.
   */
  component_id: string,
  /**
   * Whether the hosts took the new code (otherwise the previous code keeps running).
   */
  ok: boolean,
  /**
   * The hosts' sentence, or why the reload was refused.
   */
  message: string,
  /**
   * When, in ms since the Unix epoch.
   */
  at_ms: number,
  /**
   * The component's revision after a successful reload, when its host reports it.
   */
  revision: number | null, };

/**
 * A watched component, as `list_watches` reports it.
 */
export type WatchState = {
  /**
   * The component.
   */
  component_id: string,
  /**
   * The absolute path of the watched file.
   */
  path: string,
  /**
   * The latest reload, if the file changed since watching began.
   */
  last: ReloadEvent | null, };

/**
 * One spied call of one session (`trellis://spy`).
 */
export type SessionSpyRecord = {
  /**
   * The session the component runs in.
   */
  session: string,
  /**
   * The call.
   */
  record: SpyRecord, };

/**
 * One call through a link: from a component into another component or a provider, or
 * a provider's delivery to a component.
 */
export type SpyRecord = {
  /**
   * RFC 3339 time the call started.
   */
  time: string,
  /**
   * The host that recorded it: the caller's, or the target's for a caller that is
   * not a Trellis host.
   */
  host_id: string,
  /**
   * The calling component (or the delivering provider).
   */
  source_id: string,
  /**
   * The called component or provider (the one spied on).
   */
  target_id: string,
  /**
   * The link name the call went through.
   */
  link_name: string,
  /**
   * The interface as the caller imports it, e.g. `trellis:fwd/greeter`.
   */
  interface: string,
  /**
   * The function name in that interface.
   */
  function: string,
  /**
   * Each argument as WAVE text (possibly cut, see [`SpyRecord::truncated`]).
   */
  args: Array<string>,
  /**
   * Each result as WAVE text; empty when the call failed.
   */
  results: Array<string>,
  /**
   * How long the call took, instantiation of the target included, in microseconds.
   */
  duration_us: number,
  /**
   * Why the call failed, if it did.
   */
  error?: string | null,
  /**
   * Whether some argument, result or the error was cut to stay within the limits
   * ([`SPY_MAX_VALUE_BYTES`], [`SPY_MAX_RECORD_VALUE_BYTES`]).
   */
  truncated?: boolean,
  /**
   * How many records of this host were dropped just before this one because its
   * publisher fell behind.
   */
  dropped?: number, };

/**
 * What a `trellis.call` returns.
 */
export type ComponentCallResult = {
  /**
   * Each result as WAVE text.
   */
  results: Array<string>,
  /**
   * How long the call took on the host, instantiation included, in milliseconds.
   */
  duration_ms: number, };

/**
 * One request header, or one response header, as it was sent or received.
 */
export type HttpHeader = {
  /**
   * The header's name.
   */
  name: string,
  /**
   * Its value (a value that is not UTF-8 is shown with replacement characters).
   */
  value: string, };

/**
 * The answer to one request, and where it went.
 */
export type HttpReply = {
  /**
   * The URL the request went to, e.g. `http://127.0.0.1:8081/x`.
   */
  url: string,
  /**
   * The http-server provider whose link serves the component.
   */
  provider_id: string,
  /**
   * That link's name.
   */
  link_name: string,
  /**
   * The status code, e.g. `200`.
   */
  status: number,
  /**
   * The status's reason phrase, e.g. `OK` (empty for an unknown code).
   */
  reason: string,
  /**
   * The response headers, in order.
   */
  headers: Array<HttpHeader>,
  /**
   * The body (at most [`MAX_HTTP_BODY`] bytes of it), as [`HttpReply::encoding`] says.
   */
  body: string,
  /**
   * Whether `body` is text or base64.
   */
  encoding: BodyEncoding,
  /**
   * How many body bytes were read.
   */
  body_bytes: number,
  /**
   * Whether the body went on past [`MAX_HTTP_BODY`] and was cut there.
   */
  truncated: boolean,
  /**
   * From connecting to the end of the body, in milliseconds.
   */
  elapsed_ms: number, };

/**
 * How [`HttpReply::body`] holds the response body.
 */
export type BodyEncoding = "text" | "base64";

/**
 * One application as the app's Applications view and `trellis app list` show it.
 */
export type AppSummary = {
  /**
   * The application's name.
   */
  name: string,
  /**
   * The latest version stored.
   */
  latest_version: string,
  /**
   * The version deployed, if any.
   */
  deployed_version: string | null,
  /**
   * wadm's one-word status (`deployed`, `reconciling`, `failed`, …).
   */
  status: string,
  /**
   * wadm's reason, when it gives one (why it failed, what it waits for).
   */
  message: string, };

/**
 * One stored version of an application, as the Applications view lists them.
 */
export type AppVersion = {
  /**
   * The version (`v0.0.1`).
   */
  version: string,
  /**
   * Whether it is the one deployed.
   */
  deployed: boolean, };

/**
 * One example of the gallery.
 */
export type Example = {
  /**
   * The application's name (also its folder's).
   */
  name: string,
  /**
   * One line on what it shows.
   */
  description: string,
  /**
   * The languages its components' sources are written in.
   */
  languages: Array<string>,
  /**
   * The manifest's version annotation.
   */
  version: string,
  /**
   * The manifest file.
   */
  manifest: string,
  /**
   * Where it answers HTTP once deployed (`http://127.0.0.1:8090/`), from the
   * http-server link's `address`, if it has one.
   */
  url: string | null, };

/**
 * The outcome of [`deploy_example`].
 */
export type ExampleDeployment = {
  /**
   * The application's name.
   */
  name: string,
  /**
   * The version deployed.
   */
  version: string,
  /**
   * Whether wadm reported it deployed within the wait.
   */
  deployed: boolean,
  /**
   * wadm's one-word status at the end of the wait.
   */
  status: string,
  /**
   * wadm's reason, when it gives one.
   */
  message: string,
  /**
   * From the deploy request to the end of the wait, in milliseconds.
   */
  elapsed_ms: number,
  /**
   * Where it answers HTTP, if it does.
   */
  url: string | null, };

/**
 * One named config, its values, and the links that give it to a component or provider.
 */
export type NamedConfig = {
  /**
   * The config's name.
   */
  name: string,
  /**
   * Its values; `None` when it does not exist (a link names it), could not be read, or
   * is a secret reference (`SECRET_…`, never shown).
   */
  values: { [key in string]: string } | null,
  /**
   * Who it is given to, through which link.
   */
  used_by: Array<ConfigUse>, };

/**
 * A link giving a named config to one of its ends.
 */
export type ConfigUse = {
  /**
   * The component or provider that receives it.
   */
  id: string,
  /**
   * `source` or `target`: which end of the link `id` is.
   */
  end: string,
  /**
   * The link's source, target and name, as `source → target (name)`.
   */
  link: string, };

/**
 * The WIT of one component: its world, imports and exports, and the world as WIT text.
 */
export type ComponentWit = {
  /**
   * Name of the world (a decoded component's world is usually `root`).
   */
  world: string,
  /**
   * Package that owns the world, e.g. `root:component`.
   */
  package?: string | null,
  /**
   * Doc comment of the world.
   */
  docs?: string | null,
  /**
   * What the component needs, in declaration order.
   */
  imports: Array<WorldEntry>,
  /**
   * What the component offers, in declaration order.
   */
  exports: Array<WorldEntry>,
  /**
   * The world (and the packages it uses) as WIT text.
   */
  wit: string, };

/**
 * One import or export of a world; serialised with an `item` tag
 * (`interface`, `function`, `type`) next to the entry's own fields.
 */
export type WorldEntry = { "item": "interface" } & InterfaceDef | { "item": "function" } & FunctionDef | { "item": "type" } & TypeDef;

/**
 * An interface with its functions and types.
 */
export type InterfaceDef = {
  /**
   * Full name: `ns:pkg/iface@version` for a packaged interface, the plain
   * kebab name for an inline interface of a world.
   */
  name: string,
  /**
   * The parsed name; `None` for inline interfaces (those cannot be linked).
   */
  ref?: InterfaceRef | null,
  /**
   * Doc comment of the interface.
   */
  docs?: string | null,
  /**
   * Free functions; resource methods live under their resource in `types`.
   */
  functions: Array<FunctionDef>,
  /**
   * Named types declared in (or `use`d into) the interface.
   */
  types: Array<TypeDef>, };

/**
 * The name of a packaged interface: `wasi:keyvalue/store@0.2.0-draft`.
 */
export type InterfaceRef = {
  /**
   * Namespace, e.g. `wasi`.
   */
  namespace: string,
  /**
   * Package, e.g. `keyvalue`.
   */
  package: string,
  /**
   * Interface, e.g. `store`.
   */
  interface: string,
  /**
   * Package version, if the package has one.
   */
  version?: string | null, };

/**
 * A function with named, typed parameters.
 */
export type FunctionDef = {
  /**
   * The function's own name (for a method: `read`, not `[method]descriptor.read`).
   */
  name: string,
  /**
   * Free function, method, static or constructor.
   */
  kind: FunctionKind,
  /**
   * The resource a method, static or constructor belongs to.
   */
  resource?: string | null,
  /**
   * `true` for `async func`.
   */
  async?: boolean,
  /**
   * Parameters in order (for methods, without `self`).
   */
  params: Array<Param>,
  /**
   * Result type in WIT spelling, if any.
   */
  result?: string | null,
  /**
   * Doc comment.
   */
  docs?: string | null, };

/**
 * How a function is attached.
 */
export type FunctionKind = "freestanding" | "method" | "static" | "constructor" | "getter" | "setter";

/**
 * A named, typed parameter.
 */
export type Param = {
  /**
   * Parameter name.
   */
  name: string,
  /**
   * Type in WIT spelling.
   */
  type: string, };

/**
 * A named type.
 */
export type TypeDef = {
  /**
   * The type's name in its interface.
   */
  name: string,
  /**
   * Doc comment.
   */
  docs?: string | null, } & ({ "kind": "record",
  /**
   * Fields in order.
   */
  fields: Array<Field>, } | { "kind": "variant",
  /**
   * Cases in order; a case may carry a payload.
   */
  cases: Array<Case>, } | { "kind": "enum",
  /**
   * Case names in order.
   */
  cases: Array<Case>, } | { "kind": "flags",
  /**
   * Flag names in order.
   */
  flags: Array<Case>, } | { "kind": "resource",
  /**
   * Constructor, methods and static functions.
   */
  methods: Array<FunctionDef>, } | { "kind": "alias",
  /**
   * The aliased type in WIT spelling.
   */
  target: string, } | { "kind": "use",
  /**
   * Interface that declares the type (`wasi:io/streams@0.2.0`, or a plain name).
   */
  from: string,
  /**
   * The type's name there (differs from ours for `use x.{a as b}`).
   */
  original: string, });

/**
 * The shape of a named type; serialised with a `kind` tag next to the type's name.
 */
export type TypeKind = { "kind": "record",
  /**
   * Fields in order.
   */
  fields: Array<Field>, } | { "kind": "variant",
  /**
   * Cases in order; a case may carry a payload.
   */
  cases: Array<Case>, } | { "kind": "enum",
  /**
   * Case names in order.
   */
  cases: Array<Case>, } | { "kind": "flags",
  /**
   * Flag names in order.
   */
  flags: Array<Case>, } | { "kind": "resource",
  /**
   * Constructor, methods and static functions.
   */
  methods: Array<FunctionDef>, } | { "kind": "alias",
  /**
   * The aliased type in WIT spelling.
   */
  target: string, } | { "kind": "use",
  /**
   * Interface that declares the type (`wasi:io/streams@0.2.0`, or a plain name).
   */
  from: string,
  /**
   * The type's name there (differs from ours for `use x.{a as b}`).
   */
  original: string, };

/**
 * A field of a record.
 */
export type Field = {
  /**
   * Field name.
   */
  name: string,
  /**
   * Type in WIT spelling.
   */
  type: string,
  /**
   * Doc comment.
   */
  docs?: string | null, };

/**
 * A case of a variant or enum, or a flag.
 */
export type Case = {
  /**
   * Case name.
   */
  name: string,
  /**
   * Payload type of a variant case, in WIT spelling.
   */
  type?: string | null,
  /**
   * Doc comment.
   */
  docs?: string | null, };

/**
 * One import and what serves it.
 */
export type ImportStatus = {
  /**
   * The import's name (`wasi:keyvalue/store@0.2.0-draft`, or a bare name).
   */
  import: string,
  /**
   * The parsed name, for packaged interfaces.
   */
  ref?: InterfaceRef | null,
  /**
   * Who serves it, or why nothing does.
   */
  satisfied_by: SatisfiedBy, };

/**
 * Who serves an import.
 */
export type SatisfiedBy = { "kind": "wasi" } | { "kind": "host-internal" } | { "kind": "provider",
  /**
   * The link name.
   */
  link: string,
  /**
   * The provider's id.
   */
  target: string, } | { "kind": "component",
  /**
   * The link name.
   */
  link: string,
  /**
   * The target component's id.
   */
  target: string, } | { "kind": "unsatisfied",
  /**
   * Why, as a sentence.
   */
  reason: string, };
