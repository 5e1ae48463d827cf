//! Issue 11, items 9 and 10: one memory cap per instance over all its memories and
//! tables, `component_limits` from a real ctl `component.scale`, and the messaging
//! handler bounded by `max_instances` under a burst.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use futures::StreamExt as _;
use serde_json::json;
use trellis_host::{ComponentSource, Runtime, RuntimeConfig};
use trellis_proto::{ConfigMap, Link};
use trellis_testkit::fixtures::{self, WitSource};
use trellis_testkit::NatsServer;
use wasmtime::component::Val;

use crate::ctl_support::*;

const LIMITS_WIT: &str = r#"
package trellis:limits;
world limits {
  export grow: func(pages: u32) -> s32;
  export grow-both: func(pages: u32) -> s32;
  export bomb: func() -> s32;
  export spin: func();
  export ping: func() -> u32;
}
"#;

/// Two memories (the exported one and a private one), a bomb that grows 1 MiB at a
/// time until refused, an endless loop and a cheap call.
const LIMITS_WAT: &str = r#"(module
  (memory (export "memory") 1)
  (memory $second 1)
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "grow-both") (param i32) (result i32)
    (if (i32.lt_s (memory.grow 0 (local.get 0)) (i32.const 0))
      (then (return (i32.const -1))))
    (memory.grow $second (local.get 0)))
  (func (export "bomb") (result i32)
    (loop $more
      (br_if $more (i32.ge_s (memory.grow 0 (i32.const 16)) (i32.const 0))))
    (i32.const -1))
  (func (export "spin") (loop $forever (br $forever)))
  (func (export "ping") (result i32) (i32.const 42)))"#;

fn limits_component() -> Vec<u8> {
    fixtures::component(WitSource::Text(LIMITS_WIT), "limits", LIMITS_WAT).expect("component")
}

fn runtime_with(memory: usize, timeout: Duration, nats: Option<async_nats::Client>) -> Runtime {
    Runtime::new(RuntimeConfig {
        host_id: "limits-host".into(),
        invocation_timeout: timeout,
        max_memory_bytes: memory,
        cache_dir: Some(std::env::temp_dir().join("trellis-host-tests-cache")),
        nats,
        ..RuntimeConfig::default()
    })
    .expect("runtime")
}

async fn start(rt: &Runtime, id: &str, bytes: Vec<u8>, max_instances: u32) -> anyhow::Result<()> {
    let source = ComponentSource::Bytes(bytes.into());
    rt.start_component(id, source, max_instances, ConfigMap::new(), BTreeMap::new())
        .await?;
    Ok(())
}

#[tokio::test]
async fn a_memory_bomb_stops_at_the_instance_cap_while_others_answer() -> anyhow::Result<()> {
    let cap = 32 << 20;
    let rt = runtime_with(cap, Duration::from_secs(10), None);
    let bytes = limits_component();
    start(&rt, "bomb", bytes.clone(), 2).await?;
    start(&rt, "healthy", bytes, 2).await?;

    let bomb = rt.call_function("bomb", "bomb", vec![]);
    let healthy = async {
        let mut answers = Vec::new();
        for _ in 0..50 {
            answers.push(rt.call_function("healthy", "ping", vec![]).await);
        }
        answers
    };
    let started = Instant::now();
    let (bomb, answers) = tokio::join!(bomb, healthy);
    let took = started.elapsed();
    let err = bomb.unwrap_err().to_string();
    assert!(
        err.contains("memory limit exceeded") && err.contains(&cap.to_string()),
        "{err}"
    );
    let answered = answers.len();
    for answer in answers {
        assert_eq!(answer?, vec![Val::U32(42)]);
    }
    eprintln!(
        "memory bomb: stopped at its {} MiB cap, {answered}/{answered} healthy calls answered \
         meanwhile, in {took:?}",
        cap >> 20
    );
    // The bomb's own next instance is fresh and answers.
    assert_eq!(
        rt.call_function("bomb", "ping", vec![]).await?,
        vec![Val::U32(42)]
    );

    // The cap covers both memories together: 2 x 12.5 MiB fits in 32 MiB...
    let two = rt
        .call_function("healthy", "grow-both", vec![Val::U32(200)])
        .await?;
    assert_eq!(two, vec![Val::S32(1)]);
    // ...2 x 16 MiB does not, though each memory alone would.
    let err = rt
        .call_function("healthy", "grow-both", vec![Val::U32(256)])
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("memory limit exceeded"), "{err}");
    let one = rt
        .call_function("healthy", "grow", vec![Val::U32(256)])
        .await?;
    assert_eq!(one, vec![Val::S32(1)]);
    Ok(())
}

