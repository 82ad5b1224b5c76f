//! A WebSocket through a source's proxy. reqwest tunnels its own requests; a WebSocket client does
//! not, so the streamer's tunnel is made here: an HTTP CONNECT for `http://` proxies, the SOCKS5
//! handshake for `socks5://` (resolved here) and `socks5h://` (resolved by the proxy).

use base64::Engine;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::handshake::client::Response;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use super::proxy::{EnvLookup, Route, route};
use crate::config::{ProxySetting, ProxyUrl};

pub type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// Why no tunnel was made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TunnelError {
    /// A proxy that is itself reached over TLS: a TLS session inside another is not made here.
    #[error("the streamer cannot go through an https:// proxy ({0}); prices are polled instead")]
    Unsupported(String),
    #[error("not a WebSocket URL: {0}")]
    BadUrl(String),
    /// The proxy itself could not be reached.
    #[error("cannot reach the proxy {proxy}: {cause}")]
    Proxy { proxy: String, cause: String },
    /// The proxy answered, and would not open the tunnel.
    #[error("the proxy {proxy} refused the tunnel: {why}")]
    Refused { proxy: String, why: String },
    /// No proxy in the way, and the host could not be reached.
    #[error("{0}")]
    Direct(String),
}

/// Why the WebSocket could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error("cannot connect: {0}")]
    Tunnel(#[from] TunnelError),
    /// The handshake over the tunnel failed (`Http` carries the server's refusal).
    #[error("cannot connect: {0}")]
    Ws(#[from] tokio_tungstenite::tungstenite::Error),
}

/// The route to `url` under `setting`, when the streamer can take it.
pub fn usable(setting: &ProxySetting, url: &str, env: EnvLookup<'_>) -> Result<Route, TunnelError> {
    let r = route(setting, url, env);
    match r.proxy() {
        Some(p) if p.scheme() == "https" => Err(TunnelError::Unsupported(p.to_string())),
        _ => Ok(r),
    }
}

/// The WebSocket at `url`, through `route`. Without a proxy this is what `connect_async` does.
pub async fn websocket(
    url: &str,
    route: &Route,
    config: Option<WebSocketConfig>,
) -> Result<(Ws, Response), ConnectError> {
    let target = url::Url::parse(url).map_err(|e| TunnelError::BadUrl(format!("{e}")))?;
    let host = match target.host() {
        Some(url::Host::Domain(d)) => d.to_string(),
        Some(url::Host::Ipv4(a)) => a.to_string(),
        Some(url::Host::Ipv6(a)) => a.to_string(),
        None => return Err(TunnelError::BadUrl("no host".into()).into()),
    };
    let port = target.port_or_known_default().ok_or_else(|| TunnelError::BadUrl("no port".into()))?;
    let tcp = tcp(route, &host, port).await?;
    // Our writes are small commands that should not wait for an ACK.
    let _ = tcp.set_nodelay(true);
    Ok(tokio_tungstenite::client_async_tls_with_config(url, tcp, config, None).await?)
}

/// A TCP stream to `host:port`, through `route`'s proxy if it has one.
pub async fn tcp(route: &Route, host: &str, port: u16) -> Result<TcpStream, TunnelError> {
    let Some(proxy) = route.proxy() else {
        return TcpStream::connect((host, port)).await.map_err(|e| TunnelError::Direct(e.to_string()));
    };
    let u = proxy.url();
    let (p_host, p_port) = (u.host_str().unwrap_or_default(), u.port_or_known_default().unwrap_or(1080));
    let p_host = p_host.trim_start_matches('[').trim_end_matches(']');
    let mut sock = TcpStream::connect((p_host, p_port))
        .await
        .map_err(|e| TunnelError::Proxy { proxy: proxy.to_string(), cause: e.to_string() })?;
    let done = match u.scheme() {
        "http" => http_connect(&mut sock, proxy, host, port).await,
        "socks5" | "socks5h" => socks5(&mut sock, proxy, host, port).await,
        _ => return Err(TunnelError::Unsupported(proxy.to_string())),
    };
    done.map_err(|e| e.blame(proxy))?;
    Ok(sock)
}

/// A handshake's failure, before it is told whose.
enum Step {
    Io(std::io::Error),
    No(String),
}

impl From<std::io::Error> for Step {
    fn from(e: std::io::Error) -> Step {
        Step::Io(e)
    }
}

impl Step {
    fn blame(self, proxy: &ProxyUrl) -> TunnelError {
        let proxy = proxy.to_string();
        match self {
            Step::Io(e) => TunnelError::Proxy { proxy, cause: e.to_string() },
            Step::No(why) => TunnelError::Refused { proxy, why },
        }
    }
}

/// The user and password of `proxy`'s URL, decoded.
fn credentials(proxy: &ProxyUrl) -> Option<(String, String)> {
    let u = proxy.url();
    let decode = |s: &str| percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned();
    (!u.username().is_empty()).then(|| (decode(u.username()), decode(u.password().unwrap_or(""))))
}

async fn http_connect(sock: &mut TcpStream, proxy: &ProxyUrl, host: &str, port: u16) -> Result<(), Step> {
    let authority = if host.contains(':') { format!("[{host}]:{port}") } else { format!("{host}:{port}") };
    let mut req = format!("CONNECT {authority} HTTP/1.1\r\nHost: {authority}\r\n");
    if let Some((user, pass)) = credentials(proxy) {
        let token = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{pass}"));
        req.push_str(&format!("Proxy-Authorization: Basic {token}\r\n"));
    }
    req.push_str("\r\n");
    sock.write_all(req.as_bytes()).await?;
    // Byte by byte: what follows the head is the tunnel's, and must not be read here.
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if sock.read(&mut byte).await? == 0 {
            return Err(Step::No("it closed the connection".into()));
        }
        if head.len() > 16 * 1024 {
            return Err(Step::No("an answer too long to be one".into()));
        }
        head.push(byte[0]);
    }
    let status = String::from_utf8_lossy(&head);
    let code = status.split_whitespace().nth(1).and_then(|c| c.parse::<u16>().ok());
    match code {
        Some(200..=299) => Ok(()),
        Some(407) => {
            Err(Step::No("HTTP 407 (the proxy wants credentials: user:password@ in the URL)".into()))
        }
        Some(c) => Err(Step::No(format!("HTTP {c}"))),
        None => Err(Step::No("not an HTTP answer".into())),
    }
}

