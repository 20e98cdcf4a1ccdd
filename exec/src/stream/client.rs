//! The private stream task: connect, authenticate, subscribe, forward events; on any failure
//! reconnect with exponential backoff, a fresh JWT and the same subscriptions.

use std::path::PathBuf;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use super::messages::{Frame, StreamEvent};
use super::raw::RawStreamEvent;
use crate::rest::RestClient;
use crate::rest::transport::{MaybeTls, tls_connector};

/// Stream settings.
#[derive(Debug, Clone)]
pub struct StreamConfig {
    /// `wss://ws.api.prod.paradex.trade/v1` or the mock's `ws://127.0.0.1:port/v1`.
    pub url: String,
    /// Channels to subscribe to.
    pub channels: Vec<String>,
    /// First reconnect delay; doubles up to `max_backoff`.
    pub backoff: Duration,
    /// Reconnect delay cap.
    pub max_backoff: Duration,
    /// Connect + auth + subscribe must finish within this.
    pub handshake_timeout: Duration,
    /// A PEM CA bundle trusted for `wss` IN ADDITION to the webpki roots (as
    /// [`crate::rest::ClientConfig::ca_file`]). Verification is always on.
    pub ca_file: Option<PathBuf>,
}

impl StreamConfig {
    /// `orders.ALL`, `fills.ALL`, `positions`, `account` on `url`.
    pub fn new(url: &str) -> Self {
        Self {
            url: url.to_owned(),
            channels: ["orders.ALL", "fills.ALL", "positions", "account"]
                .map(String::from)
                .to_vec(),
            backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(5),
            handshake_timeout: Duration::from_secs(10),
            ca_file: None,
        }
    }
}

/// What a stream delivers, and how it reads frames.
pub(crate) trait Delivery: Send + Sized + 'static {
    /// Classifies one frame.
    fn parse(frame: &mut [u8]) -> Result<Frame<Self>, String>;
    /// After every (re)connect + resubscribe.
    fn connected() -> Self;
    /// After a session ended, if this kind of stream reports it.
    fn disconnected(reason: String) -> Option<Self>;
}

/// A running private stream. Dropping it stops the task and closes the socket.
#[derive(Debug)]
pub struct PrivateStream {
    events: mpsc::Receiver<StreamEvent>,
    task: JoinHandle<()>,
}

impl PrivateStream {
    /// Starts the stream task (it reconnects by itself until dropped).
    pub fn spawn(config: StreamConfig, rest: RestClient) -> Self {
        let (tx, events) = mpsc::channel(4096);
        let task = tokio::spawn(run(config, rest, tx));
        Self { events, task }
    }

    /// A stream delivering each notification's `data` JSON as sent, plus connect/disconnect
    /// events: for bindings that want every field.
    pub fn spawn_raw(config: StreamConfig, rest: RestClient) -> RawPrivateStream {
        let (tx, events) = mpsc::channel(4096);
        let task = tokio::spawn(run(config, rest, tx));
        RawPrivateStream { events, task }
    }

    /// The next event; `None` once the task has stopped.
    pub async fn next(&mut self) -> Option<StreamEvent> {
        self.events.recv().await
    }
}

impl Drop for PrivateStream {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A private stream of [`RawStreamEvent`]s ([`PrivateStream::spawn_raw`]). Dropping it stops
/// the task and closes the socket.
#[derive(Debug)]
pub struct RawPrivateStream {
    events: mpsc::Receiver<RawStreamEvent>,
    task: JoinHandle<()>,
}

impl RawPrivateStream {
    /// The next event; `None` once the task has stopped.
    pub async fn next(&mut self) -> Option<RawStreamEvent> {
        self.events.recv().await
    }

    /// A handle that stops the stream task from anywhere (the receiver then sees `None`).
    pub fn abort_handle(&self) -> tokio::task::AbortHandle {
        self.task.abort_handle()
    }

