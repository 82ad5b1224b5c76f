//! `/v1/finance/search`: Yahoo's lookup by name or code. No cookie or crumb: a plain GET.
//!
//! The answer holds `quotes[]` (`symbol, shortname, longname, exchange, exchDisp, quoteType`),
//! listings and, mixed in, entries that are no listing at all (`"isYahooFinance": false`, without a
//! `symbol`): those are skipped, as are options.

use futures::future::BoxFuture;
use serde::Deserialize;

use crate::market::Symbol;
use crate::market::search::{Candidate, Kind, MAX};
use crate::present::sanitize::clean;
use crate::providers::http::{Http, HttpOptions};
use crate::providers::{ProviderError, SymbolSearch};

pub struct YahooSearch {
    base: String,
    http: Http,
}

impl YahooSearch {
    /// `query_url` is `provider.query_url`; `opts` the same client settings as the quotes'.
    pub fn new(query_url: &str, opts: &HttpOptions) -> Result<YahooSearch, ProviderError> {
        Ok(YahooSearch { base: query_url.trim_end_matches('/').to_string(), http: Http::new(opts)? })
    }

    fn url(&self, query: &str) -> Result<String, ProviderError> {
        let mut url = url::Url::parse(&format!("{}/v1/finance/search", self.base))
            .map_err(|e| ProviderError::Unsupported(format!("provider.query_url is not a URL: {e}")))?;
        url.query_pairs_mut()
            .append_pair("q", query)
            .append_pair("quotesCount", &MAX.to_string())
            .append_pair("newsCount", "0")
            .append_pair("lang", "en-US")
            .append_pair("region", "US")
            .append_pair("enableFuzzyQuery", "false");
        Ok(url.to_string())
    }

    async fn fetch(&self, query: &str) -> Result<Vec<Candidate>, ProviderError> {
        let r = self.http.get(&self.url(query)?, None).await?;
        r.expect(&[200])?;
        decode(&r.body).map_err(ProviderError::Decode)
    }
}

impl SymbolSearch for YahooSearch {
    fn name(&self) -> &'static str {
        "yahoo"
    }

    fn label(&self) -> &'static str {
        "Yahoo"
    }

    fn search<'a>(&'a self, query: &'a str) -> BoxFuture<'a, Result<Vec<Candidate>, ProviderError>> {
        Box::pin(self.fetch(query))
    }
}

