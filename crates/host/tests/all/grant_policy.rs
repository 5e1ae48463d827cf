//! Issue 11 item 3: grants come from the host's own policy, not from whoever can send a
//! control request. A plain NATS client asks for the whole filesystem, the host's
//! environment, the network, a blobstore rooted at `/` and an http-server on every
//! interface; a default host refuses each, naming the grant, and runs nothing. The same
//! grants work where the host's [`GrantPolicy`] allows them.

use std::collections::BTreeMap;

use serde_json::{json, Value};
use trellis_host::{GrantPolicy, LatticeHost};
use trellis_proto::Link;
use trellis_testkit::NatsServer;

use crate::ctl_support::*;

/// Writes the http-hello fixture to a temporary file; returns the dir guard and path.
fn hello_file() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hello.wasm");
    std::fs::write(&path, trellis_testkit::fixtures::http_hello().unwrap()).unwrap();
    let path = path.to_str().unwrap().to_owned();
    (dir, path)
}

/// Sends `component.scale` for `id` with `annotations` and returns the outcome event.
async fn scale_with(
    client: &async_nats::Client,
    events: &mut async_nats::Subscriber,
    host: &LatticeHost,
    path: &str,
    id: &str,
    annotations: Value,
) -> Value {
    let scale = json!({"component_ref": path, "component_id": id, "count": 1,
        "host_id": host.id(), "annotations": annotations});
    let reply = request_json(
        client,
        &format!("{CTL}.component.scale.{}", host.id()),
        scale,
    )
    .await;
    assert_eq!(reply["success"], true, "acknowledged first: {reply}");
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        assert!(
            tokio::time::Instant::now() < deadline,
            "no outcome for {id}"
        );
        let event = next_event_any(events).await;
        let kind = event["type"].as_str().unwrap_or_default();
        if (kind.ends_with(".component_scaled") || kind.ends_with(".component_scale_failed"))
            && event["data"]["component_id"] == id
        {
            return event;
        }
    }
}

/// The next lattice event of any type.
async fn next_event_any(events: &mut async_nats::Subscriber) -> Value {
    use futures::StreamExt as _;
    let message = tokio::time::timeout(WAIT, events.next())
        .await
        .expect("an event in time")
        .expect("event stream open");
    serde_json::from_slice(&message.payload).expect("event is JSON")
}

fn failure(event: &Value) -> &str {
    assert_eq!(
        event["type"], "com.wasmcloud.lattice.component_scale_failed",
        "{event}"
    );
    event["data"]["error"].as_str().unwrap()
}

#[tokio::test]
async fn ctl_grants_are_refused_by_a_default_host_naming_the_grant() {
    let nats = NatsServer::start().unwrap();
    let client = nats.client().await.unwrap();
    let host = start_host(&nats).await;
    let mut events = events(&client).await;
    let (_dir, path) = hello_file();

    let root = scale_with(
        &client,
        &mut events,
        &host,
        &path,
        "rooted",
        json!({"trellis.dev/dirs": "/:/host"}),
    )
    .await;
    assert_eq!(
        failure(&root),
        "grant trellis.dev/dirs=/ is not allowed by this host's policy (allowed roots: none)"
    );

    let env = scale_with(
        &client,
        &mut events,
        &host,
        &path,
        "env",
        json!({"trellis.dev/env": "true"}),
    )
    .await;
    assert_eq!(
        failure(&env),
        "grant trellis.dev/env=true is not allowed by this host's policy \
         (allowed variables: none)"
    );
    let named = scale_with(
        &client,
        &mut events,
        &host,
        &path,
        "named",
        json!({"trellis.dev/env": "HOME"}),
    )
    .await;
    assert!(
        failure(&named).starts_with("grant trellis.dev/env=HOME is not allowed"),
        "{named}"
    );

    let network = scale_with(
        &client,
        &mut events,
        &host,
        &path,
        "net",
        json!({"trellis.dev/network": "true"}),
    )
    .await;
    assert_eq!(
        failure(&network),
        "grant trellis.dev/network=true is not allowed by this host's policy \
         (network grants are not allowed)"
    );

    assert!(host.runtime().components().is_empty(), "nothing runs");
    let inv = request(&client, &format!("{CTL}.host.get.{}", host.id()), "").await;
    assert_eq!(inv["response"]["components"], json!([]), "{inv}");

    // Without grants the same component starts: the refusals were about the grants.
    let plain = scale_with(&client, &mut events, &host, &path, "plain", json!({})).await;
    assert_eq!(
        plain["type"], "com.wasmcloud.lattice.component_scaled",
        "{plain}"
    );
}

