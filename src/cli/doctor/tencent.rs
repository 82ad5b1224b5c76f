//! Tencent's checks: the quote service (a US and a Shanghai code, GBK `v_…="…~…";` lines) and the
//! series service (JSON day bars).

use serde_json::Value;

use super::{Check, Ctx, Kind};
use crate::present::number;
use crate::present::sanitize::clean;

/// The codes the quote check asks for: a US listing and a Shanghai one.
const CODES: [&str; 2] = ["usNVDA", "sh688256"];
/// The code the series check asks for.
const SERIES_CODE: &str = "sh688256";

/// `usNVDA` → `NVDA`, `sh688256` → `688256.SS`, `sz002371` → `002371.SZ`.
fn symbol_of(code: &str) -> String {
    match code.split_at(2.min(code.len())) {
        ("us", s) => s.to_string(),
        ("sh", s) => format!("{s}.SS"),
        ("sz", s) => format!("{s}.SZ"),
        _ => code.to_string(),
    }
}

/// What the answer holds for each code asked: "NVDA (英伟达) 181.37 USD". Field 1 is the name, 3 the
/// last price, 35 the currency of a US listing (mainland ones are in CNY).
pub fn quote_sample(body: &[u8]) -> Result<String, String> {
    let (text, _, _) = encoding_rs::GBK.decode(body);
    let lines: Vec<(&str, &str)> = text
        .split(';')
        .filter_map(|part| part.trim().strip_prefix("v_")?.split_once('='))
        .map(|(code, value)| (code.trim(), value.trim().trim_matches('"')))
        .collect();
    if lines.is_empty() {
        return Err("no v_… line (not Tencent's answer)".to_string());
    }
    let mut priced = Vec::new();
    for code in CODES {
        let Some((_, value)) = lines.iter().find(|(c, _)| *c == code) else { continue };
        let f: Vec<&str> = value.split('~').collect();
        let Some(price) =
            f.get(3).and_then(|p| p.trim().parse::<f64>().ok()).filter(|p| p.is_finite() && *p > 0.0)
        else {
            continue;
        };
        let name = f.get(1).map(|n| clean(n)).filter(|n| !n.is_empty());
        let currency = match code.starts_with("us") {
            true => f.get(35).map(|c| clean(c)).filter(|c| !c.is_empty() && c.len() <= 5).unwrap_or_default(),
            false => "CNY".to_string(),
        };
        let name = name.map_or(String::new(), |n| format!(" ({n})"));
        priced.push(
            format!("{}{name} {} {currency}", symbol_of(code), number::price(price)).trim_end().to_string(),
        );
    }
    if priced.is_empty() {
        return Err(format!("no price for {}", CODES.join(" or ")));
    }
    Ok(priced.join(", "))
}

pub async fn quote(cx: &Ctx, base_url: &str) -> Check {
    let url = format!("{}/q={}", base_url.trim_end_matches('/'), CODES.join(","));
    let base = Check::new("tencent quote", "tencent", Kind::TencentQuote, &url).quoting();
    cx.sampled(base, &url, quote_sample).await
}

/// "688256.SS 2 bars, last close 1279.81 on 2026-11-24" from a `fqkline` body.
pub fn series_sample(body: &[u8]) -> Result<String, String> {
    let v: Value = serde_json::from_slice(body).map_err(|e| crate::providers::yahoo::not_json(body, &e))?;
    if let Some(code) = v.get("code").and_then(Value::as_i64).filter(|c| *c != 0) {
        let msg = v.get("msg").and_then(Value::as_str).unwrap_or("");
        return Err(format!("code {code} {msg}").trim_end().to_string());
    }
    let data = v.pointer(&format!("/data/{SERIES_CODE}")).ok_or("no series in the answer")?;
    let bars = ["qfqday", "day"]
        .iter()
        .find_map(|k| data.get(*k).and_then(Value::as_array))
        .ok_or("no day bars in the answer")?;
    let last = bars.last().and_then(Value::as_array).ok_or("no day bars in the answer")?;
    let date = last.first().and_then(Value::as_str).unwrap_or("");
    let close = last.get(2).and_then(Value::as_str).and_then(|c| c.parse::<f64>().ok()).ok_or("no close")?;
    Ok(format!(
        "{} {} bars, last close {} on {date}",
        symbol_of(SERIES_CODE),
        bars.len(),
        number::price(close)
    ))
}

pub async fn series(cx: &Ctx, base_url: &str) -> Check {
    let url = format!(
        "{}/appstock/app/fqkline/get?param={SERIES_CODE},day,,,2,qfq",
        base_url.trim_end_matches('/')
    );
    let base = Check::new("tencent series", "tencent", Kind::TencentSeries, &url);
    cx.sampled(base, &url, series_sample).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gbk(text: &str) -> Vec<u8> {
        encoding_rs::GBK.encode(text).0.into_owned()
    }

    fn line(code: &str, name: &str, price: &str, currency: &str) -> String {
        let mut f = vec![String::new(); 60];
        (f[1], f[3], f[35]) = (name.to_string(), price.to_string(), currency.to_string());
        format!("v_{code}=\"{}\";\n", f.join("~"))
    }

    #[test]
    fn quote_samples_name_price_and_currency() {
        let body = gbk(&format!(
            "{}{}",
            line("usNVDA", "英伟达", "181.37", "USD"),
            line("sh688256", "寒武纪", "1279.81", "")
        ));
        assert_eq!(quote_sample(&body).unwrap(), "NVDA (英伟达) 181.37 USD, 688256.SS (寒武纪) 1279.81 CNY");
        let hostile = gbk(&line("usNVDA", "\u{1b}]0:pwned\u{7}Evil\u{1b}[31m", "1.5", "\u{1b}[2J"));
        assert_eq!(quote_sample(&hostile).unwrap(), "NVDA (Evil) 1.50");
        assert!(quote_sample(b"<html>no</html>").unwrap_err().contains("not Tencent"));
        assert!(quote_sample(b"v_pv_none_match=\"1\";").unwrap_err().contains("no price"));
    }

    #[test]
    fn series_samples_the_last_bar() {
        let body = br#"{"code":0,"msg":"","data":{"sh688256":{"qfqday":[["2026-11-23","1270.00","1272.59","1280","1260","1"],["2026-11-24","1275.00","1279.81","1290","1265","2"]]}}}"#;
        assert_eq!(series_sample(body).unwrap(), "688256.SS 2 bars, last close 1279.81 on 2026-11-24");
        assert_eq!(series_sample(br#"{"code":1,"msg":"bad param"}"#).unwrap_err(), "code 1 bad param");
        assert!(series_sample(b"<!doctype html>").unwrap_err().contains("HTML"));
    }
}
