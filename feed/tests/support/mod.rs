//! Test scaffolding: a scripted loopback WebSocket server, unique ring directories, ring
//! readers with timeouts. Everything started here is stopped by `Drop`, even on failure.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use paradex_ring::{Read, Reader, ReaderOptions, RecordKind, ShmRecord, StartAt};
use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::handshake::server::{Request, Response};

/// What the server sends on one connection.
#[derive(Debug)]
pub enum Out {
    Binary(Vec<u8>),
    Text(String),
    Ping,
    /// Drop the TCP connection without a close handshake.
    Drop,
}

/// One accepted connection, as the server saw it.
#[derive(Debug)]
pub struct Conn {
    /// Request URI of the upgrade (path and query).
    pub uri: String,
    /// Text messages received from the client.
    pub received: Vec<String>,
    /// Pongs received.
    pub pongs: usize,
    tx: UnboundedSender<Out>,
}

/// A loopback WebSocket server driven from the (synchronous) test.
pub struct ScriptServer {
    runtime: Option<tokio::runtime::Runtime>,
    addr: SocketAddr,
    conns: Arc<Mutex<Vec<Conn>>>,
}

impl ScriptServer {
    pub fn start() -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("runtime");
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .expect("bind loopback");
        let addr = listener.local_addr().expect("addr");
        let conns: Arc<Mutex<Vec<Conn>>> = Arc::default();
        let accept_conns = Arc::clone(&conns);
        runtime.spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                let conns = Arc::clone(&accept_conns);
                tokio::spawn(serve(tcp, conns));
            }
        });
        Self {
            runtime: Some(runtime),
            addr,
            conns,
        }
    }

    pub fn url(&self) -> String {
        format!("ws://{}/v1", self.addr)
    }

    pub fn connections(&self) -> usize {
        self.conns.lock().unwrap().len()
    }

    /// Waits until connection `index` exists and has received `messages` text messages.
    pub fn wait_for(&self, index: usize, messages: usize, timeout: Duration) -> bool {
        wait_until(timeout, || {
            self.conns
                .lock()
                .unwrap()
                .get(index)
                .is_some_and(|c| c.received.len() >= messages)
        })
    }

    pub fn with_conn<T>(&self, index: usize, f: impl FnOnce(&Conn) -> T) -> T {
        f(&self.conns.lock().unwrap()[index])
    }

    pub fn send(&self, index: usize, out: Out) {
        let _ = self.conns.lock().unwrap()[index].tx.send(out);
    }
}

impl Drop for ScriptServer {
    fn drop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_timeout(Duration::from_secs(1));
        }
    }
}

async fn serve(tcp: tokio::net::TcpStream, conns: Arc<Mutex<Vec<Conn>>>) {
    let uri = Arc::new(Mutex::new(String::new()));
    let seen = Arc::clone(&uri);
    // The signature is tungstenite's callback type; its error variant is not ours to shrink.
    #[allow(clippy::result_large_err)]
    let callback = move |request: &Request, response: Response| {
        *seen.lock().unwrap() = request.uri().to_string();
        Ok(response)
    };
    let Ok(ws) = tokio_tungstenite::accept_hdr_async(tcp, callback).await else {
        return;
    };
    let (tx, mut rx) = unbounded_channel();
    let index = {
        let mut conns = conns.lock().unwrap();
        conns.push(Conn {
            uri: uri.lock().unwrap().clone(),
            received: Vec::new(),
            pongs: 0,
            tx,
        });
        conns.len() - 1
    };
    let (mut sink, mut stream) = ws.split();
    loop {
        tokio::select! {
            out = rx.recv() => {
                let message = match out {
                    Some(Out::Binary(bytes)) => Message::binary(bytes),
                    Some(Out::Text(text)) => Message::text(text),
                    Some(Out::Ping) => Message::Ping(Vec::new().into()),
                    Some(Out::Drop) | None => return,
                };
                if sink.send(message).await.is_err() {
                    return;
                }
            }
            incoming = stream.next() => match incoming {
                Some(Ok(Message::Text(text))) => {
                    conns.lock().unwrap()[index].received.push(text.to_string());
                }
                Some(Ok(Message::Pong(_))) => conns.lock().unwrap()[index].pongs += 1,
                Some(Ok(Message::Close(_)) | Err(_)) | None => return,
                Some(Ok(_)) => {}
            }
        }
    }
}

/// Polls `condition` every 2 ms until it holds or `timeout` passes.
pub fn wait_until(timeout: Duration, mut condition: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + timeout;
    loop {
        if condition() {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}

static DIRS: AtomicU32 = AtomicU32::new(0);

/// A unique ring directory under /dev/shm, removed on drop.
pub struct RingDir(pub PathBuf);

impl RingDir {
    pub fn new() -> Self {
        let n = DIRS.fetch_add(1, Ordering::Relaxed);
        let dir = PathBuf::from(format!(
            "/dev/shm/paradex-feed-test-{}-{n}",
            std::process::id()
        ));
        std::fs::create_dir_all(&dir).expect("ring dir");
        Self(dir)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for RingDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// An unregistered reader of `kind` on feed `feed` in `dir`, from the oldest record.
pub fn reader<R: ShmRecord>(dir: &Path, feed: &str, kind: RecordKind) -> Reader<R> {
    let options = ReaderOptions {
        start: StartAt::Oldest,
        register: false,
    };
    Reader::open_with(dir.join(kind.segment_name(feed)), options).expect("open ring")
}

/// Reads exactly `n` records, waiting up to `timeout`; panics on a lap or a timeout.
pub fn read_n<R: ShmRecord + std::fmt::Debug>(
    reader: &mut Reader<R>,
    n: usize,
    timeout: Duration,
) -> Vec<R> {
    let mut out = Vec::with_capacity(n);
    let ok = wait_until(timeout, || {
        loop {
            match reader.try_read() {
                Read::Record(record) => out.push(record),
                Read::Empty => break,
                Read::Lapped(lost) => panic!("test reader lapped: {lost}"),
            }
        }
        out.len() >= n
    });
    assert!(ok, "expected {n} records, got {}: {out:?}", out.len());
    assert_eq!(out.len(), n, "more records than expected: {out:?}");
    out
}

/// Asserts that nothing more arrives within `wait`.
pub fn assert_quiet<R: ShmRecord + std::fmt::Debug>(reader: &mut Reader<R>, wait: Duration) {
    std::thread::sleep(wait);
    if let Read::Record(record) = reader.try_read() {
        panic!("unexpected record {record:?}");
    }
}
