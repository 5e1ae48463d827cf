//! Issue 14: capability provider binaries as child processes, tested with a provider
//! built at test time from wasmCloud's official SDK (`trellis_testkit::counter_provider`)
//! on a real nats-server: start and first health check, links and config pushed to it,
//! periodic checks, shutdown, restart after a crash, and binaries that cannot run.
//! Its helpers are shared with `provider_archives`.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{json, Value};
use trellis_host::{GrantPolicy, HostConfig, LatticeHost, ProviderProcessConfig};
use trellis_proto::LogRecord;
use trellis_testkit::NatsServer;

use crate::ctl_support::*;

/// Long enough for a debug-built provider to connect and answer on a busy machine.
const SLOW: Duration = Duration::from_secs(30);

/// Fast health checks and restarts, and provider files allowed.
pub(crate) fn fast_providers(config: &mut HostConfig) {
    config.runtime.grants = GrantPolicy {
        provider_files: true,
        ..GrantPolicy::default()
    };
    config.runtime.providers = ProviderProcessConfig {
        health_first: Duration::from_millis(300),
        health_interval: Duration::from_millis(500),
        ready_timeout: Duration::from_secs(20),
        restart_delay: Duration::from_millis(500),
        ..ProviderProcessConfig::default()
    };
}

/// Every log record of `host` from now on, collected in the background.
pub(crate) fn collect_logs(host: &LatticeHost) -> Arc<Mutex<Vec<LogRecord>>> {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let mut records = host.runtime().logs().subscribe();
    let sink = Arc::clone(&seen);
    tokio::spawn(async move {
        while let Ok(record) = records.recv().await {
            sink.lock().unwrap().push(record);
        }
    });
    seen
}

