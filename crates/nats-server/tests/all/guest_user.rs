//! Issue 11, item 1 (defence in depth): the guest user of the local server is kept off
//! the lattice's subjects by the server itself, whatever a client asks, while ordinary
//! subjects and request/reply keep working.

use std::time::Duration;

use futures::StreamExt;
use tokio::sync::mpsc;
use trellis_nats_server::{
    find_nats_server, saved_credentials, saved_guest_credentials, LocalNats, LocalNatsOptions,
    GUEST_INBOX_PREFIX, GUEST_USER,
};

/// Long enough for a message to cross a loopback server; a message still missing after
/// it was not delivered.
const QUIET: Duration = Duration::from_millis(400);

/// A client as `user`, with the server's errors (permission violations) sent to `errors`.
async fn connect(
    nats: &LocalNats,
    (user, password): (String, String),
    inbox_prefix: Option<&str>,
) -> (async_nats::Client, mpsc::UnboundedReceiver<String>) {
    let (tx, rx) = mpsc::unbounded_channel();
    let mut options = async_nats::ConnectOptions::new()
        .user_and_password(user, password)
        .event_callback(move |event| {
            let tx = tx.clone();
            async move {
                if let async_nats::Event::ServerError(err) = event {
                    let _ = tx.send(err.to_string());
                }
            }
        });
    if let Some(prefix) = inbox_prefix {
        options = options.custom_inbox_prefix(prefix);
    }
    let client = options.connect(nats.url()).await.expect("connects");
    (client, rx)
}

/// The next server error naming `subject`, within a few seconds.
async fn violation(errors: &mut mpsc::UnboundedReceiver<String>, subject: &str) -> String {
    let quoted = format!("\"{subject}\"");
    tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            let err = errors.recv().await.expect("the client is alive");
            if err.contains(&quoted) {
                return err;
            }
        }
    })
    .await
    .unwrap_or_else(|_| panic!("no permissions violation for {subject}"))
}

fn start() -> Option<(tempfile::TempDir, LocalNats)> {
    if find_nats_server().is_err() {
        eprintln!("skipped: nats-server is not installed");
        return None;
    }
    let dir = tempfile::tempdir().unwrap();
    let nats = LocalNats::start(LocalNatsOptions::new(dir.path())).expect("nats-server starts");
    Some((dir, nats))
}