#[derive(Deserialize)]
struct Answer {
    /// Each entry kept raw: one that does not decode costs only itself.
    quotes: Option<Vec<serde_json::Value>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Raw {
    symbol: Option<String>,
    shortname: Option<String>,
    longname: Option<String>,
    exchange: Option<String>,
    #[serde(rename = "exchDisp")]
    exch_disp: Option<String>,
    #[serde(rename = "quoteType")]
    quote_type: Option<String>,
}

fn kind(quote_type: Option<&str>) -> Option<Kind> {
    Some(match quote_type.map(str::to_ascii_uppercase).as_deref() {
        Some("EQUITY") => Kind::Equity,
        Some("ETF") => Kind::Etf,
        Some("INDEX") => Kind::Index,
        Some("MUTUALFUND") => Kind::Fund,
        Some("CURRENCY") => Kind::Currency,
        Some("CRYPTOCURRENCY") => Kind::Crypto,
        Some("FUTURE") => Kind::Future,
        Some("OPTION") => return None,
        _ => Kind::Other,
    })
}

/// The first non-empty text of the two, cleaned: it reaches the screen.
fn text(a: &Option<String>, b: &Option<String>) -> Option<String> {
    [a, b].into_iter().flatten().map(|s| clean(s)).find(|s| !s.is_empty())
}

fn convert(r: Raw) -> Option<Candidate> {
    let symbol = Symbol::parse(r.symbol.as_deref()?).ok()?;
    let kind = kind(r.quote_type.as_deref())?;
    let c = Candidate {
        symbol,
        name: None,
        name_zh: None,
        exchange: text(&r.exch_disp, &r.exchange),
        kind,
        source: "yahoo",
    };
    Some(match text(&r.longname, &r.shortname) {
        Some(n) => c.named(&n),
        None => c,
    })
}

/// The candidates of a search answer, in Yahoo's order, at most `MAX`. `Err` (a short reason) for a
/// body that is not Yahoo's JSON or has no `quotes`.
pub fn decode(body: &[u8]) -> Result<Vec<Candidate>, String> {
    let a: Answer = serde_json::from_slice(body).map_err(|e| super::not_json(body, &e))?;
    let quotes = a.quotes.ok_or_else(|| "no quotes in the answer".to_string())?;
    Ok(quotes
        .into_iter()
        .filter_map(|v| serde_json::from_value::<Raw>(v).ok())
        .filter_map(convert)
        .take(MAX)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shape of a real answer for "BABA" (node-yahoo-finance2's recording), with our own
    /// entries: a listing in Hong Kong, an ETF, an OTC line, an option and a link that is no listing.
    const BABA: &str = r#"{"explains":[],"count":7,"quotes":[
      {"exchange":"NYQ","shortname":"Alibaba Group Holding Limited","quoteType":"EQUITY","symbol":"BABA",
       "index":"quotes","score":2583000,"typeDisp":"Equity","longname":"Alibaba Group Holding Limited",
       "exchDisp":"NYSE","sector":"Consumer Cyclical","isYahooFinance":true},
      {"exchange":"HKG","shortname":"BABA-W","quoteType":"EQUITY","symbol":"9988.HK","index":"quotes",
       "typeDisp":"Equity","longname":"Alibaba Group Holding Limited","exchDisp":"Hong Kong","isYahooFinance":true},
      {"exchange":"NGM","shortname":"GraniteShares 2x Long BABA Dail","quoteType":"ETF","symbol":"BABX",
       "typeDisp":"ETF","exchDisp":"NASDAQ","isYahooFinance":true},
      {"exchange":"PNK","shortname":"Alibaba <b>Group</b>\u001b[31m Holding","quoteType":"EQUITY","symbol":"BABAF",
       "typeDisp":"Equity","isYahooFinance":true},
      {"exchange":"OPR","shortname":"BABA Dec 2025 95.000 put","quoteType":"OPTION",
       "symbol":"BABA251219P00095000","typeDisp":"Option","longname":"BABA Dec 2025 95.000 put",
       "exchDisp":"OPR","isYahooFinance":true},
      {"index":"12fcd8d814e04599b3c03384f3d63371","name":"Bababos","permalink":"bababos","isYahooFinance":false},
      {"symbol":"NOT A SYMBOL","quoteType":"EQUITY"},
      {"symbol":"BABA.XX","quoteType":"WARRANT","exchange":"XXX"}
    ],"news":[]}"#;

    #[test]
    fn listings_come_in_order_with_names_exchanges_and_kinds() {
        let c = decode(BABA.as_bytes()).unwrap();
        let symbols: Vec<&str> = c.iter().map(|c| c.symbol.as_str()).collect();
        assert_eq!(symbols, ["BABA", "9988.HK", "BABX", "BABAF", "BABA.XX"], "option and link dropped");
        assert_eq!(c[0].name.as_deref(), Some("Alibaba Group Holding Limited"));
        assert_eq!(c[0].exchange.as_deref(), Some("NYSE"));
        assert_eq!((c[0].kind, c[0].source, c[0].name_zh.as_deref()), (Kind::Equity, "yahoo", None));
        assert_eq!(c[1].name.as_deref(), Some("Alibaba Group Holding Limited"), "the long name first");
        assert_eq!(c[1].exchange.as_deref(), Some("Hong Kong"));
        assert_eq!(c[2].kind, Kind::Etf);
        assert_eq!(c[2].name.as_deref(), Some("GraniteShares 2x Long BABA Dail"), "the short name else");
        assert_eq!(c[3].exchange.as_deref(), Some("PNK"), "the exchange code when there is no display name");
        assert_eq!(c[3].name.as_deref(), Some("Alibaba Group Holding"), "markup and escapes removed");
        assert_eq!(c[4].kind, Kind::Other);
    }

    #[test]
    fn every_kind_yahoo_names() {
        let body = r#"{"quotes":[
          {"symbol":"^GSPC","quoteType":"INDEX"},{"symbol":"VFIAX","quoteType":"MUTUALFUND"},
          {"symbol":"EURUSD=X","quoteType":"CURRENCY"},{"symbol":"BTC-USD","quoteType":"CRYPTOCURRENCY"},
          {"symbol":"GC=F","quoteType":"FUTURE"},{"symbol":"0981.HK"}]}"#;
        let kinds: Vec<Kind> = decode(body.as_bytes()).unwrap().iter().map(|c| c.kind).collect();
        assert_eq!(kinds, [Kind::Index, Kind::Fund, Kind::Currency, Kind::Crypto, Kind::Future, Kind::Other]);
    }

    #[test]
    fn a_chinese_name_is_the_chinese_one() {
        let body = r#"{"quotes":[{"symbol":"688256.SS","quoteType":"EQUITY","shortname":"寒武纪"}]}"#;
        let c = &decode(body.as_bytes()).unwrap()[0];
        assert_eq!((c.name.as_deref(), c.name_zh.as_deref()), (None, Some("寒武纪")));
    }

    #[test]
    fn at_most_max_candidates() {
        let quotes: Vec<String> =
            (0..25).map(|i| format!(r#"{{"symbol":"S{i}","quoteType":"EQUITY"}}"#)).collect();
        let body = format!(r#"{{"quotes":[{}]}}"#, quotes.join(","));
        assert_eq!(decode(body.as_bytes()).unwrap().len(), MAX);
    }

    #[test]
    fn no_listing_is_an_empty_list() {
        assert_eq!(decode(br#"{"quotes":[],"news":[]}"#).unwrap(), Vec::new());
    }

    #[test]
    fn what_is_not_an_answer_says_so() {
        let html = decode(b"<!DOCTYPE html><html><body>Will be right back</body></html>").unwrap_err();
        assert!(html.contains("HTML"), "{html}");
        assert_eq!(
            decode(br#"{"finance":{"result":null,"error":{"code":"Bad Request"}}}"#).unwrap_err(),
            "no quotes in the answer"
        );
        assert!(decode(br#"{"quotes":"none"}"#).unwrap_err().contains("JSON"));
        assert_eq!(decode(b"").unwrap_err(), "empty answer");
        assert!(decode(br#"{"quotes":[{"symbol":"BA"#).is_err());
    }
}
