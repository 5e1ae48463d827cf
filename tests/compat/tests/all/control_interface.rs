//! The official `wasmcloud-control-interface` 3.0.1 client drives Trellis hosts.
//!
//! Every assertion is about what a wasmCloud user of that client (or of `wash`, which
//! is built on it) would see; the reference behaviour is protocol.md Part C, observed on
//! a real wasmCloud 1.9.2 host.

use std::collections::{BTreeMap, HashMap};

use wasmcloud_control_interface::Link;

use crate::support::{eventually, free_port, http_get, http_hello_file, map, Lattice, WINDOW};

#[tokio::test]
async fn get_hosts_finds_every_host_with_the_fields_wash_shows() {
    let lattice = Lattice::start(2).await.unwrap();
    let started = std::time::Instant::now();
    let replies = lattice.ctl.get_hosts().await.unwrap();
    assert!(
        started.elapsed() >= WINDOW,
        "get_hosts waits for the whole window"
    );
    assert_eq!(replies.len(), 2, "one envelope per host: {replies:?}");

    for trellis in &lattice.hosts {
        let reply = replies
            .iter()
            .find(|r| r.data().is_some_and(|h| h.id() == trellis.id()))
            .unwrap_or_else(|| panic!("host {} did not answer the ping", trellis.id()));
        assert!(reply.succeeded());
        let host = reply.data().unwrap();
        assert!(
            host.id().starts_with('N') && host.id().len() == 56,
            "host ids are server nkeys: {}",
            host.id()
        );
        assert_eq!(host.friendly_name(), trellis.friendly_name());
        assert_eq!(host.lattice(), "default");
        assert!(host.version().is_some_and(|v| !v.is_empty()));
        assert_eq!(host.ctl_host(), Some(lattice.nats.url().as_str()));
        assert_eq!(host.rpc_host(), Some(lattice.nats.url().as_str()));
        assert!(host.uptime_human().is_some());
        assert_eq!(host.js_domain(), None, "no js_domain key when none is set");
        for key in ["hostcore.arch", "hostcore.os", "hostcore.osfamily"] {
            assert!(host.labels().contains_key(key), "label {key} missing");
        }
    }
    assert_ne!(lattice.hosts[0].id(), lattice.hosts[1].id());
}

#[tokio::test]
async fn inventory_of_a_fresh_host_is_empty_and_an_unknown_host_times_out() {
    let lattice = Lattice::start(1).await.unwrap();
    let reply = lattice
        .ctl
        .get_host_inventory(&lattice.host_id())
        .await
        .unwrap();
    assert!(reply.succeeded(), "{}", reply.message());
    let inventory = reply.data().expect("an inventory");
    assert_eq!(inventory.host_id(), lattice.host_id());
    assert_eq!(inventory.friendly_name(), lattice.hosts[0].friendly_name());
    assert!(inventory.components().is_empty());
    assert!(inventory.providers().is_empty());
    assert!(inventory.labels().contains_key("hostcore.os"));

    // A host id that no host has: the client reports that nothing answered.
    let nobody = "NBZYDXQWTSMBPO7GR4M2JJWMAKSIFHIVHCTXBO3SUQJVSFB35CHJDHJP";
    let err = lattice.ctl.get_host_inventory(nobody).await.unwrap_err();
    assert!(
        err.to_string()
            .contains("Did not receive host inventory from target host"),
        "{err}"
    );
}

#[tokio::test]
async fn scale_component_from_a_file_shows_in_the_inventory_and_scales_to_zero() {
    let lattice = Lattice::start(1).await.unwrap();
    let host_id = lattice.host_id();
    let (_dir, reference) = http_hello_file().unwrap();
    let mut events = lattice
        .events(&["component_scaled", "component_scale_failed"])
        .await
        .unwrap();

    let ack = lattice
        .ctl
        .scale_component(&host_id, &reference, "hello", 2, None, vec![], false)
        .await
        .unwrap();
    assert!(ack.succeeded(), "scale ack: {}", ack.message());
    let event = events
        .next("component_scaled", |d| d["component_id"] == "hello")
        .await;
    assert_eq!(event["source"], host_id.as_str());
    assert_eq!(event["data"]["host_id"], host_id.as_str());
    assert_eq!(event["data"]["image_ref"], reference.as_str());
    assert_eq!(event["data"]["max_instances"], 2);

    let inventory = lattice.ctl.get_host_inventory(&host_id).await.unwrap();
    let inventory = inventory.data().expect("an inventory");
    let [component] = inventory.components().as_slice() else {
        panic!("one component expected: {:?}", inventory.components());
    };
    assert_eq!(component.id(), "hello");
    assert_eq!(component.image_ref(), reference);
    assert_eq!(component.max_instances(), 2);
    // Like wasmCloud 1.9, no `name` for an unsigned artifact.
    assert_eq!(component.name(), None);

    // Scaling to zero is how wasmCloud stops a component.
    let ack = lattice
        .ctl
        .scale_component(&host_id, &reference, "hello", 0, None, vec![], false)
        .await
        .unwrap();
    assert!(ack.succeeded(), "{}", ack.message());
    events
        .next("component_scaled", |d| {
            d["component_id"] == "hello" && d["max_instances"] == 0
        })
        .await;
    let ctl = &lattice.ctl;
    eventually("the component to leave the inventory", || async {
        let inventory = ctl.get_host_inventory(&host_id).await.ok()?.into_data()?;
        inventory.components().is_empty().then_some(())
    })
    .await;
}

