//! A door onto a password-protected NATS server for this host's provider processes.
//!
//! wasmCloud's Rust provider SDK connects with a JWT and seed or with nothing at all: it
//! ignores a `user:password@` in its URL, so it cannot join a lattice whose server wants
//! a password (the local lattice's does). The door is a listener on 127.0.0.1 that a
//! provider is given instead of the server's URL. For each connection it finds the
//! process at the other end (Linux: the socket's inode in `/proc/net/tcp`, then the
//! process holding it) and lets it through only if that is one of this host's provider
//! processes or their children; it then adds the user and password to the client's
//! `CONNECT` and relays the rest unchanged. Any other process is refused the way the
//! server refuses a bad password, so the door opens nothing to the rest of the machine.
//!
//! Providers also open NATS connections of their own from their config (wasmCloud's
//! keyvalue-nats provider takes a link's `cluster_uri`), with the same async-nats that
//! ignores a URL's `user:password@`. A config value that is a `nats://` URL of the server
//! behind the door is therefore given to them as the door's URL ([`Route`]); what the
//! lattice stores keeps the value as written.

use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::Arc;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;
use trellis_proto::{ConfigMap, LinkDefinition, LogLevel};

use crate::LogBus;

/// Longest `INFO` or `CONNECT` line read (the server's own default `max_control_line`
/// is 4 KiB; JWTs make `CONNECT` longer).
const MAX_LINE: usize = 64 * 1024;

/// What a refused process reads, as a server says it.
const REFUSAL: &[u8] = b"-ERR 'Authorization Violation'\r\n";

/// The process ids allowed through (this host's provider processes).
pub(super) type Allowed = Arc<dyn Fn() -> Vec<u32> + Send + Sync>;

/// Where the door leads: a plain `nats://` server and the credentials it wants.
#[derive(Clone)]
pub(super) struct Upstream {
    /// `host:port` of the server.
    pub(super) address: String,
    /// The user added to each `CONNECT`.
    pub(super) user: String,
    /// Its password.
    pub(super) password: String,
}

impl Upstream {
    /// The upstream of a `nats://user:password@host:port` URL; `None` for a URL without
    /// credentials, or with TLS (`tls://`), where a relay could not add them.
    pub(super) fn from_url(url: &str) -> Option<Upstream> {
        let rest = url.strip_prefix("nats://")?;
        let (user_info, address) = rest.rsplit_once('@')?;
        let (user, password) = user_info.split_once(':')?;
        let decode = |text: &str| {
            percent_encoding::percent_decode_str(text)
                .decode_utf8()
                .ok()
                .map(|s| s.into_owned())
        };
        let address = address.trim_end_matches('/');
        Some(Upstream {
            address: address.to_owned(),
            user: decode(user)?,
            password: decode(password)?,
        })
    }
}

/// An open door as providers' config sees it: the server it leads to and its own URL.
#[derive(Clone, Debug)]
pub(super) struct Route {
    /// `host:port` of the server behind the door.
    upstream: String,
    /// The door's URL (no credentials in it).
    url: String,
}

impl Route {
    /// The route of `door`, which leads to `upstream`.
    pub(super) fn new(door: &Door, upstream: &Upstream) -> Route {
        Route {
            upstream: upstream.address.clone(),
            url: door.url(),
        }
    }

    /// The URL providers are given to reach the lattice.
    pub(super) fn url(&self) -> &str {
        &self.url
    }

    /// The door's URL when `value` is a `nats://` URL of the server behind it (with or
    /// without `user:password@`, which the door adds anyway; on a loopback server any
    /// loopback name, and wasmCloud's default `0.0.0.0`, names it too); `None` otherwise.
    pub(super) fn redirect(&self, value: &str) -> Option<String> {
        let rest = value.trim();
        let rest = rest
            .get(..7)
            .filter(|scheme| scheme.eq_ignore_ascii_case("nats://"))
            .map(|_| &rest[7..])?;
        let address = rest.rsplit_once('@').map_or(rest, |(_, address)| address);
        let address = address.trim_end_matches('/');
        let (host, port) = split_address(address)?;
        let (up_host, up_port) = split_address(&self.upstream)?;
        let same_host = host.eq_ignore_ascii_case(up_host) || (loopback(host) && loopback(up_host));
        (port == up_port && same_host).then(|| self.url.clone())
    }

    /// `config` with every value naming the server redirected, and the keys that were.
    pub(super) fn config(&self, config: &ConfigMap) -> (ConfigMap, Vec<String>) {
        let mut redirected = Vec::new();
        let config = config
            .iter()
            .map(|(key, value)| match self.redirect(value) {
                Some(url) => {
                    redirected.push(key.clone());
                    (key.clone(), url)
                }
                None => (key.clone(), value.clone()),
            })
            .collect();
        (config, redirected)
    }