#[tokio::test]
async fn component_limits_from_ctl_lower_the_caps_of_that_component_only() {
    let nats = NatsServer::start().unwrap();
    let client = nats.client().await.unwrap();
    let host = start_host_with(&nats, |c| {
        c.runtime.invocation_timeout = Duration::from_secs(2);
    })
    .await;
    let id = host.id().to_owned();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("limits.wasm");
    std::fs::write(&path, limits_component()).unwrap();
    let path = path.to_str().unwrap().to_owned();
    let mut events = events(&client).await;
    let subject = format!("{CTL}.component.scale.{id}");
    let scale = |component: &str, limits: Option<serde_json::Value>| {
        let mut body = json!({"component_ref": path, "component_id": component, "count": 1,
            "host_id": id, "config": [], "allow_update": false});
        if let Some(limits) = limits {
            body["component_limits"] = limits;
        }
        body
    };

    let limits = json!({"max_memory_limit": "4194304", "max_execution_time_ms": "300"});
    request_json(&client, &subject, scale("limited", Some(limits.clone()))).await;
    next_event(&mut events, "component_scaled").await;
    request_json(&client, &subject, scale("open", None)).await;
    next_event(&mut events, "component_scaled").await;
    let rt = host.runtime();

    // Memory: 8 MiB is over the 4 MiB the scale asked for, not over the host's cap.
    let grow = |id: &'static str| rt.call_function(id, "grow", vec![Val::U32(128)]);
    let err = grow("limited").await.unwrap_err().to_string();
    assert!(
        err.contains("memory limit exceeded") && err.contains("4194304"),
        "{err}"
    );
    assert_eq!(grow("open").await.unwrap(), vec![Val::S32(1)]);

    // Time: 300 ms for the limited one, the host's 2 s for the other.
    let started = Instant::now();
    let err = rt
        .call_function("limited", "spin", vec![])
        .await
        .unwrap_err();
    let limited_took = started.elapsed();
    assert!(err.to_string().contains("300ms"), "{err}");
    assert!(
        limited_took < Duration::from_millis(1500),
        "{limited_took:?}"
    );
    let started = Instant::now();
    rt.call_function("open", "spin", vec![]).await.unwrap_err();
    assert!(started.elapsed() >= Duration::from_millis(1900));

    // Inventories report what the scale carried, `null` for none.
    let inv = request(&client, &format!("{CTL}.host.get.{id}"), "").await;
    let components = inv["response"]["components"].as_array().unwrap();
    let of = |name: &str| components.iter().find(|c| c["id"] == name).unwrap().clone();
    assert_eq!(of("limited")["limits"], limits);
    assert_eq!(of("open")["limits"], serde_json::Value::Null);

    // A later scale can set limits on a running component...
    request_json(&client, &subject, scale("open", Some(limits))).await;
    next_event(&mut events, "component_scaled").await;
    let err = grow("open").await.unwrap_err().to_string();
    assert!(err.contains("memory limit exceeded"), "{err}");
    // ...but never above the host's caps, and a bad value fails the scale by name.
    let bad = json!({"max_memory_limit": "lots"});
    request_json(&client, &subject, scale("third", Some(bad))).await;
    let failed = next_event(&mut events, "component_scale_failed").await;
    let error = failed["data"]["error"].as_str().unwrap();
    assert!(error.contains("max_memory_limit"), "{error}");
    assert!(rt.components().iter().all(|c| c.id != "third"));
}

fn messaging_link(source: &str, target: &str, interface: &str) -> Link {
    Link {
        source_id: source.into(),
        target: target.into(),
        name: "default".into(),
        wit_namespace: "wasmcloud".into(),
        wit_package: "messaging".into(),
        interfaces: vec![interface.into()],
        source_config: vec![],
        target_config: vec![],
    }
}

#[tokio::test]
async fn a_message_burst_at_one_instance_is_delivered_with_bounded_concurrency(
) -> anyhow::Result<()> {
    // 2,000 in CI; scripts/reliability.sh sends 50,000.
    let burst: usize = std::env::var("TRELLIS_RELIABILITY_MESSAGES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2_000);
    let nats = NatsServer::start()?;
    // A short deadline: a backlog waiting on the instance (one task per message)
    // would time out as "busy" and lose messages.
    let rt = runtime_with(
        64 << 20,
        Duration::from_millis(500),
        Some(nats.client().await?),
    );
    start(&rt, "echo", fixtures::messaging_echo()?, 1).await?;
    rt.start_provider(
        "nats",
        "builtin://messaging",
        ConfigMap::new(),
        BTreeMap::new(),
    )
    .await?;
    let consumer = messaging_link("echo", "nats", "consumer");
    rt.set_link(&consumer, ConfigMap::new(), ConfigMap::new())
        .await?;
    let subscriptions = ConfigMap::from([("subscriptions".to_string(), "burst.in".to_string())]);
    rt.set_link(
        &messaging_link("nats", "echo", "handler"),
        subscriptions,
        ConfigMap::new(),
    )
    .await?;

    let client = nats.client().await?;
    let mut done = client.subscribe("burst.done").await?;
    client.flush().await?;
    let started = Instant::now();
    let rss_start = crate::reliability::rss_kib();
    for i in 0..burst {
        let body = format!("{i}").into_bytes();
        client
            .publish_with_reply("burst.in", "burst.done", body.into())
            .await?;
    }
    client.flush().await?;
    let mut seen = vec![false; burst];
    let mut count = 0;
    while count < burst {
        let message = tokio::time::timeout(Duration::from_secs(30), done.next())
            .await
            .map_err(|_| anyhow::anyhow!("only {count} of {burst} messages were answered"))?
            .expect("subscription open");
        let i: usize = std::str::from_utf8(&message.payload)?.parse()?;
        assert!(!seen[i], "message {i} answered twice");
        seen[i] = true;
        count += 1;
    }
    let took = started.elapsed();
    let load = rt.component_load("echo").expect("echo runs");
    eprintln!(
        "{burst} messages through max_instances 1 in {took:?}; peak running {}, peak waiting {}; \
         RSS {} MiB -> {} MiB",
        load.peak_running,
        load.peak_waiting,
        rss_start / 1024,
        crate::reliability::rss_kib() / 1024,
    );
    assert_eq!(load.peak_running, 1, "{load:?}");
    // One subscription hands over at most max_instances messages at a time.
    assert!(load.peak_waiting <= 1, "{load:?}");
    Ok(())
}
