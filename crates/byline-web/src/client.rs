//! Who is asking: the client's address, as rate limits and the request log see it.
//!
//! The address is the connection's peer, unless that peer is one of the `trusted_proxies`
//! (addresses or CIDR ranges). Then the proxies' own account is believed, from `Forwarded`
//! (RFC 7239) or else `X-Forwarded-For`: walking the chain from the right, the first address
//! that is not itself a trusted proxy is the client. Anything to its left was written by
//! the client and is ignored, and a header from an untrusted peer is ignored altogether, so
//! nobody can choose their own address by sending one.

use crate::AppState;
use axum::extract::{ConnectInfo, FromRef, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use std::convert::Infallible;
use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::str::FromStr;

/// An address or a CIDR range (`10.0.0.0/8`, `2001:db8::/32`, `192.0.2.1`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpRange {
    net: IpAddr,
    prefix: u8,
}

impl IpRange {
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.net, canonical(ip)) {
            (IpAddr::V4(n), IpAddr::V4(a)) => {
                let mask = u32::MAX.checked_shl(32 - u32::from(self.prefix)).unwrap_or(0);
                u32::from(n) & mask == u32::from(a) & mask
            }
            (IpAddr::V6(n), IpAddr::V6(a)) => {
                let mask = u128::MAX.checked_shl(128 - u32::from(self.prefix)).unwrap_or(0);
                u128::from(n) & mask == u128::from(a) & mask
            }
            _ => false,
        }
    }
}

impl FromStr for IpRange {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let s = s.trim();
        let (addr, prefix) = match s.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s, None),
        };
        let net = addr
            .parse::<IpAddr>()
            .map(canonical)
            .map_err(|_| format!("{s:?} is not an IP address or a CIDR range like 10.0.0.0/8"))?;
        let max = if net.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => max,
            Some(p) => match p.parse::<u8>() {
                Ok(n) if n <= max => n,
                _ => return Err(format!("{s:?}: the prefix length must be 0 to {max}")),
            },
        };
        Ok(Self { net, prefix })
    }
}

impl fmt::Display for IpRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.net, self.prefix)
    }
}

/// The proxies whose forwarding headers are believed; none by default.
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(Vec<IpRange>);

impl TrustedProxies {
    /// Parses each entry; the error names the first bad one.
    pub fn parse<S: AsRef<str>>(entries: &[S]) -> Result<Self, String> {
        entries.iter().map(|e| e.as_ref().parse()).collect::<Result<_, _>>().map(Self)
    }

    pub fn trusts(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|r| r.contains(ip))
    }

    /// The client's address for a request from `peer` carrying `headers`.
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let peer = canonical(peer);
        if !self.trusts(peer) {
            return peer;
        }
        let chain = forwarded_chain(headers);
        let mut client = peer;
        for hop in chain.iter().rev() {
            match hop {
                // A hop that names no address (obfuscated, `unknown`, garbage): nothing to
                // its left can be vouched for, so the last known address stands.
                None => break,
                Some(ip) => {
                    client = *ip;
                    if !self.trusts(*ip) {
                        break;
                    }
                }
            }
        }
        client
    }
}

/// An IPv4 address carried in IPv6 (`::ffff:192.0.2.1`, as dual-stack sockets report it)
/// counts as the IPv4 address.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// The forwarding chain, leftmost (furthest from us) first: from `Forwarded` when present,
/// else from `X-Forwarded-For`. `None` stands for a hop whose address cannot be read.
pub fn forwarded_chain(headers: &HeaderMap) -> Vec<Option<IpAddr>> {
    let forwarded: Vec<&str> =
        headers.get_all("forwarded").iter().filter_map(|v| v.to_str().ok()).collect();
    if !forwarded.is_empty() {
        return forwarded
            .iter()
            .flat_map(|v| v.split(','))
            .map(|element| {
                element
                    .split(';')
                    .filter_map(|pair| pair.split_once('='))
                    .find(|(k, _)| k.trim().eq_ignore_ascii_case("for"))
                    .and_then(|(_, v)| node_address(v))
            })
            .collect();
    }
    headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(node_address)
        .collect()
}

/// One hop's address: `192.0.2.1`, `192.0.2.1:4711`, `2001:db8::1`, `[2001:db8::1]:4711`,
/// any of them quoted.
fn node_address(v: &str) -> Option<IpAddr> {
    let v = v.trim().trim_matches('"').trim();
    if let Ok(ip) = v.parse::<IpAddr>() {
        return Some(canonical(ip));
    }
    if let Ok(sock) = v.parse::<SocketAddr>() {
        return Some(canonical(sock.ip()));
    }
    let inner = v.strip_prefix('[')?.strip_suffix(']')?;
    inner.parse::<std::net::Ipv6Addr>().ok().map(|ip| canonical(IpAddr::V6(ip)))
}

/// The client's address. Requests without a recorded connection (tests with `oneshot`,
/// unless they add a `ConnectInfo` extension) share the key `unknown`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientAddr(pub String);

impl ClientAddr {
    /// The address for a request's parts, judged by `proxies`.
    pub fn of(
        proxies: &TrustedProxies,
        extensions: &http::Extensions,
        headers: &HeaderMap,
    ) -> Self {
        ClientAddr(match extensions.get::<ConnectInfo<SocketAddr>>() {
            Some(c) => proxies.client(c.0.ip(), headers).to_string(),
            None => "unknown".to_owned(),
        })
    }
}

