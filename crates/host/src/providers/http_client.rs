//! The http-client built-in: `wasi:http/outgoing-handler` goes out only along a link,
//! and only to public addresses unless the link allows more.
//!
//! wasmtime-wasi-http implements the interface; this module is its
//! [`WasiHttpHooks`] for Trellis stores. A request is sent (with wasmtime's default
//! client) only when the component's link for `wasi:http/outgoing-handler` targets a
//! running http-client provider; otherwise the guest gets an error naming the import
//! and saying no link satisfies it, and the host logs the same line under the
//! component's id.
//!
//! # Egress policy
//!
//! Denied by default: every address that is not public, so a guest cannot reach the
//! host itself, its network or a cloud metadata service. The request's host is
//! resolved and every address it resolves to is checked (IPv4 and IPv6, IPv4-mapped
//! and IPv4-compatible IPv6 as their IPv4 address, NAT64 `64:ff9b::/96` by the address
//! it embeds); one internal address refuses the request. Internal means
//! [`is_internal`]: unspecified `0.0.0.0/8` and `::`, loopback `127.0.0.0/8` and
//! `::1`, private `10.0.0.0/8`, `172.16.0.0/12`, `192.168.0.0/16` and `fc00::/7`,
//! shared `100.64.0.0/10`, link-local `169.254.0.0/16` and `fe80::/10` (so
//! `169.254.169.254`), site-local `fec0::/10`, `192.0.0.0/24`, benchmarking
//! `198.18.0.0/15`, multicast, reserved `240.0.0.0/4` and broadcast.
//!
//! Allowed through config, read from the link's target and source config and the
//! provider config (each a comma-separated list; the lists add up):
//! - `allowed_hosts`: host names or IP literals (e.g. `127.0.0.1,example.test,[::1]`),
//!   compared without case; a listed host is sent to whatever it resolves to;
//! - `allowed_cidrs`: ranges (e.g. `10.0.0.0/8,fd00::/8`) whose addresses may be reached.
//!
//! A refused request fails with the WIT error code `HTTP-request-denied`, and the host
//! logs a warning under the component's id naming the host and the address. A config
//! value that does not parse fails the request with `internal-error` naming it.
//!
//! A plain-HTTP request connects to the first address that was checked, in the
//! resolver's order and without falling back to the others (the `Host` header keeps
//! the name), so a name whose DNS answer changes after the check (DNS
//! rebinding) cannot lead elsewhere. HTTPS connects by name, and the server's
//! certificate must then match that name. A host listed in `allowed_hosts` is sent as
//! the client resolves it.
//!
//! # Across hosts
//!
//! A link to an http-client provider on another host sends the request there over
//! `wrpc:http/outgoing-handler@0.1.0`, and that provider applies its own link's policy.
//! This host's http-client providers are served the same way (`runtime::wrpc_http_client`),
//! to linked callers only, with the same checks as for local components.

use std::future::Future;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;

use trellis_proto::{ConfigMap, LogLevel};
use wasmtime::component::Val;
use wasmtime_wasi_http::{Error, RequestOptions, WasiBody, WasiHttpHooks};

use super::remote::RemoteRoute;
use super::spy::result_val;
use super::{BuiltinKind, ProviderCtx};
use crate::LogBus;

/// The interface this hook guards.
const OUTGOING_HANDLER: &str = "wasi:http/outgoing-handler";

/// What `send_request` resolves to (the response and its I/O driver).
pub(crate) type SendResult = wasmtime_wasi_http::Result<(
    http::Response<WasiBody>,
    Box<dyn Future<Output = Result<(), Error>> + Send>,
)>;

/// An address range, `addr/prefix`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Cidr {
    addr: IpAddr,
    prefix: u8,
}