#[tokio::test]
async fn ctl_grants_the_policy_allows_are_honoured() {
    let nats = NatsServer::start().unwrap();
    let client = nats.client().await.unwrap();
    let allowed = tempfile::tempdir().unwrap();
    let data = allowed.path().join("data");
    std::fs::create_dir(&data).unwrap();
    let roots = vec![allowed.path().to_owned()];
    let host = start_host_with(&nats, |config| {
        config.runtime.grants = GrantPolicy {
            dir_roots: roots,
            env_names: vec!["GREETING".into()],
            network: true,
            ..GrantPolicy::default()
        };
    })
    .await;
    let mut events = events(&client).await;
    let (_dir, path) = hello_file();

    let granted = scale_with(
        &client,
        &mut events,
        &host,
        &path,
        "granted",
        json!({
            "trellis.dev/dirs": format!("{}:/data", data.display()),
            "trellis.dev/env": "GREETING=hi",
            "trellis.dev/network": "true",
        }),
    )
    .await;
    assert_eq!(
        granted["type"], "com.wasmcloud.lattice.component_scaled",
        "{granted}"
    );
    assert_eq!(host.runtime().components().len(), 1);

    // Outside the allowed root (also by `..`) is still refused, listing the root.
    let escape = format!("{}/..", allowed.path().display());
    let outside = scale_with(
        &client,
        &mut events,
        &host,
        &path,
        "outside",
        json!({"trellis.dev/dirs": escape}),
    )
    .await;
    let error = failure(&outside);
    assert!(
        error.starts_with(&format!("grant trellis.dev/dirs={escape} is not allowed"))
            && error.contains("allowed roots: "),
        "{error}"
    );
    let other = scale_with(
        &client,
        &mut events,
        &host,
        &path,
        "other-env",
        json!({"trellis.dev/env": "HOME"}),
    )
    .await;
    assert!(
        failure(&other).ends_with("(allowed variables: GREETING)"),
        "{other}"
    );
}

/// Puts named config `name` and starts provider `reference` with it over ctl; returns
/// the `provider_started` / `provider_start_failed` event.
async fn start_provider_with(
    client: &async_nats::Client,
    events: &mut async_nats::Subscriber,
    host: &LatticeHost,
    reference: &str,
    config: Value,
) -> Value {
    let put = request(
        client,
        &format!("{CTL}.config.put.cfg"),
        serde_json::to_vec(&config).unwrap(),
    )
    .await;
    assert_eq!(put["success"], true, "{put}");
    let start = json!({"provider_id": "p", "provider_ref": reference, "host_id": host.id(),
        "config": ["cfg"]});
    let reply = request_json(
        client,
        &format!("{CTL}.provider.start.{}", host.id()),
        start,
    )
    .await;
    assert_eq!(reply["success"], true, "{reply}");
    loop {
        let event = next_event_any(events).await;
        let kind = event["type"].as_str().unwrap_or_default();
        if kind.ends_with(".provider_started") || kind.ends_with(".provider_start_failed") {
            return event;
        }
    }
}

#[tokio::test]
async fn a_blobstore_rooted_at_slash_is_refused() {
    let nats = NatsServer::start().unwrap();
    let client = nats.client().await.unwrap();
    let host = start_host(&nats).await;
    let mut events = events(&client).await;

    let event = start_provider_with(
        &client,
        &mut events,
        &host,
        "builtin://blobstore",
        json!({"root": "/"}),
    )
    .await;
    assert_eq!(
        event["type"], "com.wasmcloud.lattice.provider_start_failed",
        "{event}"
    );
    let error = event["data"]["error"].as_str().unwrap();
    assert!(
        error.starts_with(
            "grant blobstore provider \"p\" root=/ is not allowed by this host's policy \
             (it is outside the host's data dir"
        ) && error.ends_with("and the allowed blobstore roots: none)"),
        "{error}"
    );
    assert!(host.runtime().providers().is_empty());
}

