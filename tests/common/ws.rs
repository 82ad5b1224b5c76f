//! An in-process WebSocket server on 127.0.0.1 standing in for Yahoo's streamer: it records what
//! the client sends and pushes what the test tells it to.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use futures::{SinkExt, StreamExt};
use tokio::net::TcpListener;
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;

/// What a test tells one server-side connection to do.
pub enum Cmd {
    Send(Vec<Message>),
    /// Stop reading (so pings go unanswered) but keep the socket open.
    GoDeaf,
}

/// One accepted WebSocket: what the client sent, and a way to send to it. Dropping it drops the
/// connection without a closing handshake.
pub struct Conn {
    pub cmds: mpsc::UnboundedSender<Cmd>,
    pub inbox: mpsc::UnboundedReceiver<String>,
}

impl Conn {
    pub fn send(&self, msgs: Vec<Message>) {
        self.cmds.send(Cmd::Send(msgs)).unwrap();
    }

    pub fn text(&self, text: String) {
        self.send(vec![Message::text(text)]);
    }
}

pub struct Server {
    pub url: String,
    /// TCP connections accepted so far, refused ones included.
    pub attempts: Arc<AtomicUsize>,
    /// This many more connections are dropped before the WebSocket handshake.
    pub refuse: Arc<AtomicUsize>,
    pub conns: mpsc::UnboundedReceiver<Conn>,
    /// The accept loop: aborting it closes the port.
    pub accept: tokio::task::JoinHandle<()>,
}

pub async fn server() -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("ws://{}/?version=2", listener.local_addr().unwrap());
    let attempts = Arc::new(AtomicUsize::new(0));
    let refuse = Arc::new(AtomicUsize::new(0));
    let (conns_tx, conns) = mpsc::unbounded_channel();
    let (a, r) = (attempts.clone(), refuse.clone());
    let accept = tokio::spawn(async move {
        loop {
            let Ok((tcp, _)) = listener.accept().await else { return };
            a.fetch_add(1, Ordering::SeqCst);
            // Without this, a small write waits for the ACK of the last one (real milliseconds)
            // while the paused clock runs on.
            tcp.set_nodelay(true).unwrap();
            if r.load(Ordering::SeqCst) > 0 {
                r.fetch_sub(1, Ordering::SeqCst);
                drop(tcp);
                continue;
            }
            let Ok(mut ws) = tokio_tungstenite::accept_async(tcp).await else { continue };
            let (cmds, mut cmd_rx) = mpsc::unbounded_channel();
            let (in_tx, inbox) = mpsc::unbounded_channel();
            if conns_tx.send(Conn { cmds, inbox }).is_err() {
                return;
            }
            tokio::spawn(async move {
                let mut deaf = false;
                loop {
                    tokio::select! {
                        cmd = cmd_rx.recv() => match cmd {
                            Some(Cmd::Send(msgs)) => {
                                for m in msgs {
                                    if ws.feed(m).await.is_err() {
                                        return;
                                    }
                                }
                                if ws.flush().await.is_err() {
                                    return;
                                }
                            }
                            Some(Cmd::GoDeaf) => deaf = true,
                            None => return,
                        },
                        // Reading is what answers the client's pings.
                        msg = ws.next(), if !deaf => match msg {
                            Some(Ok(Message::Text(t))) => {
                                let _ = in_tx.send(t.to_string());
                            }
                            Some(Ok(_)) => {}
                            _ => return,
                        },
                    }
                }
            });
        }
    });
    Server { url, attempts, refuse, conns, accept }
}