impl Cidr {
    /// Parses `10.0.0.0/8`, `fd00::/8` or a bare address (a range of one).
    pub(crate) fn parse(text: &str) -> Result<Cidr, String> {
        let bad = || format!("{text:?} is not an address range like 10.0.0.0/8 or fd00::/8");
        let (addr, prefix) = match text.split_once('/') {
            Some((addr, prefix)) => (addr, Some(prefix)),
            None => (text, None),
        };
        let addr: IpAddr = addr.trim().parse().map_err(|_| bad())?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(p) => p
                .trim()
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= max)
                .ok_or_else(bad)?,
            None => max,
        };
        Ok(Cidr { addr, prefix })
    }

    /// Whether `ip` is in the range (an IPv4-mapped IPv6 address counts as IPv4).
    pub(crate) fn contains(&self, ip: IpAddr) -> bool {
        let bits = |ip: IpAddr| -> (u128, u8) {
            match canonical(ip) {
                IpAddr::V4(v4) => (u128::from(u32::from(v4)) << 96, 32),
                IpAddr::V6(v6) => (u128::from(v6), 128),
            }
        };
        let ((net, width), (ip, ip_width)) = (bits(self.addr), bits(ip));
        if width != ip_width {
            return false;
        }
        let prefix = u32::from(self.prefix.min(width));
        let mask = if prefix == 0 {
            0
        } else {
            u128::MAX << (128 - prefix)
        };
        net & mask == ip & mask
    }
}

/// An IPv4 address carried in IPv6 (mapped `::ffff:a.b.c.d`, compatible `::a.b.c.d`,
/// NAT64 `64:ff9b::a.b.c.d`) as that IPv4 address; other addresses as they are.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => {
            let [a, b, c, d, e, f, ..] = v6.segments();
            let nat64 = [a, b, c, d, e, f] == [0x64, 0xff9b, 0, 0, 0, 0];
            match v6.to_ipv4() {
                // `::` and `::1` stay IPv6, so they read as unspecified and loopback.
                Some(v4) if !v6.is_unspecified() && !v6.is_loopback() => IpAddr::V4(v4),
                _ if nat64 => {
                    let octets = v6.octets();
                    IpAddr::V4(Ipv4Addr::new(
                        octets[12], octets[13], octets[14], octets[15],
                    ))
                }
                _ => ip,
            }
        }
        v4 => v4,
    }
}

/// Whether `ip` is an address a guest may not reach by default (see the module docs).
pub(crate) fn is_internal(ip: IpAddr) -> bool {
    match canonical(ip) {
        IpAddr::V4(v4) => {
            let [a, b, c, _] = v4.octets();
            a == 0
                || v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_multicast()
                || v4.is_broadcast()
                || a >= 240
                || (a == 100 && (64..128).contains(&b))
                || (a == 192 && b == 0 && c == 0)
                || (a == 198 && (b == 18 || b == 19))
        }
        IpAddr::V6(v6) => {
            let first = v6.segments()[0];
            v6.is_unspecified()
                || v6.is_loopback()
                || v6.is_multicast()
                || first & 0xfe00 == 0xfc00
                || first & 0xffc0 == 0xfe80
                || first & 0xffc0 == 0xfec0
        }
    }
}

/// What one link lets its component reach besides public addresses.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct EgressPolicy {
    /// Lowercased host names and IP literals (without brackets).
    allowed_hosts: Vec<String>,
    allowed_cidrs: Vec<Cidr>,
}

impl EgressPolicy {
    /// Reads `allowed_hosts` and `allowed_cidrs` from every one of `configs`.
    pub(crate) fn from_configs<'a>(
        configs: impl IntoIterator<Item = &'a ConfigMap>,
    ) -> Result<Self, String> {
        let mut policy = EgressPolicy::default();
        let list = |config: &'a ConfigMap, key: &str| {
            config
                .get(key)
                .into_iter()
                .flat_map(|v| v.split(','))
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .collect::<Vec<_>>()
        };
        for config in configs {
            for host in list(config, "allowed_hosts") {
                policy
                    .allowed_hosts
                    .push(bare_host(host).to_ascii_lowercase());
            }
            for cidr in list(config, "allowed_cidrs") {
                let cidr = Cidr::parse(cidr).map_err(|e| format!("allowed_cidrs: {e}"))?;
                policy.allowed_cidrs.push(cidr);
            }
        }
        Ok(policy)
    }

    /// Whether `host` is listed in `allowed_hosts`.
    pub(crate) fn allows_host(&self, host: &str) -> bool {
        let host = bare_host(host);
        self.allowed_hosts
            .iter()
            .any(|allowed| allowed.eq_ignore_ascii_case(host))
    }

    /// Whether `ip` may be reached: a public address, or one in `allowed_cidrs`.
    pub(crate) fn allows_addr(&self, ip: IpAddr) -> bool {
        !is_internal(ip) || self.allowed_cidrs.iter().any(|c| c.contains(ip))
    }
}

