//! Unit-level round trip: the `wasi:blobstore` host traits called directly on a real
//! directory.

use wasmtime::component::Resource;
use wasmtime_wasi_io::streams::DynOutputStream;

use super::MAX_VALUE_BYTES;
use crate::providers::bindings::wasi::blobstore::{blobstore, container, types};
use crate::providers::{
    BuiltinProviders, BuiltinProvidersConfig, LinkRoutes, LinkTarget, ProviderCtx, ProviderCtxInit,
    ProvidersCtxView,
};
use blobstore::Host as _;
use container::{HostContainer as _, HostStreamObjectNames as _};
use trellis_proto::ConfigMap;
use types::ObjectId;
use types::{HostIncomingValue as _, HostOutgoingValue as _};
use wasmtime::component::ResourceTable;

/// The import name used in "no link" errors.
const BLOBSTORE: &str = "wasi:blobstore/blobstore";

fn ctx(registry: &BuiltinProviders, linked: bool) -> ProviderCtx {
    let mut routes = LinkRoutes::new();
    if linked {
        let target = LinkTarget {
            target: "blobs".into(),
            ..Default::default()
        };
        routes.insert(BLOBSTORE, "default", target);
    }
    ProviderCtx::new(ProviderCtxInit {
        component_id: "comp".into(),
        host_id: "host".into(),
        config: ConfigMap::new().into(),
        routes,
        logs: crate::LogBus::new("host"),
        registry: registry.clone(),
    })
}

fn borrow<T: 'static>(r: &Resource<T>) -> Resource<T> {
    Resource::new_borrow(r.rep())
}

#[tokio::test]
async fn blobs_round_trip_through_a_directory() -> wasmtime::Result<()> {
    let dir = tempfile::tempdir()?;
    let root = dir.path().join("root");
    // A root outside the data dir needs the host's policy to allow it.
    let registry = BuiltinProviders::new(BuiltinProvidersConfig {
        policy: crate::GrantPolicy {
            blobstore_roots: vec![dir.path().to_owned()],
            ..Default::default()
        },
        ..BuiltinProvidersConfig::default()
    });
    let config = ConfigMap::from([("root".to_string(), root.display().to_string())]);
    registry.start("blobs", "builtin://blobstore", config)?;
    let mut ctx = ctx(&registry, true);
    let mut table = ResourceTable::new();
    let mut view = ProvidersCtxView {
        ctx: &mut ctx,
        table: &mut table,
    };

    let photos = view.create_container("photos".into()).await?.unwrap();
    assert!(view.create_container("photos".into()).await?.is_err());
    let value = view.new_outgoing_value().await?;
    let body = view
        .outgoing_value_write_body(borrow(&value))
        .await?
        .unwrap();
    let stream: &mut DynOutputStream = view.table.get_mut(&body)?;
    stream.check_write()?;
    stream.write(bytes::Bytes::from_static(b"meow meow"))?;
    assert!(view
        .outgoing_value_write_body(borrow(&value))
        .await?
        .is_err());
    view.table.delete(body)?;
    view.write_data(borrow(&photos), "cat.txt".into(), borrow(&value))
        .await?
        .unwrap();
    view.finish(value).await?.unwrap();
    assert_eq!(std::fs::read(root.join("photos/cat.txt"))?, b"meow meow");

    let whole = view
        .get_data(borrow(&photos), "cat.txt".into(), 0, u64::MAX)
        .await?
        .unwrap();
    assert_eq!(view.size(borrow(&whole)).await?, 9);
    let bytes = view.incoming_value_consume_sync(whole).await?.unwrap();
    assert_eq!(bytes, b"meow meow");
    let part = view
        .get_data(borrow(&photos), "cat.txt".into(), 5, 7)
        .await?
        .unwrap();
    assert_eq!(
        view.incoming_value_consume_sync(part).await?.unwrap(),
        b"meo"
    );
    // Issue 11, item 9: a read takes its range only, and one over the value cap
    // is refused instead of buffered (a sparse file: no disk used).
    let huge = std::fs::File::create(root.join("photos/huge.bin"))?;
    huge.set_len(MAX_VALUE_BYTES as u64 + 10)?;
    let err = view
        .get_data(borrow(&photos), "huge.bin".into(), 0, u64::MAX)
        .await?
        .unwrap_err();
    assert!(err.contains("read the object in ranges"), "{err}");
    let tail = view
        .get_data(
            borrow(&photos),
            "huge.bin".into(),
            MAX_VALUE_BYTES as u64,
            u64::MAX,
        )
        .await?
        .unwrap();
    assert_eq!(view.size(borrow(&tail)).await?, 10);
    std::fs::remove_file(root.join("photos/huge.bin"))?;

    let info = view
        .object_info(borrow(&photos), "cat.txt".into())
        .await?
        .unwrap();
    assert_eq!((info.size, info.container.as_str()), (9, "photos"));
    let dest = ObjectId {
        container: "photos".into(),
        object: "copy.txt".into(),
    };
    let src = ObjectId {
        container: "photos".into(),
        object: "cat.txt".into(),
    };
    view.copy_object(src, dest).await?.unwrap();
    let names = view.list_objects(borrow(&photos)).await?.unwrap();
    let (listed, done) = view
        .read_stream_object_names(borrow(&names), 10)
        .await?
        .unwrap();
    assert_eq!(
        (listed, done),
        (vec!["cat.txt".to_string(), "copy.txt".into()], true)
    );

    let err = view
        .has_object(borrow(&photos), "../escape".into())
        .await?
        .unwrap_err();
    assert!(err.contains("invalid object name"), "{err}");
    view.delete_container("photos".into()).await?.unwrap();
    assert!(!view.container_exists("photos".into()).await?.unwrap());
    Ok(())
}

#[tokio::test]
async fn an_unlinked_blobstore_import_names_the_import() -> wasmtime::Result<()> {
    let registry = BuiltinProviders::new(BuiltinProvidersConfig::default());
    let mut ctx = ctx(&registry, false);
    let mut table = ResourceTable::new();
    let mut view = ProvidersCtxView {
        ctx: &mut ctx,
        table: &mut table,
    };
    let err = view.create_container("x".into()).await?.unwrap_err();
    assert!(err.contains("wasi:blobstore/blobstore"), "{err}");
    assert!(err.contains("no link satisfies it"), "{err}");
    Ok(())
}
