//! The official sources (EDGAR's submissions, the Federal Register's rules, HKEXnews' and cninfo's
//! searches; their id lookups stay healthy) behind a local server
//! that turns hostile on their paths alone: a 64 MiB answer, announced or streamed, and a slow drip
//! past the request deadline. Each fault is that source's error only: the feed beside them and the
//! quotes carry on, and the items the official sources gave last stay in the list.
//!
//! Real sockets and real time while a request is out (a paused clock would fire the deadline while
//! a socket waits, as `faults` says); the paused clock only between rounds, to pass each source's
//! interval without waiting for it.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chiptape::config::FilingsLanguage;
use chiptape::market::clock::{Clock, ShiftedClock};
use chiptape::market::{HeadlineKind, Symbol};
use chiptape::providers::feeds::Feeds;
use chiptape::providers::http::{Http, HttpOptions};
use chiptape::providers::official::cninfo::{Cninfo, CninfoOptions};
use chiptape::providers::official::federal_register::FederalRegister;
use chiptape::providers::official::hkex::{Hkex, HkexOptions};
use chiptape::providers::official::sec::{Sec, SecOptions};
use chiptape::providers::official::{CNINFO, FEDERAL_REGISTER, HKEXNEWS, SEC_EDGAR, Scheduled, WithOfficial};
use chiptape::providers::yahoo::{Yahoo, session::Store};
use chiptape::providers::{NewsBatch, NewsSource, QuoteSource};
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;

use super::faults::{DEADLINE, NOW, feed_xml, head, options, quote_json, respond};

const UA: &str = "Chiptape Tests tests@example.com";
/// How often each official source is asked (`filings.refresh_secs`).
const EVERY: Duration = Duration::from_secs(1800);
const MIB: usize = 1024 * 1024;
/// What a hostile answer would send, were it let.
const HUGE: usize = 64 * MIB;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Fault {
    Healthy,
    /// 64 MiB with its length in the head: refused from the head.
    HugeAnnounced,
    /// 64 MiB in chunks, no length: read up to the cap, then dropped.
    HugeStreamed,
    /// The right answer, a byte every 100 ms: the deadline comes first.
    SlowDrip,
}

struct Shared {
    base: String,
    fault: Mutex<Fault>,
    /// Hostile answers begun, and the bytes each had written when the client hung up.
    huge_started: AtomicUsize,
    huge_sent: mpsc::UnboundedSender<usize>,
}

fn fixture(name: &str, base: &str) -> Vec<u8> {
    let p = format!("{}/tests/fixtures/official/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{p}: {e}")).replace("{{BASE}}", base).into_bytes()
}

/// The official answer for `path`, or `None` for the paths that stay healthy.
fn official(path: &str, base: &str) -> Option<Vec<u8>> {
    Some(if path.starts_with("/submissions/CIK0001045810.json") {
        fixture("sec-submissions-nvda.json", base)
    } else if path.starts_with("/api/v1/public-inspection-documents.json") {
        fixture("fr-inspection.json", base)
    } else if path.starts_with("/api/v1/documents?") {
        // The cursor to the second page (the first is `documents.json`).
        fixture("fr-rules-page2.json", base)
    } else if path.starts_with("/api/v1/documents.json") {
        fixture("fr-rules-page1.json", base)
    } else if path.starts_with("/search/titleSearchServlet.do") {
        fixture("hkex-title-search-00981.json", base)
    } else if path.starts_with("/new/hisAnnouncement/query") {
        fixture("cninfo-announcements-688981.json", base)
    } else {
        return None;
    })
}

/// Zeros in 64 KiB pieces up to 64 MiB, chunked or not, until the client hangs up: the bytes sent.
async fn huge(sock: &mut TcpStream, announced: bool) -> usize {
    let framing =
        if announced { format!("content-length: {HUGE}") } else { "transfer-encoding: chunked".into() };
    let head = format!("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n{framing}\r\n\r\n");
    if sock.write_all(head.as_bytes()).await.is_err() {
        return 0;
    }
    let piece = vec![b'0'; 64 * 1024];
    let mut sent = 0;
    while sent < HUGE {
        let ok = if announced {
            sock.write_all(&piece).await.is_ok()
        } else {
            let size = format!("{:x}\r\n", piece.len());
            sock.write_all(size.as_bytes()).await.is_ok()
                && sock.write_all(&piece).await.is_ok()
                && sock.write_all(b"\r\n").await.is_ok()
        };
        if !ok {
            break;
        }
        sent += piece.len();
    }
    if !announced && sent == HUGE {
        let _ = sock.write_all(b"0\r\n\r\n").await;
    }
    sent
}

