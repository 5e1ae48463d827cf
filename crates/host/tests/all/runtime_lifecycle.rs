//! Start, scale, update and stop; bad input; memory limit; guest stdout on the log bus.

use std::collections::BTreeMap;
use std::time::Duration;

use trellis_host::{ComponentSource, HostError};
use trellis_testkit::fixtures::{self, WitSource};
use wasmtime::component::Val;

use crate::{get, runtime, serve};

fn bytes(b: Vec<u8>) -> ComponentSource {
    ComponentSource::Bytes(b.into())
}

#[tokio::test]
async fn bad_input_gets_errors_naming_the_problem() -> anyhow::Result<()> {
    let rt = runtime(Duration::from_secs(5));
    let start = |id: &'static str, source: ComponentSource| {
        let rt = rt.clone();
        async move {
            rt.start_component(id, source, 1, BTreeMap::new(), BTreeMap::new())
                .await
                .unwrap_err()
        }
    };
    let dir = tempfile::tempdir()?;
    let text_file = dir.path().join("notes.wasm");
    std::fs::write(&text_file, "hello, not wasm")?;
    let err = start("a", ComponentSource::File(text_file.clone())).await;
    assert!(matches!(err, HostError::NotWasm { .. }), "{err}");
    assert!(err.to_string().contains("notes.wasm"), "{err}");

    let err = start("b", bytes(fixtures::core_module()?)).await;
    assert!(matches!(err, HostError::CoreModule { .. }), "{err}");

    let mut truncated = fixtures::http_hello()?;
    truncated.truncate(truncated.len() / 2);
    let err = start("c", bytes(truncated)).await;
    assert!(matches!(err, HostError::InvalidComponent { .. }), "{err}");

    let err = start("d", ComponentSource::File(dir.path().join("missing.wasm"))).await;
    assert!(err.to_string().contains("missing.wasm"), "{err}");

    // An import in a package nothing provides and links cannot reach (a resource-free
    // custom interface is forwarded, so use a WASI package the host does not have).
    let wit = r#"
package trellis:bad;
world needs-blob {
  import wasi:keyvalue/store@9.9.9;
  export run: func() -> u32;
}
package wasi:keyvalue@9.9.9 {
  interface store { ping: func() -> u32; }
}
"#;
    let wat = r#"(module
      (import "wasi:keyvalue/store@9.9.9" "ping" (func (result i32)))
      (func (export "run") (result i32) (i32.const 1)))"#;
    let component = fixtures::component(WitSource::Text(wit), "needs-blob", wat)?;
    let err = start("e", bytes(component)).await;
    assert!(matches!(err, HostError::UnsatisfiedImport { .. }), "{err}");
    assert!(
        err.to_string().contains("wasi:keyvalue/store@9.9.9"),
        "{err}"
    );

    // The host still runs components after all that.
    let port = serve(&rt, "fine", fixtures::http_hello()?).await?;
    assert_eq!(get(port, "/").await?.0, 200);
    Ok(())
}

#[tokio::test]
async fn scale_to_zero_stops_and_inventory_follows() -> anyhow::Result<()> {
    let rt = runtime(Duration::from_secs(5));
    let port = serve(&rt, "scaled", fixtures::http_hello()?).await?;
    rt.scale_component("scaled", 3).await?;
    let listed = rt.components();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].max_instances, 3);
    assert!(rt.component_bytes("scaled").is_some());
    assert_eq!(
        rt.providers()[0].image_ref.as_deref(),
        Some("builtin://http-server")
    );

    rt.scale_component("scaled", 0).await?;
    assert!(rt.components().is_empty());
    let (status, body) = get(port, "/").await?;
    assert_eq!(status, 503, "{body}");
    assert!(matches!(
        rt.scale_component("scaled", 1).await,
        Err(HostError::ComponentNotFound(_))
    ));
    Ok(())
}

#[tokio::test]
async fn update_keeps_links_and_a_bad_update_keeps_the_old_version() -> anyhow::Result<()> {
    let rt = runtime(Duration::from_secs(5));
    let port = serve(
        &rt,
        "upd",
        fixtures::http_hello_with_greeting("version one")?,
    )
    .await?;
    assert!(get(port, "/").await?.1.contains("version one"));

    rt.update_component(
        "upd",
        bytes(fixtures::http_hello_with_greeting("version two")?),
    )
    .await?;
    let (status, body) = get(port, "/").await?;
    assert_eq!(status, 200);
    assert!(body.contains("version two"), "{body}");
    assert_eq!(rt.components()[0].revision, 1);

    let err = rt
        .update_component("upd", bytes(b"garbage".to_vec()))
        .await
        .unwrap_err();
    assert!(matches!(err, HostError::NotWasm { .. }), "{err}");
    // A valid component that no longer exports the linked incoming-handler.
    let err = rt
        .update_component("upd", bytes(fixtures::demo()?))
        .await
        .unwrap_err();
    assert!(matches!(err, HostError::IncompatibleUpdate { .. }), "{err}");
    assert!(
        err.to_string().contains("wasi:http/incoming-handler"),
        "{err}"
    );
    assert!(get(port, "/").await?.1.contains("version two"));
    Ok(())
}