    /// `link` with both ends' config redirected, and the keys that were.
    pub(super) fn link(&self, link: &LinkDefinition) -> (LinkDefinition, Vec<String>) {
        let (source_config, mut redirected) = self.config(&link.source_config);
        let (target_config, target_keys) = self.config(&link.target_config);
        redirected.extend(target_keys);
        let link = LinkDefinition {
            source_config,
            target_config,
            ..link.clone()
        };
        (link, redirected)
    }
}

/// `host` and `port` of `host:port` (`[v6]:port` too).
fn split_address(address: &str) -> Option<(&str, &str)> {
    let (host, port) = address.rsplit_once(':')?;
    let host = host.trim_start_matches('[').trim_end_matches(']');
    (!host.is_empty() && !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()))
        .then_some((host, port))
}

/// Names of this machine that a connection reaches the loopback server by.
fn loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback() || ip.is_unspecified())
}

/// A listening door; it closes when dropped.
pub(super) struct Door {
    address: SocketAddr,
    task: JoinHandle<()>,
}

impl Drop for Door {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Door {
    /// Listens on 127.0.0.1 (a free port) for the processes `allowed` names.
    pub(super) async fn open(
        upstream: Upstream,
        allowed: Allowed,
        logs: LogBus,
    ) -> std::io::Result<Door> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let address = listener.local_addr()?;
        let upstream = Arc::new(upstream);
        let task = tokio::spawn(async move {
            while let Ok((client, peer)) = listener.accept().await {
                let (upstream, allowed, logs) = (upstream.clone(), allowed.clone(), logs.clone());
                tokio::spawn(async move {
                    if let Err(reason) = admit(client, peer, address, &upstream, &allowed).await {
                        logs.emit(
                            LogLevel::Warn,
                            None,
                            Some("providers"),
                            format!("provider NATS door: {reason}"),
                        );
                    }
                });
            }
        });
        Ok(Door { address, task })
    }

    /// The URL to give providers (no credentials in it).
    pub(super) fn url(&self) -> String {
        format!("nats://{}", self.address)
    }
}

