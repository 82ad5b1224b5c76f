//! `[proxy]`: how each source reaches the network. Decided here, applied where clients are built
//! (`providers::http`), so no source can pick its own.

use std::fmt;

/// How one source's connections leave the machine.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum ProxySetting {
    /// No entry: `HTTPS_PROXY` / `HTTP_PROXY` / `ALL_PROXY` / `NO_PROXY`, as most tools read them.
    #[default]
    Env,
    /// `"direct"`: no proxy, whatever the environment says.
    Direct,
    /// Through this proxy (`http`, `https`, `socks5` or `socks5h`, checked when the file was read).
    Url(ProxyUrl),
}

/// A proxy's URL as written, known to parse with one of the accepted schemes and a host.
#[derive(Clone, PartialEq, Eq)]
pub struct ProxyUrl(url::Url);

/// The schemes a proxy may be reached by: what reqwest understands, and what the streamer tunnels.
pub const PROXY_SCHEMES: [&str; 4] = ["http", "https", "socks5h", "socks5"];

impl ProxyUrl {
    /// `raw` when it is an accepted proxy URL; else what is wrong with it, to be shown after the key.
    pub fn parse(raw: &str) -> Result<ProxyUrl, String> {
        let mut u = url::Url::parse(raw.trim()).map_err(|e| format!("is not a valid URL ({e}): {raw:?}"))?;
        if !PROXY_SCHEMES.contains(&u.scheme()) {
            return Err(format!(
                "must be a proxy URL (http://, https://, socks5h:// or socks5://) or \"direct\" (got scheme {:?})",
                u.scheme()
            ));
        }
        if u.host_str().is_none_or(str::is_empty) {
            return Err(format!("names no host: {raw:?}"));
        }
        // A proxy is a host and a port: a path would be silently dropped, so it is refused.
        if !matches!(u.path(), "" | "/") || u.query().is_some() || u.fragment().is_some() {
            return Err(format!("must be scheme://host:port with nothing after it (got {raw:?})"));
        }
        // `socks5://h:1` and `socks5://h:1/` are one proxy.
        u.set_path("");
        Ok(ProxyUrl(u))
    }

    pub fn url(&self) -> &url::Url {
        &self.0
    }

    pub fn scheme(&self) -> &str {
        self.0.scheme()
    }

    /// The URL as reqwest takes it, credentials included.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

/// Shown with any password replaced: doctor's report and the logs are pasted into bug reports.
impl fmt::Display for ProxyUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut shown = self.0.clone();
        if shown.password().is_some() {
            let _ = shown.set_password(Some("***"));
        }
        f.write_str(shown.as_str().trim_end_matches('/'))
    }
}

impl fmt::Debug for ProxyUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ProxyUrl({self})")
    }
}

/// One setting per source; the streamer follows `yahoo`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ProxyConfig {
    pub yahoo: ProxySetting,
    pub tencent: ProxySetting,
    pub feeds: ProxySetting,
    pub search: ProxySetting,
    pub filings: ProxySetting,
}

impl ProxyConfig {
    /// The setting of a source by its key in `[proxy]` (`"yahoo"`, …); `Env` for any other name.
    pub fn of(&self, source: &str) -> &ProxySetting {
        static ENV: ProxySetting = ProxySetting::Env;
        match source {
            "yahoo" => &self.yahoo,
            "tencent" => &self.tencent,
            "feeds" => &self.feeds,
            "search" => &self.search,
            "filings" => &self.filings,
            _ => &ENV,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_is_never_shown() {
        let p = ProxyUrl::parse("http://me:secret@proxy.example:3128").unwrap();
        assert_eq!(p.to_string(), "http://me:***@proxy.example:3128");
        assert!(!format!("{p:?}").contains("secret"));
        assert!(p.as_str().contains("secret"), "reqwest still gets it");
        assert_eq!(
            ProxyUrl::parse("socks5h://127.0.0.1:1080").unwrap().to_string(),
            "socks5h://127.0.0.1:1080"
        );
    }
}