const GROW_WIT: &str = r#"
package trellis:grow;
world grow {
  export grow: func(pages: u32) -> s32;
}
"#;

const GROW_WAT: &str = r#"(module
  (memory (export "memory") 1)
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))"#;

#[tokio::test]
async fn memory_beyond_the_cap_fails_that_call_only() -> anyhow::Result<()> {
    let rt = runtime(Duration::from_secs(5));
    let grow = fixtures::component(WitSource::Text(GROW_WIT), "grow", GROW_WAT)?;
    rt.start_component("grow", bytes(grow), 2, BTreeMap::new(), BTreeMap::new())
        .await?;
    // 16 pages = 1 MiB: fine. 16384 pages = 1 GiB: over the 512 MiB default cap.
    let ok = rt.call_function("grow", "grow", vec![Val::U32(16)]).await?;
    assert_eq!(ok, vec![Val::S32(1)]);
    let err = rt
        .call_function("grow", "grow", vec![Val::U32(16384)])
        .await
        .unwrap_err();
    assert!(err.to_string().contains("grow"), "{err}");
    let again = rt.call_function("grow", "grow", vec![Val::U32(1)]).await?;
    assert_eq!(again, vec![Val::S32(1)]);
    Ok(())
}

#[tokio::test]
async fn guest_stdout_lines_reach_the_log_bus() -> anyhow::Result<()> {
    let rt = runtime(Duration::from_secs(5));
    let mut logs = rt.logs().subscribe();
    rt.start_component(
        "cli",
        bytes(fixtures::cli_hello()?),
        1,
        BTreeMap::new(),
        BTreeMap::new(),
    )
    .await?;
    let result = rt
        .call_function("cli", "wasi:cli/run@0.2.12#run", vec![])
        .await?;
    assert_eq!(result, vec![Val::Result(Ok(None))]);
    let record = loop {
        let record = tokio::time::timeout(Duration::from_secs(5), logs.recv()).await??;
        if record.context.as_deref() == Some("stdout") {
            break record;
        }
    };
    assert_eq!(record.component.as_deref(), Some("cli"));
    assert_eq!(record.message, "Hello from a hand-written WAT component!");
    Ok(())
}

/// Issue 10: a start says where it is (fetching, compiling, linking) in the component's
/// log, in that order, before it says the component started; the app shows these lines
/// beside its "Starting…" button.
#[tokio::test]
async fn a_start_reports_each_step_in_the_components_log() -> anyhow::Result<()> {
    let rt = runtime(Duration::from_secs(5));
    let mut logs = rt.logs().subscribe();
    let dir = tempfile::tempdir()?;
    let file = dir.path().join("hello.wasm");
    std::fs::write(&file, fixtures::cli_hello()?)?;
    rt.start_component(
        "steps",
        ComponentSource::File(file.clone()),
        1,
        BTreeMap::new(),
        BTreeMap::new(),
    )
    .await?;
    let mut steps = Vec::new();
    while let Ok(Ok(record)) = tokio::time::timeout(Duration::from_secs(2), logs.recv()).await {
        if record.component.as_deref() == Some("steps")
            && record.context.as_deref() == Some("runtime")
        {
            let done = record.message.starts_with("component started");
            steps.push(record.message);
            if done {
                break;
            }
        }
    }
    let first_words: Vec<&str> = steps
        .iter()
        .map(|s| s.split(' ').next().unwrap_or(""))
        .collect();
    assert_eq!(
        first_words,
        ["fetching", "compiling", "compiled", "component"],
        "{steps:#?}"
    );
    assert!(steps[0].contains(&file.display().to_string()), "{steps:#?}");
    assert!(steps[2].contains("linking"), "{steps:#?}");
    Ok(())
}

/// Issue 12: a typed call in WAVE — a record argument checked against the WIT before the
/// call, the result written back as WAVE, a wrong type refused naming what it expects.
#[tokio::test]
async fn wave_calls_take_records_and_refuse_a_wrong_type_by_name() -> anyhow::Result<()> {
    let rt = runtime(Duration::from_secs(5));
    rt.start_component(
        "calc",
        bytes(fixtures::calc()?),
        1,
        BTreeMap::new(),
        BTreeMap::new(),
    )
    .await?;
    let call = rt
        .call_wave("calc", "trellis:calc/shapes.sum", &["{x: 40, y: 2}".into()])
        .await?;
    assert_eq!(call.results, ["42"]);
    let err = rt
        .call_wave(
            "calc",
            "trellis:calc/shapes.sum",
            &["{x: \"far\", y: 2}".into()],
        )
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("argument p of sum: expected record { x: s32, y: s32 }"),
        "{err}"
    );
    let err = rt
        .call_wave("calc", "trellis:calc/shapes#sum", &[])
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("sum takes 1 argument(s) (p: record"), "{err}");
    Ok(())
}
