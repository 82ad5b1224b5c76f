//! The `[proxy]` table: a URL or "direct" per source.

use super::super::*;
use super::Validator;
use super::raw;
use crate::config::locate::KeyPath;

impl Validator {
    pub(super) fn proxy(&mut self, raw: raw::RawProxy) -> ProxyConfig {
        let p = KeyPath::root().key("proxy");
        let mut one = |key: &str, v: Option<String>| self.proxy_setting(p.key(key), v);
        ProxyConfig {
            yahoo: one("yahoo", raw.yahoo),
            tencent: one("tencent", raw.tencent),
            feeds: one("feeds", raw.feeds),
            search: one("search", raw.search),
            filings: one("filings", raw.filings),
        }
    }

    fn proxy_setting(&mut self, path: KeyPath, raw: Option<String>) -> ProxySetting {
        let Some(raw) = raw else { return ProxySetting::Env };
        if raw.trim().eq_ignore_ascii_case("direct") {
            return ProxySetting::Direct;
        }
        match ProxyUrl::parse(&raw) {
            Ok(u) => ProxySetting::Url(u),
            Err(why) => {
                self.bad(path, why);
                ProxySetting::Env
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::super::*;

    fn issues(text: &str) -> Vec<Issue> {
        match parse_str(text, "c.toml") {
            Err(ConfigError::Invalid { issues, .. }) => issues,
            other => panic!("expected an error, got {other:?}"),
        }
    }

    fn url(raw: &str) -> ProxySetting {
        ProxySetting::Url(ProxyUrl::parse(raw).unwrap())
    }

    /// Every source follows the environment unless told otherwise.
    #[test]
    fn no_table_is_the_environment_everywhere() {
        assert_eq!(builtin().proxy, ProxyConfig::default());
        assert_eq!(builtin().proxy.yahoo, ProxySetting::Env);
    }

    #[test]
    fn urls_of_every_scheme_and_direct_are_read() {
        let c = parse_str(
            "[proxy]\nyahoo = \"socks5h://127.0.0.1:1080\"\ntencent = \"direct\"\nfeeds = \"http://proxy.example:3128\"\n\
             search = \" https://u:p@proxy.example \"\nfilings = \"socks5://10.0.0.1:1080/\"\n",
            "c.toml",
        )
        .unwrap();
        let p = &c.proxy;
        assert_eq!(p.yahoo, url("socks5h://127.0.0.1:1080"));
        assert_eq!(p.tencent, ProxySetting::Direct);
        assert_eq!(p.feeds, url("http://proxy.example:3128"));
        assert_eq!(p.search, url("https://u:p@proxy.example"));
        assert_eq!(p.filings, url("socks5://10.0.0.1:1080"));
        assert_eq!(p.of("feeds"), &p.feeds);
        let c = parse_str("[proxy]\nyahoo = \"DIRECT\"\n", "c.toml").unwrap();
        assert_eq!((c.proxy.yahoo, c.proxy.tencent), (ProxySetting::Direct, ProxySetting::Env));
    }

    /// A scheme nobody can proxy through, no host, a path, or plain words: an error at the key.
    #[test]
    fn a_bad_proxy_is_an_error_naming_the_key_and_the_line() {
        let is = issues("refresh_secs = 30\n\n[proxy]\nyahoo = \"ftp://127.0.0.1:21\"\n");
        assert_eq!(is.len(), 1, "{is:?}");
        assert_eq!((is[0].key.as_deref(), is[0].line, is[0].col), (Some("proxy.yahoo"), 4, 9));
        assert!(is[0].message.contains("socks5h://") && is[0].message.contains("\"ftp\""), "{is:?}");
        for bad in ["none", "127.0.0.1:1080", "http://", "http://proxy.example:3128/path", "socks4://h:1"] {
            let is = issues(&format!("[proxy]\nfeeds = \"{bad}\"\n"));
            assert_eq!(is.len(), 1, "{bad}: {is:?}");
            assert_eq!(is[0].key.as_deref(), Some("proxy.feeds"), "{bad}");
            assert_eq!(is[0].line, 2, "{bad}");
        }
        assert!(!issues("[proxy]\nyahoo = 1080\n").is_empty(), "a number is no proxy");
    }

    #[test]
    fn an_unknown_source_in_the_table_is_an_error() {
        let is = issues("[proxy]\nyahoo = \"direct\"\nstreamer = \"direct\"\n");
        assert_eq!(is.len(), 1, "{is:?}");
        assert_eq!((is[0].key.as_deref(), is[0].line), (Some("proxy.streamer"), 3));
        assert!(is[0].message.contains("unknown field"), "{is:?}");
    }

    /// The example's commented `[proxy]` table, uncommented, is a valid one.
    #[test]
    fn the_examples_proxy_table_parses_uncommented() {
        assert_eq!(parse_str(EXAMPLE_TOML, "config.example.toml").unwrap().proxy, ProxyConfig::default());
        let table: Vec<&str> = EXAMPLE_TOML
            .lines()
            .skip_while(|l| *l != "# [proxy]")
            .take_while(|l| l.starts_with("# "))
            .map(|l| &l[2..])
            .collect();
        assert!(table.len() > 1, "{table:?}");
        let c = parse_str(&table.join("\n"), "uncommented").unwrap();
        assert_eq!(c.proxy.yahoo, url("socks5h://127.0.0.1:1080"));
        assert_eq!(c.proxy.tencent, ProxySetting::Direct);
    }

    /// An edit of `[proxy]` rebuilds the clients it is built into: Yahoo's or Tencent's rebuild the
    /// quote sources (and the streamer with them), any rebuilds the headline sources.
    #[test]
    fn a_proxy_edit_rebuilds_the_sources_it_reaches() {
        let old = builtin();
        let mut new = old.clone();
        new.proxy.yahoo = ProxySetting::Direct;
        let c = changes(&old, &new);
        assert!(c.quote_sources && c.news_sources && c.sources() && !c.plan, "{c:?}");
        let mut new = old.clone();
        new.proxy.feeds = url("http://p.example:3128");
        let c = changes(&old, &new);
        assert!(!c.quote_sources && c.news_sources, "{c:?}");
    }
}
