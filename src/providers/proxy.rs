//! Which way a connection to a URL goes under a source's `[proxy]` entry: the configured proxy,
//! none, or the environment's, read the way reqwest reads it. The HTTP clients leave the choice to
//! reqwest (see `http`); this is for what reqwest does not carry (the streamer's WebSocket) and for
//! saying which way a check went (doctor).

use std::fmt;

use crate::config::{ProxySetting, ProxyUrl};

/// A lookup of an environment variable: `system_env`, or a fixed table in tests (the test
/// process's own environment is shared by every test, and never changed).
pub type EnvLookup<'a> = &'a dyn Fn(&str) -> Option<String>;

/// The process's environment; an empty variable counts as unset.
pub fn system_env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// The way one connection goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// `"direct"` in `[proxy]`.
    Direct,
    /// No entry, and the environment names no proxy for this URL (`exempt`: NO_PROXY takes it out).
    EnvNone { exempt: bool },
    /// The entry in `[proxy]`.
    Configured(ProxyUrl),
    /// No entry: the proxy the environment names in `var`.
    FromEnv { var: &'static str, proxy: ProxyUrl },
}

impl Route {
    pub fn proxy(&self) -> Option<&ProxyUrl> {
        match self {
            Route::Configured(p) | Route::FromEnv { proxy: p, .. } => Some(p),
            Route::Direct | Route::EnvNone { .. } => None,
        }
    }
}

/// How doctor names the way a check went: "via socks5h://127.0.0.1:1080", "direct",
/// "environment (HTTPS_PROXY=http://proxy:3128)". Passwords are never shown.
impl fmt::Display for Route {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Route::Direct => f.write_str("direct"),
            Route::EnvNone { exempt: false } => f.write_str("direct (no proxy in the environment)"),
            Route::EnvNone { exempt: true } => f.write_str("direct (NO_PROXY)"),
            Route::Configured(p) => write!(f, "via {p}"),
            Route::FromEnv { var, proxy } => write!(f, "environment ({var}={proxy})"),
        }
    }
}

/// The route `setting` gives a connection to `target` (http, https, ws or wss).
pub fn route(setting: &ProxySetting, target: &str, env: EnvLookup<'_>) -> Route {
    match setting {
        ProxySetting::Direct => Route::Direct,
        ProxySetting::Url(p) => Route::Configured(p.clone()),
        ProxySetting::Env => from_env(target, env),
    }
}

/// reqwest's reading: the scheme's variable (upper case first), then ALL_PROXY; NO_PROXY exempts.
fn from_env(target: &str, env: EnvLookup<'_>) -> Route {
    let Ok(url) = url::Url::parse(target) else { return Route::EnvNone { exempt: false } };
    let secure = matches!(url.scheme(), "https" | "wss");
    let vars: [&'static str; 4] = if secure {
        ["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"]
    } else {
        ["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"]
    };
    let Some((var, raw)) = vars.iter().find_map(|v| env(v).map(|raw| (*v, raw))) else {
        return Route::EnvNone { exempt: false };
    };
    let no_proxy = env("NO_PROXY").or_else(|| env("no_proxy")).unwrap_or_default();
    if url.host_str().is_some_and(|h| exempt(&no_proxy, h)) {
        return Route::EnvNone { exempt: true };
    }
    // A bare `host:port` means an HTTP proxy, as curl and reqwest take it.
    let raw = raw.trim();
    let written = if raw.contains("://") { raw.to_string() } else { format!("http://{raw}") };
    match ProxyUrl::parse(&written) {
        Ok(proxy) => Route::FromEnv { var, proxy },
        // reqwest skips a proxy it cannot read; so does the streamer.
        Err(_) => Route::EnvNone { exempt: false },
    }
}