#[tokio::test]
async fn a_missing_file_is_acknowledged_then_reported_as_scale_failed() {
    let lattice = Lattice::start(1).await.unwrap();
    let host_id = lattice.host_id();
    let mut events = lattice.events(&["component_scale_failed"]).await.unwrap();
    let ack = lattice
        .ctl
        .scale_component(
            &host_id,
            "file:///nonexistent/x.wasm",
            "ghost",
            1,
            None,
            vec![],
            false,
        )
        .await
        .unwrap();
    assert!(ack.succeeded(), "wasmCloud acks before fetching");
    let event = events
        .next("component_scale_failed", |d| d["component_id"] == "ghost")
        .await;
    let error = event["data"]["error"].as_str().unwrap_or_default();
    assert!(
        error.contains("/nonexistent/x.wasm") || error.contains("No such file"),
        "the error names the problem: {error:?}"
    );
    let inventory = lattice.ctl.get_host_inventory(&host_id).await.unwrap();
    assert!(inventory.data().unwrap().components().is_empty());
}

#[tokio::test]
async fn config_put_get_delete_round_trips() {
    let lattice = Lattice::start(1).await.unwrap();
    let ctl = &lattice.ctl;
    let values = HashMap::from([
        ("address".to_owned(), "127.0.0.1:18088".to_owned()),
        ("mode".to_owned(), "test".to_owned()),
    ]);

    let put = ctl.put_config("web", values.clone()).await.unwrap();
    assert!(put.succeeded(), "{}", put.message());

    let got = ctl.get_config("web").await.unwrap();
    assert!(got.succeeded(), "{}", got.message());
    assert_eq!(got.data(), Some(&values));

    // A missing config is a success without data, not an error.
    let missing = ctl.get_config("nope").await.unwrap();
    assert!(missing.succeeded());
    assert_eq!(missing.data(), None);
    assert_eq!(missing.message(), "Configuration not found");

    let deleted = ctl.delete_config("web").await.unwrap();
    assert!(deleted.succeeded(), "{}", deleted.message());
    let gone = ctl.get_config("web").await.unwrap();
    assert_eq!(gone.data(), None, "the config is gone after delete");
}

fn http_link(source: &str, target: &str, source_config: &[&str]) -> Link {
    Link::builder()
        .source_id(source)
        .target(target)
        .name("default")
        .wit_namespace("wasi")
        .wit_package("http")
        .interfaces(vec!["incoming-handler".to_owned()])
        .source_config(source_config.iter().map(|c| c.to_string()).collect())
        .build()
        .unwrap()
}

#[tokio::test]
async fn links_put_get_delete_and_validation() {
    let lattice = Lattice::start(1).await.unwrap();
    let ctl = &lattice.ctl;
    let mut events = lattice
        .events(&["linkdef_set", "linkdef_set_failed", "linkdef_deleted"])
        .await
        .unwrap();

    let none = ctl.get_links().await.unwrap();
    assert!(none.succeeded());
    assert_eq!(none.data(), Some(&vec![]));

    assert!(ctl
        .put_config("web", map(&[("address", "127.0.0.1:1")]))
        .await
        .unwrap()
        .succeeded());
    let link = http_link("http", "hello", &["web"]);
    let put = ctl.put_link(link.clone()).await.unwrap();
    assert!(put.succeeded(), "{}", put.message());
    events
        .next("linkdef_set", |d| d["source_id"] == "http")
        .await;
    let links = ctl.get_links().await.unwrap();
    assert_eq!(links.data(), Some(&vec![link.clone()]), "listed as put");

    // A config name that does not exist is refused, naming it.
    let bad = ctl
        .put_link(http_link("http2", "hello", &["does-not-exist"]))
        .await
        .unwrap();
    assert!(!bad.succeeded());
    assert!(
        bad.message().contains("does-not-exist"),
        "{}",
        bad.message()
    );
    events
        .next("linkdef_set_failed", |d| d["source_id"] == "http2")
        .await;

    // Same source, interface and name but another target is refused.
    let clash = ctl
        .put_link(http_link("http", "other", &["web"]))
        .await
        .unwrap();
    assert!(!clash.succeeded());
    assert!(
        clash.message().contains("different target"),
        "{}",
        clash.message()
    );

    let deleted = ctl
        .delete_link("http", "default", "wasi", "http")
        .await
        .unwrap();
    assert!(deleted.succeeded(), "{}", deleted.message());
    events
        .next("linkdef_deleted", |d| d["source_id"] == "http")
        .await;
    assert_eq!(ctl.get_links().await.unwrap().data(), Some(&vec![]));
    // Deleting again is idempotent.
    let again = ctl
        .delete_link("http", "default", "wasi", "http")
        .await
        .unwrap();
    assert!(again.succeeded(), "{}", again.message());
}

