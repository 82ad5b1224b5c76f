//! A simulated market: deterministic for a seed and an instant, moving only while exchanges trade.
//!
//! Prices are a smooth function of time (a few seeded waves), read at the last instant the symbol's
//! regular session was open, so a closed market stands still and reopens with a gap, as real ones do.

pub mod catalog;
mod events;

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use futures::future::BoxFuture;

use self::catalog::{CATALOG, USD_PER};
use tokio::sync::{mpsc, watch};
use tokio::time::{Instant, sleep_until};

use super::{ChartSource, NewsBatch, NewsSource, ProviderError, QuoteSource, StreamSource};
use crate::config::Config;
use crate::market::calendar::Calendar;
use crate::market::clock::Clock;
use crate::market::exchange::{SessionState, exchange_for};
use crate::market::series::{ChartRange, Series};
use crate::market::stream::{StreamEvent, Tick};
use crate::market::tags::Tagger;
use crate::market::{Headline, MarketState, PriceSource, Quote, QuoteOutcome, Symbol};

pub struct DemoMarket {
    seed: u64,
    clock: Arc<dyn Clock>,
    companies: Vec<Company>,
    tagger: Tagger,
    calendar: Calendar,
    mainland_real_time: bool,
    /// The config's symbols when the market was made: with the catalogue, what it lists.
    listed: Vec<Symbol>,
}

struct Company {
    name: String,
    chinese: Option<String>,
}

/// SplitMix64: a stable hash, so the same seed gives the same market on every machine and version.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn hash_str(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ b as u64).wrapping_mul(0x100_0000_01b3))
}

/// A number in [0, 1) from a hash.
fn unit(h: u64) -> f64 {
    (h >> 11) as f64 / (1u64 << 53) as f64
}