/// `host` without IPv6 brackets or a trailing dot.
fn bare_host(host: &str) -> &str {
    let host = host.trim();
    let host = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    host.strip_suffix('.').unwrap_or(host)
}

/// Where a request may go, by [`check_destination`].
#[derive(Debug, Clone, PartialEq, Eq)]
enum Destination {
    /// The host is listed in `allowed_hosts`: sent wherever the client resolves it.
    Listed,
    /// Every address the host resolves to is allowed (the first one is where a
    /// plain-HTTP request connects).
    Checked(Vec<IpAddr>),
    /// The host resolves to this address, which the policy refuses.
    Refused(IpAddr),
}

/// Resolves `host` and checks every address against `policy`.
async fn check_destination(
    policy: &EgressPolicy,
    host: &str,
    port: u16,
) -> Result<Destination, Error> {
    if policy.allows_host(host) {
        return Ok(Destination::Listed);
    }
    let bare = bare_host(host);
    let addrs: Vec<IpAddr> = match bare.parse::<IpAddr>() {
        Ok(ip) => vec![ip],
        Err(_) => tokio::net::lookup_host((bare, port))
            .await
            .map_err(|e| Error::DnsError {
                rcode: Some(e.to_string()),
                info_code: None,
            })?
            .map(|addr| addr.ip())
            .collect(),
    };
    Ok(match addrs.iter().find(|ip| !policy.allows_addr(**ip)) {
        Some(ip) => Destination::Refused(*ip),
        None => Destination::Checked(addrs),
    })
}

/// `uri` with its authority replaced by `ip:port`, so the client connects to the
/// address that was checked instead of resolving the name again (the `Host` header
/// keeps the name).
fn pinned(uri: &http::Uri, ip: IpAddr, port: u16) -> Option<http::Uri> {
    let authority = std::net::SocketAddr::new(ip, port).to_string();
    let mut parts = uri.clone().into_parts();
    parts.authority = Some(authority.parse().ok()?);
    http::Uri::from_parts(parts).ok()
}

impl WasiHttpHooks for ProviderCtx {
    fn send_request(
        &mut self,
        request: http::Request<WasiBody>,
        options: Option<RequestOptions>,
        fut: Box<dyn Future<Output = Result<(), Error>> + Send>,
    ) -> Box<dyn Future<Output = SendResult> + Send> {
        drop(fut);
        // A spy on the http-client sees the method and URL go out and the status (or the
        // error) come back; bodies stay out of the record.
        let spy = self.spy_call(OUTGOING_HANDLER, "handle", || {
            vec![Val::String(format!(
                "{} {}",
                request.method(),
                request.uri()
            ))]
        });
        let sending = self.send_linked(request, options);
        let Some(spy) = spy else {
            return sending;
        };
        Box::new(async move {
            let outcome = Box::into_pin(sending).await;
            let status =
                |(response, _): &(http::Response<_>, _)| Some(Val::U16(response.status().as_u16()));
            spy.finish(result_val(&outcome, status, |error| {
                Some(Val::String(format!("{error:?}")))
            }));
            outcome
        })
    }
}

impl ProviderCtx {
    /// Sends `request` through the http-client this component is linked to, here or on
    /// another host.
    fn send_linked(
        &self,
        request: http::Request<WasiBody>,
        options: Option<RequestOptions>,
    ) -> Box<dyn Future<Output = SendResult> + Send> {
        // Linked to an http-client on another host: it sends the request (and checks it).
        if let Some(route) = self.remote_route(OUTGOING_HANDLER) {
            let (logs, component) = (self.logs.clone(), self.component_id.clone());
            return Box::new(send_remote(route, request, options, logs, component));
        }
        let linked = self
            .linked_provider(OUTGOING_HANDLER, BuiltinKind::HttpClient)
            .and_then(|(link, provider)| {
                EgressPolicy::from_configs([
                    &link.target_config,
                    &link.source_config,
                    provider.config(),
                ])
                .map_err(|e| format!("http-client provider {:?}: invalid config {e}", link.target))
            });
        let policy = match linked {
            Ok(policy) => policy,
            Err(reason) => {
                self.logs.emit(
                    LogLevel::Warn,
                    Some(&self.component_id),
                    Some("http-client"),
                    format!("outgoing request to {} refused: {reason}", request.uri()),
                );
                return Box::new(std::future::ready(Err(Error::InternalError(Some(reason)))));
            }
        };
        let (logs, component) = (self.logs.clone(), self.component_id.clone());
        Box::new(send_checked(policy, request, options, logs, component))
    }
}

