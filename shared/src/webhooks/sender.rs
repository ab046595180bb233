//! Where webhooks may go. A deployment's API takes URLs from its users, and the server then
//! makes requests to them: without a guard, a URL could reach the cloud's metadata service or
//! anything else on the private network (server-side request forgery). So, unless the
//! deployment allows private targets (`--allow-private-webhooks`, for local receivers), every
//! address a URL resolves to must be public, and the connection goes to exactly the address
//! that was checked (no second DNS answer in between).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Whether `ip` is an address on the public internet.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => is_public_v4(v4),
            None => is_public_v6(v6),
        },
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local() // 169.254/16: cloud metadata lives here
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || a == 0
        || (a == 100 && (64..128).contains(&b)) // 100.64/10, carrier-grade NAT
        || (a == 192 && b == 0 && c == 0) // 192.0.0/24, protocol assignments
        || (a == 198 && (b == 18 || b == 19)) // 198.18/15, benchmarking
        || a >= 240) // reserved
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_multicast()
        || (first & 0xfe00) == 0xfc00 // fc00::/7, unique local
        || (first & 0xffc0) == 0xfe80 // fe80::/10, link local
        || first == 0x2001 && ip.segments()[1] == 0x0db8 // documentation
        || ip.to_ipv4().is_some()) // ::/96 compatible forms
}

/// What a subscription URL may look like: http(s), a host, no credentials in it.
pub fn check_url(raw: &str) -> Result<url::Url, String> {
    // The URL parser silently drops tabs and line breaks; a URL that is not what was typed
    // (or that smuggles a header) is refused instead of quietly changed.
    if raw.len() > MAX_URL_LENGTH {
        return Err(format!("a webhook URL is at most {MAX_URL_LENGTH} characters"));
    }
    if raw.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err("a webhook URL has no spaces, line breaks or control characters".into());
    }
    let url = url::Url::parse(raw).map_err(|e| format!("not a URL: {e}"))?;
    if !matches!(url.scheme(), "https" | "http") {
        return Err("only http and https URLs can receive webhooks".into());
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err("the URL has no host".into());
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("credentials do not belong in the URL; receivers verify the signature".into());
    }
    Ok(url)
}

/// Longer URLs are refused by common proxies and servers anyway.
const MAX_URL_LENGTH: usize = 2048;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_with_line_breaks_spaces_or_excess_length_are_refused_not_rewritten() {
        for raw in [
            "https://hooks.example/in\r\nX-Injected: 1",
            "https://hooks.example/\tin",
            "https://hooks.example/ in",
            "https://hooks.example/in\u{0}",
        ] {
            assert!(check_url(raw).is_err(), "{raw:?}");
        }
        let long = format!("https://hooks.example/{}", "a".repeat(MAX_URL_LENGTH));
        assert!(check_url(&long).is_err());
        assert!(check_url("https://hooks.example/in?x=1").is_ok());
    }

    #[test]
    fn private_loopback_link_local_and_reserved_addresses_are_not_public() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "224.0.0.1",
            "198.18.0.1",
            "240.0.0.1",
            "::1",
            "::",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "2001:db8::1",
        ] {
            assert!(!is_public(ip.parse().unwrap()), "{ip}");
        }
        for ip in [
            "1.1.1.1",
            "193.69.120.1",
            "2a00:1450:4001::1",
            "::ffff:8.8.8.8",
            "172.32.0.1",
        ] {
            assert!(is_public(ip.parse().unwrap()), "{ip}");
        }
    }

    #[test]
    fn only_plain_http_urls_without_credentials_are_accepted() {
        assert!(check_url("https://sak.kommune.example/hooks/vedtak").is_ok());
        for bad in [
            "ftp://x.example/",
            "https://user:pw@x.example/",
            "not a url",
            "file:///etc/passwd",
        ] {
            assert!(check_url(bad).is_err(), "{bad}");
        }
    }
}