#[tokio::test]
async fn labels_put_and_delete_show_in_ping_and_hostcore_is_refused() {
    let lattice = Lattice::start(1).await.unwrap();
    let ctl = &lattice.ctl;
    let host_id = lattice.host_id();
    let mut events = lattice.events(&["labels_changed"]).await.unwrap();

    let put = ctl.put_label(&host_id, "zone", "a").await.unwrap();
    assert!(put.succeeded(), "{}", put.message());
    let event = events.next("labels_changed", |_| true).await;
    assert_eq!(event["data"]["labels"]["zone"], "a");
    let hosts = ctl.get_hosts().await.unwrap();
    let host = hosts[0].data().unwrap();
    assert_eq!(host.labels().get("zone").map(String::as_str), Some("a"));

    let refused = ctl
        .put_label(&host_id, "hostcore.os", "plan9")
        .await
        .unwrap();
    assert!(!refused.succeeded(), "hostcore.* labels are the host's own");
    let inventory = ctl.get_host_inventory(&host_id).await.unwrap();
    assert_ne!(
        inventory.data().unwrap().labels().get("hostcore.os"),
        Some(&"plan9".to_owned())
    );

    let deleted = ctl.delete_label(&host_id, "zone").await.unwrap();
    assert!(deleted.succeeded(), "{}", deleted.message());
    let inventory = ctl.get_host_inventory(&host_id).await.unwrap();
    assert!(!inventory.data().unwrap().labels().contains_key("zone"));
}

#[tokio::test]
async fn builtin_http_server_linked_to_a_component_serves_http() {
    let lattice = Lattice::start(1).await.unwrap();
    let ctl = &lattice.ctl;
    let host_id = lattice.host_id();
    let (_dir, reference) = http_hello_file().unwrap();
    let mut events = lattice
        .events(&["provider_started", "provider_stopped", "component_scaled"])
        .await
        .unwrap();
    let port = free_port();

    let address = format!("127.0.0.1:{port}");
    assert!(ctl
        .put_config("web", map(&[("address", &address)]))
        .await
        .unwrap()
        .succeeded());
    let started = ctl
        .start_provider(
            &host_id,
            "wasmcloud+builtin://http-server",
            "http",
            None,
            vec![],
        )
        .await
        .unwrap();
    assert!(started.succeeded(), "{}", started.message());
    let event = events
        .next("provider_started", |d| d["provider_id"] == "http")
        .await;
    assert_eq!(event["data"]["host_id"], host_id.as_str());

    // Starting the same id again is refused, as on wasmCloud.
    let twice = ctl
        .start_provider(
            &host_id,
            "wasmcloud+builtin://http-server",
            "http",
            None,
            vec![],
        )
        .await
        .unwrap();
    assert!(!twice.succeeded(), "a second start of one id is refused");

    let scaled = ctl
        .scale_component(&host_id, &reference, "hello", 1, None, vec![], false)
        .await
        .unwrap();
    assert!(scaled.succeeded(), "{}", scaled.message());
    events
        .next("component_scaled", |d| d["component_id"] == "hello")
        .await;

    let inventory = ctl.get_host_inventory(&host_id).await.unwrap();
    let inventory = inventory.data().unwrap();
    let provider = inventory
        .providers()
        .iter()
        .find(|p| p.id() == "http")
        .expect("the provider is in the inventory");
    assert!(
        provider
            .image_ref()
            .is_some_and(|r| r.ends_with("http-server")),
        "image_ref {:?}",
        provider.image_ref()
    );

    let linked = ctl
        .put_link(http_link("http", "hello", &["web"]))
        .await
        .unwrap();
    assert!(linked.succeeded(), "{}", linked.message());

    let (status, body) = eventually("the linked listener to answer", || async {
        http_get(port, "/hello/world?x=1").await.ok()
    })
    .await;
    assert_eq!(status, 200, "{body}");
    assert!(
        body.contains("Hello from a hand-written WAT component!"),
        "{body}"
    );
    assert!(
        body.contains("path=/hello/world?x=1"),
        "the path reaches the component: {body}"
    );

    // Deleting the link closes the listener; stopping the provider is reported.
    assert!(ctl
        .delete_link("http", "default", "wasi", "http")
        .await
        .unwrap()
        .succeeded());
    eventually("the listener to close", || async {
        http_get(port, "/").await.is_err().then_some(())
    })
    .await;
    let stopped = ctl.stop_provider(&host_id, "http").await.unwrap();
    assert!(stopped.succeeded(), "{}", stopped.message());
    events
        .next("provider_stopped", |d| d["provider_id"] == "http")
        .await;
}

