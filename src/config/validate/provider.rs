//! The `[provider]` table: where quotes, series and searches come from.

use super::super::*;
use super::raw;
use super::{Validator, is_text};
use crate::config::locate::KeyPath;

impl Validator {
    pub(super) fn provider(&mut self, raw: raw::RawProvider) -> ProviderConfig {
        let p = KeyPath::root().key("provider");
        let kinds = [("yahoo", ProviderKind::Yahoo), ("demo", ProviderKind::Demo)];
        let kind = self.choice(p.key("kind"), raw.kind.as_deref(), &kinds, true);
        let query_url = self
            .url(p.key("query_url"), raw.query_url.as_deref().unwrap_or("https://query1.finance.yahoo.com"));
        let cookie_url =
            self.url(p.key("cookie_url"), raw.cookie_url.as_deref().unwrap_or("https://fc.yahoo.com"));
        let user_agent = match raw.user_agent {
            Some(ua) if !is_text(&ua) => {
                self.bad(p.key("user_agent"), "must be non-empty printable text");
                None
            }
            ua => ua,
        };
        let stream = raw.stream.unwrap_or(true);
        let stream_url = self.url_of(
            p.key("stream_url"),
            raw.stream_url.as_deref().unwrap_or(DEFAULT_STREAM_URL),
            ["ws", "wss"],
        );
        let sources = [("tencent", Mainland::Tencent), ("yahoo", Mainland::Yahoo)];
        let mainland = self.choice(p.key("mainland"), raw.mainland.as_deref(), &sources, true);
        let tencent_url =
            self.url(p.key("tencent_url"), raw.tencent_url.as_deref().unwrap_or("https://qt.gtimg.cn"));
        let tencent_series_url = self.url(
            p.key("tencent_series_url"),
            raw.tencent_series_url.as_deref().unwrap_or("https://web.ifzq.gtimg.cn"),
        );
        let quotes = self
            .list(p.key("quotes"), raw.quotes.as_deref(), &SourceName::ALL)
            .unwrap_or(vec![SourceName::Yahoo, SourceName::Tencent]);
        // Without its own list, series follow the quotes: who leaves Yahoo out of one means both.
        let charts = self
            .list(p.key("charts"), raw.charts.as_deref(), &SourceName::ALL)
            .unwrap_or_else(|| quotes.clone());
        let search = self
            .list(p.key("search"), raw.search.as_deref(), &SearchSource::ALL)
            .unwrap_or_else(|| vec![SearchSource::Local, SearchSource::Yahoo, SearchSource::Tencent]);
        let suggest_url = self
            .url(p.key("suggest_url"), raw.suggest_url.as_deref().unwrap_or("https://smartbox.gtimg.cn/s3/"));
        let fallback_secs = match raw.fallback_secs {
            None => 600,
            Some(n) if (1..=86_400).contains(&n) => n as u64,
            Some(n) => {
                self.must_be(p.key("fallback_secs"), "1 to 86400 seconds", n);
                600
            }
        };
        ProviderConfig {
            kind,
            query_url,
            cookie_url,
            user_agent,
            stream,
            stream_url,
            mainland,
            tencent_url,
            tencent_series_url,
            quotes,
            charts,
            fallback_secs,
            search,
            suggest_url,
        }
    }

    /// A list of sources in order: names from `known`, each once, at least one. `None` when absent
    /// or wrong (the error is recorded and the default stands).
    fn list<T: Copy + PartialEq>(
        &mut self,
        path: KeyPath,
        raw: Option<&[String]>,
        known: &[(&str, T)],
    ) -> Option<Vec<T>> {
        let raw = raw?;
        let names: Vec<String> = known.iter().map(|(n, _)| format!("{n:?}")).collect();
        let names = match names.split_last() {
            Some((last, [])) => last.clone(),
            Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
            None => String::new(),
        };
        if raw.is_empty() {
            self.must_be(path, format!("at least one source ({names})"), "[]");
            return None;
        }
        let mut out = Vec::new();
        for (i, name) in raw.iter().enumerate() {
            let Some(&(_, s)) = known.iter().find(|(n, _)| *n == name.trim()) else {
                self.must_be(path.index(i), &names, format!("{name:?}"));
                return None;
            };
            if out.contains(&s) {
                self.must_be(path.index(i), "each source once", format!("{name:?} again"));
                return None;
            }
            out.push(s);
        }
        Some(out)
    }
}