fn is_cjk_text(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

struct Profile {
    price: f64,
    currency: &'static str,
    volume: f64,
    market_cap: Option<f64>,
}

impl DemoMarket {
    pub fn new(seed: u64, clock: Arc<dyn Clock>, config: &Config) -> DemoMarket {
        let mut companies: Vec<Company> = Vec::new();
        for sym in config.all_symbols() {
            let meta = config.symbols.get(&sym);
            let name = meta
                .and_then(|m| m.aliases.iter().find(|a| !is_cjk_text(a)).cloned())
                .or_else(|| config.name_of(&sym).map(str::to_string))
                .unwrap_or_else(|| sym.to_string());
            let chinese = meta.and_then(|m| m.aliases.iter().find(|a| is_cjk_text(a)).cloned());
            if !companies.iter().any(|c| c.name == name) {
                companies.push(Company { name, chinese });
            }
        }
        DemoMarket {
            seed,
            clock,
            companies,
            tagger: config.tagger(),
            calendar: config.calendar.clone(),
            mainland_real_time: config.provider.mainland == crate::config::Mainland::Tencent,
            listed: config.all_symbols(),
        }
    }

    /// A code the demo lists: its catalogue, the config's symbols and exchange rates. Any other is
    /// refused as a real source refuses a code that does not exist, so `a` behaves as it will.
    fn lists(&self, sym: &Symbol) -> bool {
        CATALOG.iter().any(|e| e.symbol == sym.as_str())
            || self.listed.contains(sym)
            || sym.as_str().ends_with("=X")
    }

    fn profile(&self, sym: &Symbol) -> Profile {
        if let Some(e) = CATALOG.iter().find(|e| e.symbol == sym.as_str()) {
            return Profile {
                price: e.price,
                currency: e.currency,
                volume: e.volume,
                market_cap: Some(e.market_cap),
            };
        }
        let h = mix(hash_str(sym.as_str()));
        let currency = crate::market::portfolio::listing_currency(sym).unwrap_or("USD");
        let price = 5.0 * (100f64).powf(unit(h));
        Profile { price, currency, volume: 1e6 + 2e7 * unit(mix(h)), market_cap: None }
    }

    /// The log-price offset at instant `t`: a few seeded waves from days down to minutes.
    fn wave(&self, sym: &Symbol, t: DateTime<Utc>) -> f64 {
        // Value noise in octaves, from minutes to a year and a half of trading: it wanders like a
        // price instead of repeating like a sine, and any instant costs a few hashes.
        const OCTAVES: [(f64, f64); 7] = [
            (400.0 * 23_400.0, 0.22),
            (60.0 * 23_400.0, 0.09),
            (9.0 * 86_400.0, 0.035),
            (2.3 * 86_400.0, 0.01),
            (3.0 * 3600.0, 0.005),
            (1400.0, 0.002),
            (240.0, 0.0008),
        ];
        let x = trading_seconds(t) as f64;
        let base = mix(self.seed ^ hash_str(sym.as_str()));
        OCTAVES
            .iter()
            .enumerate()
            .map(|(i, (period, amp))| {
                let h = mix(base.wrapping_add(i as u64));
                let u = x / period + unit(h) * 1000.0;
                let k = u.floor();
                let f = u - k;
                let knot = |n: f64| 2.0 * unit(mix(h ^ (n as i64 as u64).wrapping_mul(0x9E37_79B9))) - 1.0;
                let (a, b) = (knot(k), knot(k + 1.0));
                let smooth = f * f * (3.0 - 2.0 * f);
                amp * (a + (b - a) * smooth)
            })
            .sum()
    }

    fn price_at(&self, sym: &Symbol, base: f64, t: DateTime<Utc>) -> f64 {
        round_price(base * self.wave(sym, t).exp())
    }

    fn fx(&self, sym: &Symbol, now: DateTime<Utc>) -> Option<Quote> {
        let pair = sym.as_str().strip_suffix("=X")?;
        if pair.len() != 6 {
            return None;
        }
        let rate = |c: &str| USD_PER.iter().find(|(k, _)| *k == c).map(|(_, v)| *v);
        let (from, to) = (rate(&pair[..3])?, rate(&pair[3..])?);
        let mid = from / to;
        let price = mid * (1.0 + 0.2 * self.wave(sym, now) / 10.0);
        Some(Quote {
            symbol: sym.clone(),
            name: Some(format!("{}/{}", &pair[..3], &pair[3..])),
            currency: Some(pair[3..].to_string()),
            price: Some(price),
            change: Some(0.0),
            change_pct: Some(0.0),
            previous_close: Some(price),
            market_state: MarketState::Regular,
            exchange: Some("FX".to_string()),
            time: Some(now),
            ..Quote::default()
        })
    }

    pub fn quote(&self, sym: &Symbol, now: DateTime<Utc>) -> Quote {
        if let Some(q) = self.fx(sym, now) {
            return q;
        }
        let ex = exchange_for(sym.as_str());
        let cal = &self.calendar;
        let prof = self.profile(sym);
        let t = ex.clamp_to_regular(now, cal);
        let price = self.price_at(sym, prof.price, t);
        let date = ex.trading_date(now, cal);
        let sessions = ex.regular_sessions_on(date, cal);
        let prev_sessions = ex.regular_sessions_on(ex.previous_trading_date(date, cal), cal);
        let previous_close = prev_sessions.last().map(|(_, end)| self.price_at(sym, prof.price, *end));
        let (open, high, low, volume) = match sessions.first() {
            Some((start, _)) if *start <= t => {
                let open = self.price_at(sym, prof.price, *start);
                let (mut hi, mut lo) = (open.max(price), open.min(price));
                let mut s = *start;
                while s < t {
                    if ex.state_at(s, cal) == SessionState::Open {
                        let p = self.price_at(sym, prof.price, s);
                        hi = hi.max(p);
                        lo = lo.min(p);
                    }
                    s += Duration::minutes(5);
                }
                let total: i64 = sessions.iter().map(|(a, b)| (*b - *a).num_seconds()).sum();
                let done: i64 = sessions.iter().map(|(a, b)| (t.min(*b) - *a).num_seconds().max(0)).sum();
                let frac = done as f64 / total.max(1) as f64;
                let day_h = mix(self.seed ^ hash_str(sym.as_str()) ^ hash_str(&date.to_string()));
                let day_factor = 0.7 + 0.6 * unit(day_h);
                (Some(open), Some(hi), Some(lo), Some((prof.volume * day_factor * frac) as u64))
            }
            _ => (None, None, None, None),
        };
        let change = previous_close.map(|pc| round4(price - pc));
        let change_pct = previous_close.filter(|pc| *pc != 0.0).map(|pc| round4((price - pc) / pc * 100.0));
        let state = ex.state_at(now, cal);
        let (extended_price, extended_change_pct) = match state {
            SessionState::Pre | SessionState::Post => {
                let drift = 0.15 * (self.wave(sym, now) - self.wave(sym, t));
                let ext = round_price(price * drift.exp());
                (Some(ext), Some(round4((ext - price) / price * 100.0)))
            }
            _ => (None, None),
        };
        // As the real sources: Hong Kong delayed everywhere, the mainland real time from Tencent.
        let delay_min = match sym.suffix() {
            Some("HK") => 15,
            Some("SS" | "SZ") if !self.mainland_real_time => 15,
            _ => 0,
        };
        // The 52-week range from the same daily closes the 1Y chart shows, so the two agree.
        let (y_lo, y_hi) = self.series(sym, ChartRange::Y1, now).min_max().unwrap_or((price, price));
        let year_hi = y_hi.max(high.unwrap_or(price)).max(price);
        let year_lo = y_lo.min(low.unwrap_or(price)).min(price);
        // The mainland's daily limits, as Tencent gives them for every A share.
        let limits = match sym.as_str().split_once('.') {
            Some((code, "SS" | "SZ")) => {
                previous_close.map(|pc| crate::market::limits::board_limits(code, pc))
            }
            _ => None,
        };
        Quote {
            symbol: sym.clone(),
            name: None,
            name_zh: None,
            currency: Some(prof.currency.to_string()),
            price: Some(price),
            change,
            change_pct,
            previous_close,
            open,
            day_high: high,
            day_low: low,
            volume,
            market_cap: prof.market_cap.map(|m| (m * price / prof.price).round()),
            market_state: MarketState::from_session(state),
            exchange: Some(ex.code.to_string()),
            time: Some(t),
            extended_price,
            extended_change_pct,
            delay_min,
            source: PriceSource::Demo,
            events: events::events(sym, ex.tz, now),
            year_high: Some(round_price(year_hi)),
            year_low: Some(round_price(year_lo)),
            limit_up: limits.map(|l| l.0),
            limit_down: limits.map(|l| l.1),
            halted: false,
        }
    }

    /// The last `n` trading dates up to the one in progress at `now`, oldest first.
    fn trading_dates(
        ex: &crate::market::exchange::Exchange,
        cal: &Calendar,
        now: DateTime<Utc>,
        n: usize,
    ) -> Vec<chrono::NaiveDate> {
        let mut d = ex.trading_date(now, cal);
        let mut out = vec![d];
        while out.len() < n {
            d = ex.previous_trading_date(d, cal);
            out.push(d);
        }
        out.reverse();
        out
    }

    /// A series consistent with `quote`: the same price function, sampled over the range.
    pub fn series(&self, sym: &Symbol, range: ChartRange, now: DateTime<Utc>) -> Series {
        let ex = exchange_for(sym.as_str());
        let cal = &self.calendar;
        let prof = self.profile(sym);
        let base = prof.price;
        let at = |t: DateTime<Utc>| self.price_at(sym, base, t);
        let mut points: Vec<(DateTime<Utc>, f64)> = Vec::new();
        let intraday =
            |dates: &[chrono::NaiveDate], step: Duration, points: &mut Vec<(DateTime<Utc>, f64)>| {
                for d in dates {
                    for (a, b) in ex.regular_sessions_on(*d, cal) {
                        let mut t = a;
                        while t <= b && t <= now {
                            points.push((t, at(t)));
                            t += step;
                        }
                    }
                }
            };
        let closes = |dates: &[chrono::NaiveDate], points: &mut Vec<(DateTime<Utc>, f64)>| {
            for d in dates {
                if let Some((_, end)) = ex.regular_sessions_on(*d, cal).last() {
                    let t = (*end).min(ex.clamp_to_regular(now, cal));
                    points.push((t, at(t)));
                }
            }
        };
        let dates: Vec<chrono::NaiveDate> = match range {
            ChartRange::D1 => Self::trading_dates(ex, cal, now, 1),
            ChartRange::D5 => Self::trading_dates(ex, cal, now, 5),
            ChartRange::M1 => Self::trading_dates(ex, cal, now, 22),
            ChartRange::M6 => Self::trading_dates(ex, cal, now, 126),
            ChartRange::Ytd => {
                let mut d = Self::trading_dates(ex, cal, now, 260);
                let year = d.last().map(chrono::Datelike::year);
                d.retain(|d| Some(chrono::Datelike::year(d)) == year);
                d
            }
            ChartRange::Y1 => Self::trading_dates(ex, cal, now, 252),
            // Weekly, counted back from today so the last bar is today's.
            ChartRange::Y5 => {
                let mut w: Vec<_> =
                    Self::trading_dates(ex, cal, now, 1260).into_iter().rev().step_by(5).collect();
                w.reverse();
                w
            }
        };
        match range {
            ChartRange::D1 => {
                let sessions = ex.regular_sessions_on(dates[0], cal);
                let us = sym.suffix().is_none();
                // New York trades before and after the bell: a little drift around the regular price.
                let ext = |t: DateTime<Utc>| {
                    let c = ex.clamp_to_regular(t, cal);
                    round_price(at(c) * (0.15 * (self.wave(sym, t) - self.wave(sym, c))).exp())
                };
                if let (true, Some((open, _))) = (us, sessions.first()) {
                    let mut t = *open - Duration::minutes(330);
                    while t < *open && t <= now {
                        points.push((t, ext(t)));
                        t += Duration::minutes(5);
                    }
                }
                intraday(&dates, Duration::minutes(5), &mut points);
                if let (true, Some((_, close))) = (us, sessions.last()) {
                    let mut t = *close + Duration::minutes(5);
                    while t <= *close + Duration::hours(4) && t <= now {
                        points.push((t, ext(t)));
                        t += Duration::minutes(5);
                    }
                }
            }
            ChartRange::D5 => intraday(&dates, Duration::minutes(15), &mut points),
            ChartRange::M1 => intraday(&dates, Duration::hours(1), &mut points),
            _ => closes(&dates, &mut points),
        }
        // Bars fall on the step; the latest price is a point of its own, so chart and quote agree.
        if range.intraday() && range != ChartRange::D1 || (range == ChartRange::D1 && sym.suffix().is_some())
        {
            let c = ex.clamp_to_regular(now, cal);
            if points.last().is_some_and(|(t, _)| *t < c)
                && ex.trading_date(c, cal) == ex.trading_date(now, cal)
            {
                points.push((c, at(c)));
            }
        }
        let before = ex.previous_trading_date(dates[0], cal);
        let previous_close = ex.regular_sessions_on(before, cal).last().map(|(_, end)| at(*end));
        Series { symbol: sym.clone(), points, previous_close, currency: Some(prof.currency.to_string()) }
    }

    /// Headlines published up to `now`: one every ~20 minutes, naming watchlist companies.
    pub fn news(&self, now: DateTime<Utc>) -> Vec<Headline> {
        const SLOT: i64 = 1200;
        if self.companies.is_empty() {
            return Vec::new();
        }
        let last = now.timestamp().div_euclid(SLOT);
        let mut out = Vec::new();
        for n in (last - 60..=last).rev() {
            let h = mix(self.seed.wrapping_mul(31) ^ n as u64);
            let published = DateTime::from_timestamp(n * SLOT + (unit(h) * SLOT as f64 * 0.9) as i64, 0);
            let Some(published) = published.filter(|p| *p <= now) else { continue };
            let n_co = self.companies.len() as u64;
            let first = mix(h) % n_co;
            let company = &self.companies[first as usize];
            // Another company than the first, where there is one.
            let other =
                &self.companies[((first + 1 + mix(h ^ 7) % n_co.saturating_sub(1).max(1)) % n_co) as usize];
            let pick = mix(h ^ 3);
            let (title, source) = match (&company.chinese, pick % 4) {
                (Some(cn), 0) => {
                    let t = ZH_TEMPLATES[(pick / 4 % ZH_TEMPLATES.len() as u64) as usize];
                    (t.replace("{c}", cn), ZH_SOURCES[(pick / 7 % ZH_SOURCES.len() as u64) as usize])
                }
                _ => {
                    let t = EN_TEMPLATES[(pick / 4 % EN_TEMPLATES.len() as u64) as usize];
                    (
                        t.replace("{c}", &company.name).replace("{o}", &other.name),
                        EN_SOURCES[(pick / 7 % EN_SOURCES.len() as u64) as usize],
                    )
                }
            };
            let summary = format!("{} — simulated headline from the chiptape demo market.", title);
            let symbols = self.tagger.tag(&[&title]);
            let link = format!("https://example.com/news/{}-{n}", self.seed);
            out.push(Headline {
                id: crate::market::news::identity(&link, &title),
                also_in: Vec::new(),
                feed_id: "demo".to_string(),
                also_in_ids: vec![],
                link,
                title,
                source: source.to_string(),
                published: Some(published),
                symbols,
                feed: "demo".to_string(),
                summary: Some(summary),
                guid: None,
                kind: crate::market::HeadlineKind::News,
                form: None,
            });
        }
        out
    }
}

/// Seconds since the epoch with weekends cut out, so Monday's price follows Friday's as a weekday
/// follows a weekday, not three days of drift later. Day 0 (1970-01-01) was a Thursday.
fn trading_seconds(t: DateTime<Utc>) -> i64 {
    let days = t.timestamp().div_euclid(86_400);
    let (weeks, rem) = (days.div_euclid(7), days.rem_euclid(7));
    let weekend_days = 2 * weeks + i64::from(rem > 2) + i64::from(rem > 3);
    t.timestamp() - weekend_days * 86_400
}

fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

fn round_price(p: f64) -> f64 {
    let step = if p < 1.0 { 1000.0 } else { 100.0 };
    (p * step).round() / step
}

const EN_TEMPLATES: &[&str] = &[
    "{c} shares jump as AI chip demand outruns supply",
    "{c} slides after new US export controls on advanced chips",
    "Analysts raise {c} targets on AI data-centre spending",
    "{c} and {o} race to secure 7nm capacity",
    "{c} reports record quarter as AI accelerator sales surge",
    "DeepSeek's new model runs on {c} hardware, company says",
    "{c} wins Qwen training contract, sources say",
    "Beijing urges data centres to favour {c} chips over imports",
    "{c} guides higher on cloud AI demand; {o} dips",
    "Short sellers circle {c} after rally",
];

const ZH_TEMPLATES: &[&str] = &[
    "{c}股价大涨，AI算力需求强劲",
    "美国出口管制升级，{c}回应称供应稳定",
    "{c}发布新一代算力芯片",
    "机构上调{c}目标价",
];

const EN_SOURCES: &[&str] =
    &["Reuters", "Bloomberg", "Caixin Global", "SCMP", "Nikkei Asia", "The Information"];
const ZH_SOURCES: &[&str] = &["财新", "新浪财经", "36氪", "第一财经"];

impl QuoteSource for DemoMarket {
    fn quotes<'a>(
        &'a self,
        symbols: &'a [Symbol],
    ) -> BoxFuture<'a, Result<Vec<(Symbol, QuoteOutcome)>, ProviderError>> {
        let now = self.clock.now();
        let outcome = move |s: &Symbol| match self.lists(s) {
            true => Ok(self.quote(s, now)),
            false => Err(crate::market::QuoteError::Unknown(format!("the demo market lists no {s}"))),
        };
        Box::pin(async move { Ok(symbols.iter().map(|s| (s.clone(), outcome(s))).collect()) })
    }

    fn label(&self) -> String {
        "demo".to_string()
    }
}