/// RFC 1928, with RFC 1929's user and password when the URL has them.
async fn socks5(sock: &mut TcpStream, proxy: &ProxyUrl, host: &str, port: u16) -> Result<(), Step> {
    let creds = credentials(proxy);
    let methods: &[u8] = if creds.is_some() { &[0x00, 0x02] } else { &[0x00] };
    let mut hello = vec![0x05, methods.len() as u8];
    hello.extend_from_slice(methods);
    sock.write_all(&hello).await?;
    let mut chosen = [0u8; 2];
    sock.read_exact(&mut chosen).await?;
    match (chosen, &creds) {
        ([0x05, 0x00], _) => {}
        ([0x05, 0x02], Some((user, pass))) => {
            let mut auth = vec![0x01, user.len().min(255) as u8];
            auth.extend(user.bytes().take(255));
            auth.push(pass.len().min(255) as u8);
            auth.extend(pass.bytes().take(255));
            sock.write_all(&auth).await?;
            let mut ok = [0u8; 2];
            sock.read_exact(&mut ok).await?;
            if ok[1] != 0 {
                return Err(Step::No("the user and password were refused".into()));
            }
        }
        ([0x05, _], _) => return Err(Step::No("no authentication method in common".into())),
        _ => return Err(Step::No("not a SOCKS5 proxy".into())),
    }
    let mut req = vec![0x05, 0x01, 0x00];
    req.extend(address(proxy.scheme() == "socks5h", host, port).await?);
    sock.write_all(&req).await?;
    let mut reply = [0u8; 4];
    sock.read_exact(&mut reply).await?;
    if reply[1] != 0 {
        return Err(Step::No(format!("SOCKS5 reply {}", reply[1])));
    }
    // The bound address, which nothing here needs, then the port.
    let rest = match reply[3] {
        0x01 => 4,
        0x04 => 16,
        0x03 => usize::from(sock.read_u8().await?),
        _ => return Err(Step::No("not a SOCKS5 answer".into())),
    };
    let mut skip = vec![0u8; rest + 2];
    sock.read_exact(&mut skip).await?;
    Ok(())
}

