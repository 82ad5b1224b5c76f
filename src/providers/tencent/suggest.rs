//! Tencent's suggest service (`smartbox.gtimg.cn/s3/?v=2&q=…&t=all`): listings by name, code or
//! pinyin initials, in any market Tencent knows.
//!
//! The answer is one line of script, `v_hint="entry^entry^…";`, each entry
//! `market~code~name~pinyin initials~type[~…]`: `sh~688256~\u5bd2\u6b66\u7eaa~hwj~GP-A-KCB`. Names
//! come as `\uXXXX` escapes in current answers and as raw GBK bytes in older ones; nothing found is
//! `v_hint="N";` (or `v_pv_none_match="1";`). Markets and types we keep, in Yahoo's form:
//!
//! | market | symbol | types kept |
//! |---|---|---|
//! | `sh`, `sz`, `bj` | `688256.SS`, `002428.SZ`, `920189.BJ` | `GP…` (A, B, STAR, ChiNext), `ETF…`, `LOF…`; `ZS` (index) for Shanghai and Shenzhen |
//! | `hk` | `00700` → `0700.HK` (four digits at least) | `GP…`, `ETF…`, `LOF…` |
//! | `us` | `aapl.oq` → `AAPL`, `brk.b.n` → `BRK-B` (the venue dropped) | `GP…`, `ETF…`, `LOF…` |
//!
//! Open-end funds (`jj`), sectors (`BK`), warrants and CBBCs (`QZ…`), futures (`QH`), bonds (`ZQ`)
//! and anything else are left out: they have no Yahoo symbol we could quote.

use futures::future::BoxFuture;

use crate::market::Symbol;
use crate::market::search::{Candidate, Kind, MAX};
use crate::present::sanitize::clean;
use crate::providers::http::{Http, HttpOptions};
use crate::providers::{ProviderError, SymbolSearch};

pub struct TencentSuggest {
    base: String,
    http: Http,
}

impl TencentSuggest {
    /// `url` is `provider.suggest_url`; `opts` the same client settings as the quotes'.
    pub fn new(url: &str, opts: &HttpOptions) -> Result<TencentSuggest, ProviderError> {
        Ok(TencentSuggest { base: url.trim_end_matches('/').to_string(), http: Http::new(opts)? })
    }

    /// The service is a folder (`/s3/`), and the config keeps its URLs without the last slash.
    fn url(&self, query: &str) -> String {
        format!("{}/?v=2&q={}&t=all", self.base, encode(query))
    }

    async fn fetch(&self, query: &str) -> Result<Vec<Candidate>, ProviderError> {
        let r = self.http.get(&self.url(query), None).await?;
        r.expect(&[200])?;
        decode(&r.body).map_err(ProviderError::Decode)
    }
}

/// UTF-8, percent-encoded, a space as `%20` (as a browser's `encodeURIComponent` writes it).
pub(crate) fn encode(query: &str) -> String {
    // `byte_serialize` writes a space as `+` and a `+` as `%2B`: every `+` left is a space.
    url::form_urlencoded::byte_serialize(query.as_bytes()).collect::<String>().replace('+', "%20")
}

impl SymbolSearch for TencentSuggest {
    fn name(&self) -> &'static str {
        "tencent"
    }

    fn label(&self) -> &'static str {
        "Tencent"
    }

    fn search<'a>(&'a self, query: &'a str) -> BoxFuture<'a, Result<Vec<Candidate>, ProviderError>> {
        Box::pin(self.fetch(query))
    }
}

/// The body as text: UTF-8 when it is (escaped names are ASCII), else GBK (older answers).
fn text(body: &[u8]) -> String {
    match std::str::from_utf8(body) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::GBK.decode_without_bom_handling(body).0.into_owned(),
    }
}

/// The value of `v_hint="…"`, or `None` when the body holds none that is whole.
fn hint(body: &str) -> Option<&str> {
    let at = body.find("v_hint=")?;
    let value = body[at + "v_hint=".len()..].trim_start().strip_prefix('"')?;
    let mut escaped = false;
    for (i, c) in value.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => return Some(&value[..i]),
            _ => {}
        }
    }
    None
}