/// Sends `request` for `component` if `policy` lets it reach the destination; a refusal
/// is logged under `component` and fails with `HTTP-request-denied`.
pub(crate) async fn send_checked(
    policy: EgressPolicy,
    request: http::Request<WasiBody>,
    options: Option<RequestOptions>,
    logs: LogBus,
    component: Arc<str>,
) -> SendResult {
    use http_body_util::BodyExt;
    let uri = request.uri().clone();
    let host = uri.host().ok_or(Error::HttpRequestUriInvalid)?;
    let https = uri.scheme() == Some(&http::uri::Scheme::HTTPS);
    let port = uri.port_u16().unwrap_or(if https { 443 } else { 80 });
    let checked = match check_destination(&policy, host, port).await? {
        Destination::Listed => Vec::new(),
        Destination::Checked(addrs) => addrs,
        Destination::Refused(ip) => {
            logs.emit(
                LogLevel::Warn,
                Some(&component),
                Some("http-client"),
                format!(
                    "outgoing request to {uri} refused: {} resolves to {ip}, an \
                 internal address (loopback, private, link-local or reserved); \
                 allow it with the link config allowed_hosts or allowed_cidrs",
                    bare_host(host)
                ),
            );
            return Err(Error::HttpRequestDenied);
        }
    };
    // Plain HTTP connects to the address just checked, so a name whose DNS
    // answer changes in between cannot lead elsewhere. HTTPS connects by name:
    // the certificate must match it, which an internal server's will not.
    let mut request = request;
    if let (false, Some(ip)) = (https, checked.first()) {
        if let Some(uri) = pinned(&uri, *ip, port) {
            *request.uri_mut() = uri;
        }
    }
    let (response, io) = wasmtime_wasi_http::default_send_request(request, options).await?;
    Ok((
        response.map(BodyExt::boxed_unsync),
        Box::new(io) as Box<dyn Future<Output = _> + Send>,
    ))
}