/// The SOCKS5 address of `host:port`: the name itself when the proxy resolves (`socks5h`), else an
/// address resolved here.
async fn address(remote_dns: bool, host: &str, port: u16) -> Result<Vec<u8>, Step> {
    let ip = match host.parse::<std::net::IpAddr>() {
        Ok(ip) => Some(ip),
        Err(_) if remote_dns => None,
        Err(_) => {
            let mut addrs = tokio::net::lookup_host((host, port)).await?;
            Some(addrs.next().ok_or_else(|| Step::No(format!("{host} does not resolve")))?.ip())
        }
    };
    let mut out = match ip {
        Some(std::net::IpAddr::V4(a)) => [&[0x01][..], &a.octets()].concat(),
        Some(std::net::IpAddr::V6(a)) => [&[0x04][..], &a.octets()].concat(),
        None if host.len() > 255 => return Err(Step::No("a host name longer than SOCKS5 allows".into())),
        None => [&[0x03, host.len() as u8][..], host.as_bytes()].concat(),
    };
    out.extend_from_slice(&port.to_be_bytes());
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::net::TcpListener;

    fn configured(url: &str) -> Route {
        Route::Configured(ProxyUrl::parse(url).unwrap())
    }

    /// A one-connection server on 127.0.0.1 running `serve`; its port, and what `serve` returns.
    async fn one<T: Send + 'static>(
        serve: impl FnOnce(TcpStream) -> futures::future::BoxFuture<'static, T> + Send + 'static,
    ) -> (u16, tokio::task::JoinHandle<T>) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        (port, tokio::spawn(async move { serve(listener.accept().await.unwrap().0).await }))
    }

    /// Credentials go decoded, as Basic; a 407 is a refusal that says what the proxy wants.
    #[tokio::test]
    async fn connect_sends_the_credentials_and_a_407_is_a_refusal() {
        let (port, head) = one(|mut s| {
            Box::pin(async move {
                let mut buf = vec![0u8; 1024];
                let n = s.read(&mut buf).await.unwrap();
                s.write_all(b"HTTP/1.1 407 Proxy Authentication Required\r\n\r\n").await.unwrap();
                String::from_utf8_lossy(&buf[..n]).into_owned()
            })
        })
        .await;
        let route = configured(&format!("http://me%40corp:p%3Ass@127.0.0.1:{port}"));
        let err = tcp(&route, "streamer.example", 443).await.unwrap_err();
        assert!(matches!(&err, TunnelError::Refused { why, .. } if why.contains("407")), "{err}");
        assert!(!err.to_string().contains("p%3Ass") && !err.to_string().contains("p:ss"), "{err}");
        let head = head.await.unwrap();
        let token = base64::engine::general_purpose::STANDARD.encode("me@corp:p:ss");
        assert!(head.starts_with("CONNECT streamer.example:443 HTTP/1.1\r\n"), "{head}");
        assert!(head.contains(&format!("Proxy-Authorization: Basic {token}\r\n")), "{head}");
    }

    /// SOCKS5 with a user: RFC 1929's exchange, then the name itself for the proxy to resolve.
    #[tokio::test]
    async fn socks5h_authenticates_and_sends_the_name() {
        let (port, got) = one(|mut s| {
            Box::pin(async move {
                let mut hello = [0u8; 4];
                s.read_exact(&mut hello).await.unwrap();
                s.write_all(&[5, 2]).await.unwrap();
                let mut auth = vec![0u8; 2 + 2 + 1 + 6];
                s.read_exact(&mut auth).await.unwrap();
                s.write_all(&[1, 0]).await.unwrap();
                let mut req = vec![0u8; 4 + 1 + "streamer.example".len() + 2];
                s.read_exact(&mut req).await.unwrap();
                s.write_all(&[5, 0, 0, 1, 0, 0, 0, 0, 0, 0]).await.unwrap();
                (hello, auth, req)
            })
        })
        .await;
        let route = configured(&format!("socks5h://me:secret@127.0.0.1:{port}"));
        tcp(&route, "streamer.example", 443).await.unwrap();
        let (hello, auth, req) = got.await.unwrap();
        assert_eq!(hello, [5, 2, 0, 2]);
        assert_eq!(auth, [&[1, 2][..], b"me", &[6], b"secret"].concat());
        assert_eq!(req, [&[5, 1, 0, 3, 16][..], b"streamer.example", &443u16.to_be_bytes()].concat());
    }

    /// `socks5://` resolves here: the proxy gets an address, never the name.
    #[tokio::test]
    async fn socks5_sends_an_address_and_a_refusal_is_named() {
        let (port, got) = one(|mut s| {
            Box::pin(async move {
                let mut hello = [0u8; 3];
                s.read_exact(&mut hello).await.unwrap();
                s.write_all(&[5, 0]).await.unwrap();
                let mut req = [0u8; 4];
                s.read_exact(&mut req).await.unwrap();
                // Connection refused by the destination.
                s.write_all(&[5, 5, 0, 1, 0, 0, 0, 0, 0, 0]).await.unwrap();
                req
            })
        })
        .await;
        let err =
            tcp(&configured(&format!("socks5://127.0.0.1:{port}")), "localhost", 443).await.unwrap_err();
        assert!(matches!(&err, TunnelError::Refused { why, .. } if why == "SOCKS5 reply 5"), "{err}");
        let req = got.await.unwrap();
        assert!(req[..3] == [5, 1, 0] && (req[3] == 1 || req[3] == 4), "an IPv4 or IPv6 address: {req:?}");
    }

    #[test]
    fn only_an_https_proxy_is_beyond_the_streamer() {
        let none = |_: &str| None;
        for ok in ["http://p:1", "socks5h://p:1", "socks5://p:1"] {
            let setting = ProxySetting::Url(ProxyUrl::parse(ok).unwrap());
            assert!(usable(&setting, "wss://s.example/", &none).is_ok(), "{ok}");
        }
        let https = ProxySetting::Url(ProxyUrl::parse("https://p:1").unwrap());
        assert!(matches!(usable(&https, "wss://s.example/", &none), Err(TunnelError::Unsupported(_))));
        let env = |v: &str| (v == "HTTPS_PROXY").then(|| "https://p:1".to_string());
        assert!(usable(&ProxySetting::Env, "wss://s.example/", &env).is_err(), "from the environment too");
        assert!(usable(&ProxySetting::Direct, "wss://s.example/", &env).is_ok());
    }
}
