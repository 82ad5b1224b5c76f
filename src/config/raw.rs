//! The file as written: every key optional, unknown keys refused. Validation happens in `validate`.

use std::collections::BTreeMap;

use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawConfig {
    pub refresh_secs: Option<i64>,
    pub closed_refresh_secs: Option<i64>,
    pub news_refresh_secs: Option<i64>,
    pub base_currency: Option<String>,
    pub alerts_bell: Option<bool>,
    pub alerts_command: Option<Vec<String>>,
    pub mouse: Option<bool>,
    pub discreet: Option<bool>,
    pub provider: Option<RawProvider>,
    pub groups: Option<Vec<RawGroup>>,
    pub symbols: Option<BTreeMap<String, RawSymbolMeta>>,
    pub news: Option<RawNews>,
    pub positions: Option<Vec<RawPosition>>,
    pub alerts: Option<Vec<RawAlert>>,
    pub holidays: Option<Vec<RawHoliday>>,
    pub keys: Option<BTreeMap<String, String>>,
    pub theme: Option<RawTheme>,
    pub filings: Option<RawFilings>,
    pub proxy: Option<RawProxy>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawProvider {
    pub kind: Option<String>,
    pub query_url: Option<String>,
    pub cookie_url: Option<String>,
    pub user_agent: Option<String>,
    pub stream: Option<bool>,
    pub stream_url: Option<String>,
    pub mainland: Option<String>,
    pub tencent_url: Option<String>,
    pub tencent_series_url: Option<String>,
    pub quotes: Option<Vec<String>>,
    pub charts: Option<Vec<String>>,
    pub fallback_secs: Option<i64>,
    pub search: Option<Vec<String>>,
    pub suggest_url: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawGroup {
    pub name: String,
    #[serde(default)]
    pub symbols: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSymbolMeta {
    pub name: Option<String>,
    pub aliases: Option<Vec<String>>,
    pub pair: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawNews {
    pub yahoo_symbols: Option<bool>,
    pub yahoo_rss_url: Option<String>,
    pub max_items: Option<i64>,
    pub highlight: Option<Vec<String>>,
    pub feeds: Option<Vec<RawFeed>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFeed {
    pub name: String,
    pub url: String,
    pub tz: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPosition {
    pub symbol: String,
    pub quantity: f64,
    pub unit_cost: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAlert {
    pub symbol: Option<String>,
    pub above: Option<f64>,
    pub below: Option<f64>,
    pub move_pct: Option<f64>,
    pub keywords: Option<Vec<String>>,
    pub symbols: Option<Vec<String>>,
    pub earnings_within_days: Option<i64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawHoliday {
    pub exchange: String,
    pub date: String,
    pub name: String,
    pub open: Option<String>,
    pub close: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTheme {
    pub name: Option<String>,
    pub convention: Option<String>,
    pub up: Option<String>,
    pub down: Option<String>,
    pub flat: Option<String>,
    pub heat_cap: Option<f64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFilings {
    pub sec: Option<bool>,
    pub sec_user_agent: Option<String>,
    pub federal_register: Option<bool>,
    pub hkex: Option<bool>,
    pub cninfo: Option<bool>,
    pub forms: Option<Vec<String>>,
    pub language: Option<String>,
    pub refresh_secs: Option<i64>,
    pub sec_url: Option<String>,
    pub sec_files_url: Option<String>,
    pub federal_register_url: Option<String>,
    pub hkex_url: Option<String>,
    pub cninfo_url: Option<String>,
}

/// `[proxy]`: a URL or "direct" per source.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawProxy {
    pub yahoo: Option<String>,
    pub tencent: Option<String>,
    pub feeds: Option<String>,
    pub search: Option<String>,
    pub filings: Option<String>,
}
