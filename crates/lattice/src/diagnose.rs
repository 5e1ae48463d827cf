//! "Test connection": reach a lattice one step at a time and say which step failed.
//!
//! [`test_connection`] runs, in order: the context's [`settings`](StepKind::Settings),
//! [`name lookup`](StepKind::NameLookup) of each URL's host, a [`tcp`](StepKind::Tcp)
//! connect, the [`tls`](StepKind::Tls) handshake (when TLS is asked for or the server
//! requires it), NATS [`authentication`](StepKind::Authentication), the
//! [`authorization`](StepKind::Authorization) to use the lattice's ctl and event
//! subjects, a lattice [`hosts`](StepKind::Hosts) ping, and the
//! [`jetstream`](StepKind::Jetstream) API. Each step is reported as passed, failed or
//! skipped (every step after a failed one is skipped), with one line of detail.
//!
//! Permissions violations only reach an async-nats client as `-ERR` server errors through
//! its event callback, so the diagnostic opens a connection of its own (with the same
//! options [`Client::connect`](crate::Client::connect) uses) whose callback collects them.
//!
//! No report ever holds a credential: URLs are shown without user info and every
//! password, token, JWT and seed of the context is scrubbed from the details.

use std::fmt;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use async_nats::{ConnectErrorKind, ConnectOptions, ServerAddr};
use futures::StreamExt as _;
use serde::Serialize;
use tokio::sync::mpsc;
use trellis_proto::{subject, CtlResponse, Host};

use crate::connect::{io_reason, percent_decode, reason_of};
use crate::context::{Auth, Context};
use crate::error::LatticeError;

/// How long permissions violations may take to arrive after the SUBs and the PUB left
/// (the server reports them as soon as it reads the operations; they reach us through the
/// client's event task).
const VIOLATION_GRACE: Duration = Duration::from_millis(250);

/// One step of a connection test, in the order they run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    /// The context is usable: URLs, lattice name, ctl prefix, timeouts, and the files and
    /// seeds its auth and TLS settings name.
    Settings,
    /// Each URL's host name resolves to addresses.
    NameLookup,
    /// A TCP connection to a resolved address is accepted.
    Tcp,
    /// The TLS handshake succeeds (only when the URL is `tls://`/`wss://`, a TLS option is
    /// set, or the server requires TLS; otherwise skipped as not used).
    Tls,
    /// The server accepts the credentials (the NATS `CONNECT`).
    Authentication,
    /// The user may publish on the lattice's ctl subjects (`<prefix>.v1.<lattice>.>`) and
    /// subscribe to replies and to the lattice's events.
    Authorization,
    /// At least one host answers the lattice's `host.ping` within the scatter window.
    Hosts,
    /// The JetStream API (of the context's domain, if any) answers.
    Jetstream,
}

impl StepKind {
    /// Every step, in the order they run.
    pub const ALL: [StepKind; 8] = [
        StepKind::Settings,
        StepKind::NameLookup,
        StepKind::Tcp,
        StepKind::Tls,
        StepKind::Authentication,
        StepKind::Authorization,
        StepKind::Hosts,
        StepKind::Jetstream,
    ];

    /// The step's name as shown to people: `name lookup`, `tcp`, `tls`, ...
    pub fn label(self) -> &'static str {
        match self {
            StepKind::Settings => "settings",
            StepKind::NameLookup => "name lookup",
            StepKind::Tcp => "tcp",
            StepKind::Tls => "tls",
            StepKind::Authentication => "authentication",
            StepKind::Authorization => "authorization",
            StepKind::Hosts => "hosts",
            StepKind::Jetstream => "jetstream",
        }
    }
}

impl fmt::Display for StepKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// How a step went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum StepOutcome {
    /// It worked.
    Passed,
    /// It failed; the detail says why.
    Failed,
    /// It did not run: an earlier step failed, or it does not apply (TLS not in use).
    Skipped,
}

