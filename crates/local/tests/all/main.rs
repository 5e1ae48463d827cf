//! The local lattice launcher against a real nats-server: the first start owns the
//! server, a second start on the same data directory joins it, and the lock goes with
//! the owner.

mod guest_messaging;

use std::time::Duration;

use trellis_lattice::Client;
use trellis_local::{LocalLattice, LocalOptions, Role};

fn options(dir: &std::path::Path, name: &str) -> LocalOptions {
    let mut options = LocalOptions::new(dir);
    options.host.friendly_name = Some(name.to_owned());
    // Tests leave the user's saved contexts alone.
    options.save_context = false;
    options
}

#[tokio::test]
async fn a_second_start_joins_the_first_and_both_hosts_answer() {
    let dir = tempfile::tempdir().unwrap();
    let first = LocalLattice::start(options(dir.path(), "first"), |_| ())
        .await
        .expect("the local lattice starts (is nats-server installed?)");
    assert_eq!(first.role(), Role::Started);

    let steps = std::sync::Mutex::new(Vec::new());
    let second = LocalLattice::start(options(dir.path(), "second"), |s| {
        steps.lock().unwrap().push(s.to_owned())
    })
    .await
    .expect("a second start joins");
    assert_eq!(
        second.role(),
        Role::Joined {
            owner_pid: std::process::id()
        }
    );
    assert_eq!(second.url(), first.url(), "one server, not two");
    assert_eq!(
        *steps.lock().unwrap(),
        ["joining the running local lattice", "starting the host"]
    );

    // The joiner found the credentials: its context reaches both hosts.
    let client = Client::connect(
        &second
            .context()
            .with_scatter_window(Duration::from_millis(800)),
    )
    .await
    .unwrap();
    let mut names: Vec<String> = client
        .ping_hosts()
        .await
        .unwrap()
        .into_iter()
        .map(|h| h.friendly_name)
        .collect();
    names.sort();
    assert_eq!(names, ["first", "second"]);

    // A port asked of a lattice that already runs is refused, naming where it runs.
    let mut with_port = options(dir.path(), "third");
    with_port.nats_port = Some(1);
    let err = LocalLattice::start(with_port, |_| ()).await.unwrap_err();
    assert!(
        err.to_string()
            .contains(&format!("already runs at {}", first.url())),
        "{err}"
    );

    second.shutdown().await;
    first.shutdown().await;

    // The owner is gone: the next start owns a new server.
    let again = LocalLattice::start(options(dir.path(), "again"), |_| ())
        .await
        .unwrap();
    assert_eq!(again.role(), Role::Started);
    again.shutdown().await;
}