#[tokio::test]
async fn an_http_server_on_every_interface_is_refused_by_default() {
    let nats = NatsServer::start().unwrap();
    let client = nats.client().await.unwrap();
    let host = start_host(&nats).await;
    let mut events = events(&client).await;
    let port = crate::free_port();

    // As provider config…
    let event = start_provider_with(
        &client,
        &mut events,
        &host,
        "builtin://http-server",
        json!({"address": format!("0.0.0.0:{port}")}),
    )
    .await;
    assert_eq!(
        event["type"], "com.wasmcloud.lattice.provider_start_failed",
        "{event}"
    );
    assert_eq!(
        event["data"]["error"],
        format!(
            "grant http-server address=0.0.0.0:{port} is not allowed by this host's policy \
             (only loopback addresses such as 127.0.0.1 may be bound)"
        )
    );

    // …and as link config.
    let rt = host.runtime();
    let hello = trellis_testkit::fixtures::http_hello().unwrap();
    rt.start_component(
        "hello",
        trellis_host::ComponentSource::Bytes(hello.into()),
        1,
        BTreeMap::new(),
        BTreeMap::new(),
    )
    .await
    .unwrap();
    rt.start_provider(
        "http",
        "builtin://http-server",
        BTreeMap::new(),
        BTreeMap::new(),
    )
    .await
    .unwrap();
    let link = Link {
        source_id: "http".into(),
        target: "hello".into(),
        name: "default".into(),
        wit_namespace: "wasi".into(),
        wit_package: "http".into(),
        interfaces: vec!["incoming-handler".into()],
        source_config: vec![],
        target_config: vec![],
    };
    let public = BTreeMap::from([("address".to_string(), format!("0.0.0.0:{port}"))]);
    let err = rt
        .set_link(&link, public, BTreeMap::new())
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains(&format!(
            "grant http-server address=0.0.0.0:{port} is not allowed"
        )),
        "{err}"
    );
    assert!(
        std::net::TcpStream::connect(("127.0.0.1", port)).is_err(),
        "nothing listens on {port}"
    );
}

#[tokio::test]
async fn a_public_http_server_and_a_blobstore_root_work_when_the_policy_allows_them() {
    let nats = NatsServer::start().unwrap();
    let client = nats.client().await.unwrap();
    let blobs = tempfile::tempdir().unwrap();
    let blob_root = blobs.path().to_owned();
    let host = start_host_with(&nats, |config| {
        config.runtime.grants = GrantPolicy {
            blobstore_roots: vec![blob_root],
            public_http: true,
            ..GrantPolicy::default()
        };
    })
    .await;
    let mut events = events(&client).await;
    let root = blobs.path().join("store");
    let event = start_provider_with(
        &client,
        &mut events,
        &host,
        "builtin://blobstore",
        json!({"root": root.display().to_string()}),
    )
    .await;
    assert_eq!(
        event["type"], "com.wasmcloud.lattice.provider_started",
        "{event}"
    );
    assert!(root.is_dir());

    let port = crate::free_port();
    host.runtime()
        .start_provider(
            "http",
            "builtin://http-server",
            BTreeMap::from([("address".to_string(), format!("0.0.0.0:{port}"))]),
            BTreeMap::new(),
        )
        .await
        .unwrap();
}

/// A link put over the lattice is stored before hosts apply it; when the host running its
/// http-server refuses the address, the refusal shows in that host's logs under the
/// provider, where a user looks, and not only on the host's stderr.
#[tokio::test]
async fn a_refused_link_from_the_lattice_is_logged_under_its_provider() {
    let nats = NatsServer::start().unwrap();
    let client = nats.client().await.unwrap();
    let host = start_host(&nats).await;
    let mut logs = host.runtime().logs().subscribe();
    let rt = host.runtime();
    rt.start_provider(
        "http",
        "builtin://http-server",
        BTreeMap::new(),
        BTreeMap::new(),
    )
    .await
    .unwrap();
    let port = crate::free_port();
    let config = json!({"address": format!("0.0.0.0:{port}")}).to_string();
    request(&client, &format!("{CTL}.config.put.public"), config).await;
    let link = json!({
        "source_id": "http", "target": "hello", "name": "default",
        "wit_namespace": "wasi", "wit_package": "http", "interfaces": ["incoming-handler"],
        "source_config": ["public"],
    });
    request_json(&client, &format!("{CTL}.link.put"), link).await;
    let refused = loop {
        let record = tokio::time::timeout(std::time::Duration::from_secs(10), logs.recv())
            .await
            .expect("the refusal is logged")
            .unwrap();
        if record.message.contains("cannot apply link") {
            break record;
        }
    };
    assert_eq!(refused.component.as_deref(), Some("http"));
    assert!(
        refused.message.contains(&format!("0.0.0.0:{port}"))
            && refused
                .message
                .contains("is not allowed by this host's policy"),
        "{}",
        refused.message
    );
}