/// One step's outcome and one line about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CheckStep {
    /// Which step.
    pub step: StepKind,
    /// How it went.
    pub outcome: StepOutcome,
    /// What was found, e.g. `localhost → 127.0.0.1`, `connection refused`,
    /// `no host answered the ping on lattice "default"`; never a credential.
    pub detail: String,
    /// How long the step took, in milliseconds (0 when skipped).
    pub duration_ms: u32,
}

/// The outcome of [`test_connection`]: every [`StepKind`], in order.
///
/// Serialised as
/// `{"url":"nats://h:4222","lattice":"default","steps":[{"step":"name_lookup","outcome":"passed","detail":"h → 10.0.0.5","duration_ms":1}, …]}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ConnectionReport {
    /// The server URL(s) tested, comma separated, without user info.
    pub url: String,
    /// The lattice tested.
    pub lattice: String,
    /// One entry per [`StepKind`], in [`StepKind::ALL`] order.
    pub steps: Vec<CheckStep>,
}

impl ConnectionReport {
    /// Whether no step failed.
    pub fn ok(&self) -> bool {
        self.failed_step().is_none()
    }

    /// The step that failed, if any (at most one does: the ones after it are skipped).
    pub fn failed_step(&self) -> Option<&CheckStep> {
        self.steps
            .iter()
            .find(|step| step.outcome == StepOutcome::Failed)
    }

    /// The entry of `kind`.
    pub fn step(&self, kind: StepKind) -> Option<&CheckStep> {
        self.steps.iter().find(|step| step.step == kind)
    }
}

/// Tests how far `ctx` gets towards a working lattice connection, step by step (see the
/// [module docs](self) and [`StepKind`]). Never fails: a problem is a failed step.
///
/// Takes at most about the connect timeout per address, plus the scatter window and the
/// request timeout.
///
/// ```no_run
/// # async fn demo() {
/// use trellis_lattice::{test_connection, Context};
///
/// let report = test_connection(&Context::new("nats://127.0.0.1:4222")).await;
/// if let Some(failed) = report.failed_step() {
///     eprintln!("{} failed: {}", failed.step, failed.detail);
/// }
/// # }
/// ```
pub async fn test_connection(ctx: &Context) -> ConnectionReport {
    let mut run = Run::new(ctx);
    let _ = diagnose(ctx, &mut run).await;
    run.finish()
}

/// Collects steps as they finish; a failed step ends the run (`Err(Stop)`).
struct Run {
    report: ConnectionReport,
    secrets: Vec<String>,
    started: Instant,
}

/// Marks the end of a run after a failed step.
struct Stop;

impl Run {
    fn new(ctx: &Context) -> Run {
        Run {
            report: ConnectionReport {
                url: ctx.url(),
                lattice: ctx.lattice.clone(),
                steps: Vec::with_capacity(StepKind::ALL.len()),
            },
            secrets: secrets_of(ctx),
            started: Instant::now(),
        }
    }

    fn record(&mut self, step: StepKind, outcome: StepOutcome, detail: String) {
        let elapsed = self.started.elapsed();
        self.started = Instant::now();
        let detail = self.scrub(detail);
        self.report.steps.push(CheckStep {
            step,
            outcome,
            detail,
            duration_ms: u32::try_from(elapsed.as_millis()).unwrap_or(u32::MAX),
        });
    }

    fn pass(&mut self, step: StepKind, detail: impl Into<String>) {
        self.record(step, StepOutcome::Passed, detail.into());
    }

    /// Skipped because it does not apply (not because of an earlier failure).
    fn not_used(&mut self, step: StepKind, detail: impl Into<String>) {
        self.record(step, StepOutcome::Skipped, detail.into());
    }

    fn fail(&mut self, step: StepKind, detail: impl Into<String>) -> Stop {
        self.record(step, StepOutcome::Failed, detail.into());
        Stop
    }

    /// The report with every step in [`StepKind::ALL`] order, those not recorded as
    /// skipped.
    fn finish(mut self) -> ConnectionReport {
        let mut recorded = std::mem::take(&mut self.report.steps);
        for kind in StepKind::ALL {
            let step = match recorded.iter().position(|step| step.step == kind) {
                Some(at) => recorded.remove(at),
                None => CheckStep {
                    step: kind,
                    outcome: StepOutcome::Skipped,
                    detail: "skipped".into(),
                    duration_ms: 0,
                },
            };
            self.report.steps.push(step);
        }
        self.report
    }

