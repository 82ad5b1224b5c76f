//! Yahoo's checks: the cookie → crumb → quote chain the quotes need, the chart endpoint, the streamer.

use std::time::Duration;

use futures::{SinkExt, StreamExt};
use serde_json::Value;
use tokio::time::Instant;

use super::{Check, Ctx, Fail, Kind};
use crate::config::ProviderConfig;
use crate::config::ProxySetting;
use crate::market::calendar::Calendar;
use crate::present::number;
use crate::providers::proxy::system_env;
use crate::providers::tunnel::{self, ConnectError};
use crate::providers::yahoo::{session, v7};

/// The symbol every Yahoo check asks for.
const SYMBOL: &str = "NVDA";
/// The longest wait for a pushed frame once subscribed: a quiet market sends none.
const FRAME_WAIT: Duration = Duration::from_secs(3);

fn query(p: &ProviderConfig) -> &str {
    p.query_url.trim_end_matches('/')
}

/// The cookie, then the crumb with it, then the quote with both: each step asked only when the
/// one before it gave what it needs.
pub async fn quote_chain(cx: &Ctx, p: &ProviderConfig) -> Vec<Check> {
    let crumb_url = format!("{}/v1/test/getcrumb", query(p));
    let quote_url = format!("{}/v7/finance/quote?symbols={SYMBOL}&crumb=", query(p));
    let shown_quote_url = format!("{quote_url}…");
    let base = Check::new("yahoo cookie", "yahoo", Kind::YahooQuotes, &p.cookie_url);
    let (cookie_check, cookie) = cx.timed(base.clone(), cookie(cx, base, &p.cookie_url)).await;
    let base = Check::new("yahoo crumb", "yahoo", Kind::YahooQuotes, &crumb_url);
    let (crumb_check, crumb) = match &cookie {
        Some(c) => cx.timed(base.clone(), crumb(cx, base, &crumb_url, c)).await,
        None => (base.failed(None, Fail::Skipped("no cookie (see above)")), None),
    };
    let base = Check::new("yahoo quote", "yahoo", Kind::YahooQuotes, &shown_quote_url).quoting();
    let quote_check = match (&cookie, &crumb) {
        (Some(c), Some(k)) => {
            let url = format!(
                "{quote_url}{}",
                url::form_urlencoded::byte_serialize(k.as_bytes()).collect::<String>()
            );
            cx.check(base.clone(), quote(cx, base, &url, c)).await
        }
        _ => base.failed(None, Fail::Skipped("no crumb (see above)")),
    };
    vec![cookie_check, crumb_check, quote_check]
}

async fn cookie(cx: &Ctx, base: Check, url: &str) -> (Check, Option<String>) {
    // The real cookie host answers 404 with the cookie: any status that sets one will do.
    let r = match cx.http("yahoo").get_no_redirect(url).await {
        Ok(r) => r,
        Err(e) => return (base.failed(None, e), None),
    };
    if r.status == 429 {
        return (base.failed(Some(429), Fail::Status(429)), None);
    }
    let cookies = r.cookies();
    if cookies.is_empty() {
        let why = Fail::Unreadable("no session cookie set (a consent page?)".to_string());
        return (base.failed(Some(r.status), why), None);
    }
    let names: Vec<&str> = cookies.iter().filter_map(|c| c.split('=').next()).collect();
    let sample = format!("cookie {}", names.join(", "));
    (base.passed(r.status, &sample), Some(cookies.join("; ")))
}

async fn crumb(cx: &Ctx, base: Check, url: &str, cookie: &str) -> (Check, Option<String>) {
    let r = match cx.http("yahoo").get(url, Some(cookie)).await {
        Ok(r) => r,
        Err(e) => return (base.failed(None, e), None),
    };
    if let Err(e) = r.expect(&[200]) {
        return (base.failed(Some(r.status), e), None);
    }
    let crumb = r.text().trim().to_string();
    if !session::looks_like_crumb(&crumb) {
        return (base.failed(Some(r.status), Fail::Unreadable("no usable crumb".to_string())), None);
    }
    // The crumb is a session token: said to be there, never printed.
    let sample = format!("a crumb of {} characters", crumb.len());
    (base.passed(r.status, &sample), Some(crumb))
}

