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
    let refused = |why: String| TunnelError::Refused { proxy: proxy.to_string(), why };
    let broke = |e: std::io::Error| TunnelError::Proxy { proxy: proxy.to_string(), cause: e.to_string() };
    match u.scheme() {
        "http" => {
            http_connect(&mut sock, proxy, host, port).await.map_err(|e| e.into_error(refused, broke))?
        }
        "socks5" | "socks5h" => {
            socks5(&mut sock, proxy, host, port).await.map_err(|e| e.into_error(refused, broke))?
        }
        _ => return Err(TunnelError::Unsupported(proxy.to_string())),
    }
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
    fn into_error(
        self,
        refused: impl Fn(String) -> TunnelError,
        broke: impl Fn(std::io::Error) -> TunnelError,
    ) -> TunnelError {
        match self {
            Step::Io(e) => broke(e),
            Step::No(why) => refused(why),
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
