//! Where a webhook may go: the target's host is resolved once, every address it resolves to
//! is checked (`byline_core::webhooks::is_private`), and the request is then made to the
//! checked address itself, so a second lookup cannot send it elsewhere (DNS rebinding).

use byline_core::webhooks::is_private;
use std::net::SocketAddr;

/// The address to connect to for `url`, or why none may be used.
pub async fn resolve(url: &url::Url, allow_private: bool) -> Result<SocketAddr, String> {
    let host = url.host_str().ok_or("the URL names no host")?;
    let port = url.port_or_known_default().ok_or("the URL names no port")?;
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host, port))
        .await
        .map_err(|e| format!("could not resolve {host}: {e}"))?
        .collect();
    let first = *addrs.first().ok_or_else(|| format!("{host} resolves to no address"))?;
    if !allow_private && let Some(bad) = addrs.iter().find(|a| is_private(a.ip())) {
        return Err(format!(
            "refused: {host} resolves to {}, a private, loopback or link-local address \
             (set webhooks_allow_private to allow it)",
            bad.ip()
        ));
    }
    Ok(first)
}
