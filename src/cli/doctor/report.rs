//! The checks made into a report: what each failure means and what to do, as a table or JSON.

use std::io::Write;
use std::time::Duration;

use super::{Check, Fail, Kind, Report, official};
use crate::present::sanitize::clean;
use crate::present::text::{pad, rpad};

/// Which sources answered, for advice that points from one to the other.
struct Up {
    yahoo_quotes: bool,
    tencent_quotes: bool,
    /// Tencent's quote was checked (and so, unless it is up, failed too).
    tencent_checked: bool,
    yahoo_checked: bool,
}

/// Errors and advice filled in; ok when some source gives quotes.
pub fn finish(mut checks: Vec<Check>) -> Report {
    let quoting = |source: &str| checks.iter().any(|c| c.gives_quotes && c.ok && c.source == source);
    let checked = |source: &str| checks.iter().any(|c| c.gives_quotes && c.source == source);
    let up = Up {
        yahoo_quotes: quoting("yahoo"),
        tencent_quotes: quoting("tencent"),
        tencent_checked: checked("tencent"),
        yahoo_checked: checked("yahoo"),
    };
    for c in &mut checks {
        if let Some(f) = c.fail.clone() {
            c.error = Some(clean(&error_text(&f)));
            c.advice = Some(clean(&advice(c, &f, &up)));
        }
    }
    Report { ok: up.yahoo_quotes || up.tencent_quotes, checks }
}

fn seconds(d: Duration) -> String {
    if d.subsec_millis() == 0 && d >= Duration::from_secs(1) {
        format!("{} s", d.as_secs())
    } else {
        format!("{} ms", d.as_millis())
    }
}

fn error_text(f: &Fail) -> String {
    match f {
        Fail::TimedOut(d) => format!("timed out after {}", seconds(*d)),
        Fail::Net(s) => format!("network error: {s}"),
        Fail::Status(429) => "HTTP 429 (rate limited)".to_string(),
        Fail::Status(s) => format!("HTTP {s}"),
        Fail::Unreadable(s) => format!("unreadable answer: {s}"),
        Fail::Refused(s) => format!("refused: {s}"),
        Fail::Unsupported(s) => s.clone(),
        Fail::Skipped(why) => format!("not asked: {why}"),
    }
}

/// `host:port` of a check's URL, or the URL itself.
fn host(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(u) => match (u.host_str(), u.port()) {
            (Some(h), Some(p)) => format!("{h}:{p}"),
            (Some(h), None) => h.to_string(),
            _ => url.to_string(),
        },
        Err(_) => url.to_string(),
    }
}

/// What the failure itself suggests; `via`, the proxy the check went through, if any.
fn cause(f: &Fail, host: &str, via: Option<&str>) -> String {
    match (f, via) {
        (Fail::TimedOut(_) | Fail::Net(_), Some(via)) => format!(
            "no answer from {host} going {via}: check that the proxy is up and lets {host} through, \
             or set this source to \"direct\" in [proxy]"
        ),
        (Fail::TimedOut(_) | Fail::Net(_), _) => {
            format!(
                "no answer from {host}: check the network, a proxy or firewall ([proxy], HTTPS_PROXY / ALL_PROXY)"
            )
        }
        (Fail::Status(429), _) => format!("{host} is rate-limiting this address: wait a few minutes"),
        (Fail::Status(401 | 403), _) => format!(
            "{host} refuses this address (a VPN or a cloud host?): try another network or a proxy (HTTPS_PROXY)"
        ),
        (Fail::Status(404), _) => format!("{host} has no such page: check the URL"),
        (Fail::Status(s), _) if *s >= 500 => format!("{host} is failing: try again later"),
        (Fail::Status(_), _) => format!("unexpected answer from {host}: check the URL and any proxy"),
        (Fail::Unreadable(_), _) => format!(
            "{host} answered something else (a captive portal or a proxy's page?): check the URL and the proxy"
        ),
        (Fail::Refused(_), _) => format!("{host} refused the session: try again in a while"),
        (Fail::Unsupported(_), _) => {
            "to stream through a proxy, give yahoo an http:// or socks5h:// one in [proxy]".to_string()
        }
        (Fail::Skipped(_), _) => "fix the check above first".to_string(),
    }
}

/// What to change in the config so the program does without the failing part; nothing when the
/// other source failed as well.
fn instead(kind: Kind, up: &Up) -> Option<&'static str> {
    Some(match kind {
        Kind::YahooQuotes if up.tencent_quotes => {
            "Tencent answers: quotes = [\"tencent\"] in [provider] takes quotes from it"
        }
        Kind::YahooQuotes if up.tencent_checked => return None,
        Kind::YahooQuotes => "or take quotes from Tencent: quotes = [\"tencent\"] in [provider]",
        Kind::YahooChart => "or take charts from Tencent: charts = [\"tencent\"] in [provider]",
        Kind::Stream => "prices are polled meanwhile; stream = false in [provider] stops trying",
        Kind::TencentQuote if up.yahoo_quotes => {
            "Yahoo answers: quotes = [\"yahoo\"] and mainland = \"yahoo\" in [provider] take quotes from it"
        }
        Kind::TencentQuote if up.yahoo_checked => return None,
        Kind::TencentQuote => {
            "or take quotes from Yahoo: quotes = [\"yahoo\"], mainland = \"yahoo\" in [provider]"
        }
        Kind::TencentSeries => "or take charts from Yahoo: charts = [\"yahoo\"] in [provider]",
        Kind::Feed => "check the feed's url in [[news.feeds]]",
        Kind::YahooHeadlines => "news.yahoo_symbols = false stops asking",
        Kind::SecEdgar => "sec = false in [filings] stops asking",
        Kind::FederalRegister => "federal_register = false in [filings] stops asking",
        Kind::Hkex => "hkex = false in [filings] stops asking",
        Kind::Cninfo => "cninfo = false in [filings] stops asking",
    })
}