/// The candidates of an answer, in Tencent's order, at most `MAX`. `Err` for a body that is not a
/// suggest answer at all (an HTML page, JSON, garbage); an entry we cannot read is skipped alone.
pub fn decode(body: &[u8]) -> Result<Vec<Candidate>, String> {
    let body = text(body);
    let Some(value) = hint(&body) else {
        if body.contains("v_pv_none_match=") {
            return Ok(Vec::new());
        }
        return Err(if body.trim().is_empty() {
            "empty answer".to_string()
        } else if body.trim_start().starts_with('<') {
            "not a suggest answer (an HTML page)".to_string()
        } else {
            "not a suggest answer".to_string()
        });
    };
    let value = value.trim();
    if value.is_empty() || value == "N" {
        return Ok(Vec::new());
    }
    Ok(value.split('^').filter_map(entry).take(MAX).collect())
}

/// One `market~code~name~pinyin~type` entry, when it is a listing Yahoo can quote.
fn entry(raw: &str) -> Option<Candidate> {
    let f: Vec<&str> = raw.splitn(6, '~').collect();
    if f.len() < 5 {
        return None;
    }
    let market = f[0].trim().to_ascii_lowercase();
    let code = f[1].trim();
    let kind = kind(f[4].trim(), &market, code)?;
    let (symbol, exchange) = symbol(&market, code)?;
    let c = Candidate {
        symbol,
        name: None,
        name_zh: None,
        exchange: Some(exchange.to_string()),
        kind,
        source: "tencent",
    };
    let name: String = clean(&unescape(f[2])).chars().filter(|c| *c != char::REPLACEMENT_CHARACTER).collect();
    Some(c.named(&name))
}

fn kind(t: &str, market: &str, code: &str) -> Option<Kind> {
    let t = t.to_ascii_uppercase();
    match t.as_str() {
        // GP-A, GP-A-KCB (STAR), GP-A-CYB (ChiNext), GP-B, GP.
        "GP" => Some(Kind::Equity),
        t if t.starts_with("GP-") => Some(Kind::Equity),
        // `ETF-A` is seen beside `ETF` in recorded answers.
        "ETF" | "LOF" => Some(Kind::Etf),
        t if t.starts_with("ETF-") || t.starts_with("LOF-") => Some(Kind::Etf),
        // Only Shanghai's and Shenzhen's indices have a Yahoo symbol of that form (000001.SS).
        "ZS" if matches!(market, "sh" | "sz") && is_digits(code, 6) => Some(Kind::Index),
        _ => None,
    }
}

fn is_digits(s: &str, n: usize) -> bool {
    s.len() == n && s.bytes().all(|b| b.is_ascii_digit())
}

/// Tencent's market and code in Yahoo's form, with the exchange's name.
fn symbol(market: &str, code: &str) -> Option<(Symbol, &'static str)> {
    let (text, exchange) = match market {
        "sh" if is_digits(code, 6) => (format!("{code}.SS"), "Shanghai"),
        "sz" if is_digits(code, 6) => (format!("{code}.SZ"), "Shenzhen"),
        "bj" if is_digits(code, 6) => (format!("{code}.BJ"), "Beijing"),
        "hk" if (1..=5).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_digit()) => {
            let bare = code.trim_start_matches('0');
            if bare.is_empty() {
                return None;
            }
            (format!("{bare:0>4}.HK"), "Hong Kong")
        }
        "us" => (us_ticker(code)?, "US"),
        _ => return None,
    };
    Some((Symbol::parse(&text).ok()?, exchange))
}

/// `aapl.oq` → `AAPL`, `brk.b.n` → `BRK-B`: the venue after the last dot dropped, a class written
/// with a dash as Yahoo does. Letters and digits from a letter, nothing else.
fn us_ticker(code: &str) -> Option<String> {
    let base = match code.rsplit_once('.') {
        Some((b, _venue)) => b,
        None => code,
    };
    let t = base.to_ascii_uppercase().replace('.', "-");
    let ok = t.starts_with(|c: char| c.is_ascii_alphabetic())
        && t.len() <= 12
        && t.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !t.ends_with('-')
        && !t.contains("--");
    ok.then_some(t)
}