async fn answer(mut sock: TcpStream, shared: Arc<Shared>) {
    let Some(head) = head(&mut sock).await else { return };
    let path = head.split_whitespace().nth(1).unwrap_or("").to_string();
    if path.starts_with("/cookie") {
        return respond(&mut sock, 404, "text/html", "set-cookie: A3=d=test; Path=/\r\n", b"").await;
    }
    if path.starts_with("/v1/test/getcrumb") {
        return respond(&mut sock, 200, "text/plain", "", b"crumbABC123").await;
    }
    if path.starts_with("/v7/") {
        return respond(&mut sock, 200, "application/json", "", &quote_json(100.0)).await;
    }
    if path.starts_with("/search/prefix.do") {
        return respond(&mut sock, 200, "text/javascript", "", &fixture("hkex-prefix-00981.jsonp", "")).await;
    }
    if path.starts_with("/new/information/topSearch/query") {
        let lookup = fixture("cninfo-top-search-688981.json", "");
        return respond(&mut sock, 200, "application/json", "", &lookup).await;
    }
    let Some(body) = official(&path, &shared.base) else {
        return respond(&mut sock, 200, "application/rss+xml", "", &feed_xml("Wire story")).await;
    };
    let fault = *shared.fault.lock().unwrap();
    match fault {
        Fault::Healthy => respond(&mut sock, 200, "application/json", "", &body).await,
        Fault::HugeAnnounced | Fault::HugeStreamed => {
            shared.huge_started.fetch_add(1, Ordering::SeqCst);
            let sent = huge(&mut sock, fault == Fault::HugeAnnounced).await;
            let _ = shared.huge_sent.send(sent);
        }
        Fault::SlowDrip => {
            let head = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
                body.len()
            );
            let _ = sock.write_all(head.as_bytes()).await;
            for b in &body {
                if sock.write_all(&[*b]).await.is_err() {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
}

/// The server, and the bytes each hostile answer sent.
async fn start() -> (Arc<Shared>, mpsc::UnboundedReceiver<usize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let (tx, rx) = mpsc::unbounded_channel();
    let shared = Arc::new(Shared {
        base: format!("http://{}", listener.local_addr().unwrap()),
        fault: Mutex::new(Fault::Healthy),
        huge_started: AtomicUsize::new(0),
        huge_sent: tx,
    });
    let s = shared.clone();
    tokio::spawn(async move {
        while let Ok((sock, _)) = listener.accept().await {
            tokio::spawn(answer(sock, s.clone()));
        }
    });
    (shared, rx)
}

/// The news as the app puts it together (the feed beside the official sources, each official one
/// on its interval), and the quotes, all at `base` with the fault matrix's short deadline.
fn sources(base: &str) -> (WithOfficial, Yahoo) {
    let cfg = super::faults::config_at(base);
    let clock: Arc<dyn Clock> = Arc::new(ShiftedClock::starting_at(NOW.parse().unwrap()));
    let http = || Http::new(&options()).unwrap();
    let feeds: Arc<dyn NewsSource> = Arc::new(Feeds::new(&cfg, http(), Default::default()));
    let tagger = Arc::new(cfg.tagger());
    let fr = FederalRegister::new(http(), base, tagger);
    let sec_http = Http::new(&HttpOptions { user_agent: UA.into(), ..options() }).unwrap();
    let sec = Sec::new(
        SecOptions {
            user_agent: Some(UA.into()),
            data_url: base.into(),
            files_url: base.into(),
            forms: ["8-K", "10-K", "4"].map(String::from).to_vec(),
            map_path: None,
            every: EVERY,
        },
        Some(sec_http),
    );
    let hkex = Hkex::new(
        http(),
        HkexOptions { base: base.into(), language: FilingsLanguage::En, every: EVERY, ids_path: None },
    );
    let cninfo = Cninfo::new(http(), CninfoOptions { base: base.into(), every: EVERY, ids_path: None });
    let official: Vec<Arc<dyn NewsSource>> =
        vec![Arc::new(Scheduled::new(Box::new(fr), EVERY)), Arc::new(sec), Arc::new(hkex), Arc::new(cninfo)];
    let yahoo = Yahoo::new(&cfg.provider, options(), Store::at(None), clock).unwrap();
    (WithOfficial::new(feeds, official), yahoo)
}

/// Past every source's interval, without waiting for it (nothing is in flight now).
async fn pass_the_interval() {
    tokio::time::pause();
    tokio::time::advance(EVERY + Duration::from_secs(1)).await;
    tokio::time::resume();
}

fn count(b: &NewsBatch, kind: HeadlineKind) -> usize {
    b.headlines.iter().filter(|h| h.kind == kind).count()
}

/// One fault row: a healthy round, a round with the fault on the official paths, a healthy one.
async fn official_fault_row(fault: Fault) {
    let (server, mut huge_sent) = start().await;
    let (news, yahoo) = sources(&server.base);
    let syms = ["NVDA", "0981.HK", "688981.SS"].map(|s| Symbol::parse(s).unwrap());

    let good = news.headlines(&syms).await;
    assert!(good.errors.is_empty(), "{fault:?}: {:?}", good.errors);
    let (rules, filings) = (count(&good, HeadlineKind::Rule), count(&good, HeadlineKind::Filing));
    assert!(rules > 0 && filings > 0, "{fault:?}: {good:?}");

    pass_the_interval().await;
    *server.fault.lock().unwrap() = fault;
    let round = async { tokio::join!(news.headlines(&syms), yahoo.quotes(&syms[..1])) };
    let (bad, quotes) = tokio::time::timeout(DEADLINE * 3, round)
        .await
        .unwrap_or_else(|_| panic!("{fault:?}: no answer within the deadlines"));
    let named: Vec<&str> = bad.errors.iter().map(|(source, _)| source.as_str()).collect();
    assert_eq!(
        named,
        [FEDERAL_REGISTER, SEC_EDGAR, HKEXNEWS, CNINFO],
        "{fault:?}: the official sources' errors only: {:?}",
        bad.errors
    );
    let why = match fault {
        Fault::SlowDrip => "timed out",
        _ => "answer larger than 5 MiB",
    };
    assert!(bad.errors.iter().all(|(_, e)| e.contains(why)), "{fault:?}: {:?}", bad.errors);
    assert!(bad.headlines.iter().any(|h| h.title == "Wire story"), "{fault:?}: the feed carries on");
    let quote = quotes.expect("the quotes carry on").remove(0).1.expect("NVDA priced");
    assert_eq!(quote.price, Some(100.0), "{fault:?}");
    assert_eq!(
        (count(&bad, HeadlineKind::Rule), count(&bad, HeadlineKind::Filing)),
        (rules, filings),
        "{fault:?}: the last good items stay"
    );
    if fault != Fault::SlowDrip {
        let started = server.huge_started.load(Ordering::SeqCst);
        assert!(started >= 4, "{fault:?}: every official source met it");
        for _ in 0..started {
            let sent =
                tokio::time::timeout(Duration::from_secs(20), huge_sent.recv()).await.unwrap().unwrap();
            // What the sockets between held, besides the cap: far from the whole answer.
            assert!(sent < HUGE / 2, "{fault:?}: {} MiB sent before the client let go", sent / MIB);
        }
    }

    *server.fault.lock().unwrap() = Fault::Healthy;
    pass_the_interval().await;
    let again = news.headlines(&syms).await;
    assert!(again.errors.is_empty(), "{fault:?}: recovered: {:?}", again.errors);
    assert_eq!((count(&again, HeadlineKind::Rule), count(&again, HeadlineKind::Filing)), (rules, filings));
}

#[tokio::test]
async fn a_64_mib_official_answer_announced_is_refused_from_its_head() {
    official_fault_row(Fault::HugeAnnounced).await;
}

#[tokio::test]
async fn a_64_mib_official_answer_streamed_stops_at_the_body_cap() {
    official_fault_row(Fault::HugeStreamed).await;
}

#[tokio::test]
async fn a_slow_drip_from_the_official_sources_times_out_alone() {
    official_fault_row(Fault::SlowDrip).await;
}
