//! Issue 12's OCI checks with the real binary and Debian's docker-registry on
//! 127.0.0.1: push, pull, inspect, and a component started from its reference that
//! answers HTTP, again after the registry is gone.

use crate::support::{eventually, free_port, http_get, serve_hello_over_http, Dirs, Up};
use base64::Engine as _;
use trellis_testkit::{Registry, REGISTRY_PASSWORD, REGISTRY_USER};

#[tokio::test]
async fn issue_12_a_component_pushed_to_a_registry_starts_from_its_reference_even_after_the_registry_stops(
) {
    let dirs = Dirs::new();
    let mut registry = Registry::start().unwrap();
    let wasm = dirs.data().with_file_name("http-hello.wasm");
    std::fs::write(&wasm, trellis_testkit::fixtures::http_hello().unwrap()).unwrap();
    let wasm = wasm.to_str().unwrap();
    let reference = format!("{}/examples/hello:0.1", registry.address());

    let pushed = dirs.run(["push", wasm, &reference]).await.success();
    assert!(
        pushed.contains(&format!("pushed {wasm} to {reference} (sha256:")),
        "{pushed}"
    );
    let inspected = dirs
        .run(["inspect", &reference, "--exports"])
        .await
        .success();
    assert!(
        inspected.contains("wasi:http/incoming-handler"),
        "{inspected}"
    );
    let copy = dirs.data().with_file_name("copy.wasm");
    let pulled = dirs
        .run(["pull", &reference, "-o", copy.to_str().unwrap()])
        .await
        .success();
    assert!(pulled.contains(&format!("pulled {reference}")), "{pulled}");
    assert_eq!(std::fs::read(&copy).unwrap(), std::fs::read(wasm).unwrap());

    let _up = Up::start(&dirs, &[]).await.unwrap();
    let port = free_port();
    serve_hello_over_http(&dirs, &[], &reference, port).await;
    let (status, body) = eventually("the component from the registry to answer", || async {
        http_get(port, "/from-registry").await.ok()
    })
    .await;
    assert_eq!(status, 200, "{body}");
    let listed = dirs.run(["get", "inventory", "--json"]).await.stdout();
    assert!(
        listed.contains(&reference),
        "the inventory shows the reference: {listed}"
    );

    // The registry goes away; a second start of the same reference still works.
    registry.stop();
    dirs.run(["stop", "component", "hello"]).await.success();
    // The http-server keeps its listener; without a component it answers an error.
    eventually("the component to stop serving", || async {
        match http_get(port, "/").await {
            Ok((200, _)) => None,
            _ => Some(()),
        }
    })
    .await;
    dirs.run(["start", "component", &reference, "--id", "hello"])
        .await
        .success();
    let (status, body) = eventually("the cached component to answer", || async {
        http_get(port, "/offline").await.ok()
    })
    .await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test]
async fn issue_12_registry_credentials_come_from_flags_or_docker_config_and_a_refusal_names_the_registry(
) {
    let dirs = Dirs::new();
    let registry = Registry::start_with_user().unwrap();
    let wasm = dirs.data().with_file_name("hello.wasm");
    std::fs::create_dir_all(dirs.data()).unwrap();
    std::fs::write(&wasm, trellis_testkit::fixtures::http_hello().unwrap()).unwrap();
    let wasm = wasm.to_str().unwrap();
    let reference = format!("{}/private/hello:1", registry.address());

    let refused = dirs.run(["push", wasm, &reference]).await;
    assert_eq!(refused.code(), Some(1));
    let err = refused.stderr();
    assert!(
        err.contains(&format!(
            "registry {} refused anonymous access",
            registry.address()
        )),
        "{err}"
    );

    let wrong = dirs
        .run([
            "push",
            wasm,
            &reference,
            "--user",
            REGISTRY_USER,
            "--password",
            "wrong-password",
        ])
        .await;
    let err = wrong.stderr();
    assert!(
        err.contains(&format!("refused the credentials for {REGISTRY_USER}")),
        "{err}"
    );
    assert!(!err.contains("wrong-password"), "{err}");

    dirs.run([
        "push",
        wasm,
        &reference,
        "--user",
        REGISTRY_USER,
        "--password",
        REGISTRY_PASSWORD,
    ])
    .await
    .success();

    // `docker login` leaves the credentials in config.json; pull finds them there.
    let docker = dirs.data().with_file_name("docker");
    std::fs::create_dir_all(&docker).unwrap();
    let auth = base64::engine::general_purpose::STANDARD
        .encode(format!("{REGISTRY_USER}:{REGISTRY_PASSWORD}"));
    std::fs::write(
        docker.join("config.json"),
        format!(
            r#"{{"auths":{{"{}":{{"auth":"{auth}"}}}}}}"#,
            registry.address()
        ),
    )
    .unwrap();
    // Pushing kept the layer in the cache; empty it so the pull downloads.
    std::fs::remove_dir_all(dirs.cache()).unwrap();
    let pulled = dirs.run(["pull", &reference, "--json"]).await.json();
    assert_eq!(pulled["from_cache"], false, "{pulled}");
    assert!(
        pulled["digest"].as_str().unwrap().starts_with("sha256:"),
        "{pulled}"
    );

    let missing = dirs
        .run(["pull", &format!("{}/private/nothing:1", registry.address())])
        .await;
    assert!(
        missing.stderr().contains("was not found"),
        "{}",
        missing.stderr()
    );
}