    /// Replaces every secret of the context that a message may quote.
    fn scrub(&self, mut detail: String) -> String {
        for secret in &self.secrets {
            if detail.contains(secret.as_str()) {
                detail = detail.replace(secret.as_str(), "***");
            }
        }
        detail
    }
}

/// The context's secrets (and the user info of its URLs), longest first so a secret
/// holding another is replaced whole.
fn secrets_of(ctx: &Context) -> Vec<String> {
    let mut secrets: Vec<String> = match &ctx.auth {
        Auth::None | Auth::CredsFile { .. } => Vec::new(),
        Auth::UserPassword { password, .. } => vec![password.clone()],
        Auth::Token { token } => vec![token.clone()],
        Auth::JwtSeed { jwt, seed } => vec![jwt.clone(), seed.clone()],
        Auth::NkeySeed { seed } => vec![seed.clone()],
    };
    for url in &ctx.urls {
        let rest = url.split_once("://").map_or(url.as_str(), |(_, rest)| rest);
        if let Some((user_info, _)) = rest.rsplit_once('@') {
            secrets.push(user_info.to_owned());
            secrets.extend(user_info.split_once(':').map(|(_, pw)| pw.to_owned()));
            secrets.push(percent_decode(user_info));
        }
    }
    secrets.retain(|s| s.trim().len() >= 3);
    secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
    secrets.dedup();
    secrets
}

/// Runs the steps in order, stopping at the first failure.
async fn diagnose(ctx: &Context, run: &mut Run) -> Result<(), Stop> {
    let settings = match settings(ctx).await {
        Ok(settings) => settings,
        Err(err) => return Err(run.fail(StepKind::Settings, err.to_string())),
    };
    run.pass(
        StepKind::Settings,
        format!(
            "lattice {:?}, ctl prefix {}, auth {}{}",
            ctx.lattice,
            ctx.ctl_prefix,
            settings.auth_mode,
            ctx.js_domain
                .as_deref()
                .map(|d| format!(", JetStream domain {d:?}"))
                .unwrap_or_default()
        ),
    );
    let resolved = name_lookup(ctx, run, &settings.servers).await?;
    let reachable = tcp(ctx, run, &resolved).await?;
    let (client, mut violations) = handshake(ctx, run, settings, reachable).await?;
    let hosts = authorization(ctx, run, &client, &mut violations).await?;
    hosts_step(ctx, run, hosts)?;
    jetstream(ctx, run, &client, &mut violations).await
}

/// Resolves every URL's host; passes when at least one resolves.
async fn name_lookup<'a>(
    ctx: &Context,
    run: &mut Run,
    servers: &'a [ServerAddr],
) -> Result<Vec<(&'a ServerAddr, Vec<SocketAddr>)>, Stop> {
    let mut resolved = Vec::new();
    let mut notes = Vec::new();
    let mut failures = Vec::new();
    for server in servers {
        let host = server.host();
        let lookup = tokio::time::timeout(
            ctx.connect_timeout(),
            tokio::net::lookup_host((host, server.port())),
        )
        .await;
        match lookup {
            Ok(Ok(addrs)) => {
                let mut addrs: Vec<SocketAddr> = addrs.collect();
                addrs.dedup();
                if addrs.is_empty() {
                    failures.push(format!("no address for host {host}"));
                    continue;
                }
                let mut ips: Vec<String> = addrs.iter().map(|a| a.ip().to_string()).collect();
                ips.dedup();
                notes.push(if ips.len() == 1 && ips[0] == host {
                    format!("{host} (an address)")
                } else {
                    format!("{host} → {}", ips.join(", "))
                });
                resolved.push((server, addrs));
            }
            Ok(Err(_)) => failures.push(format!("no such host {host}")),
            Err(_) => failures.push(format!(
                "looking up {host} timed out after {}",
                secs(ctx.connect_timeout())
            )),
        }
    }
    if resolved.is_empty() {
        return Err(run.fail(StepKind::NameLookup, failures.join("; ")));
    }
    notes.extend(failures);
    run.pass(StepKind::NameLookup, notes.join("; "));
    Ok(resolved)
}