    /// The next event from a thread outside the runtime (blocks it); `None` once stopped.
    pub fn blocking_next(&mut self) -> Option<RawStreamEvent> {
        self.events.blocking_recv()
    }
}

impl Drop for RawPrivateStream {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn run<E: Delivery>(config: StreamConfig, rest: RestClient, tx: mpsc::Sender<E>) {
    let mut attempt = 0u32;
    while !tx.is_closed() {
        let reason = match session(&config, &rest, &tx, &mut attempt).await {
            Ok(()) => {
                tracing::info!("private stream closed by the server; reconnecting");
                "closed by the server".to_owned()
            }
            Err(e) => {
                tracing::warn!(error = %e, attempt, "private stream failed; reconnecting");
                e
            }
        };
        if let Some(event) = E::disconnected(reason)
            && tx.send(event).await.is_err()
        {
            return;
        }
        let delay = config
            .backoff
            .saturating_mul(1 << attempt.min(16))
            .min(config.max_backoff);
        tokio::time::sleep(delay).await;
        attempt = attempt.saturating_add(1);
    }
}

type Socket = tokio_tungstenite::WebSocketStream<MaybeTls>;

async fn connect(config: &StreamConfig) -> Result<Socket, String> {
    let request = config
        .url
        .as_str()
        .into_client_request()
        .map_err(|e| format!("url: {e}"))?;
    let uri = request.uri();
    let secure = uri.scheme_str() == Some("wss");
    let host = uri.host().ok_or("url has no host")?.to_owned();
    let port = uri.port_u16().unwrap_or(if secure { 443 } else { 80 });
    let tcp = TcpStream::connect((host.as_str(), port))
        .await
        .map_err(|e| format!("connect: {e}"))?;
    tcp.set_nodelay(true).map_err(|e| e.to_string())?;
    let stream = if secure {
        let name = rustls::pki_types::ServerName::try_from(host).map_err(|e| e.to_string())?;
        let tls = tls_connector(config.ca_file.as_deref()).map_err(|e| e.to_string())?;
        MaybeTls::Tls(Box::new(
            tls.connect(name, tcp)
                .await
                .map_err(|e| format!("tls: {e}"))?,
        ))
    } else {
        MaybeTls::Plain(tcp)
    };
    let (socket, _) = tokio_tungstenite::client_async(request, stream)
        .await
        .map_err(|e| format!("handshake: {e}"))?;
    Ok(socket)
}

/// Sends a JSON-RPC request and waits for its reply, forwarding notifications meanwhile.
async fn request<E: Delivery>(
    socket: &mut Socket,
    tx: &mpsc::Sender<E>,
    id: u64,
    method: &str,
    params: serde_json::Value,
) -> Result<(), String> {
    let text =
        serde_json::json!({ "jsonrpc": "2.0", "method": method, "params": params, "id": id })
            .to_string();
    socket
        .send(Message::text(text))
        .await
        .map_err(|e| format!("send {method}: {e}"))?;
    loop {
        match read_frame::<E>(socket).await? {
            Some(Frame::Reply { id: got, error }) if got == id => {
                return match error {
                    None => Ok(()),
                    Some((code, message)) => Err(format!("{method} refused: {code} {message}")),
                };
            }
            Some(Frame::Event(event)) => {
                tx.send(event)
                    .await
                    .map_err(|_| "receiver dropped".to_owned())?;
            }
            Some(_) => {}
            None => return Err(format!("closed while waiting for {method}")),
        }
    }
}

/// The next parsed frame; `None` when the socket closed. Malformed frames are logged and
/// skipped (they never end the session).
async fn read_frame<E: Delivery>(socket: &mut Socket) -> Result<Option<Frame<E>>, String> {
    while let Some(message) = socket.next().await {
        let mut bytes = match message.map_err(|e| format!("read: {e}"))? {
            Message::Text(t) => t.as_bytes().to_vec(),
            Message::Binary(b) => b.to_vec(),
            Message::Close(_) => return Ok(None),
            _ => continue,
        };
        match E::parse(&mut bytes) {
            Ok(frame) => return Ok(Some(frame)),
            Err(e) => tracing::warn!(error = %e, "skipping malformed private frame"),
        }
    }
    Ok(None)
}

async fn session<E: Delivery>(
    config: &StreamConfig,
    rest: &RestClient,
    tx: &mpsc::Sender<E>,
    attempt: &mut u32,
) -> Result<(), String> {
    let handshake = async {
        let mut socket = connect(config).await?;
        let bearer = rest.bearer_token().await.map_err(|e| format!("jwt: {e}"))?;
        if let Err(e) = request(
            &mut socket,
            tx,
            1,
            "auth",
            serde_json::json!({ "bearer": bearer }),
        )
        .await
        {
            rest.invalidate_jwt();
            return Err(e);
        }
        for (n, channel) in config.channels.iter().enumerate() {
            request(
                &mut socket,
                tx,
                2 + n as u64,
                "subscribe",
                serde_json::json!({ "channel": channel }),
            )
            .await?;
        }
        Ok::<_, String>(socket)
    };
    let mut socket = tokio::time::timeout(config.handshake_timeout, handshake)
        .await
        .map_err(|_| "handshake timed out".to_owned())??;
    *attempt = 0;
    tx.send(E::connected())
        .await
        .map_err(|_| "receiver dropped".to_owned())?;
    while let Some(frame) = read_frame::<E>(&mut socket).await? {
        if let Frame::Event(event) = frame {
            tx.send(event)
                .await
                .map_err(|_| "receiver dropped".to_owned())?;
        }
    }
    Ok(())
}
