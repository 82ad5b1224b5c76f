//! Proxies on 127.0.0.1 for the `[proxy]` tests: an HTTP proxy (absolute-form requests forwarded,
//! CONNECT tunnelled) and a SOCKS5 one, each recording what it was asked; either can be made to
//! refuse (its port closed) or to hang (connections accepted, never answered).

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Forward,
    /// Accepts, reads nothing, answers nothing.
    Hang,
    /// The port closed.
    Refuse,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Http,
    Socks5,
}

struct Shared {
    mode: Mutex<Mode>,
    /// "GET http://127.0.0.1:1234/v7/…", "CONNECT 127.0.0.1:1234", "SOCKS5 127.0.0.1:1234", "HANG".
    seen: Mutex<Vec<String>>,
    /// Hanging connections, kept open.
    held: Mutex<Vec<TcpStream>>,
}

pub struct Proxy {
    pub addr: SocketAddr,
    kind: Kind,
    shared: Arc<Shared>,
    accept: Mutex<Option<tokio::task::JoinHandle<()>>>,
}

impl Proxy {
    pub async fn start(kind: Kind) -> Arc<Proxy> {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let shared = Arc::new(Shared {
            mode: Mutex::new(Mode::Forward),
            seen: Mutex::default(),
            held: Mutex::default(),
        });
        let p =
            Arc::new(Proxy { addr: listener.local_addr().unwrap(), kind, shared, accept: Mutex::new(None) });
        p.listen(listener);
        p
    }

    /// "http://127.0.0.1:PORT" or "socks5h://127.0.0.1:PORT".
    pub fn url(&self) -> String {
        match self.kind {
            Kind::Http => format!("http://{}", self.addr),
            Kind::Socks5 => format!("socks5h://{}", self.addr),
        }
    }

    pub fn seen(&self) -> Vec<String> {
        self.shared.seen.lock().unwrap().clone()
    }

    fn listen(&self, listener: TcpListener) {
        let (shared, kind) = (self.shared.clone(), self.kind);
        let task = tokio::spawn(async move {
            while let Ok((sock, _)) = listener.accept().await {
                let _ = sock.set_nodelay(true);
                let mode = *shared.mode.lock().unwrap();
                if mode == Mode::Hang {
                    shared.seen.lock().unwrap().push("HANG".into());
                    shared.held.lock().unwrap().push(sock);
                    continue;
                }
                let shared = shared.clone();
                tokio::spawn(async move {
                    match kind {
                        Kind::Http => http(sock, shared).await,
                        Kind::Socks5 => socks5(sock, shared).await,
                    }
                });
            }
        });
        *self.accept.lock().unwrap() = Some(task);
    }

    /// `Refuse` closes the port; the others open it again if it was closed.
    pub async fn set(&self, mode: Mode) {
        *self.shared.mode.lock().unwrap() = mode;
        let task = self.accept.lock().unwrap().take();
        if mode == Mode::Refuse {
            if let Some(t) = task {
                t.abort();
                let _ = t.await;
            }
            self.shared.held.lock().unwrap().clear();
        } else if let Some(t) = task {
            *self.accept.lock().unwrap() = Some(t);
        } else {
            self.listen(TcpListener::bind(self.addr).await.expect("the port again"));
        }
    }
}

/// A port nothing listens on: a proxy that refuses.
pub fn refusing_url() -> String {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    format!("http://127.0.0.1:{port}")
}

/// A request's head, read a byte at a time up to the blank line (at most 16 kB).
pub async fn head(sock: &mut TcpStream) -> Option<String> {
    let mut buf = Vec::new();
    let mut byte = [0u8; 1];
    while !buf.ends_with(b"\r\n\r\n") {
        if sock.read(&mut byte).await.ok()? == 0 || buf.len() > 16 * 1024 {
            return None;
        }
        buf.push(byte[0]);
    }
    Some(String::from_utf8_lossy(&buf).into_owned())
}

async fn http(mut sock: TcpStream, shared: Arc<Shared>) {
    let Some(head) = head(&mut sock).await else { return };
    let mut lines = head.split("\r\n");
    let first = lines.next().unwrap_or("").to_string();
    let mut parts = first.split_whitespace();
    let (method, target) = (parts.next().unwrap_or("").to_string(), parts.next().unwrap_or("").to_string());
    shared.seen.lock().unwrap().push(format!("{method} {target}"));
    if method == "CONNECT" {
        let Ok(mut up) = TcpStream::connect(&target).await else {
            let _ = sock.write_all(b"HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n").await;
            return;
        };
        let _ = up.set_nodelay(true);
        let _ = sock.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n").await;
        let _ = tokio::io::copy_bidirectional(&mut sock, &mut up).await;
        return;
    }
    // An absolute-form request: to the origin in origin form, one request a connection.
    let Ok(url) = url::Url::parse(&target) else { return };
    let origin = format!("{}:{}", url.host_str().unwrap_or(""), url.port_or_known_default().unwrap_or(80));
    let Ok(mut up) = TcpStream::connect(&origin).await else { return };
    let path = &target[url.origin().ascii_serialization().len()..];
    let mut out = format!("{method} {} HTTP/1.1\r\n", if path.is_empty() { "/" } else { path });
    for l in lines.filter(|l| !l.is_empty()) {
        let name = l.split(':').next().unwrap_or("").to_ascii_lowercase();
        if name != "connection" && name != "proxy-connection" {
            out.push_str(l);
            out.push_str("\r\n");
        }
    }
    out.push_str("connection: close\r\n\r\n");
    if up.write_all(out.as_bytes()).await.is_ok() {
        let _ = tokio::io::copy_bidirectional(&mut sock, &mut up).await;
    }
}

async fn socks5(mut sock: TcpStream, shared: Arc<Shared>) {
    let mut hello = [0u8; 2];
    if sock.read_exact(&mut hello).await.is_err() || hello[0] != 5 {
        return;
    }
    let mut methods = vec![0u8; usize::from(hello[1])];
    if sock.read_exact(&mut methods).await.is_err() || sock.write_all(&[5, 0]).await.is_err() {
        return;
    }
    let mut req = [0u8; 4];
    if sock.read_exact(&mut req).await.is_err() {
        return;
    }
    let host = match req[3] {
        1 => {
            let mut a = [0u8; 4];
            let _ = sock.read_exact(&mut a).await;
            std::net::Ipv4Addr::from(a).to_string()
        }
        3 => {
            let n = sock.read_u8().await.unwrap_or(0);
            let mut name = vec![0u8; usize::from(n)];
            let _ = sock.read_exact(&mut name).await;
            String::from_utf8_lossy(&name).into_owned()
        }
        _ => return,
    };
    let port = sock.read_u16().await.unwrap_or(0);
    shared.seen.lock().unwrap().push(format!("SOCKS5 {host}:{port}"));
    let Ok(mut up) = TcpStream::connect((host.as_str(), port)).await else {
        let _ = sock.write_all(&[5, 5, 0, 1, 0, 0, 0, 0, 0, 0]).await;
        return;
    };
    let _ = up.set_nodelay(true);
    if sock.write_all(&[5, 0, 0, 1, 0, 0, 0, 0, 0, 0]).await.is_ok() {
        let _ = tokio::io::copy_bidirectional(&mut sock, &mut up).await;
    }
}