/// Opens (and closes) a TCP connection to each server's first address that accepts one;
/// passes when at least one server does. Returns the servers that did.
async fn tcp(
    ctx: &Context,
    run: &mut Run,
    resolved: &[(&ServerAddr, Vec<SocketAddr>)],
) -> Result<Vec<ServerAddr>, Stop> {
    let mut reachable = Vec::new();
    let mut notes = Vec::new();
    let mut failures = Vec::new();
    for (server, addrs) in resolved {
        for addr in addrs {
            let attempt =
                tokio::time::timeout(ctx.connect_timeout(), tokio::net::TcpStream::connect(addr))
                    .await;
            match attempt {
                Ok(Ok(_stream)) => {
                    notes.push(format!("{addr} accepted"));
                    reachable.push((*server).clone());
                    break;
                }
                Ok(Err(err)) => failures.push(format!("{addr}: {}", io_reason(&err))),
                Err(_) => failures.push(format!(
                    "{addr}: timed out after {}",
                    secs(ctx.connect_timeout())
                )),
            }
        }
    }
    if reachable.is_empty() {
        return Err(run.fail(StepKind::Tcp, failures.join("; ")));
    }
    notes.extend(failures);
    run.pass(StepKind::Tcp, notes.join("; "));
    Ok(reachable)
}

/// The permissions violations the server reports on the diagnostic's connection.
type Violations = mpsc::UnboundedReceiver<String>;

/// TLS and authentication: the async-nats connection to the reachable servers, with an
/// event callback that forwards permissions violations.
async fn handshake(
    ctx: &Context,
    run: &mut Run,
    settings: Settings,
    reachable: Vec<ServerAddr>,
) -> Result<(async_nats::Client, Violations), Stop> {
    let tls_asked = ctx.tls.is_set()
        || reachable
            .iter()
            .any(|s| matches!(s.scheme(), "tls" | "wss"));
    let (violations_tx, violations) = mpsc::unbounded_channel::<String>();
    let options = settings
        .options
        .name("trellis-test-connection")
        .connection_timeout(ctx.connect_timeout())
        .request_timeout(Some(ctx.timeout()))
        .max_reconnects(Some(1))
        .event_callback(move |event| {
            let violations_tx = violations_tx.clone();
            async move {
                if let async_nats::Event::ServerError(async_nats::ServerError::Other(text)) = event
                {
                    if text.to_lowercase().contains("permissions violation") {
                        let _ = violations_tx.send(text);
                    }
                }
            }
        });
    let client = match options.connect(reachable).await {
        Ok(client) => client,
        Err(err) => {
            let reason = reason_of(&err);
            let lower = reason.to_lowercase();
            let refused = |run: &mut Run| {
                pass_tls_before_auth(run, tls_asked);
                run.fail(
                    StepKind::Authentication,
                    if settings.auth_mode == Auth::None.mode() {
                        format!(
                            "the server requires credentials and the context has none ({reason})"
                        )
                    } else {
                        format!("server refused the credentials: {reason}")
                    },
                )
            };
            return Err(match err.kind() {
                ConnectErrorKind::Authentication | ConnectErrorKind::AuthorizationViolation => {
                    refused(run)
                }
                ConnectErrorKind::Tls => run.fail(StepKind::Tls, tls_hint(reason)),
                _ if lower.contains("certificate")
                    || lower.contains("tls")
                    || lower.contains("handshake") =>
                {
                    run.fail(StepKind::Tls, tls_hint(reason))
                }
                _ if lower.contains("authorization") || lower.contains("authentication") => {
                    refused(run)
                }
                _ if tls_asked => run.fail(
                    StepKind::Tls,
                    tls_hint(format!("no TLS session with the server: {reason}")),
                ),
                _ => {
                    run.not_used(StepKind::Tls, TLS_NOT_USED);
                    run.fail(
                        StepKind::Authentication,
                        format!("the server did not complete the NATS handshake: {reason}"),
                    )
                }
            });
        }
    };
    let info = client.server_info();
    if tls_asked {
        run.pass(StepKind::Tls, "handshake succeeded");
    } else if info.tls_required {
        run.pass(
            StepKind::Tls,
            "the server requires TLS; handshake succeeded",
        );
    } else {
        run.not_used(StepKind::Tls, TLS_NOT_USED);
    }
    // An unnamed server reports its id as its name: only a real name is worth showing.
    let server = if info.server_name.is_empty() || info.server_name == info.server_id {
        format!("nats-server {}", info.version)
    } else {
        format!("nats-server {} {}", info.server_name, info.version)
    };
    run.pass(
        StepKind::Authentication,
        if settings.auth_mode == Auth::None.mode() {
            format!("connected to {server} without credentials")
        } else {
            format!(
                "{server} accepted the {} credentials",
                settings.auth_mode.replace('_', " ")
            )
        },
    );
    Ok((client, violations))
}