#[tokio::test]
async fn stop_host_is_acknowledged_and_the_host_says_goodbye() {
    let mut lattice = Lattice::start(1).await.unwrap();
    let host_id = lattice.host_id();
    let mut events = lattice.events(&["host_stopped"]).await.unwrap();

    let ack = lattice.ctl.stop_host(&host_id, Some(1000)).await.unwrap();
    assert!(ack.succeeded(), "{}", ack.message());
    let host = lattice.hosts.remove(0);
    tokio::time::timeout(crate::support::WAIT, host.wait_stop_requested())
        .await
        .expect("the host notices the stop request");
    host.shutdown().await;
    let event = events.next("host_stopped", |_| true).await;
    assert_eq!(event["source"], host_id.as_str());
    assert!(
        lattice.ctl.get_hosts().await.unwrap().is_empty(),
        "a stopped host no longer answers pings"
    );
}

#[tokio::test]
async fn auctions_answer_only_from_qualifying_hosts_and_claims_are_empty() {
    let lattice = Lattice::start(2).await.unwrap();
    let ctl = &lattice.ctl;
    let (_dir, reference) = http_hello_file().unwrap();
    let labelled = lattice.hosts[1].id().to_owned();
    assert!(ctl
        .put_label(&labelled, "zone", "east")
        .await
        .unwrap()
        .succeeded());

    let open = ctl
        .perform_component_auction(&reference, "hello", BTreeMap::new())
        .await
        .unwrap();
    assert_eq!(open.len(), 2, "every host qualifies without constraints");
    assert!(open
        .iter()
        .all(|ack| ack.succeeded() && ack.data().unwrap().component_ref() == reference));

    let zone = BTreeMap::from([("zone".to_owned(), "east".to_owned())]);
    let constrained = ctl
        .perform_component_auction(&reference, "hello", zone.clone())
        .await
        .unwrap();
    let winners: Vec<&str> = constrained
        .iter()
        .filter_map(|ack| ack.data().map(|a| a.host_id()))
        .collect();
    assert_eq!(winners, [labelled.as_str()], "only the labelled host bids");

    let providers = ctl
        .perform_provider_auction("wasmcloud+builtin://http-server", "http", zone)
        .await
        .unwrap();
    let [ack] = providers.as_slice() else {
        panic!("one provider bid expected: {providers:?}");
    };
    let ack = ack.data().unwrap();
    assert_eq!(ack.host_id(), labelled);
    assert_eq!(ack.provider_id(), "http");

    // Nothing signed runs, so there are no claims (wasmCloud answers `[]`).
    let claims = ctl.get_claims().await.unwrap();
    assert!(claims.succeeded());
    assert_eq!(claims.data(), Some(&vec![]));
}

#[tokio::test]
async fn update_component_swaps_the_code_under_the_same_id() {
    let lattice = Lattice::start(1).await.unwrap();
    let ctl = &lattice.ctl;
    let host_id = lattice.host_id();
    let (_dir, first) = http_hello_file().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let second_path = dir.path().join("http-hello-v2.wasm");
    std::fs::write(
        &second_path,
        trellis_testkit::fixtures::http_hello_with_greeting("Version two").unwrap(),
    )
    .unwrap();
    let second = format!("file://{}", second_path.display());
    let mut events = lattice.events(&["component_scaled"]).await.unwrap();

    assert!(ctl
        .scale_component(&host_id, &first, "hello", 1, None, vec![], false)
        .await
        .unwrap()
        .succeeded());
    events
        .next("component_scaled", |d| d["image_ref"] == first.as_str())
        .await;
    let ack = ctl
        .update_component(&host_id, "hello", &second, None)
        .await
        .unwrap();
    assert!(ack.succeeded(), "{}", ack.message());
    events
        .next("component_scaled", |d| d["image_ref"] == second.as_str())
        .await;
    let inventory = ctl.get_host_inventory(&host_id).await.unwrap();
    let components = inventory.data().unwrap().components();
    assert_eq!(components.len(), 1, "{components:?}");
    assert_eq!(components[0].id(), "hello");
    assert_eq!(components[0].image_ref(), second);

    // Updating a component that does not run is refused.
    let missing = ctl
        .update_component(&host_id, "nobody", &second, None)
        .await
        .unwrap();
    assert!(!missing.succeeded());
}
