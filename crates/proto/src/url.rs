//! URLs as they may be shown or sent: without the credentials a NATS URL can carry.

/// `url` (or several, comma separated) without user info: `nats://u:pw@h:4222` becomes
/// `nats://h:4222`. Everything up to the last `@` goes, so no part of a password holding
/// `@`, `/` or `:` survives. Used wherever a URL reaches a log, an error, a listing, the
/// webview or a ping reply (`ctl_host`, `rpc_host`).
///
/// ```
/// assert_eq!(
///     trellis_proto::redact_url("nats://me:secret@10.0.0.5:4222, tls://tok@b:1"),
///     "nats://10.0.0.5:4222,tls://b:1"
/// );
/// ```
pub fn redact_url(url: &str) -> String {
    url.split(',')
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .map(url_without_user_info)
        .collect::<Vec<_>>()
        .join(",")
}

/// One URL without its user info (see [`redact_url`]).
pub fn url_without_user_info(url: &str) -> String {
    let (scheme, rest) = match url.split_once("://") {
        Some((scheme, rest)) => (Some(scheme), rest),
        None => (None, url),
    };
    let host = rest.rfind('@').map_or(rest, |at| &rest[at + 1..]);
    match scheme {
        Some(scheme) => format!("{scheme}://{host}"),
        None => host.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::redact_url;

    #[test]
    fn redact_url_strips_user_info() {
        let cases = [
            ("nats://u:secret@h:4222", "nats://h:4222"),
            ("tls://secret@h:4222", "tls://h:4222"),
            ("ws://u:se@cr/et@h:80/path", "ws://h:80/path"),
            ("u:secret@127.0.0.1:4222", "127.0.0.1:4222"),
            ("nats://h:4222", "nats://h:4222"),
            (
                "nats://a:secret@x:1, wss://b:secret@[::1]:2",
                "nats://x:1,wss://[::1]:2",
            ),
        ];
        for (url, shown) in cases {
            assert_eq!(redact_url(url), shown, "{url}");
        }
    }
}