/// The TLS step before a refused `CONNECT`: the handshake (if any) went through.
fn pass_tls_before_auth(run: &mut Run, tls_asked: bool) {
    if tls_asked {
        run.pass(StepKind::Tls, "handshake succeeded");
    } else {
        run.not_used(StepKind::Tls, TLS_NOT_USED);
    }
}

/// A handshake that got plain text back is most likely TLS to a port without it: say so.
fn tls_hint(reason: String) -> String {
    let lower = reason.to_lowercase();
    if lower.contains("invalidcontenttype") || lower.contains("corrupt message") {
        format!("{reason} (is TLS enabled on this server port?)")
    } else {
        reason
    }
}

/// The detail of a TLS step that does not apply.
const TLS_NOT_USED: &str =
    "not used (nats:// or ws:// URL, no TLS option set, server does not require it)";

/// What the lattice ping collected: hosts, and replies that could not be used.
struct Pinged {
    hosts: Vec<Host>,
    unusable: usize,
}

/// Subscribes to a reply inbox and the lattice's events and sends `host.ping`, as
/// [`Client::ping_hosts`](crate::Client::ping_hosts) does; fails on a permissions
/// violation, else returns what answered within the scatter window.
async fn authorization(
    ctx: &Context,
    run: &mut Run,
    client: &async_nats::Client,
    violations: &mut Violations,
) -> Result<Pinged, Stop> {
    let ctl = format!("{}.>", subject::ctl_root(&ctx.ctl_prefix, &ctx.lattice));
    let ping = subject::host_ping(&ctx.ctl_prefix, &ctx.lattice);
    let events = format!("{}.{}.>", subject::EVENT_PREFIX, ctx.lattice);
    let failed = |run: &mut Run, what: &str, err: &dyn fmt::Display| {
        run.fail(StepKind::Authorization, format!("{what} failed: {err}"))
    };
    let inbox = client.new_inbox();
    let mut replies = match client.subscribe(inbox.clone()).await {
        Ok(sub) => sub,
        Err(err) => return Err(failed(run, "subscribe", &err)),
    };
    let _events = match client.subscribe(events.clone()).await {
        Ok(sub) => sub,
        Err(err) => return Err(failed(run, "subscribe", &err)),
    };
    let sent = tokio::time::Instant::now();
    if let Err(err) = client
        .publish_with_reply(ping, inbox, bytes::Bytes::new())
        .await
    {
        return Err(failed(run, "publish", &err));
    }
    // A flush only empties our socket buffer (no PING): violations get VIOLATION_GRACE.
    // A round trip through an inbox would itself be refused to users who may not publish
    // there.
    if let Err(err) = client.flush().await {
        return Err(failed(run, "flush", &err));
    }

    let deadline = sent + ctx.scatter_window();
    let grace_end = tokio::time::Instant::now() + VIOLATION_GRACE;
    let mut pinged = Pinged {
        hosts: Vec::new(),
        unusable: 0,
    };
    let mut violation = None;
    let mut replies_done = false;
    loop {
        // Until the window ends; once the replies are done, only the violations' grace.
        let until = if replies_done {
            grace_end
        } else {
            deadline.max(grace_end)
        };
        tokio::select! {
            biased;
            Some(text) = violations.recv() => {
                violation = Some(text);
                break;
            }
            message = replies.next(), if !replies_done => match message {
                Some(message) => {
                    if message.status == Some(async_nats::StatusCode::NO_RESPONDERS)
                        || message.payload.is_empty()
                    {
                        replies_done = true;
                    } else {
                        // One misbehaving host must not hide the others.
                        match serde_json::from_slice::<CtlResponse<Host>>(&message.payload) {
                            Ok(CtlResponse { success: true, response: Some(host), .. }) => {
                                pinged.hosts.push(host)
                            }
                            _ => pinged.unusable += 1,
                        }
                    }
                }
                None => replies_done = true,
            },
            _ = tokio::time::sleep_until(until) => break,
        }
    }
    if let Some(text) = violation.or_else(|| violations.try_recv().ok()) {
        return Err(run.fail(StepKind::Authorization, format!("not allowed: {text}")));
    }
    run.pass(
        StepKind::Authorization,
        format!("may publish on {ctl} and subscribe to replies and {events}"),
    );
    Ok(pinged)
}