/// `host` is in the NO_PROXY list: `*`, the host itself, a domain it is under (`.example.com`
/// and `example.com` alike), or a network it is in (`10.0.0.0/8`).
fn exempt(no_proxy: &str, host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']').to_ascii_lowercase();
    let ip = host.parse::<std::net::IpAddr>().ok();
    no_proxy.split(',').map(|e| e.trim().to_ascii_lowercase()).filter(|e| !e.is_empty()).any(|e| {
        let domain = e.trim_start_matches('.');
        e == "*"
            || host == domain
            || host.ends_with(&format!(".{domain}"))
            || ip.is_some_and(|ip| within(ip, &e))
    })
}

/// `ip` is in the network `cidr` (`10.0.0.0/8`, `fd00::/8`).
fn within(ip: std::net::IpAddr, cidr: &str) -> bool {
    use std::net::IpAddr;
    let Some((net, bits)) = cidr.split_once('/') else { return false };
    let (Ok(net), Ok(bits)) = (net.parse::<IpAddr>(), bits.parse::<u32>()) else { return false };
    let (a, b, width) = match (ip, net) {
        (IpAddr::V4(a), IpAddr::V4(b)) => (u128::from(u32::from(a)), u128::from(u32::from(b)), 32),
        (IpAddr::V6(a), IpAddr::V6(b)) => (u128::from(a), u128::from(b), 128),
        _ => return false,
    };
    if bits > width {
        return false;
    }
    let shift = width - bits;
    shift == width || (a >> shift) == (b >> shift)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string())
    }

    #[test]
    fn the_config_wins_over_the_environment() {
        let e = env(&[("HTTPS_PROXY", "http://envproxy:3128")]);
        let p = ProxyUrl::parse("socks5h://127.0.0.1:1080").unwrap();
        let r = route(&ProxySetting::Url(p.clone()), "wss://streamer.example/", &e);
        assert_eq!(r, Route::Configured(p));
        assert_eq!(r.to_string(), "via socks5h://127.0.0.1:1080");
        assert_eq!(route(&ProxySetting::Direct, "https://x.example/", &e).to_string(), "direct");
    }

    #[test]
    fn the_environment_is_read_per_scheme_then_all_proxy() {
        let e = env(&[("HTTPS_PROXY", "envproxy:3128"), ("all_proxy", "socks5h://allproxy:1080")]);
        let r = route(&ProxySetting::Env, "wss://streamer.example/", &e);
        assert_eq!(r.to_string(), "environment (HTTPS_PROXY=http://envproxy:3128)");
        let r = route(&ProxySetting::Env, "http://plain.example/", &e);
        assert_eq!(r.to_string(), "environment (all_proxy=socks5h://allproxy:1080)");
        let none = route(&ProxySetting::Env, "https://x.example/", &env(&[]));
        assert_eq!((none.proxy(), none.to_string()), (None, "direct (no proxy in the environment)".into()));
    }

    #[test]
    fn no_proxy_exempts_hosts_and_domains() {
        let e = env(&[("HTTPS_PROXY", "http://p:1"), ("NO_PROXY", "localhost, .corp.example,10.0.0.1")]);
        let exempt = |url| route(&ProxySetting::Env, url, &e) == Route::EnvNone { exempt: true };
        assert!(exempt("https://localhost:8443/"));
        assert!(exempt("https://quotes.corp.example/"));
        assert!(exempt("https://corp.example/"));
        assert!(exempt("https://10.0.0.1/"));
        assert!(!exempt("https://notcorp.example/"));
        let nets = env(&[("HTTPS_PROXY", "http://p:1"), ("NO_PROXY", "192.168.0.0/16,fd00::/8")]);
        let net_exempt = |url| route(&ProxySetting::Env, url, &nets) == Route::EnvNone { exempt: true };
        assert!(net_exempt("https://192.168.4.2/") && net_exempt("https://[fd12::1]/"));
        assert!(!net_exempt("https://192.169.0.1/") && !net_exempt("https://[fe80::1]/"));
        assert!(!exempt("https://query1.finance.yahoo.com/"));
        let all = env(&[("HTTPS_PROXY", "http://p:1"), ("no_proxy", "*")]);
        assert_eq!(route(&ProxySetting::Env, "https://a.example/", &all), Route::EnvNone { exempt: true });
    }
}
