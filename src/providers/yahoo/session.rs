//! The cookie + crumb pair the quote endpoint wants, fetched once and kept in the cache dir.

use std::path::PathBuf;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::providers::ProviderError;
use crate::providers::http::Http;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Session {
    pub cookie: String,
    pub crumb: String,
    pub expires: DateTime<Utc>,
}

/// How long a session is trusted before a fresh one is fetched anyway.
const LIFETIME_HOURS: i64 = 24;

/// A crumb is a short token; Yahoo has handed clients "Too Many Requests" and HTML pages instead.
pub fn looks_like_crumb(s: &str) -> bool {
    (4..=64).contains(&s.len())
        && s.chars().all(|c| c.is_ascii_graphic())
        && !s.contains('<')
        && !s.contains('{')
        && !s.eq_ignore_ascii_case("Too Many Requests")
}

/// How a broken session host is named: "Yahoo session: server answered HTTP 503".
pub const STEP: &str = "Yahoo session";

/// A failure of the session's requests that is worth retrying as it is (offline, a timeout, a
/// broken server), named as the session's. Anything else (a refusal, a rate limit) is left as it is.
fn failed(e: ProviderError) -> ProviderError {
    match e {
        ProviderError::Network(_) | ProviderError::TooLarge(_) => {
            ProviderError::Step { step: STEP, cause: Box::new(e) }
        }
        ProviderError::Status(s) if s >= 500 => ProviderError::Step { step: STEP, cause: Box::new(e) },
        other => other,
    }
}

/// A fresh session. Offline, a timeout or a 5xx from either host is a `ProviderError::Step` (a
/// failure to retry); no cookie, a refused or unusable crumb is a refusal (the chart endpoint
/// needs no session).
pub async fn fetch(
    http: &Http,
    cookie_url: &str,
    query_url: &str,
    now: DateTime<Utc>,
) -> Result<Session, ProviderError> {
    // The real cookie host answers 404 with the cookie: take it whatever the status, but a 5xx,
    // which is a broken server, not a refusal.
    let r = http.get_no_redirect(cookie_url).await.map_err(failed)?;
    if r.status == 429 {
        return Err(ProviderError::RateLimited { retry_after: r.retry_after() });
    }
    if r.status >= 500 {
        return Err(failed(ProviderError::Status(r.status)));
    }
    let cookies = r.cookies();
    if cookies.is_empty() {
        return Err(ProviderError::Decode("Yahoo set no session cookie".to_string()));
    }
    let cookie = cookies.join("; ");
    let r = http.get(&format!("{query_url}/v1/test/getcrumb"), Some(&cookie)).await.map_err(failed)?;
    r.expect(&[200]).map_err(failed)?;
    let crumb = r.text().trim().to_string();
    if !looks_like_crumb(&crumb) {
        return Err(ProviderError::Decode("Yahoo gave no usable crumb".to_string()));
    }
    Ok(Session { cookie, crumb, expires: now + Duration::hours(LIFETIME_HOURS) })
}

/// Where the session is kept between runs.
#[derive(Debug, Clone)]
pub struct Store {
    path: Option<PathBuf>,
}

impl Store {
    pub fn at(path: Option<PathBuf>) -> Store {
        Store { path }
    }

    pub fn default_location() -> Store {
        let path = directories::ProjectDirs::from("", "", "chiptape")
            .map(|d| d.cache_dir().join("yahoo-session.json"));
        Store { path }
    }

    pub fn load(&self, now: DateTime<Utc>) -> Option<Session> {
        let text = std::fs::read_to_string(self.path.as_ref()?).ok()?;
        let s: Session = serde_json::from_str(&text).ok()?;
        (s.expires > now && looks_like_crumb(&s.crumb)).then_some(s)
    }

    pub fn save(&self, s: &Session) {
        let Some(path) = &self.path else { return };
        let write = || -> std::io::Result<()> {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)?;
            }
            let text = serde_json::to_vec(s).map_err(std::io::Error::other)?;
            crate::store::atomic::write_private(path, &text)
        };
        if let Err(e) = write() {
            tracing::warn!(error = %e, "cannot keep the Yahoo session");
        }
    }

    pub fn forget(&self) {
        if let Some(p) = &self.path {
            let _ = std::fs::remove_file(p);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crumbs() {
        assert!(looks_like_crumb("haT3oykhHqZ"));
        assert!(looks_like_crumb("a.b/c1D"));
        assert!(!looks_like_crumb("Too Many Requests"));
        assert!(!looks_like_crumb("<html>"));
        assert!(!looks_like_crumb(""));
        assert!(!looks_like_crumb("has space"));
        assert!(!looks_like_crumb(&"x".repeat(200)));
    }

    #[test]
    fn store_round_trip_and_expiry() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::at(Some(dir.path().join("s.json")));
        let now: DateTime<Utc> = "2026-11-24T15:00:00Z".parse().unwrap();
        let s =
            Session { cookie: "A3=x".into(), crumb: "abcdEFGH123".into(), expires: now + Duration::hours(1) };
        store.save(&s);
        assert_eq!(store.load(now), Some(s));
        assert_eq!(store.load(now + Duration::hours(2)), None, "expired");
        store.forget();
        assert_eq!(store.load(now), None);
    }
}