/// Passes when at least one host answered the ping.
fn hosts_step(ctx: &Context, run: &mut Run, pinged: Pinged) -> Result<(), Stop> {
    let Pinged {
        mut hosts,
        unusable,
    } = pinged;
    if hosts.is_empty() {
        let mut detail = format!(
            "no host answered the ping on lattice {:?} within {}",
            ctx.lattice,
            secs(ctx.scatter_window())
        );
        if unusable > 0 {
            detail.push_str(&format!(" ({unusable} unusable replies)"));
        }
        return Err(run.fail(StepKind::Hosts, detail));
    }
    hosts.sort_by(|a, b| a.friendly_name.cmp(&b.friendly_name));
    let mut names: Vec<String> = hosts
        .iter()
        .take(5)
        .map(|h| {
            if h.friendly_name.is_empty() {
                h.id.clone()
            } else {
                h.friendly_name.clone()
            }
        })
        .collect();
    if hosts.len() > names.len() {
        names.push(format!("and {} more", hosts.len() - names.len()));
    }
    run.pass(
        StepKind::Hosts,
        format!("{} host(s) answered: {}", hosts.len(), names.join(", ")),
    );
    Ok(())
}

/// Requests `$JS.API.INFO` (or `$JS.<domain>.API.INFO`): account info means JetStream
/// (of that domain) is there for this account.
async fn jetstream(
    ctx: &Context,
    run: &mut Run,
    client: &async_nats::Client,
    violations: &mut Violations,
) -> Result<(), Stop> {
    let api = match &ctx.js_domain {
        Some(domain) => format!("$JS.{domain}.API.INFO"),
        None => "$JS.API.INFO".to_owned(),
    };
    let request = async_nats::Request::new().timeout(Some(ctx.timeout()));
    // A denied publish gets no reply at all: the violation is the answer.
    let reply = tokio::select! {
        biased;
        Some(text) = violations.recv() => {
            return Err(run.fail(StepKind::Jetstream, format!("not allowed: {text}")));
        }
        reply = client.send_request(api.clone(), request) => reply,
    };
    let not_there = || match &ctx.js_domain {
        Some(domain) => format!("JetStream domain {domain:?} not found (nothing answers {api})"),
        None => format!("JetStream is not enabled on this server (nothing answers {api})"),
    };
    let message = match reply {
        Ok(message) if message.status == Some(async_nats::StatusCode::NO_RESPONDERS) => {
            return Err(run.fail(StepKind::Jetstream, not_there()))
        }
        Ok(message) => message,
        Err(err) => {
            let detail = match err.kind() {
                async_nats::RequestErrorKind::NoResponders => not_there(),
                async_nats::RequestErrorKind::TimedOut => {
                    format!("no reply on {api} within {}", secs(ctx.timeout()))
                }
                _ => format!("request on {api} failed: {err}"),
            };
            return Err(run.fail(StepKind::Jetstream, detail));
        }
    };
    let info: serde_json::Value = match serde_json::from_slice(&message.payload) {
        Ok(info) => info,
        Err(err) => return Err(run.fail(StepKind::Jetstream, format!("bad reply on {api}: {err}"))),
    };
    if let Some(error) = info.get("error") {
        let description = error
            .get("description")
            .and_then(|d| d.as_str())
            .unwrap_or("unknown error");
        let detail = if description.to_lowercase().contains("not enabled") {
            format!("JetStream is not enabled for this account ({description})")
        } else {
            format!("JetStream answered with an error: {description}")
        };
        return Err(run.fail(StepKind::Jetstream, detail));
    }
    let count = |key: &str| info.get(key).and_then(|v| v.as_u64()).unwrap_or(0);
    let domain = info
        .get("domain")
        .and_then(|d| d.as_str())
        .map(|d| format!(" (domain {d:?})"))
        .unwrap_or_default();
    run.pass(
        StepKind::Jetstream,
        format!(
            "JetStream answers{domain}: {} stream(s), {} consumer(s)",
            count("streams"),
            count("consumers")
        ),
    );
    Ok(())
}

