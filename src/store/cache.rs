//! The on-disk cache: the last quotes (with when they were fetched) and recent chart series in
//! `cache.json`, the headlines with their read marks beside it in `cache.news.json`. Two files, so
//! that a refresh of prices does not rewrite megabytes of unchanged headlines. Loading never fails: a
//! file that cannot be used is set aside (`*.bad`) and the app starts clean.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::market::alerts::Fired;
use crate::market::series::{ChartRange, Series};
use crate::market::{Headline, Quote};

/// The file's layout version. A file from a newer chiptape is set aside, not misread.
pub const SCHEMA: u32 = 1;

/// A cache larger than this is a bug somewhere: the oldest headlines go until it fits.
pub const MAX_BYTES: usize = 4 * 1024 * 1024;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Contents {
    pub schema: u32,
    pub saved_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub quotes: Vec<CachedQuote>,
    /// Newest first, as shown. Kept in the news file; read from `cache.json` too, where caches
    /// written before the split kept them.
    #[serde(default, skip_serializing)]
    pub headlines: Vec<Headline>,
    /// Ids of the headlines read.
    #[serde(default, skip_serializing)]
    pub read: Vec<String>,
    #[serde(default)]
    pub series: Vec<CachedSeries>,
    /// Alerts that fired and whose condition still held (by alert key): not fired again at start.
    #[serde(default)]
    pub alerts_fired: Vec<String>,
    /// The alert log, oldest first.
    #[serde(default)]
    pub alert_log: Vec<Fired>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CachedQuote {
    #[serde(flatten)]
    pub quote: Quote,
    /// Not part of a quote's JSON contract, so kept beside it.
    pub year_high: Option<f64>,
    pub year_low: Option<f64>,
    /// When it was fetched: its age is shown until it is refreshed.
    pub fetched: DateTime<Utc>,
}

impl CachedQuote {
    pub fn new(quote: &Quote, fetched: DateTime<Utc>) -> CachedQuote {
        let (year_high, year_low) = (quote.year_high, quote.year_low);
        CachedQuote {
            quote: Quote { year_high: None, year_low: None, ..quote.clone() },
            year_high,
            year_low,
            fetched,
        }
    }

    pub fn into_quote(self) -> Quote {
        Quote { year_high: self.year_high, year_low: self.year_low, ..self.quote }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CachedSeries {
    pub range: ChartRange,
    pub fetched: DateTime<Utc>,
    pub series: Series,
}

/// What the news file holds: the headlines, newest first, and the ids of those read.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Stories {
    pub schema: u32,
    pub saved_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub headlines: Vec<Headline>,
    #[serde(default)]
    pub read: Vec<String>,
}

/// Why a file was not used.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("cannot read it: {0}")]
    Read(std::io::Error),
    #[error("it is empty")]
    Empty,
    #[error("it is not a chiptape cache ({0})")]
    Corrupt(serde_json::Error),
    #[error("it is from a newer chiptape (layout {0}, this one reads {SCHEMA})")]
    Future(u32),
}

/// Where the cache lives; `None` when the user has no data directory.
#[derive(Debug, Clone)]
pub struct Cache {
    path: PathBuf,
}

impl Cache {
    pub fn at(path: PathBuf) -> Cache {
        Cache { path }
    }

    /// `cache.json` in the data dir (Linux: `~/.local/share/chiptape/`).
    pub fn default_location() -> Option<Cache> {
        directories::ProjectDirs::from("", "", "chiptape").map(|d| Cache::at(d.data_dir().join("cache.json")))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Where the headlines are kept: beside the cache, `cache.news.json`.
    pub fn news_path(&self) -> PathBuf {
        self.path.with_extension("news.json")
    }

    /// The cached contents, or none. A file that exists but cannot be used is renamed `*.bad` (one
    /// log line) so the next start is clean, and so nothing of it is lost for a bug report.
    pub fn load(&self) -> Contents {
        let mut contents: Contents = load_file(&self.path).unwrap_or_default();
        if let Some(mut stories) = load_file::<Stories>(&self.news_path()) {
            // Read item by item, the list doubled as it grew: 5,000 headlines sat in room for
            // 8,192, a megabyte held all day for nothing.
            stories.headlines.shrink_to_fit();
            contents.headlines = stories.headlines;
            contents.read = stories.read;
        }
        contents
    }

    /// `cache.json` alone: the quotes, series and alerts, without the headlines' file (megabytes a
    /// caller that wants prices only would parse for nothing). Set aside when unusable, as `load`.
    pub fn load_prices(&self) -> Contents {
        load_file(&self.path).unwrap_or_default()
    }

    /// Write `contents` atomically, owner-only, within `MAX_BYTES` a file (oldest headlines dropped to
    /// fit). Blocking: call it off the async workers.
    pub fn save(&self, contents: &Contents) -> std::io::Result<()> {
        self.save_prices(contents)?;
        self.save_news(&Stories {
            schema: SCHEMA,
            saved_at: contents.saved_at,
            headlines: contents.headlines.clone(),
            read: contents.read.clone(),
        })
    }

    /// Write `cache.json`: everything but the headlines and read marks.
    pub fn save_prices(&self, contents: &Contents) -> std::io::Result<()> {
        let mut bytes = serde_json::to_vec(contents).map_err(std::io::Error::other)?;
        if bytes.len() > MAX_BYTES {
            let c = Contents { series: Vec::new(), ..contents.clone() };
            bytes = serde_json::to_vec(&c).map_err(std::io::Error::other)?;
        }
        write(&self.path, &bytes)
    }

    /// Write the news file, halving the headlines kept (and the read marks with them) until it fits.
    pub fn save_news(&self, stories: &Stories) -> std::io::Result<()> {
        #[derive(Serialize)]
        struct Out<'a> {
            schema: u32,
            saved_at: Option<DateTime<Utc>>,
            headlines: &'a [Headline],
            read: Vec<&'a str>,
        }
        let mut kept = stories.headlines.len();
        loop {
            let headlines = &stories.headlines[..kept];
            let read = if kept == stories.headlines.len() {
                stories.read.iter().map(String::as_str).collect()
            } else {
                let ids: std::collections::HashSet<&str> = headlines.iter().map(|h| h.id.as_str()).collect();
                stories.read.iter().map(String::as_str).filter(|id| ids.contains(id)).collect()
            };
            let out = Out { schema: SCHEMA, saved_at: stories.saved_at, headlines, read };
            let bytes = serde_json::to_vec(&out).map_err(std::io::Error::other)?;
            if bytes.len() <= MAX_BYTES || kept == 0 {
                return write(&self.news_path(), &bytes);
            }
            kept /= 2;
        }
    }
}

fn write(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    super::atomic::write_private(path, bytes)
}

/// One of the cache's files, or none when it is missing or cannot be used (then set aside).
fn load_file<T: serde::de::DeserializeOwned + Versioned>(path: &Path) -> Option<T> {
    match read(path) {
        Ok(found) => found,
        Err(e) => {
            let bad = path.with_extension(match path.extension().and_then(|e| e.to_str()) {
                Some(ext) => format!("{ext}.bad"),
                None => "bad".into(),
            });
            let moved = std::fs::rename(path, &bad);
            tracing::warn!(path = %path.display(), error = %e, set_aside = moved.is_ok(), "cache not used");
            None
        }
    }
}

/// A cache file's own layout version.
trait Versioned {
    fn schema(&self) -> u32;
}

impl Versioned for Contents {
    fn schema(&self) -> u32 {
        self.schema
    }
}

impl Versioned for Stories {
    fn schema(&self) -> u32 {
        self.schema
    }
}

fn read<T: serde::de::DeserializeOwned + Versioned>(path: &Path) -> Result<Option<T>, LoadError> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(LoadError::Read(e)),
    };
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(LoadError::Empty);
    }
    // Parsed once; only a file that does not fit is asked for its version, to say why.
    let future = |schema: u32| (schema > SCHEMA).then_some(LoadError::Future(schema));
    match serde_json::from_slice::<T>(&bytes) {
        Ok(c) => future(c.schema()).map_or(Ok(Some(c)), Err),
        Err(e) => {
            #[derive(Deserialize)]
            struct Version {
                schema: u32,
            }
            let v = serde_json::from_slice::<Version>(&bytes).ok();
            Err(v.and_then(|v| future(v.schema)).unwrap_or(LoadError::Corrupt(e)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::market::{MarketState, Symbol};

    fn t(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn headline(i: usize, title_len: usize) -> Headline {
        let title = format!("Story {i} {}", "x".repeat(title_len));
        let link = format!("https://wire.example/{i}");
        Headline {
            id: crate::market::news::identity(&link, &title),
            title,
            link,
            source: "Wire".into(),
            published: Some(t("2026-11-24T10:00:00Z")),
            symbols: vec![Symbol::parse("NVDA").unwrap()],
            feed: "Wire".into(),
            also_in: vec!["Other".into()],
            feed_id: String::new(),
            also_in_ids: vec![],
            summary: Some("s".repeat(title_len)),
            guid: Some(format!("g{i}")),
            kind: crate::market::HeadlineKind::News,
            form: None,
        }
    }

    fn sample() -> Contents {
        let nvda = Symbol::parse("NVDA").unwrap();
        let quote = Quote {
            symbol: nvda.clone(),
            name: Some("NVIDIA".into()),
            price: Some(181.25),
            change: Some(-1.5),
            market_state: MarketState::Regular,
            time: Some(t("2026-11-24T15:00:00Z")),
            delay_min: 0,
            year_high: Some(212.0),
            year_low: Some(86.6),
            events: crate::market::events::Events {
                earnings: Some(t("2026-11-26T21:20:00Z")),
                earnings_estimate: Some(false),
                ex_dividend: chrono::NaiveDate::from_ymd_opt(2026, 12, 4),
                ..Default::default()
            },
            ..Quote::default()
        };
        let mut filing = headline(2, 10);
        (filing.kind, filing.form) = (crate::market::HeadlineKind::Filing, Some("公告".into()));
        let headlines = vec![headline(1, 10), filing];
        let series = Series {
            symbol: nvda,
            points: vec![(t("2026-11-24T14:30:00Z"), 180.0), (t("2026-11-24T14:35:00Z"), 181.25)],
            previous_close: Some(182.75),
            currency: Some("USD".into()),
        };
        Contents {
            schema: SCHEMA,
            saved_at: Some(t("2026-11-24T15:00:05Z")),
            quotes: vec![CachedQuote::new(&quote, t("2026-11-24T15:00:01Z"))],
            read: vec![headlines[1].id.clone()],
            headlines,
            series: vec![CachedSeries { range: ChartRange::D1, fetched: t("2026-11-24T15:00:02Z"), series }],
            alerts_fired: vec!["NVDA below 200".into()],
            alert_log: vec![Fired {
                at: t("2026-11-24T14:59:00Z"),
                symbol: Some(Symbol::parse("NVDA").unwrap()),
                what: "below 200.00".into(),
                level: None,
                price: Some(181.25),
                headline: None,
            }],
        }
    }

    /// A cache written before quotes carried event dates loads, with none known.
    #[test]
    fn a_quote_cached_without_events_loads() {
        let mut v = serde_json::to_value(sample()).unwrap();
        v["quotes"][0].as_object_mut().unwrap().remove("events").expect("written with events");
        let back: Contents = serde_json::from_value(v).unwrap();
        assert_eq!(back.quotes[0].quote.events, crate::market::events::Events::default());
        assert_eq!(back.quotes[0].quote.price, Some(181.25));
    }

    #[test]
    fn round_trip_owner_only() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::at(dir.path().join("deep/cache.json"));
        assert_eq!(cache.load(), Contents::default(), "no file: nothing, no error");
        cache.save(&sample()).unwrap();
        let back = cache.load();
        assert_eq!(back, sample());
        assert_eq!(back.quotes[0].clone().into_quote().year_high, Some(212.0));
        assert!(back.quotes[0].quote.events.ex_dividend.is_some(), "the event dates are kept");
        let filing = &back.headlines[1];
        assert_eq!(
            (filing.kind, filing.form.as_deref()),
            (crate::market::HeadlineKind::Filing, Some("公告")),
            "official items come back as such at start"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(cache.path()).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
    }

    /// The prices alone: the news file is not read.
    #[test]
    fn prices_load_without_the_headlines() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::at(dir.path().join("cache.json"));
        assert_eq!(cache.load_prices(), Contents::default());
        cache.save(&sample()).unwrap();
        let prices = cache.load_prices();
        assert_eq!(prices, Contents { headlines: Vec::new(), read: Vec::new(), ..sample() });
    }

    /// Corrupt, cut short, empty, from a newer chiptape, or not even text: set aside as `*.bad`,
    /// and the start is clean.
    #[test]
    fn unusable_files_are_set_aside() {
        let good = serde_json::to_string(&sample()).unwrap();
        let future = good.replacen(&format!("\"schema\":{SCHEMA}"), "\"schema\":99", 1);
        assert_ne!(future, good);
        for (what, bytes) in [
            ("corrupt", b"{\"schema\":1,\"quotes\":[{]".to_vec()),
            ("truncated", good.as_bytes()[..good.len() / 2].to_vec()),
            ("empty", Vec::new()),
            ("blank", b"  \n".to_vec()),
            ("future", future.into_bytes()),
            ("binary", vec![0xff, 0x00, 0x13, 0x37]),
            ("a bad symbol", good.replace("\"NVDA\"", "\"NV DA!\"").into_bytes()),
        ] {
            let dir = tempfile::tempdir().unwrap();
            let cache = Cache::at(dir.path().join("cache.json"));
            std::fs::write(cache.path(), &bytes).unwrap();
            assert_eq!(cache.load(), Contents::default(), "{what}");
            assert!(!cache.path().exists(), "{what}: moved away");
            assert_eq!(
                std::fs::read(dir.path().join("cache.json.bad")).unwrap(),
                bytes,
                "{what}: kept as .bad"
            );
            cache.save(&sample()).unwrap();
            assert_eq!(cache.load(), sample(), "{what}: the next save starts clean");
        }
    }

    /// A crash between writing the new file and renaming it over the old: the old cache stays whole,
    /// and the stray temporary file does not get in the way.
    #[test]
    fn a_crash_before_the_rename_leaves_the_old_cache() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::at(dir.path().join("cache.json"));
        cache.save(&sample()).unwrap();
        std::fs::write(dir.path().join(".cache.json.tmp999.0000beef"), b"{\"schema\":1,\"quo").unwrap();
        let mut refused = |_: &Path| Ok(false);
        let wrote = crate::store::atomic::write_atomic_if(cache.path(), b"{}", &mut refused).unwrap();
        assert!(!wrote);
        assert_eq!(cache.load(), sample());
    }

    /// Two instances saving at once: last writer wins, never a torn file.
    #[test]
    fn two_writers_never_tear_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::at(dir.path().join("cache.json"));
        let a = sample();
        let mut b = sample();
        b.headlines = (0..300).map(|i| headline(i, 200)).collect();
        // Both files exist from the start: each file is whole at every moment, and the two (prices,
        // headlines) are each one writer's.
        cache.save(&a).unwrap();
        std::thread::scope(|s| {
            for c in [&a, &b] {
                let cache = cache.clone();
                s.spawn(move || {
                    for _ in 0..25 {
                        cache.save(c).unwrap();
                    }
                });
            }
            s.spawn(|| {
                for _ in 0..200 {
                    let got = cache.load();
                    assert!(got == a || got == b, "a torn or mixed file");
                }
            });
        });
        let last = cache.load();
        assert!(last == a || last == b);
        assert!(!dir.path().join("cache.json.bad").exists(), "nothing was ever unreadable");
    }

    /// A cache written before the headlines had their own file still gives them; the next save moves
    /// them out of `cache.json`.
    #[test]
    fn a_cache_from_before_the_split_keeps_its_headlines() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::at(dir.path().join("cache.json"));
        let mut old = serde_json::to_value(sample()).unwrap();
        old["headlines"] = serde_json::to_value(&sample().headlines).unwrap();
        old["read"] = serde_json::to_value(&sample().read).unwrap();
        std::fs::write(cache.path(), serde_json::to_vec(&old).unwrap()).unwrap();
        assert_eq!(cache.load(), sample());
        cache.save(&cache.load()).unwrap();
        let prices = std::fs::read_to_string(cache.path()).unwrap();
        assert!(!prices.contains("Story 1"), "{prices}");
        assert_eq!(cache.load(), sample());
    }

    /// Writing the prices leaves the news file alone, and a damaged news file costs only the
    /// headlines: the prices still load.
    #[test]
    fn the_two_files_are_written_and_lost_apart() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::at(dir.path().join("cache.json"));
        cache.save(&sample()).unwrap();
        let news_before = std::fs::read(cache.news_path()).unwrap();
        let mut later = sample();
        later.quotes[0].quote.price = Some(190.0);
        later.headlines.clear();
        cache.save_prices(&later).unwrap();
        assert_eq!(std::fs::read(cache.news_path()).unwrap(), news_before, "news file untouched");
        let back = cache.load();
        assert_eq!(back.quotes[0].quote.price, Some(190.0));
        assert_eq!(back.headlines, sample().headlines);

        std::fs::write(cache.news_path(), b"{\"schema\":1,\"headlines\":[{").unwrap();
        let back = cache.load();
        assert_eq!(back.quotes, later.quotes, "prices kept");
        assert!(back.headlines.is_empty() && back.read.is_empty());
        assert!(dir.path().join("cache.news.json.bad").exists(), "set aside");
    }

    /// 5,000 long headlines (the largest `news.max_items`) still make a cache of at most a few MB.
    #[test]
    fn the_size_is_bounded() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::at(dir.path().join("cache.json"));
        let mut big = sample();
        big.headlines = (0..5000).map(|i| headline(i, 600)).collect();
        big.read = big.headlines.iter().map(|h| h.id.clone()).collect();
        cache.save(&big).unwrap();
        for path in [cache.path().to_path_buf(), cache.news_path()] {
            let len = std::fs::metadata(&path).unwrap().len() as usize;
            assert!(len <= MAX_BYTES, "{}: {len} bytes", path.display());
        }
        let back = cache.load();
        assert!(!back.headlines.is_empty() && back.headlines.len() < 5000);
        assert_eq!(back.headlines[0], big.headlines[0], "the newest are the ones kept");
        assert!(back.read.len() == back.headlines.len(), "read marks only for headlines kept");
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(128))]
        /// Any bytes, or a real cache cut anywhere or with one byte changed: loaded or set aside,
        /// never a panic.
        #[test]
        fn any_cache_file(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..256), cut in 0usize..4096, flip in 0usize..4096, to in proptest::prelude::any::<u8>()) {
            let dir = tempfile::tempdir().unwrap();
            let cache = Cache::at(dir.path().join("cache.json"));
            std::fs::write(cache.path(), &bytes).unwrap();
            let _ = cache.load();
            let mut good = serde_json::to_vec(&sample()).unwrap();
            let n = good.len();
            good[flip % n] = to;
            std::fs::write(cache.path(), &good[..cut % (n + 1)]).unwrap();
            let _ = cache.load();
        }
    }
}