impl<S> FromRequestParts<S> for ClientAddr
where
    S: Send + Sync,
    AppState: FromRef<S>,
{
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let state = AppState::from_ref(state);
        Ok(ClientAddr::of(&state.trusted_proxies, &parts.extensions, &parts.headers))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn proxies(list: &[&str]) -> TrustedProxies {
        TrustedProxies::parse(list).unwrap()
    }

    #[test]
    fn ranges_parse_and_match() {
        let r: IpRange = "10.0.0.0/8".parse().unwrap();
        assert!(r.contains(ip("10.200.1.2")));
        assert!(!r.contains(ip("11.0.0.1")));
        assert!(r.contains(ip("::ffff:10.1.2.3")), "IPv4-mapped IPv6 counts as IPv4");
        let one: IpRange = "192.0.2.1".parse().unwrap();
        assert!(one.contains(ip("192.0.2.1")) && !one.contains(ip("192.0.2.2")));
        let v6: IpRange = "2001:db8::/32".parse().unwrap();
        assert!(v6.contains(ip("2001:db8:ffff::1")));
        assert!(!v6.contains(ip("2001:db9::1")));
        assert!(!v6.contains(ip("10.0.0.1")));
        let all: IpRange = "0.0.0.0/0".parse().unwrap();
        assert!(all.contains(ip("203.0.113.9")));
        for bad in ["", "10.0.0.0/33", "::/129", "10.0.0.0/x", "example.org", "10.0.0/8"] {
            assert!(bad.parse::<IpRange>().is_err(), "{bad:?}");
        }
        let e = TrustedProxies::parse(&["10.0.0.1", "nope"]).unwrap_err();
        assert!(e.contains("\"nope\""), "{e}");
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_says() {
        let p = proxies(&["10.0.0.1"]);
        let h = headers(&[("x-forwarded-for", "1.2.3.4"), ("forwarded", "for=5.6.7.8")]);
        assert_eq!(p.client(ip("203.0.113.5"), &h), ip("203.0.113.5"));
        assert_eq!(TrustedProxies::default().client(ip("10.0.0.1"), &h), ip("10.0.0.1"));
    }

    #[test]
    fn the_rightmost_untrusted_address_in_a_chain_is_the_client() {
        let p = proxies(&["10.0.0.0/8"]);
        // The client forged the first entry; the proxies appended the real one and themselves.
        let h = headers(&[("x-forwarded-for", "6.6.6.6, 198.51.100.7, 10.0.0.3")]);
        assert_eq!(p.client(ip("10.0.0.2"), &h), ip("198.51.100.7"));
        // Several header lines are one list, in order.
        let h = headers(&[("x-forwarded-for", "6.6.6.6"), ("x-forwarded-for", "198.51.100.8")]);
        assert_eq!(p.client(ip("10.0.0.2"), &h), ip("198.51.100.8"));
        // Nothing forwarded: the proxy itself.
        assert_eq!(p.client(ip("10.0.0.2"), &HeaderMap::new()), ip("10.0.0.2"));
        // Every hop trusted: the furthest one.
        let h = headers(&[("x-forwarded-for", "10.9.9.9, 10.0.0.3")]);
        assert_eq!(p.client(ip("10.0.0.2"), &h), ip("10.9.9.9"));
    }

    #[test]
    fn forwarded_is_read_with_ipv6_ports_and_quotes_and_wins_over_x_forwarded_for() {
        let p = proxies(&["10.0.0.0/8", "2001:db8::/32"]);
        let h = headers(&[
            ("forwarded", "for=\"[2001:db8:cafe::17]:4711\";proto=https, For=\"[2001:db8::1]\""),
            ("x-forwarded-for", "192.0.2.99"),
        ]);
        assert_eq!(p.client(ip("10.0.0.2"), &h), ip("2001:db8:cafe::17"));
        let h = headers(&[("forwarded", "for=192.0.2.60;proto=http;by=203.0.113.43")]);
        assert_eq!(p.client(ip("::ffff:10.0.0.2"), &h), ip("192.0.2.60"));
        let h = headers(&[("forwarded", "for=\"192.0.2.61:8080\"")]);
        assert_eq!(p.client(ip("10.0.0.2"), &h), ip("192.0.2.61"));
        let h = headers(&[("x-forwarded-for", "2001:db9::5, [2001:db8::2]:443")]);
        assert_eq!(p.client(ip("10.0.0.2"), &h), ip("2001:db9::5"));
    }

    #[test]
    fn malformed_hops_stop_the_walk_at_the_last_known_address() {
        let p = proxies(&["10.0.0.0/8"]);
        for value in ["garbage", "", " , ", "1.2.3.4.5", "[::1", "999.1.1.1"] {
            let h = headers(&[("x-forwarded-for", value)]);
            assert_eq!(p.client(ip("10.0.0.2"), &h), ip("10.0.0.2"), "{value:?}");
        }
        let h = headers(&[("x-forwarded-for", "6.6.6.6, nonsense, 10.0.0.3")]);
        assert_eq!(p.client(ip("10.0.0.2"), &h), ip("10.0.0.3"));
        let h = headers(&[("forwarded", "for=unknown, for=_hidden")]);
        assert_eq!(p.client(ip("10.0.0.2"), &h), ip("10.0.0.2"));
        let h = headers(&[("forwarded", "proto=https")]);
        assert_eq!(p.client(ip("10.0.0.2"), &h), ip("10.0.0.2"));
        // A malformed entry left of the client does not matter.
        let h = headers(&[("x-forwarded-for", "junk, 198.51.100.7")]);
        assert_eq!(p.client(ip("10.0.0.2"), &h), ip("198.51.100.7"));
    }
}