/// The usable parts of a valid context.
struct Settings {
    /// The servers, without user info.
    servers: Vec<ServerAddr>,
    /// Auth and TLS options.
    options: ConnectOptions,
    /// The auth mode in effect (the context's, else that of credentials in a URL).
    auth_mode: &'static str,
}

/// Validates the context and builds the connection options, as
/// [`Client::connect`](crate::Client::connect) does.
async fn settings(ctx: &Context) -> Result<Settings, LatticeError> {
    let (servers, options, auth_mode) = crate::connect::prepare(ctx).await?;
    Ok(Settings {
        servers,
        options,
        auth_mode,
    })
}

/// `2 s`, `500 ms`.
fn secs(duration: Duration) -> String {
    if duration.subsec_millis() == 0 {
        format!("{} s", duration.as_secs())
    } else {
        format!("{} ms", duration.as_millis())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_scrubbed_and_steps_completed() {
        let ctx = Context::new("nats://bob:url-secret@h:1").with_user_password("u", "pw-secret");
        let mut run = Run::new(&ctx);
        let _ = run.fail(
            StepKind::Authentication,
            "refused pw-secret and bob:url-secret",
        );
        let report = run.finish();
        let json = serde_json::to_string(&report).unwrap();
        assert!(!json.contains("secret"), "{json}");
        assert_eq!(report.url, "nats://h:1");
        assert_eq!(report.steps.len(), StepKind::ALL.len());
        assert_eq!(
            report.failed_step().map(|s| s.step),
            Some(StepKind::Authentication)
        );
        assert!(!report.ok());
        assert!(
            json.contains(r#""step":"name_lookup","outcome":"skipped""#),
            "{json}"
        );
    }

    #[cfg(feature = "ts")]
    #[test]
    fn typescript_matches_the_json() {
        use ts_rs::TS as _;
        let cfg = ts_rs::Config::new();
        let kinds = StepKind::inline(&cfg);
        assert!(
            kinds.contains(r#""name_lookup""#) && kinds.contains(r#""jetstream""#),
            "{kinds}"
        );
        let step = CheckStep::decl(&cfg);
        assert!(
            step.contains("outcome: StepOutcome") && step.contains("duration_ms: number"),
            "{step}"
        );
        let report = ConnectionReport::decl(&cfg);
        assert!(report.contains("steps: Array<CheckStep>"), "{report}");
    }

    #[test]
    fn durations_read_well() {
        assert_eq!(secs(Duration::from_secs(2)), "2 s");
        assert_eq!(secs(Duration::from_millis(1500)), "1500 ms");
    }
}