/// Lets `client` through if its process is allowed, then relays it to the server.
async fn admit(
    mut client: TcpStream,
    peer: SocketAddr,
    door: SocketAddr,
    upstream: &Upstream,
    allowed: &Allowed,
) -> Result<(), String> {
    // A provider may connect before its host has noted its pid: look a few times.
    let mut owner = None;
    let mut admitted = false;
    for attempt in 0..5 {
        if attempt > 0 {
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        let roots = allowed();
        let found = tokio::task::spawn_blocking(move || {
            let owner = socket_owner(peer, door);
            (owner, owner.is_some_and(|pid| is_within(pid, &roots)))
        })
        .await
        .map_err(|e| e.to_string())?;
        (owner, admitted) = found;
        if admitted {
            break;
        }
    }
    if !admitted {
        let _ = client.write_all(REFUSAL).await;
        let who = owner.map_or_else(|| "an unknown process".to_owned(), |p| format!("pid {p}"));
        return Err(format!(
            "refused a connection from {who}: not one of this host's provider processes"
        ));
    }
    let server = TcpStream::connect(&upstream.address)
        .await
        .map_err(|e| format!("cannot reach the NATS server at {}: {e}", upstream.address))?;
    relay(client, server, upstream).await
}

/// Passes the server's `INFO` to the client and the client's `CONNECT`, with the
/// credentials added, to the server; then copies both ways until either side closes.
async fn relay(client: TcpStream, server: TcpStream, upstream: &Upstream) -> Result<(), String> {
    let mut client = BufReader::new(client);
    let mut server = BufReader::new(server);
    let info = read_line(&mut server, "the server's INFO").await?;
    client
        .get_mut()
        .write_all(&info)
        .await
        .map_err(|e| e.to_string())?;
    let connect = read_line(&mut client, "the provider's CONNECT").await?;
    let connect = with_credentials(&connect, upstream)?;
    server
        .get_mut()
        .write_all(&connect)
        .await
        .map_err(|e| e.to_string())?;
    // What either side sent after its first line is in its reader's buffer.
    let pending = client.buffer().to_vec();
    server
        .get_mut()
        .write_all(&pending)
        .await
        .map_err(|e| e.to_string())?;
    let pending = server.buffer().to_vec();
    client
        .get_mut()
        .write_all(&pending)
        .await
        .map_err(|e| e.to_string())?;
    let (mut client, mut server) = (client.into_inner(), server.into_inner());
    // The connection ends when either side closes; that is not the door's failure.
    let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
    Ok(())
}

async fn read_line(reader: &mut BufReader<TcpStream>, what: &str) -> Result<Vec<u8>, String> {
    let mut line = Vec::new();
    let mut limited = (&mut *reader).take(MAX_LINE as u64);
    limited
        .read_until(b'\n', &mut line)
        .await
        .map_err(|e| format!("reading {what}: {e}"))?;
    if !line.ends_with(b"\n") {
        return Err(format!(
            "{what} did not arrive (or is longer than {MAX_LINE} bytes)"
        ));
    }
    Ok(line)
}

/// `CONNECT {…}` with `user` and `pass` set, unless the client brought credentials of
/// its own.
fn with_credentials(line: &[u8], upstream: &Upstream) -> Result<Vec<u8>, String> {
    let text = std::str::from_utf8(line).map_err(|_| "a CONNECT that is not UTF-8".to_owned())?;
    let json = text
        .trim_end()
        .strip_prefix("CONNECT ")
        .ok_or_else(|| "the provider's first message is not CONNECT".to_owned())?;
    let mut options: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(json).map_err(|e| format!("an unreadable CONNECT: {e}"))?;
    let has_own = ["user", "jwt", "nkey", "auth_token"]
        .iter()
        .any(|key| options.get(*key).is_some_and(|v| !v.is_null() && v != ""));
    if !has_own {
        options.insert("user".into(), upstream.user.clone().into());
        options.insert("pass".into(), upstream.password.clone().into());
    }
    let json = serde_json::to_string(&options).map_err(|e| e.to_string())?;
    Ok(format!("CONNECT {json}\r\n").into_bytes())
}

/// The process that holds the client end of the connection `peer` → `door`.
#[cfg(target_os = "linux")]
fn socket_owner(peer: SocketAddr, door: SocketAddr) -> Option<u32> {
    let inode = procfs::net::tcp()
        .ok()?
        .into_iter()
        .find(|entry| entry.local_address == peer && entry.remote_address == door)?
        .inode;
    let processes = procfs::process::all_processes().ok()?;
    processes.flatten().find_map(|process| {
        let holds = process
            .fd()
            .ok()?
            .flatten()
            .any(|fd| matches!(fd.target, procfs::process::FDTarget::Socket(i) if i == inode));
        holds.then_some(process.pid as u32)
    })
}

/// Elsewhere no process can be told apart: nobody is let in.
#[cfg(not(target_os = "linux"))]
fn socket_owner(_peer: SocketAddr, _door: SocketAddr) -> Option<u32> {
    None
}

/// Whether `pid` is one of `roots` or a descendant of one.
#[cfg(target_os = "linux")]
fn is_within(pid: u32, roots: &[u32]) -> bool {
    let roots: HashSet<u32> = roots.iter().copied().collect();
    let parents: HashMap<u32, u32> = procfs::process::all_processes()
        .map(|all| {
            all.flatten()
                .filter_map(|p| Some((p.pid as u32, p.stat().ok()?.ppid as u32)))
                .collect()
        })
        .unwrap_or_default();
    let mut current = pid;
    // Bounded: a parent chain is short, and a cycle cannot happen but would end here.
    for _ in 0..64 {
        if roots.contains(&current) {
            return true;
        }
        match parents.get(&current) {
            Some(&parent) if parent > 1 => current = parent,
            _ => return false,
        }
    }
    false
}

#[cfg(not(target_os = "linux"))]
fn is_within(_pid: u32, _roots: &[u32]) -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn upstream() -> Upstream {
        Upstream {
            address: "127.0.0.1:4222".into(),
            user: "lattice".into(),
            password: "s3cret".into(),
        }
    }

    #[test]
    fn urls_with_a_password_have_an_upstream() {
        let up = Upstream::from_url("nats://ann:p%40ss@127.0.0.1:4222").unwrap();
        assert_eq!(
            (up.address.as_str(), up.user.as_str(), up.password.as_str()),
            ("127.0.0.1:4222", "ann", "p@ss")
        );
        assert!(Upstream::from_url("nats://127.0.0.1:4222").is_none());
        assert!(Upstream::from_url("tls://a:b@127.0.0.1:4222").is_none());
    }

    #[test]
    fn config_urls_of_the_server_lead_through_the_door() {
        let route = Route {
            upstream: "127.0.0.1:4222".into(),
            url: "nats://127.0.0.1:39001".into(),
        };
        let door = Some("nats://127.0.0.1:39001".to_owned());
        for named in [
            "nats://127.0.0.1:4222",
            "NATS://127.0.0.1:4222/",
            "nats://lattice:s3cret@127.0.0.1:4222",
            " nats://localhost:4222",
            "nats://0.0.0.0:4222",
            "nats://[::1]:4222",
        ] {
            assert_eq!(route.redirect(named), door, "{named}");
        }
        for other in [
            "nats://127.0.0.1:4223",
            "nats://10.0.0.5:4222",
            "tls://127.0.0.1:4222",
            "127.0.0.1:4222",
            "nats://127.0.0.1:4222,nats://127.0.0.1:4223",
            "bucket",
            "",
        ] {
            assert_eq!(route.redirect(other), None, "{other}");
        }
        let remote = Route {
            upstream: "nats.example.com:4222".into(),
            url: "nats://127.0.0.1:39001".into(),
        };
        assert_eq!(remote.redirect("nats://NATS.example.com:4222"), door);
        assert_eq!(remote.redirect("nats://127.0.0.1:4222"), None);

        let config = ConfigMap::from([
            ("bucket".to_owned(), "b".to_owned()),
            ("cluster_uri".to_owned(), "nats://127.0.0.1:4222".to_owned()),
        ]);
        let (through, keys) = route.config(&config);
        assert_eq!(keys, ["cluster_uri"]);
        assert_eq!(through["cluster_uri"], "nats://127.0.0.1:39001");
        assert_eq!(through["bucket"], "b");
    }

    #[test]
    fn connect_gets_the_credentials_unless_it_has_its_own() {
        let out =
            with_credentials(br#"CONNECT {"verbose":false,"name":"p"}"#, &upstream()).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.starts_with("CONNECT {") && text.ends_with("}\r\n"),
            "{text}"
        );
        assert!(text.contains(r#""user":"lattice""#) && text.contains(r#""pass":"s3cret""#));
        let own = with_credentials(br#"CONNECT {"jwt":"eyJ","sig":"x"}"#, &upstream()).unwrap();
        assert!(!String::from_utf8(own).unwrap().contains("s3cret"));
        let err = with_credentials(b"PING\r\n", &upstream()).unwrap_err();
        assert!(err.contains("not CONNECT"), "{err}");
    }

    /// Through a real password-protected nats-server: this process, when allowed,
    /// connects without credentials and round-trips a message; when not, the door
    /// answers as the server answers a bad password, and the refusal is logged.
    #[cfg(target_os = "linux")]
    #[tokio::test]
    async fn only_allowed_processes_get_through_and_without_a_password() {
        use futures::StreamExt as _;

        let nats = trellis_testkit::NatsServer::start_with(|o| o.credentials = true).unwrap();
        let inner = nats.inner();
        let upstream = Upstream {
            address: format!("127.0.0.1:{}", nats.port()),
            user: inner.user().unwrap().to_owned(),
            password: inner.password().unwrap().to_owned(),
        };
        let logs = LogBus::new("door-test");
        let mut records = logs.subscribe();
        let me = std::process::id();
        let open = Door::open(upstream.clone(), Arc::new(move || vec![me]), logs.clone());
        let door = open.await.unwrap();
        assert!(!door.url().contains(&upstream.password));
        let client = async_nats::connect(door.url()).await.unwrap();
        let mut echo = client.subscribe("door.test").await.unwrap();
        client.publish("door.test", "through".into()).await.unwrap();
        let got = tokio::time::timeout(std::time::Duration::from_secs(5), echo.next())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(&got.payload[..], b"through");

        let closed = Door::open(upstream, Arc::new(Vec::new), logs)
            .await
            .unwrap();
        let refused = async_nats::ConnectOptions::new()
            .connection_timeout(std::time::Duration::from_secs(2))
            .connect(closed.url());
        let refused = tokio::time::timeout(std::time::Duration::from_secs(10), refused).await;
        assert!(
            !matches!(refused, Ok(Ok(_))),
            "a process that is no provider got in"
        );
        let record = tokio::time::timeout(std::time::Duration::from_secs(5), records.recv())
            .await
            .unwrap()
            .unwrap();
        assert!(
            record.message.contains(&format!("pid {me}"))
                && record
                    .message
                    .contains("not one of this host's provider processes"),
            "{}",
            record.message
        );
    }

    #[test]
    fn this_process_is_within_itself_and_not_within_others() {
        let me = std::process::id();
        assert!(is_within(me, &[me]));
        assert!(!is_within(me, &[]));
        // pid 1 is nobody's provider.
        assert!(!is_within(1, &[me]));
    }
}