/// Sends `request` through the http-client provider on another host that `route` leads
/// to, over `wrpc:http/outgoing-handler` (that provider checks the destination).
async fn send_remote(
    route: RemoteRoute,
    request: http::Request<WasiBody>,
    options: Option<RequestOptions>,
    logs: LogBus,
    component: Arc<str>,
) -> SendResult {
    let uri = request.uri().clone();
    let nanos =
        |d: Option<std::time::Duration>| d.map(|d| d.as_nanos().min(u64::MAX as u128) as u64);
    let options = options.map(|o| trellis_wrpc::http::RequestOptions {
        connect_timeout: nanos(o.connect_timeout),
        first_byte_timeout: nanos(o.first_byte_timeout),
        between_bytes_timeout: nanos(o.between_bytes_timeout),
    });
    let client = route.http();
    let outcome = client
        .handle(trellis_wrpc::http::OUTGOING_HANDLER, request, options)
        .await;
    match outcome {
        Ok(Ok(response)) => Ok((
            response,
            Box::new(std::future::ready(Ok(()))) as Box<dyn Future<Output = _> + Send>,
        )),
        Ok(Err(code)) => Err(Error::from(code)),
        Err(err) => {
            logs.emit(
                LogLevel::Warn,
                Some(&component),
                Some("http-client"),
                format!("outgoing request to {uri} failed: {err}"),
            );
            Err(Error::InternalError(Some(err.to_string())))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn internal_addresses_are_denied_by_default() {
        let internal = [
            "127.0.0.1",
            "127.8.9.10",
            "0.0.0.0",
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "198.18.0.1",
            "224.0.0.1",
            "255.255.255.255",
            "240.0.0.1",
            "::",
            "::1",
            "fe80::1",
            "fc00::1",
            "fd12:3456::1",
            "fec0::1",
            "ff02::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "::ffff:10.0.0.1",
            "::127.0.0.1",
            "64:ff9b::10.0.0.1",
        ];
        for text in internal {
            assert!(is_internal(ip(text)), "{text}");
            assert!(!EgressPolicy::default().allows_addr(ip(text)), "{text}");
        }
        let public = [
            "93.184.216.34",
            "8.8.8.8",
            "172.32.0.1",
            "100.128.0.1",
            "2606:4700::1111",
            "::ffff:8.8.8.8",
            "64:ff9b::8.8.8.8",
        ];
        for text in public {
            assert!(!is_internal(ip(text)), "{text}");
        }
    }

    #[test]
    fn link_config_allows_hosts_and_ranges() {
        let link = ConfigMap::from([
            (
                "allowed_hosts".to_string(),
                "127.0.0.1, Example.Test ,[::1]".to_string(),
            ),
            ("allowed_cidrs".to_string(), "10.0.0.0/8".to_string()),
        ]);
        let provider = ConfigMap::from([("allowed_cidrs".to_string(), "fd00::/8".to_string())]);
        let policy = EgressPolicy::from_configs([&link, &provider]).unwrap();
        assert!(policy.allows_host("127.0.0.1"));
        assert!(policy.allows_host("example.test."));
        assert!(policy.allows_host("[::1]"));
        assert!(!policy.allows_host("localhost"));
        assert!(policy.allows_addr(ip("10.9.8.7")));
        assert!(policy.allows_addr(ip("::ffff:10.9.8.7")));
        assert!(policy.allows_addr(ip("fd00::5")));
        assert!(
            policy.allows_addr(ip("11.0.0.1")),
            "public addresses stay allowed"
        );
        assert!(!policy.allows_addr(ip("192.168.0.1")));
        assert!(!policy.allows_addr(ip("169.254.169.254")));

        let bad = ConfigMap::from([("allowed_cidrs".to_string(), "10.0.0.0/33".to_string())]);
        let err = EgressPolicy::from_configs([&bad]).unwrap_err();
        assert!(err.contains("\"10.0.0.0/33\""), "{err}");
        assert_eq!(
            Cidr::parse("0.0.0.0/0").map(|c| c.contains(ip("127.0.0.1"))),
            Ok(true)
        );
        assert!(!Cidr::parse("0.0.0.0/0").unwrap().contains(ip("::1")));
    }

    #[tokio::test]
    async fn names_are_resolved_and_every_address_checked() {
        let none = EgressPolicy::default();
        let Destination::Refused(ip) = check_destination(&none, "localhost", 80).await.unwrap()
        else {
            panic!("localhost was not refused")
        };
        assert!(is_internal(ip), "{ip}");
        assert_eq!(
            check_destination(&none, "[::1]", 80).await.unwrap(),
            Destination::Refused("::1".parse().unwrap())
        );
        assert_eq!(
            check_destination(&none, "93.184.216.34", 80).await.unwrap(),
            Destination::Checked(vec!["93.184.216.34".parse().unwrap()])
        );
        let listed = EgressPolicy::from_configs([&ConfigMap::from([(
            "allowed_hosts".to_string(),
            "localhost".to_string(),
        )])])
        .unwrap();
        assert_eq!(
            check_destination(&listed, "localhost", 80).await.unwrap(),
            Destination::Listed
        );
        let ranges = EgressPolicy::from_configs([&ConfigMap::from([(
            "allowed_cidrs".to_string(),
            "127.0.0.0/8, ::1/128".to_string(),
        )])])
        .unwrap();
        let Destination::Checked(addrs) =
            check_destination(&ranges, "localhost", 80).await.unwrap()
        else {
            panic!("localhost was not allowed by its ranges")
        };
        assert!(!addrs.is_empty());
    }

    #[test]
    fn plain_http_connects_to_the_checked_address() {
        let uri: http::Uri = "http://example.test:8080/a?b=c".parse().unwrap();
        let v4 = pinned(&uri, ip("93.184.216.34"), 8080).unwrap();
        assert_eq!(v4.to_string(), "http://93.184.216.34:8080/a?b=c");
        let uri: http::Uri = "http://example.test/".parse().unwrap();
        let v6 = pinned(&uri, ip("2606:4700::1111"), 80).unwrap();
        assert_eq!(v6.to_string(), "http://[2606:4700::1111]:80/");
    }
}
