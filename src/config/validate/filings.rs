//! The `[filings]` table: which official sources are asked, and where.

use super::super::*;
use super::raw;
use super::{Validator, is_text};
use crate::config::locate::KeyPath;

/// The forms shown when `forms` is not set: results, reports and stakes.
pub const DEFAULT_FORMS: [&str; 10] =
    ["8-K", "10-Q", "10-K", "6-K", "20-F", "4", "SC 13D", "SC 13G", "SCHEDULE 13D", "SCHEDULE 13G"];

impl Validator {
    pub(super) fn filings(&mut self, raw: raw::RawFilings) -> FilingsConfig {
        let p = KeyPath::root().key("filings");
        let sec_user_agent = match raw.sec_user_agent {
            // Empty is the documented way to say "no contact": EDGAR is then not asked.
            Some(ua) if ua.trim().is_empty() => None,
            Some(ua) if !is_text(&ua) => {
                self.bad(
                    p.key("sec_user_agent"),
                    "must be printable text like \"Your Name you@example.com\"",
                );
                None
            }
            Some(ua) if !ua.contains('@') => {
                self.must_be(
                    p.key("sec_user_agent"),
                    "a name and a contact address like \"Your Name you@example.com\" (the SEC asks for one)",
                    format!("{ua:?}"),
                );
                None
            }
            ua => ua.map(|u| u.trim().to_string()),
        };
        let forms = match raw.forms {
            None => DEFAULT_FORMS.iter().map(|f| f.to_string()).collect(),
            Some(list) => {
                let mut out: Vec<String> = Vec::new();
                for (i, f) in list.iter().enumerate() {
                    let f = f.trim().to_ascii_uppercase();
                    if !is_text(&f) || f.len() > 20 {
                        self.must_be(p.key("forms").index(i), "a form name like \"8-K\"", format!("{f:?}"));
                    } else if !out.contains(&f) {
                        out.push(f);
                    }
                }
                out
            }
        };
        let langs = [("en", FilingsLanguage::En), ("zh", FilingsLanguage::Zh)];
        let language = self.choice(p.key("language"), raw.language.as_deref(), &langs, true);
        let refresh_secs = match raw.refresh_secs {
            None => 1800,
            Some(n) if (300..=86_400).contains(&n) => n as u64,
            Some(n) => {
                self.must_be(p.key("refresh_secs"), "300 to 86400 seconds", n);
                1800
            }
        };
        let mut url = |key: &str, default: &str, v: Option<String>| {
            self.url(p.key(key), v.as_deref().unwrap_or(default))
        };
        let sec_url = url("sec_url", "https://data.sec.gov", raw.sec_url);
        let sec_files_url = url("sec_files_url", "https://www.sec.gov", raw.sec_files_url);
        let federal_register_url =
            url("federal_register_url", "https://www.federalregister.gov", raw.federal_register_url);
        let hkex_url = url("hkex_url", "https://www1.hkexnews.hk", raw.hkex_url);
        let cninfo_url = url("cninfo_url", "https://www.cninfo.com.cn", raw.cninfo_url);
        FilingsConfig {
            sec: raw.sec.unwrap_or(true),
            sec_user_agent,
            federal_register: raw.federal_register.unwrap_or(true),
            hkex: raw.hkex.unwrap_or(true),
            cninfo: raw.cninfo.unwrap_or(true),
            forms,
            language,
            refresh_secs,
            sec_url,
            sec_files_url,
            federal_register_url,
            hkex_url,
            cninfo_url,
        }
    }
}