#[tokio::test]
async fn the_guest_user_is_kept_off_the_lattice_subjects_by_the_server() {
    let Some((dir, nats)) = start() else { return };
    let guest_creds = saved_guest_credentials(dir.path()).expect("guest credentials saved");
    assert_eq!(guest_creds.0, GUEST_USER);
    assert_eq!(
        nats.guest_credentials(),
        Some((guest_creds.0.as_str(), guest_creds.1.as_str()))
    );
    let (host, _) = connect(&nats, saved_credentials(dir.path()).unwrap(), None).await;
    let (guest, mut errors) = connect(&nats, guest_creds, Some(GUEST_INBOX_PREFIX)).await;

    // The main user serves the control interface and app.echo.
    let mut ping = host
        .subscribe("wasmbus.ctl.v1.default.host.ping")
        .await
        .unwrap();
    let mut echo = host.subscribe("app.echo").await.unwrap();
    host.flush().await.unwrap();
    tokio::spawn({
        let host = host.clone();
        async move {
            while let Some(m) = echo.next().await {
                let _ = host.publish(m.reply.unwrap(), m.payload).await;
            }
        }
    });

    // A control request as the guest is refused by the server: it never reaches the
    // host, and the guest hears a permissions violation naming the subject.
    let ctl = "wasmbus.ctl.v1.default.host.ping";
    let request = guest.request(ctl, "{}".into());
    let answer = tokio::time::timeout(Duration::from_secs(2), request).await;
    assert!(
        !matches!(answer, Ok(Ok(_))),
        "the guest got an answer on {ctl}"
    );
    let err = violation(&mut errors, ctl).await;
    assert!(err.contains("Permissions Violation for Publish"), "{err}");
    assert!(
        tokio::time::timeout(QUIET, ping.next()).await.is_err(),
        "a guest request reached the control subject"
    );

    // The other reserved spaces, the data plane included, are refused for publishing.
    for subject in [
        "wadm.api.default.model.list",
        "$JS.API.STREAM.LIST",
        "$KV.CONFIGDATA_default.app",
        "$O.bucket.x",
        "$SYS.REQ.SERVER.PING",
        "trellis.wit.default.h1",
        "default.echo.wrpc.0.0.1.wasi:http/incoming-handler.handle",
    ] {
        guest.publish(subject, "x".into()).await.unwrap();
        let err = violation(&mut errors, subject).await;
        assert!(err.contains("Permissions Violation for Publish"), "{err}");
    }

    // Subscriptions to reserved spaces, and to the host's reply inboxes, are refused.
    let mut kv = guest.subscribe("$KV.>").await.unwrap();
    let err = violation(&mut errors, "$KV.>").await;
    assert!(
        err.contains("Permissions Violation for Subscription"),
        "{err}"
    );
    let mut inboxes = guest.subscribe("_INBOX.>").await.unwrap();
    violation(&mut errors, "_INBOX.>").await;
    // A wide subscription is allowed, but the server filters the reserved subjects out.
    let mut everything = guest.subscribe(">").await.unwrap();

    // Ordinary request/reply works: the guest asks, the reply comes to its own inbox
    // prefix. The answer also proves the server has taken the subscriptions above (it
    // reads the guest's connection in order).
    let reply = tokio::time::timeout(
        Duration::from_secs(5),
        guest.request("app.echo", "hello".into()),
    )
    .await
    .expect("an answer in time")
    .expect("app.echo answers the guest");
    assert_eq!(reply.payload.as_ref(), b"hello");
    for subject in [
        "$KV.CONFIGDATA_default.app",
        "wasmbus.evt.default.host_heartbeat",
        "_INBOX.host.1",
        "app.news",
    ] {
        host.publish(subject, "x".into()).await.unwrap();
    }
    host.flush().await.unwrap();
    // `everything` saw the request and its reply go by, then only app.news.
    loop {
        let seen = tokio::time::timeout(Duration::from_secs(5), everything.next())
            .await
            .expect("app.news arrives")
            .unwrap();
        let subject = seen.subject.as_str();
        if subject == "app.news" {
            break;
        }
        assert!(
            subject == "app.echo" || subject.starts_with(GUEST_INBOX_PREFIX),
            "the guest received {subject}"
        );
    }
    assert!(tokio::time::timeout(QUIET, kv.next()).await.is_err());
    assert!(tokio::time::timeout(QUIET, inboxes.next()).await.is_err());

    // The guest answers another client's request: publishing to an _INBOX is allowed.
    let mut served = guest.subscribe("app.guest").await.unwrap();
    // A round trip, so the server has the subscription before the host asks.
    guest.request("app.echo", "".into()).await.unwrap();
    tokio::spawn({
        let guest = guest.clone();
        async move {
            while let Some(m) = served.next().await {
                let _ = guest
                    .publish(m.reply.unwrap(), "from the guest".into())
                    .await;
            }
        }
    });
    let reply = tokio::time::timeout(Duration::from_secs(5), host.request("app.guest", "".into()))
        .await
        .expect("an answer in time")
        .expect("the guest answers");
    assert_eq!(reply.payload.as_ref(), b"from the guest");
    drop(nats);
}

#[cfg(unix)]
#[test]
fn the_guest_secret_is_for_this_user_only() {
    use std::os::unix::fs::PermissionsExt;
    let Some((dir, nats)) = start() else { return };
    let mode = |name: &str| {
        std::fs::metadata(dir.path().join(name))
            .unwrap()
            .permissions()
            .mode()
            & 0o777
    };
    assert_eq!(mode("."), 0o700, "the data dir");
    for file in ["guest-credentials.json", "credentials.json", "nats.conf"] {
        assert_eq!(mode(file), 0o600, "{file}");
    }
    // The guest's password is in the config, and the same across restarts.
    let (_, password) = saved_guest_credentials(dir.path()).unwrap();
    let conf = std::fs::read_to_string(dir.path().join("nats.conf")).unwrap();
    assert!(conf.contains(&password));
    drop(nats);
    let again = LocalNats::start(LocalNatsOptions::new(dir.path())).unwrap();
    assert_eq!(again.guest_credentials().unwrap().1, password);
}