async fn quote(cx: &Ctx, base: Check, url: &str, cookie: &str) -> Check {
    let r = match cx.http("yahoo").get(url, Some(cookie)).await {
        Ok(r) => r,
        Err(e) => return base.failed(None, e),
    };
    if let Err(e) = r.expect(&[200]) {
        return base.failed(Some(r.status), e);
    }
    match v7::decode(&r.body, chrono::Utc::now(), &Calendar::default()) {
        Ok(v7::Decoded::Quotes(q)) => match q
            .iter()
            .find(|q| q.symbol.as_str() == SYMBOL && q.price.is_some())
        {
            Some(q) => {
                let price = q.price.map_or(String::new(), number::price);
                base.passed(r.status, &format!("{SYMBOL} {price} {}", q.currency.as_deref().unwrap_or("")))
            }
            None => base.failed(Some(r.status), Fail::Unreadable(format!("no price for {SYMBOL}"))),
        },
        Ok(v7::Decoded::Refused(why)) => base.failed(Some(r.status), Fail::Refused(why)),
        Err(e) => base.failed(Some(r.status), Fail::Unreadable(e)),
    }
}

/// The chart endpoint, asked as the app asks it: no cookie, no crumb.
pub async fn chart(cx: &Ctx, p: &ProviderConfig) -> Check {
    let url = format!("{}/v8/finance/chart/{SYMBOL}?range=1d&interval=5m", query(p));
    let base = Check::new("yahoo chart", "yahoo", Kind::YahooChart, &url);
    cx.sampled(base, &url, chart_sample).await
}

/// "NVDA 181.37 USD, 78 bars" from a chart body.
fn chart_sample(body: &[u8]) -> Result<String, String> {
    let v: Value = serde_json::from_slice(body).map_err(|e| crate::providers::yahoo::not_json(body, &e))?;
    if let Some(d) = v.pointer("/chart/error/description").and_then(Value::as_str) {
        return Err(d.to_string());
    }
    let r = v.pointer("/chart/result/0").ok_or("no chart in the answer")?;
    let price =
        r.pointer("/meta/regularMarketPrice").and_then(Value::as_f64).ok_or("no price in the chart")?;
    let currency = r.pointer("/meta/currency").and_then(Value::as_str).unwrap_or("");
    let bars = r.get("timestamp").and_then(Value::as_array).map_or(0, Vec::len);
    Ok(format!("{SYMBOL} {} {currency}, {bars} bars", number::price(price)))
}

/// The streamer: reachable when the WebSocket handshake succeeds; a frame after the subscription
/// is a bonus (a quiet market sends none).
/// It goes the way the app's streamer goes: through Yahoo's proxy, or not at all when that is one
/// it cannot tunnel through (the app then polls, and this says so).
pub async fn stream(cx: &Ctx, url: &str, proxy: &ProxySetting) -> Check {
    use tokio_tungstenite::tungstenite::{Error as WsError, Message};
    let base = Check::new("yahoo stream", "yahoo", Kind::Stream, url);
    let route = match tunnel::usable(proxy, url, &system_env) {
        Ok(r) => r,
        Err(e) => return base.failed(None, Fail::Unsupported(e.to_string())),
    };
    let limit = cx.limit();
    cx.check(base.clone(), async {
        let (mut ws, resp) = match tunnel::websocket(url, &route, None).await {
            Ok(c) => c,
            Err(ConnectError::Ws(WsError::Http(r))) => {
                return base.failed(Some(r.status().as_u16()), Fail::Status(r.status().as_u16()));
            }
            Err(ConnectError::Ws(e)) => return base.failed(None, Fail::Net(e.to_string())),
            Err(ConnectError::Tunnel(e)) => return base.failed(None, Fail::Net(e.to_string())),
        };
        let status = resp.status().as_u16();
        let subscribe = format!("{{\"subscribe\":[\"{SYMBOL}\"]}}");
        if let Err(e) = ws.send(Message::text(subscribe)).await {
            return base.failed(Some(status), Fail::Net(format!("the subscription could not be sent: {e}")));
        }
        let start = Instant::now();
        let wait = FRAME_WAIT.min(limit / 2);
        let frame = tokio::time::timeout(wait, async {
            while let Some(m) = ws.next().await {
                match m {
                    Ok(Message::Text(_) | Message::Binary(_)) => return true,
                    Ok(_) => continue,
                    Err(_) => return false,
                }
            }
            false
        })
        .await
        .unwrap_or(false);
        let sample = if frame {
            format!("subscribed; a frame came after {} ms", start.elapsed().as_millis())
        } else {
            format!("subscribed; no frame in {} ms (a quiet market sends none)", wait.as_millis())
        };
        base.passed(status, &sample)
    })
    .await
}