/// Waits until a record of `component` contains `text`; returns how many such there are.
pub(crate) async fn wait_log(
    logs: &Arc<Mutex<Vec<LogRecord>>>,
    component: &str,
    text: &str,
) -> usize {
    let deadline = tokio::time::Instant::now() + SLOW;
    loop {
        let count = logs
            .lock()
            .unwrap()
            .iter()
            .filter(|r| r.component.as_deref() == Some(component) && r.message.contains(text))
            .count();
        if count > 0 {
            return count;
        }
        if tokio::time::Instant::now() > deadline {
            let all: Vec<String> = logs
                .lock()
                .unwrap()
                .iter()
                .map(|r| format!("{:?} {:?}: {}", r.component, r.context, r.message))
                .collect();
            panic!(
                "no log line of {component} containing {text:?}; lines:\n{}",
                all.join("\n")
            );
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The next event of `event_type` about provider `id`, waiting up to [`SLOW`].
pub(crate) async fn provider_event(
    events: &mut async_nats::Subscriber,
    event_type: &str,
    id: &str,
) -> Value {
    use futures::StreamExt as _;
    let wanted = format!("com.wasmcloud.lattice.{event_type}");
    let deadline = tokio::time::Instant::now() + SLOW;
    loop {
        let message = tokio::time::timeout_at(deadline, events.next())
            .await
            .unwrap_or_else(|_| panic!("no {event_type} event for {id} within {SLOW:?}"))
            .expect("event stream");
        let event: Value = serde_json::from_slice(&message.payload).unwrap();
        if event["type"] == wanted && event["data"]["provider_id"] == id {
            return event;
        }
    }
}

pub(crate) async fn start_provider(
    client: &async_nats::Client,
    host: &str,
    id: &str,
    reference: &str,
) {
    start_provider_with(client, host, id, reference, json!([])).await;
}

async fn start_provider_with(
    client: &async_nats::Client,
    host: &str,
    id: &str,
    reference: &str,
    config: Value,
) {
    let body = json!({"provider_id": id, "provider_ref": reference, "host_id": host,
        "config": config});
    let reply = request_json(client, &format!("{CTL}.provider.start.{host}"), body).await;
    assert_eq!(reply["success"], true, "{reply}");
}

fn counter_url() -> String {
    let binary = trellis_testkit::counter_provider().expect("the counter provider builds");
    format!("file://{}", binary.display())
}

pub(crate) fn alive(pid: u32) -> bool {
    std::path::Path::new(&format!("/proc/{pid}")).exists()
        && !std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .is_ok_and(|stat| stat.contains(") Z "))
}

#[tokio::test]
async fn an_sdk_provider_starts_healthy_gets_its_links_and_config_and_shuts_down() {
    let url = counter_url();
    let nats = NatsServer::start().unwrap();
    let client = nats.client().await.unwrap();
    let host = start_host_with(&nats, fast_providers).await;
    let id = host.id().to_owned();
    let logs = collect_logs(&host);
    let mut events = events(&client).await;

    let put = request(
        &client,
        &format!("{CTL}.config.put.counter-cfg"),
        r#"{"greeting":"hello"}"#,
    )
    .await;
    assert_eq!(put["success"], true, "{put}");
    start_provider_with(&client, &id, "counter", &url, json!(["counter-cfg"])).await;
    let started = provider_event(&mut events, "provider_started", "counter").await;
    assert_eq!(started["data"]["image_ref"], url.as_str(), "{started}");
    provider_event(&mut events, "health_check_passed", "counter").await;
    wait_log(
        &logs,
        "counter",
        "counter provider counter started (config: greeting=hello)",
    )
    .await;

    // In the inventory like any provider.
    let inventory = request(&client, &format!("{CTL}.host.get.{id}"), "").await;
    let providers = inventory["response"]["providers"].as_array().unwrap();
    assert!(
        providers
            .iter()
            .any(|p| p["id"] == "counter" && p["image_ref"] == url.as_str()),
        "{inventory}"
    );

    // A link with the provider as target reaches it with its resolved config.
    let put = request(
        &client,
        &format!("{CTL}.config.put.link-cfg"),
        r#"{"bucket":"b1"}"#,
    )
    .await;
    assert_eq!(put["success"], true);
    let link = json!({"source_id": "some-component", "target": "counter", "name": "default",
        "wit_namespace": "trellis", "wit_package": "counter", "interfaces": ["counter"],
        "source_config": [], "target_config": ["link-cfg"]});
    let reply = request_json(&client, &format!("{CTL}.link.put"), link).await;
    assert_eq!(reply["success"], true, "{reply}");
    wait_log(
        &logs,
        "counter",
        "link received from some-component (name default, config: bucket=b1)",
    )
    .await;

    // A change of its named config arrives as config.update.
    let put = request(
        &client,
        &format!("{CTL}.config.put.counter-cfg"),
        r#"{"greeting":"bye"}"#,
    )
    .await;
    assert_eq!(put["success"], true);
    wait_log(&logs, "counter", "config updated (greeting=bye)").await;

    // Checked periodically: an unchanged outcome is health_check_status.
    provider_event(&mut events, "health_check_status", "counter").await;

    let pid = host
        .runtime()
        .provider_pid("counter")
        .expect("a running process");
    let body = json!({"provider_id": "counter", "host_id": id});
    let reply = request_json(&client, &format!("{CTL}.provider.stop.{id}"), body).await;
    assert_eq!(reply["success"], true, "{reply}");
    provider_event(&mut events, "provider_stopped", "counter").await;
    wait_log(&logs, "counter", "shutting down").await;
    wait_log(&logs, "counter", "provider stopped").await;
    assert!(!alive(pid), "the provider process {pid} is gone");
    assert!(host.runtime().providers().is_empty());
    host.shutdown().await;
}

#[tokio::test]
async fn a_killed_provider_is_restarted_with_its_links() {
    let url = counter_url();
    let nats = NatsServer::start().unwrap();
    let client = nats.client().await.unwrap();
    let host = start_host_with(&nats, fast_providers).await;
    let id = host.id().to_owned();
    let logs = collect_logs(&host);
    let mut events = events(&client).await;

    start_provider(&client, &id, "counter", &url).await;
    provider_event(&mut events, "health_check_passed", "counter").await;
    let link = json!({"source_id": "app", "target": "counter", "name": "default",
        "wit_namespace": "trellis", "wit_package": "counter", "interfaces": ["counter"]});
    request_json(&client, &format!("{CTL}.link.put"), link).await;
    wait_log(&logs, "counter", "link received from app").await;

    let pid = host.runtime().provider_pid("counter").unwrap();
    let killed = std::process::Command::new("kill")
        .args(["-9", &pid.to_string()])
        .status()
        .unwrap();
    assert!(killed.success());

    let failed = provider_event(&mut events, "health_check_failed", "counter").await;
    let message = failed["data"]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("exited") && message.contains("SIGKILL"),
        "{failed}"
    );
    wait_log(&logs, "counter", "provider restarted").await;
    provider_event(&mut events, "health_check_passed", "counter").await;
    let again = host
        .runtime()
        .provider_pid("counter")
        .expect("running again");
    assert_ne!(again, pid);
    assert!(host.runtime().providers().iter().any(|p| p.id == "counter"));
    // The restarted process got its link in its HostData.
    let deadline = tokio::time::Instant::now() + SLOW;
    while wait_log(&logs, "counter", "link received from app").await < 2 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the link was not handed over again"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    host.shutdown().await;
    assert!(!alive(again), "host shutdown stops its provider processes");
}

/// The hosts that bid for starting `reference` (within half a second).
pub(crate) async fn auction(client: &async_nats::Client, reference: &str) -> Vec<Value> {
    let body = json!({"provider_ref": reference, "provider_id": "bid", "constraints": {}});
    let subject = format!("{CTL}.provider.auction");
    gather(
        client,
        &subject,
        body.to_string().as_bytes(),
        Duration::from_millis(500),
    )
    .await
}

/// Writes an executable shell script.
fn script(dir: &std::path::Path, name: &str, body: &str) -> String {
    use std::os::unix::fs::PermissionsExt as _;
    let path = dir.join(name);
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path.display().to_string()
}

#[tokio::test]
async fn binaries_that_cannot_serve_fail_with_their_reason_and_the_host_keeps_serving() {
    let nats = NatsServer::start().unwrap();
    let client = nats.client().await.unwrap();
    let host = start_host_with(&nats, |config| {
        fast_providers(config);
        config.runtime.providers.ready_timeout = Duration::from_secs(1);
    })
    .await;
    let id = host.id().to_owned();
    let mut events = events(&client).await;
    let dir = tempfile::tempdir().unwrap();

    let plain = dir.path().join("plain");
    std::fs::write(&plain, "#!/bin/sh\n").unwrap();
    let missing = dir.path().join("missing");
    let crashing = script(
        dir.path(),
        "crashing",
        "echo 'cannot find my config' >&2\nexit 3",
    );
    let crashing_path = std::path::PathBuf::from(&crashing);
    let cases = [
        ("plain", format!("file://{}", plain.display()), "it is not executable (mode 644"),
        ("missing", missing.display().to_string(), "there is no such file"),
        ("crashing", crashing, "it exited (exit status: 3) before answering a health check; its last output: cannot find my config"),
    ];
    for (provider, reference, reason) in cases {
        start_provider(&client, &id, provider, &reference).await;
        let failed = provider_event(&mut events, "provider_start_failed", provider).await;
        let error = failed["data"]["error"].as_str().unwrap();
        assert!(
            error.contains(reason) && error.contains("cannot start provider"),
            "{error}"
        );
        assert!(host.runtime().providers().is_empty());
    }

    // A host bids only for a binary it has.
    assert!(auction(&client, &missing.display().to_string())
        .await
        .is_empty());
    let bids = auction(&client, &format!("file://{}", crashing_path.display())).await;
    assert_eq!(bids.len(), 1, "{bids:?}");

    // One that never answers its health check is kept, reported unhealthy, and stopped.
    let silent = script(dir.path(), "silent", "exec sleep 600");
    start_provider(&client, &id, "silent", &silent).await;
    provider_event(&mut events, "provider_started", "silent").await;
    let failed = provider_event(&mut events, "health_check_failed", "silent").await;
    assert!(
        failed["data"]["message"]
            .as_str()
            .unwrap()
            .contains("did not answer a health check"),
        "{failed}"
    );
    let pid = host.runtime().provider_pid("silent").unwrap();
    let body = json!({"provider_id": "silent", "host_id": id});
    let reply = request_json(&client, &format!("{CTL}.provider.stop.{id}"), body).await;
    assert_eq!(reply["success"], true, "{reply}");
    assert!(!alive(pid), "killed after the grace delay");

    // The host keeps serving.
    start_provider(&client, &id, "kv", "builtin://keyvalue").await;
    provider_event(&mut events, "provider_started", "kv").await;
    let ping = gather(
        &client,
        &format!("{CTL}.host.ping"),
        b"",
        Duration::from_millis(500),
    )
    .await;
    assert_eq!(ping.len(), 1);
    host.shutdown().await;
}

#[tokio::test]
async fn provider_files_are_refused_where_the_policy_does_not_allow_them() {
    let nats = NatsServer::start().unwrap();
    let client = nats.client().await.unwrap();
    let host = start_host(&nats).await;
    let id = host.id().to_owned();
    let mut events = events(&client).await;
    let dir = tempfile::tempdir().unwrap();
    let binary = script(dir.path(), "provider", "exec sleep 600");
    // Its auctions go unanswered: it would refuse the start.
    assert!(auction(&client, &binary).await.is_empty());
    start_provider(&client, &id, "p", &binary).await;
    let failed = provider_event(&mut events, "provider_start_failed", "p").await;
    let error = failed["data"]["error"].as_str().unwrap();
    assert!(trellis_host::is_grant_refusal(error), "{error}");
    assert!(
        error.contains(&format!("provider binary {binary}")),
        "{error}"
    );
    assert!(host.runtime().providers().is_empty());
    host.shutdown().await;
}

/// A component importing the counter provider's interface; `count(key, by)` forwards
/// to `increment` and returns the new count.
pub(crate) fn counter_client() -> Vec<u8> {
    const WIT: &str = r#"
package trellis:counter@0.1.0;

interface counter {
  increment: func(key: string, by: u32) -> u64;
  get: func(key: string) -> option<u64>;
}

world counter-client {
  import counter;
  export count: func(key: string, by: u32) -> u64;
}
"#;
    const WAT: &str = r#"(module
  (import "trellis:counter/counter@0.1.0" "increment"
    (func $increment (param i32 i32 i32) (result i64)))
  (memory (export "memory") 1)
  (global $heap (mut i32) (i32.const 1024))
  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32)
    (local $at i32)
    (local.set $at
      (i32.and (i32.add (global.get $heap) (i32.sub (local.get 2) (i32.const 1)))
               (i32.sub (i32.const 0) (local.get 2))))
    (global.set $heap (i32.add (local.get $at) (local.get 3)))
    (local.get $at))
  (func (export "count") (param i32 i32 i32) (result i64)
    (call $increment (local.get 0) (local.get 1) (local.get 2))))"#;
    trellis_testkit::fixtures::component(
        trellis_testkit::fixtures::WitSource::Text(WIT),
        "counter-client",
        WAT,
    )
    .expect("the counter client builds")
}