impl ChartSource for DemoMarket {
    fn series<'a>(
        &'a self,
        symbol: &'a Symbol,
        range: ChartRange,
    ) -> BoxFuture<'a, Result<Series, ProviderError>> {
        let now = self.clock.now();
        Box::pin(async move { Ok(self.series(symbol, range, now)) })
    }
}

impl NewsSource for DemoMarket {
    fn headlines<'a>(&'a self, _symbols: &'a [Symbol]) -> BoxFuture<'a, NewsBatch> {
        let now = self.clock.now();
        Box::pin(async move { NewsBatch { headlines: self.news(now), errors: Vec::new() } })
    }
}

/// While a symbol's exchange is in its regular session it ticks every 1–3 s, through the same
/// path as Yahoo's streamer, so the demo shows live rows.
impl StreamSource for DemoMarket {
    fn run(
        self: Arc<Self>,
        mut symbols: watch::Receiver<Vec<Symbol>>,
        tx: mpsc::Sender<StreamEvent>,
    ) -> BoxFuture<'static, ()> {
        Box::pin(async move {
            let mut rng = fastrand::Rng::with_seed(self.seed);
            let mut gap = move || std::time::Duration::from_millis(rng.u64(1000..=3000));
            let mut list: Vec<(Symbol, Instant)> = Vec::new();
            let mut changed = true;
            loop {
                if changed {
                    let start = Instant::now();
                    list = symbols.borrow_and_update().iter().map(|s| (s.clone(), start + gap())).collect();
                    if tx.send(StreamEvent::Connected { subscribed: list.len() }).await.is_err() {
                        return;
                    }
                }
                let next = list.iter().map(|(_, at)| *at).min();
                tokio::select! {
                    c = symbols.changed() => {
                        if c.is_err() {
                            return;
                        }
                        changed = true;
                    }
                    _ = async { match next { Some(at) => sleep_until(at).await, None => std::future::pending().await } } => {
                        changed = false;
                        let (due, now) = (Instant::now(), self.clock.now());
                        let mut ticks = Vec::new();
                        for (sym, at) in list.iter_mut().filter(|(_, at)| *at <= due) {
                            *at = due + gap();
                            let ex = exchange_for(sym.as_str());
                            if ex.state_at(now, &self.calendar) != SessionState::Open {
                                // Closed: look again when its session next changes, not every few
                                // seconds (an idle pane must not wake for nothing).
                                let wait = (ex.next_change(now, &self.calendar) - now).to_std().unwrap_or_default();
                                *at = due + wait.max(gap());
                                continue;
                            }
                            let q = self.quote(sym, now);
                            if let Some(price) = q.price {
                                ticks.push(Tick {
                                    symbol: q.symbol,
                                    price,
                                    time: Some(now),
                                    change: q.change,
                                    change_pct: q.change_pct,
                                    day_high: q.day_high,
                                    day_low: q.day_low,
                                    volume: q.volume,
                                    source: PriceSource::Demo,
                                });
                            }
                        }
                        if !ticks.is_empty() && tx.send(StreamEvent::Ticks(ticks)).await.is_err() {
                            return;
                        }
                    }
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::market::clock::FixedClock;

    fn market(seed: u64) -> DemoMarket {
        let t: DateTime<Utc> = "2026-11-24T15:00:00Z".parse().unwrap();
        DemoMarket::new(seed, Arc::new(FixedClock(t)), &crate::config::builtin())
    }

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    /// A code the demo does not list is refused as a real source refuses it (issue 26, item 6),
    /// so `a` in the demo says "not added" instead of pricing a made-up company.
    #[tokio::test]
    async fn codes_it_does_not_list_are_unknown() {
        let m = market(1);
        let asked = [
            Symbol::parse("NVDA").unwrap(),
            Symbol::parse("ZZZQ").unwrap(),
            Symbol::parse("USDCNY=X").unwrap(),
        ];
        let got = m.quotes(&asked).await.unwrap();
        assert!(got[0].1.is_ok() && got[2].1.is_ok());
        assert!(
            matches!(&got[1].1, Err(crate::market::QuoteError::Unknown(e)) if e.contains("ZZZQ")),
            "{:?}",
            got[1]
        );
    }

    fn sym(s: &str) -> Symbol {
        Symbol::parse(s).unwrap()
    }

    #[test]
    fn deterministic_for_a_seed() {
        let t = at("2026-11-24T15:00:00Z");
        assert_eq!(market(1).quote(&sym("NVDA"), t), market(1).quote(&sym("NVDA"), t));
        assert_ne!(market(1).quote(&sym("NVDA"), t).price, market(2).quote(&sym("NVDA"), t).price);
        assert_eq!(market(1).news(t), market(1).news(t));
    }

    #[test]
    fn moves_only_while_open() {
        let m = market(1);
        // Tuesday 15:00 UTC: New York is open, Hong Kong closed.
        let (a, b) = (at("2026-11-24T15:00:00Z"), at("2026-11-24T15:10:00Z"));
        assert_ne!(m.quote(&sym("NVDA"), a).price, m.quote(&sym("NVDA"), b).price);
        assert_eq!(m.quote(&sym("0981.HK"), a).price, m.quote(&sym("0981.HK"), b).price);
        // Saturday: nothing moves.
        let (s1, s2) = (at("2026-11-28T10:00:00Z"), at("2026-11-28T18:00:00Z"));
        for s in ["NVDA", "0981.HK", "688256.SS"] {
            assert_eq!(m.quote(&sym(s), s1), m.quote(&sym(s), s2), "{s}");
        }
    }

    #[test]
    fn hk_lunch_stands_still() {
        let m = market(3);
        let (a, b) = (at("2026-11-24T04:05:00Z"), at("2026-11-24T04:55:00Z")); // 12:05 and 12:55 HKT
        assert_eq!(m.quote(&sym("0981.HK"), a).price, m.quote(&sym("0981.HK"), b).price);
    }

    #[test]
    fn quote_is_consistent() {
        let m = market(1);
        let q = m.quote(&sym("NVDA"), at("2026-11-24T18:00:00Z"));
        let (p, pc) = (q.price.unwrap(), q.previous_close.unwrap());
        assert!((q.change.unwrap() - (p - pc)).abs() < 1e-9);
        assert!(q.day_low.unwrap() <= p && p <= q.day_high.unwrap());
        assert_eq!(q.currency.as_deref(), Some("USD"));
        assert_eq!(q.market_state, MarketState::Regular);
        assert!(q.volume.unwrap() > 0);
        assert_eq!(m.quote(&sym("0981.HK"), at("2026-11-24T18:00:00Z")).currency.as_deref(), Some("HKD"));
        assert_eq!(m.quote(&sym("0981.HK"), at("2026-11-24T18:00:00Z")).delay_min, 15);
    }

    #[test]
    fn extended_hours_only_in_pre_and_post() {
        let m = market(1);
        let pre = m.quote(&sym("NVDA"), at("2026-11-24T12:00:00Z")); // 07:00 New York
        assert_eq!(pre.market_state, MarketState::Pre);
        assert!(pre.extended_price.is_some());
        let reg = m.quote(&sym("NVDA"), at("2026-11-24T18:00:00Z"));
        assert!(reg.extended_price.is_none());
    }

    #[test]
    fn unknown_symbols_get_a_plausible_price() {
        let q = market(1).quote(&sym("ZZZZ.DE"), at("2026-11-24T10:00:00Z"));
        assert!(q.price.unwrap() > 1.0 && q.price.unwrap() < 1000.0);
        assert_eq!(q.currency.as_deref(), Some("EUR"));
    }

    #[test]
    fn news_names_watchlist_companies_and_is_tagged() {
        let items = market(1).news(at("2026-11-24T15:00:00Z"));
        assert!(items.len() > 40);
        assert!(items.windows(2).all(|w| w[0].published >= w[1].published));
        assert!(items.iter().all(|h| h.link.starts_with("https://example.com/")));
        assert!(items.iter().filter(|h| !h.symbols.is_empty()).count() > items.len() / 2);
        assert!(items.iter().any(|h| is_cjk_text(&h.title)));
        assert!(items.iter().all(|h| h.published.unwrap() <= at("2026-11-24T15:00:00Z")));
    }

    #[test]
    fn series_agree_with_quotes() {
        let m = market(1);
        let t = at("2026-11-24T18:00:00Z");
        for s in ["NVDA", "0981.HK", "688256.SS"] {
            let q = m.quote(&sym(s), t);
            for r in ChartRange::ALL {
                let series = m.series(&sym(s), r, t);
                assert!(series.points.len() >= 5, "{s} {r}: {}", series.points.len());
                assert!(series.points.windows(2).all(|w| w[0].0 < w[1].0), "{s} {r}: time goes forward");
                if r != ChartRange::D1 || s != "NVDA" {
                    assert_eq!(series.last(), q.price, "{s} {r}: ends at the quote's price");
                }
            }
            let d1 = m.series(&sym(s), ChartRange::D1, t);
            assert_eq!(
                d1.previous_close, q.previous_close,
                "{s}: the reference is the quote's previous close"
            );
        }
        // An HK day has a lunch break: no bar between 12:00 and 13:00 local.
        let hk = m.series(&sym("0981.HK"), ChartRange::D1, t);
        assert!(hk.points.iter().all(|(t, _)| {
            let h = t.with_timezone(&chrono_tz::Asia::Hong_Kong).format("%H:%M").to_string();
            !(h.as_str() > "12:00" && h.as_str() < "13:00")
        }));
        // New York 1D has pre-market bars before 09:30.
        let us = m.series(&sym("NVDA"), ChartRange::D1, t);
        let first = us.points[0].0.with_timezone(&chrono_tz::America::New_York).format("%H:%M").to_string();
        assert_eq!(first, "04:00");
    }

    #[test]
    fn fx_pairs_for_totals() {
        let q = market(1).quote(&sym("HKDUSD=X"), at("2026-11-24T15:00:00Z"));
        assert!((q.price.unwrap() - 0.128).abs() < 0.01, "{:?}", q.price);
    }
}
