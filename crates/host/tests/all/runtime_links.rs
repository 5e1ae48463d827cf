//! Custom interfaces between components on one host: forwarded along links; an
//! unlinked import fails at call time naming the import.

use std::collections::BTreeMap;
use std::time::Duration;

use trellis_host::ComponentSource;
use trellis_proto::Link;
use trellis_testkit::fixtures::{self, greeter_consumer as consumer, greeter_provider as provider};
use wasmtime::component::Val;

use crate::runtime;

pub(crate) fn greeter_link(target: &str) -> Link {
    Link {
        source_id: "consumer".into(),
        target: target.into(),
        name: "default".into(),
        wit_namespace: "trellis".into(),
        wit_package: "fwd".into(),
        interfaces: vec!["greeter".into()],
        source_config: vec![],
        target_config: vec![],
    }
}

#[tokio::test]
async fn custom_interface_calls_follow_the_link() -> anyhow::Result<()> {
    let rt = runtime(Duration::from_secs(5));
    for (id, bytes) in [("consumer", consumer()?), ("provider", provider()?)] {
        rt.start_component(
            id,
            ComponentSource::Bytes(bytes.into()),
            2,
            BTreeMap::new(),
            BTreeMap::new(),
        )
        .await?;
    }

    // No link yet: the call fails and says which import lacks a link.
    let err = rt
        .call_function("consumer", "run", vec![Val::String("Ada".into())])
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("trellis:fwd/greeter") && err.contains("no link"),
        "{err}"
    );

    rt.set_link(&greeter_link("provider"), BTreeMap::new(), BTreeMap::new())
        .await?;
    let out = rt
        .call_function("consumer", "run", vec![Val::String("Ada".into())])
        .await?;
    assert_eq!(out, vec![Val::String("Hi, Ada!".into())]);

    // The provider cannot be replaced by something that drops the linked export.
    let err = rt
        .update_component("provider", ComponentSource::Bytes(fixtures::demo()?.into()))
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("trellis:fwd/greeter") && err.contains("consumer"),
        "{err}"
    );

    rt.remove_link("consumer", "trellis", "fwd", "default")
        .await?;
    let err = rt
        .call_function("consumer", "run", vec![Val::String("Ada".into())])
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("no link"), "{err}");
    Ok(())
}

#[tokio::test]
async fn a_world_level_import_fails_when_called_not_at_start() -> anyhow::Result<()> {
    let rt = runtime(Duration::from_secs(5));
    rt.start_component(
        "demo",
        ComponentSource::Bytes(fixtures::demo()?.into()),
        1,
        BTreeMap::new(),
        BTreeMap::new(),
    )
    .await?;
    let sum = rt
        .call_function("demo", "add", vec![Val::U32(40), Val::U32(2)])
        .await?;
    assert_eq!(sum, vec![Val::U32(42)]);
    let err = rt
        .call_function("demo", "greet", vec![Val::String("x".into())])
        .await
        .unwrap_err()
        .to_string();
    assert!(err.contains("`log`") && err.contains("no link"), "{err}");
    Ok(())
}