fn advice(c: &Check, f: &Fail, up: &Up) -> String {
    let via =
        (c.proxy.starts_with("via ") || c.proxy.starts_with("environment (")).then_some(c.proxy.as_str());
    match f {
        Fail::Skipped(_) if c.kind == Kind::SecEdgar => official::NO_CONTACT_ADVICE.to_string(),
        Fail::Skipped(_) => cause(f, "", None),
        _ => match instead(c.kind, up) {
            Some(then) => format!("{}; {then}", cause(f, &host(&c.url), via)),
            None => cause(f, &host(&c.url), via),
        },
    }
}

pub fn json(out: &mut dyn Write, rep: &Report) -> std::io::Result<()> {
    let text = serde_json::to_string_pretty(rep).map_err(std::io::Error::other)?;
    writeln!(out, "{text}")
}

pub fn table(out: &mut dyn Write, rep: &Report) -> std::io::Result<()> {
    const NAME: usize = 24;
    // As wide as the longest way a check went, within reason: a long proxy URL is cut, not wrapped.
    let via =
        rep.checks.iter().map(|c| crate::present::text::width(&c.proxy)).max().unwrap_or(0).clamp(3, 48);
    writeln!(
        out,
        "{} {} {} {} {} DETAIL",
        pad("CHECK", NAME),
        pad("OK", 4),
        rpad("HTTP", 4),
        rpad("TIME", 8),
        pad("VIA", via)
    )?;
    for c in &rep.checks {
        let detail = if c.ok { c.sample.as_deref() } else { c.error.as_deref() };
        writeln!(
            out,
            "{} {} {} {} {} {}",
            pad(&c.name, NAME),
            pad(if c.ok { "ok" } else { "FAIL" }, 4),
            rpad(&c.status.map_or("—".to_string(), |s| s.to_string()), 4),
            rpad(&c.latency_ms.map_or("—".to_string(), |ms| format!("{ms} ms")), 8),
            pad(&c.proxy, via),
            detail.unwrap_or("")
        )?;
        if let Some(a) = &c.advice {
            writeln!(out, "{} → {a}", pad("", NAME))?;
        }
    }
    let quoting: Vec<&str> =
        rep.checks.iter().filter(|c| c.gives_quotes && c.ok).map(|c| c.name.as_str()).collect();
    if quoting.is_empty() {
        writeln!(out, "\nquotes: no source gave a price")
    } else {
        writeln!(out, "\nquotes: available ({})", quoting.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failed(kind: Kind, url: &str, f: Fail) -> Check {
        let source = if kind == Kind::TencentQuote { "tencent" } else { "yahoo" };
        Check::new("x", source, kind, url).failed(None, f)
    }

    #[test]
    fn advice_names_the_host_the_cause_and_the_other_source() {
        let checks = vec![
            failed(Kind::YahooQuotes, "http://127.0.0.1:9/v7/finance/quote", Fail::Status(403)).quoting(),
            Check::new("t", "tencent", Kind::TencentQuote, "http://t").quoting().passed(200, "NVDA 1 USD"),
        ];
        let rep = finish(checks);
        assert!(rep.ok);
        let a = rep.checks[0].advice.as_deref().unwrap();
        assert!(a.starts_with("127.0.0.1:9 refuses this address"), "{a}");
        assert!(a.contains("HTTPS_PROXY") && a.contains("Tencent answers: quotes = [\"tencent\"]"), "{a}");
        assert_eq!(rep.checks[0].error.as_deref(), Some("HTTP 403"));
        assert_eq!(rep.checks[1].advice, None);
    }

    #[test]
    fn nothing_quoting_is_not_ok_and_every_failure_says_what_to_do() {
        let checks = vec![
            failed(Kind::YahooQuotes, "http://h/q", Fail::TimedOut(Duration::from_secs(6))).quoting(),
            failed(Kind::TencentQuote, "http://t/q", Fail::Unreadable("no v_ line".into())).quoting(),
            failed(Kind::Feed, "http://f/rss", Fail::Status(404)),
            failed(Kind::YahooQuotes, "http://h/q", Fail::Skipped("needs the crumb")),
        ];
        let rep = finish(checks);
        assert!(!rep.ok);
        assert_eq!(rep.checks[0].error.as_deref(), Some("timed out after 6 s"));
        assert!(rep.checks[0].advice.as_deref().unwrap().contains("no answer from h"));
        // Both failed: neither is offered in place of the other.
        assert!(!rep.checks[0].advice.as_deref().unwrap().contains("quotes = "));
        assert!(!rep.checks[1].advice.as_deref().unwrap().contains("quotes = "));
        assert!(rep.checks[2].advice.as_deref().unwrap().contains("[[news.feeds]]"));
        assert_eq!(rep.checks[3].error.as_deref(), Some("not asked: needs the crumb"));
        let mut out = Vec::new();
        table(&mut out, &rep).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("quotes: no source gave a price"), "{text}");
        assert_eq!(seconds(Duration::from_millis(300)), "300 ms");
    }
}