/// Starts [`counter_client`] as `client` on `host`, links it to provider `counter`, and
/// waits until the provider has the link.
pub(crate) async fn link_counter_client(
    host: &LatticeHost,
    client: &async_nats::Client,
    logs: &Arc<Mutex<Vec<LogRecord>>>,
) {
    host.runtime()
        .start_component(
            "client",
            trellis_host::ComponentSource::Bytes(counter_client().into()),
            1,
            Default::default(),
            Default::default(),
        )
        .await
        .unwrap();
    let link = json!({"source_id": "client", "target": "counter", "name": "default",
        "wit_namespace": "trellis", "wit_package": "counter", "interfaces": ["counter"]});
    let reply = request_json(client, &format!("{CTL}.link.put"), link).await;
    assert_eq!(reply["success"], true, "{reply}");
    // The provider only serves sources it has a link from.
    wait_log(logs, "counter", "link received from client").await;
}

/// `count(key, by)` of the linked client: the counter's new value, once the link has
/// reached the runtime (from the lattice's KV, possibly after the provider saw it).
pub(crate) async fn count_through(host: &LatticeHost, key: &str, by: u32) -> Vec<String> {
    let args = [format!("{key:?}"), by.to_string()];
    let deadline = tokio::time::Instant::now() + SLOW;
    loop {
        match host.runtime().call_wave("client", "count", &args).await {
            Ok(result) => return result.results,
            Err(err) if err.to_string().contains("no link") => {
                assert!(tokio::time::Instant::now() < deadline, "{err}");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(err) => panic!("counting through the provider: {err}"),
        }
    }
}

#[tokio::test]
async fn a_component_counts_through_the_sdk_provider_over_wrpc() {
    let url = counter_url();
    let nats = NatsServer::start().unwrap();
    let client = nats.client().await.unwrap();
    let wrpc = nats.wrpc_client().await.unwrap();
    let host = start_host_with(&nats, |config| {
        fast_providers(config);
        config.runtime.wrpc = Some(wrpc);
    })
    .await;
    let id = host.id().to_owned();
    let logs = collect_logs(&host);
    let mut events = events(&client).await;

    start_provider(&client, &id, "counter", &url).await;
    provider_event(&mut events, "health_check_passed", "counter").await;
    link_counter_client(&host, &client, &logs).await;
    let first = count_through(&host, "apples", 2).await;
    assert_eq!(first, ["2"]);
    assert_eq!(count_through(&host, "apples", 3).await, ["5"]);
    assert_eq!(count_through(&host, "pears", 1).await, ["1"]);
    assert_eq!(count_through(&host, "apples", 0).await, ["5"]);
    host.shutdown().await;
}

/// SDK providers log through `tracing` on stderr, each line with its own time and
/// level: the record takes that level (an INFO line is not a warning) and drops the
/// time, which the record has already.
#[tokio::test]
async fn an_sdk_providers_log_lines_keep_their_own_level() {
    let url = counter_url();
    let nats = NatsServer::start().unwrap();
    let client = nats.client().await.unwrap();
    let host = start_host_with(&nats, fast_providers).await;
    let id = host.id().to_owned();
    let logs = collect_logs(&host);
    let mut events = events(&client).await;

    start_provider(&client, &id, "counter", &url).await;
    provider_event(&mut events, "health_check_passed", "counter").await;
    wait_log(&logs, "counter", "Starting capability provider counter").await;
    let record = logs
        .lock()
        .unwrap()
        .iter()
        .find(|r| r.message.contains("Starting capability provider counter"))
        .cloned()
        .unwrap();
    assert_eq!(record.context.as_deref(), Some("stderr"), "{record:?}");
    assert_eq!(record.level, trellis_proto::LogLevel::Info, "{record:?}");
    assert!(
        !record.message.starts_with("20") && !record.message.contains(" INFO "),
        "{record:?}"
    );
    // A line of its own on stdout stays info.
    wait_log(&logs, "counter", "counter provider counter started").await;
    host.shutdown().await;
}
