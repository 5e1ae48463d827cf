//! Imports nothing can satisfy: refused at start, naming the import; the host goes on.

use std::collections::BTreeMap;
use std::time::Duration;

use trellis_host::{ComponentSource, HostError};
use trellis_testkit::fixtures::{self, WitSource};

use crate::{get, runtime, serve};

#[tokio::test]
async fn a_host_interface_with_the_wrong_shape_is_named() -> anyhow::Result<()> {
    let rt = runtime(Duration::from_secs(5));
    // wasi:cli/environment exists on the host, but not with this signature; a link
    // cannot serve a WASI interface the host implements itself.
    let wit = r#"
package trellis:bad-env;
world odd {
  import wasi:cli/environment@0.2.12;
  export run: func() -> u32;
}
package wasi:cli@0.2.12 {
  interface environment { get-environment: func() -> u32; }
}
"#;
    let wat = r#"(module
      (import "wasi:cli/environment@0.2.12" "get-environment" (func $get (result i32)))
      (func (export "run") (result i32) (call $get)))"#;
    let bytes = fixtures::component(WitSource::Text(wit), "odd", wat)?;
    let err = rt
        .start_component(
            "odd",
            ComponentSource::Bytes(bytes.into()),
            1,
            BTreeMap::new(),
            BTreeMap::new(),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, HostError::UnsatisfiedImport { .. }), "{err}");
    let text = err.to_string();
    assert!(text.contains("component odd"), "{text}");
    assert!(
        text.contains("its import wasi:cli/environment@0.2.12 is not provided by this host"),
        "{text}"
    );
    assert!(text.contains("no link can satisfy it"), "{text}");
    assert!(rt.components().is_empty());

    let port = serve(&rt, "fine", fixtures::http_hello()?).await?;
    assert_eq!(get(port, "/").await?.0, 200);
    Ok(())
}