/// `\uXXXX` escapes (surrogate pairs too) decoded; `\x` is `x`; a broken escape is dropped.
fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut it = s.chars().peekable();
    let hex4 = |it: &mut std::iter::Peekable<std::str::Chars<'_>>| -> Option<u32> {
        let h: String = (0..4).map_while(|_| it.next_if(char::is_ascii_hexdigit)).collect();
        (h.len() == 4).then(|| u32::from_str_radix(&h, 16).ok()).flatten()
    };
    while let Some(c) = it.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match it.next() {
            Some('u') => {
                let Some(u) = hex4(&mut it) else { continue };
                let ch = if (0xD800..0xDC00).contains(&u) {
                    // A high surrogate: the low one must follow as `\uXXXX`.
                    let mut look = it.clone();
                    let low = (look.next() == Some('\\') && look.next() == Some('u'))
                        .then(|| hex4(&mut look))
                        .flatten()
                        .filter(|l| (0xDC00..0xE000).contains(l));
                    match low {
                        Some(l) => {
                            it = look;
                            char::from_u32(0x10000 + ((u - 0xD800) << 10) + (l - 0xDC00))
                        }
                        None => None,
                    }
                } else {
                    char::from_u32(u)
                };
                out.extend(ch);
            }
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Symbol, name, Chinese name, exchange, kind.
    type Row = (String, Option<String>, Option<String>, Option<String>, Kind);

    fn one(body: &str) -> Vec<Row> {
        decode(body.as_bytes())
            .unwrap()
            .into_iter()
            .map(|c| (c.symbol.to_string(), c.name, c.name_zh, c.exchange, c.kind))
            .collect()
    }

    fn symbols(body: &str) -> Vec<String> {
        decode(body.as_bytes()).unwrap().into_iter().map(|c| c.symbol.to_string()).collect()
    }

    #[test]
    fn escaped_names_are_decoded() {
        let body = r#"v_hint="sh~688256~\u5bd2\u6b66\u7eaa~hwj~GP-A-KCB";"#;
        let want = ("688256.SS".to_string(), None, Some("寒武纪".to_string()), Some("Shanghai".to_string()));
        assert_eq!(one(body), [(want.0, want.1, want.2, want.3, Kind::Equity)]);
        let c = &decode(body.as_bytes()).unwrap()[0];
        assert_eq!(c.source, "tencent");
    }

    #[test]
    fn a_surrogate_pair_is_one_character() {
        // 𠮷 (U+20BB7) outside the basic plane, as JavaScript escapes it.
        let body = r#"v_hint="sz~000001~\u5e73\ud842\udfb7\u94f6\u884c~payh~GP-A";"#;
        assert_eq!(one(body)[0].2.as_deref(), Some("平𠮷银行"));
        // A lone surrogate says nothing and is dropped.
        let body = r#"v_hint="sz~000001~\u5e73\ud842\u94f6~payh~GP-A";"#;
        assert_eq!(one(body)[0].2.as_deref(), Some("平银"));
    }

    #[test]
    fn a_raw_gbk_answer_is_read() {
        let text = "v_hint=\"sh~600519~贵州茅台~gzmt~GP-A^hk~00700~腾讯控股~txkg~GP\";";
        let (bytes, _, bad) = encoding_rs::GBK.encode(text);
        assert!(!bad);
        assert!(std::str::from_utf8(&bytes).is_err(), "the test body is not UTF-8");
        let c = decode(&bytes).unwrap();
        assert_eq!(c[0].symbol.as_str(), "600519.SS");
        assert_eq!(c[0].name_zh.as_deref(), Some("贵州茅台"));
        assert_eq!(c[1].symbol.as_str(), "0700.HK");
        assert_eq!(c[1].name_zh.as_deref(), Some("腾讯控股"));
    }

    #[test]
    fn a_gbk_name_whose_second_byte_is_a_tilde_stays_whole() {
        // 亊 is 0x81 0x7E in GBK: its second byte is `~`.
        let text = "v_hint=\"sh~600000~亊浦发~pf~GP-A\";";
        let (bytes, _, bad) = encoding_rs::GBK.encode(text);
        assert!(!bad && bytes.windows(2).any(|w| w == [0x81, 0x7e]));
        assert_eq!(decode(&bytes).unwrap()[0].name_zh.as_deref(), Some("亊浦发"));
    }

    #[test]
    fn nothing_found_is_an_empty_list() {
        assert_eq!(symbols(r#"v_hint="N";"#), Vec::<String>::new());
        assert_eq!(symbols("v_hint=\"N\";\n"), Vec::<String>::new());
        assert_eq!(symbols(r#"v_hint="";"#), Vec::<String>::new());
        assert_eq!(symbols(r#"v_pv_none_match="1";"#), Vec::<String>::new());
    }

    #[test]
    fn each_market_in_yahoo_form() {
        let body = concat!(
            r#"v_hint="sh~600519~x~a~GP-A^sz~300750~x~a~GP-A-CYB^bj~920189~x~a~GP-A^sh~900901~x~a~GP-B"#,
            r#"^hk~00700~x~a~GP^hk~09988~x~a~GP^hk~01347~x~a~GP^hk~00005~x~a~GP^hk~80700~x~a~GP"#,
            r#"^us~aapl.oq~x~a~GP^us~tcehy.ps~x~a~GP^us~tme.n~x~a~GP^us~brk.b.n~x~a~GP^us~nvda~x~a~GP";"#
        );
        assert_eq!(
            symbols(body),
            [
                "600519.SS",
                "300750.SZ",
                "920189.BJ",
                "900901.SS",
                "0700.HK",
                "9988.HK",
                "1347.HK",
                "0005.HK",
                "80700.HK",
                "AAPL"
            ],
            "at most MAX"
        );
        let body = r#"v_hint="us~tcehy.ps~x~a~GP^us~tme.n~x~a~GP^us~brk.b.n~x~a~GP^us~nvda~x~a~GP";"#;
        assert_eq!(symbols(body), ["TCEHY", "TME", "BRK-B", "NVDA"]);
        // Hong Kong codes written without their leading zeros are seen too.
        assert_eq!(symbols(r#"v_hint="hk~700~x~a~GP^hk~9988~x~a~GP";"#), ["0700.HK", "9988.HK"]);
        let exchanges: Vec<Option<String>> = one(
            r#"v_hint="sh~600519~x~a~GP-A^sz~000001~x~a~GP-A^bj~920189~x~a~GP-A^hk~00700~x~a~GP^us~tme.n~x~a~GP";"#,
        )
        .into_iter()
        .map(|c| c.3)
        .collect();
        let want = ["Shanghai", "Shenzhen", "Beijing", "Hong Kong", "US"].map(|s| Some(s.to_string()));
        assert_eq!(exchanges, want);
    }

    #[test]
    fn markets_without_a_yahoo_form_are_left_out() {
        let body = concat!(
            r#"v_hint="jj~000001~x~a~KJ^sh~60051~x~a~GP-A^sz~abcdef~x~a~GP-A^hk~HSI~x~a~GP"#,
            r#"^hk~00000~x~a~GP^hk~123456~x~a~GP^us~.dji~x~a~GP^us~9ab.n~x~a~GP^xx~1~x~a~GP^hk~00981~x~a~GP";"#
        );
        assert_eq!(symbols(body), ["0981.HK"]);
    }

    #[test]
    fn types_decide_the_kind_and_what_is_kept() {
        let body = concat!(
            r#"v_hint="sh~510300~x~a~ETF^sz~161725~x~a~LOF^sh~000001~x~a~ZS^sz~399001~x~a~ZS"#,
            r#"^hk~HSI~x~a~ZS^us~.ixic~x~a~ZS^hk~800000~x~a~ZS^sh~000300~x~a~zs"#,
            r#"^sh~113050~x~a~ZQ^hk~12345~x~a~QZ^hk~54321~x~a~QZ-NZ^sh~880491~x~a~BK^sh~au0~x~a~QH"#,
            r#"^sz~000002~x~a~KJ^sz~000003~x~a~NEW^sh~510050~x~a~ETF-A^sh~688256~x~a~GP-A-KCB";"#
        );
        let got: Vec<(String, Kind)> = one(body).into_iter().map(|c| (c.0, c.4)).collect();
        let want = [
            ("510300.SS", Kind::Etf),
            ("161725.SZ", Kind::Etf),
            ("000001.SS", Kind::Index),
            ("399001.SZ", Kind::Index),
            ("000300.SS", Kind::Index),
            ("510050.SS", Kind::Etf),
            ("688256.SS", Kind::Equity),
        ];
        assert_eq!(got, want.map(|(s, k)| (s.to_string(), k)));
    }

    #[test]
    fn us_names_go_where_their_script_says() {
        let body = r#"v_hint="us~tme.n~\u817e\u8baf\u97f3\u4e50~txyl~GP^us~amd.oq~AMD Inc~amd~GP";"#;
        let c = one(body);
        assert_eq!((c[0].1.as_deref(), c[0].2.as_deref()), (None, Some("腾讯音乐")));
        assert_eq!((c[1].1.as_deref(), c[1].2.as_deref()), (Some("AMD Inc"), None));
    }

    #[test]
    fn a_broken_entry_is_skipped_alone() {
        let body = r#"v_hint="sh~600519~\u8d35\u5dde\u8305\u53f0~gzmt~GP-A^sz~0000~^garbage^^hk~00700~\u817e~txkg~GP^sz~002428~\u4e91\u5357\u9517\u4e1a~ynzy";"#;
        assert_eq!(symbols(body), ["600519.SS", "0700.HK"]);
        // Broken escapes cost their own characters only.
        let body = r#"v_hint="sz~002428~\u4e91\uZZZZ\u5357\u95~ynzy~GP-A";"#;
        assert_eq!(one(body)[0].2.as_deref(), Some("云ZZZZ南"));
    }

    #[test]
    fn names_are_made_safe_for_the_screen() {
        let body = r#"v_hint="sh~600000~\u001b[31m\u6d66\u53d1\u94f6\u884c\u0007<b>x</b>~pfyh~GP-A^sz~000001~\u001b]0;pwned\u0007~a~GP-A";"#;
        let c = one(body);
        assert_eq!(c[0].2.as_deref(), Some("浦发银行x"));
        assert_eq!((c[1].1.as_deref(), c[1].2.as_deref()), (None, None), "nothing left of the name");
    }

    #[test]
    fn what_is_not_a_suggest_answer_says_so() {
        for body in [
            "<!DOCTYPE html><html><body>502 Bad Gateway</body></html>",
            r#"{"data":{"stock":[]}}"#,
            "garbage",
            "v_hint=",
            r#"v_hint="sh~600519~x~a~GP-A"#,
        ] {
            let e = decode(body.as_bytes()).unwrap_err();
            assert!(e.starts_with("not a suggest answer"), "{body}: {e}");
        }
        assert!(decode(b"<html></html>").unwrap_err().contains("HTML"));
        assert_eq!(decode(b"  ").unwrap_err(), "empty answer");
        assert!(decode(&[0xff, 0xfe, 0x00, 0x81]).is_err());
    }

    #[test]
    fn the_query_is_utf8_and_percent_encoded() {
        assert_eq!(encode("寒武纪"), "%E5%AF%92%E6%AD%A6%E7%BA%AA");
        assert_eq!(encode("hua hong+&x"), "hua%20hong%2B%26x");
        for base in ["http://127.0.0.1:1/s3/", "http://127.0.0.1:1/s3"] {
            let s = TencentSuggest::new(base, &HttpOptions::default()).unwrap();
            assert_eq!(s.url("hwj"), "http://127.0.0.1:1/s3/?v=2&q=hwj&t=all");
        }
        let default = crate::config::builtin().provider.suggest_url;
        let s = TencentSuggest::new(&default, &HttpOptions::default()).unwrap();
        assert_eq!(s.url("hwj"), "https://smartbox.gtimg.cn/s3/?v=2&q=hwj&t=all");
    }
}
