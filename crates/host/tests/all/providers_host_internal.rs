//! Host-internal interfaces driven by a real component: wasi:config (both versions)
//! and wasi:logging reaching the log bus.

use trellis_host::{BuiltinProviders, LinkRoutes, LogBus};
use trellis_proto::{ConfigMap, LogLevel};

use crate::providers_support::instantiate;

#[tokio::test]
async fn config_store_answers_under_both_versions() -> anyhow::Result<()> {
    let logs = LogBus::new("test-host");
    let config = ConfigMap::from([("greeting".to_string(), "hi from config".to_string())]);
    let registry = BuiltinProviders::default();
    let (mut store, instance) =
        instantiate("probe", &registry, LinkRoutes::new(), config, &logs).await?;
    for export in ["config-draft", "config-rc"] {
        let func = instance.get_typed_func::<(), (String,)>(&mut store, export)?;
        let (value,) = func.call_async(&mut store, ()).await?;
        assert_eq!(value, "hi from config", "{export}");
    }

    // A missing key is `none`, which the probe turns into "".
    let (mut store, instance) = instantiate(
        "probe",
        &registry,
        LinkRoutes::new(),
        ConfigMap::new(),
        &logs,
    )
    .await?;
    let func = instance.get_typed_func::<(), (String,)>(&mut store, "config-rc")?;
    assert_eq!(func.call_async(&mut store, ()).await?.0, "");
    Ok(())
}

#[tokio::test]
async fn logging_reaches_the_log_bus_tagged_with_the_component() -> anyhow::Result<()> {
    let logs = LogBus::new("test-host");
    let mut records = logs.subscribe();
    let registry = BuiltinProviders::default();
    let (mut store, instance) = instantiate(
        "probe-7",
        &registry,
        LinkRoutes::new(),
        ConfigMap::new(),
        &logs,
    )
    .await?;
    let func = instance.get_typed_func::<(), ()>(&mut store, "log-it")?;
    func.call_async(&mut store, ()).await?;
    let record = records.try_recv()?;
    assert_eq!(record.message, "hello from wat");
    assert_eq!(record.component.as_deref(), Some("probe-7"));
    assert_eq!(record.context.as_deref(), Some("probe-ctx"));
    assert_eq!(record.host, "test-host");
    assert!(matches!(record.level, LogLevel::Info));
    Ok(())
}
