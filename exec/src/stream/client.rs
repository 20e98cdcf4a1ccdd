//! The private stream task: connect, authenticate, subscribe, forward events; on any failure
//! reconnect with exponential backoff, a fresh JWT and the same subscriptions.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use super::messages::{StreamEvent, parse_frame};
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
        }
    }
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

async fn run(config: StreamConfig, rest: RestClient, tx: mpsc::Sender<StreamEvent>) {
    let mut attempt = 0u32;
    while !tx.is_closed() {
        match session(&config, &rest, &tx, &mut attempt).await {
            Ok(()) => tracing::info!("private stream closed by the server; reconnecting"),
            Err(e) => tracing::warn!(error = %e, attempt, "private stream failed; reconnecting"),
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

async fn connect(url: &str) -> Result<Socket, String> {
    let request = url.into_client_request().map_err(|e| format!("url: {e}"))?;
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
        MaybeTls::Tls(Box::new(
            tls_connector()
                .connect(name, tcp)
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
async fn request(
    socket: &mut Socket,
    tx: &mpsc::Sender<StreamEvent>,
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
        match read_event(socket).await? {
            Some(StreamEvent::Reply { id: got, error }) if got == id => {
                return match error {
                    None => Ok(()),
                    Some((code, message)) => Err(format!("{method} refused: {code} {message}")),
                };
            }
            Some(
                event @ (StreamEvent::Order(_)
                | StreamEvent::Fill(_)
                | StreamEvent::Position(_)
                | StreamEvent::Account { .. }),
            ) => {
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
async fn read_event(socket: &mut Socket) -> Result<Option<StreamEvent>, String> {
    while let Some(message) = socket.next().await {
        let mut bytes = match message.map_err(|e| format!("read: {e}"))? {
            Message::Text(t) => t.as_bytes().to_vec(),
            Message::Binary(b) => b.to_vec(),
            Message::Close(_) => return Ok(None),
            _ => continue,
        };
        match parse_frame(&mut bytes) {
            Ok(event) => return Ok(Some(event)),
            Err(e) => tracing::warn!(error = %e, "skipping malformed private frame"),
        }
    }
    Ok(None)
}

async fn session(
    config: &StreamConfig,
    rest: &RestClient,
    tx: &mpsc::Sender<StreamEvent>,
    attempt: &mut u32,
) -> Result<(), String> {
    let handshake = async {
        let mut socket = connect(&config.url).await?;
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
    tx.send(StreamEvent::Connected)
        .await
        .map_err(|_| "receiver dropped".to_owned())?;
    while let Some(event) = read_event(&mut socket).await? {
        if matches!(
            event,
            StreamEvent::Order(_)
                | StreamEvent::Fill(_)
                | StreamEvent::Position(_)
                | StreamEvent::Account { .. }
        ) {
            tx.send(event)
                .await
                .map_err(|_| "receiver dropped".to_owned())?;
        }
    }
    Ok(())
}
