//! The one HTTP client: browser-like User-Agent, timeouts, and bodies read with a size cap.

use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderValue};

use super::ProviderError;
use crate::config::ProxySetting;

/// A current desktop browser: Yahoo answers 429 to clients that do not look like one.
pub const BROWSER_UA: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36";

#[derive(Debug, Clone)]
pub struct HttpOptions {
    pub connect_timeout: Duration,
    pub timeout: Duration,
    /// Larger bodies are an error, never an out-of-memory.
    pub max_body: usize,
    pub user_agent: String,
    /// The source's `[proxy]` entry: the environment's proxy unless the config says otherwise.
    pub proxy: ProxySetting,
}

impl Default for HttpOptions {
    fn default() -> Self {
        HttpOptions {
            connect_timeout: Duration::from_secs(5),
            timeout: Duration::from_secs(15),
            max_body: 5 * 1024 * 1024,
            user_agent: BROWSER_UA.to_string(),
            proxy: ProxySetting::Env,
        }
    }
}

/// A response read whole (within the cap).
#[derive(Debug, Clone)]
pub struct Fetched {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Fetched {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// Values of every `Set-Cookie` header, as `name=value` (attributes dropped).
    pub fn cookies(&self) -> Vec<String> {
        self.headers
            .get_all(reqwest::header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .filter_map(|v| v.split(';').next())
            .map(|nv| nv.trim().to_string())
            .filter(|nv| nv.contains('=') && !nv.starts_with('='))
            .collect()
    }

    /// The status as a result: the `ok` ones pass, 429 is a rate limit (with its Retry-After), any
    /// other an error naming it.
    pub fn expect(&self, ok: &[u16]) -> Result<(), ProviderError> {
        match self.status {
            s if ok.contains(&s) => Ok(()),
            429 => Err(ProviderError::RateLimited { retry_after: self.retry_after() }),
            s => Err(ProviderError::Status(s)),
        }
    }

    /// `Retry-After` as seconds or an HTTP date, at most a day (a larger value is a broken server,
    /// and would overflow the clocks it is added to).
    pub fn retry_after(&self) -> Option<Duration> {
        const MAX: Duration = Duration::from_secs(24 * 3600);
        let v = self.headers.get(reqwest::header::RETRY_AFTER)?.to_str().ok()?.trim();
        if let Ok(secs) = v.parse::<u64>() {
            return Some(Duration::from_secs(secs).min(MAX));
        }
        let at = chrono::DateTime::parse_from_rfc2822(v).ok()?;
        (at.with_timezone(&chrono::Utc) - chrono::Utc::now()).to_std().ok().map(|d| d.min(MAX))
    }
}

#[derive(Clone)]
pub struct Http {
    client: reqwest::Client,
    /// Same settings, but never follows redirects: a cookie set on a redirect must not be lost.
    no_redirect: reqwest::Client,
    max_body: usize,
    /// The configured proxy, as shown: a connection that fails names it, since it is the proxy
    /// that could not be reached.
    via: Option<String>,
}

fn build(opts: &HttpOptions, redirects: bool) -> Result<reqwest::Client, ProviderError> {
    let mut headers = HeaderMap::new();
    headers.insert(reqwest::header::ACCEPT, HeaderValue::from_static("*/*"));
    headers.insert(reqwest::header::ACCEPT_LANGUAGE, HeaderValue::from_static("en-US,en;q=0.9"));
    let mut b = reqwest::Client::builder()
        .user_agent(opts.user_agent.clone())
        .default_headers(headers)
        .connect_timeout(opts.connect_timeout)
        .timeout(opts.timeout)
        .gzip(true);
    // A few redirects are normal (a feed that moved); a loop is cut off after five hops.
    b = b.redirect(if redirects {
        reqwest::redirect::Policy::limited(5)
    } else {
        reqwest::redirect::Policy::none()
    });
    b = match &opts.proxy {
        // reqwest's own default: HTTPS_PROXY / HTTP_PROXY / ALL_PROXY, minus NO_PROXY.
        ProxySetting::Env => b,
        ProxySetting::Direct => b.no_proxy(),
        ProxySetting::Url(u) => b.proxy(
            reqwest::Proxy::all(u.as_str())
                .map_err(|e| ProviderError::Network(format!("cannot use the proxy {u}: {e}")))?,
        ),
    };
    b.build().map_err(|e| ProviderError::Network(format!("cannot build the HTTP client: {e}")))
}

fn describe(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        "timed out".to_string()
    } else if e.is_connect() {
        "cannot connect".to_string()
    } else if e.is_body() || e.is_decode() {
        "the connection broke while reading the answer".to_string()
    } else {
        // reqwest's text names the URL, which may hold the crumb: keep it out of the status bar.
        let mut s = e.to_string();
        if let Some(url) = e.url() {
            s = s.replace(url.as_str(), "");
        }
        s
    }
}

impl Http {
    pub fn new(opts: &HttpOptions) -> Result<Http, ProviderError> {
        let via = match &opts.proxy {
            ProxySetting::Url(u) => Some(u.to_string()),
            ProxySetting::Env | ProxySetting::Direct => None,
        };
        Ok(Http {
            client: build(opts, true)?,
            no_redirect: build(opts, false)?,
            max_body: opts.max_body,
            via,
        })
    }

    pub async fn get(&self, url: &str, cookie: Option<&str>) -> Result<Fetched, ProviderError> {
        self.send(&self.client, url, cookie, &[]).await
    }

    pub async fn get_with(&self, url: &str, headers: &[(&str, String)]) -> Result<Fetched, ProviderError> {
        self.send(&self.client, url, None, headers).await
    }

    pub async fn get_no_redirect(&self, url: &str) -> Result<Fetched, ProviderError> {
        self.send(&self.no_redirect, url, None, &[]).await
    }

    /// A POST of `form`, url-encoded, as a search page's script sends it.
    pub async fn post_form(
        &self,
        url: &str,
        form: &[(&str, &str)],
        headers: &[(&str, String)],
    ) -> Result<Fetched, ProviderError> {
        self.read(self.client.post(url).form(form), None, headers).await
    }

    async fn send(
        &self,
        client: &reqwest::Client,
        url: &str,
        cookie: Option<&str>,
        headers: &[(&str, String)],
    ) -> Result<Fetched, ProviderError> {
        self.read(client.get(url), cookie, headers).await
    }

    fn describe(&self, e: &reqwest::Error) -> String {
        match &self.via {
            Some(via) if e.is_connect() => format!("{} (through the proxy {via})", describe(e)),
            _ => describe(e),
        }
    }

    async fn read(
        &self,
        mut req: reqwest::RequestBuilder,
        cookie: Option<&str>,
        headers: &[(&str, String)],
    ) -> Result<Fetched, ProviderError> {
        if let Some(c) = cookie {
            req = req.header(reqwest::header::COOKIE, c);
        }
        for (k, v) in headers {
            req = req.header(*k, v);
        }
        let mut resp = req.send().await.map_err(|e| ProviderError::Network(self.describe(&e)))?;
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        if resp.content_length().is_some_and(|n| n as usize > self.max_body) {
            return Err(ProviderError::TooLarge(self.max_body));
        }
        // Sized once from the announced length (already checked against the cap): growing by
        // doubling would hold up to twice a large feed at once.
        let mut body = Vec::with_capacity(resp.content_length().map_or(0, |n| n as usize));
        while let Some(chunk) = resp.chunk().await.map_err(|e| ProviderError::Network(describe(&e)))? {
            if body.len() + chunk.len() > self.max_body {
                return Err(ProviderError::TooLarge(self.max_body));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Fetched { status, headers, body })
    }
}
