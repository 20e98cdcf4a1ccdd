//! One WebSocket connection over a non-blocking TCP socket, with rustls for `wss://`.
//!
//! Connecting (TCP, TLS and the HTTP upgrade) is done blocking with a timeout: it is not the
//! hot path. Afterwards the socket is non-blocking and [`Connection::read`] returns `None`
//! instead of waiting, so the feed thread can busy-poll or sleep in epoll.

use std::io::{self, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::os::fd::{AsRawFd, RawFd};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use rustls::{ClientConfig, ClientConnection, RootCertStore, StreamOwned};
use tungstenite::client::IntoClientRequest;
use tungstenite::protocol::WebSocketConfig;
use tungstenite::{Message, WebSocket};

use crate::error::{FeedError, FeedResult};
use crate::frame_filter::FrameFilter;

/// Plain TCP or TLS over TCP.
#[derive(Debug)]
pub(crate) enum Stream {
    Plain(TcpStream),
    Tls(Box<StreamOwned<ClientConnection, TcpStream>>),
}

impl Stream {
    fn tcp(&self) -> &TcpStream {
        match self {
            Self::Plain(tcp) => tcp,
            Self::Tls(tls) => tls.get_ref(),
        }
    }
}

impl Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Self::Plain(tcp) => tcp.read(buf),
            Self::Tls(tls) => tls.read(buf),
        }
    }
}

impl Write for Stream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Self::Plain(tcp) => tcp.write(buf),
            Self::Tls(tls) => tls.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Self::Plain(tcp) => tcp.flush(),
            Self::Tls(tls) => tls.flush(),
        }
    }
}

/// TLS client settings: the Mozilla roots, plus `ca_file` (PEM) when given. Certificate
/// verification always stays on.
///
/// # Errors
/// [`FeedError::Tls`] when the CA file cannot be read or holds no valid certificate.
pub(crate) fn tls_config(ca_file: Option<&Path>) -> FeedResult<Arc<ClientConfig>> {
    let mut roots = RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    if let Some(path) = ca_file {
        let certs = CertificateDer::pem_file_iter(path)
            .map_err(|e| FeedError::Tls(format!("{}: {e}", path.display())))?;
        let mut added = 0;
        for cert in certs {
            let cert = cert.map_err(|e| FeedError::Tls(format!("{}: {e}", path.display())))?;
            roots
                .add(cert)
                .map_err(|e| FeedError::Tls(format!("{}: {e}", path.display())))?;
            added += 1;
        }
        if added == 0 {
            return Err(FeedError::Tls(format!(
                "{}: no certificate",
                path.display()
            )));
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| FeedError::Tls(e.to_string()))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

/// An open WebSocket.
#[derive(Debug)]
pub(crate) struct Connection {
    ws: WebSocket<FrameFilter<Stream>>,
    /// Oversized messages already reported by [`Connection::take_dropped`].
    dropped_seen: u64,
}

impl Connection {
    /// Connects to `url` (`ws://` or `wss://`, `tls` required for the latter) and completes
    /// the upgrade, all within `timeout`; the socket is then switched to non-blocking.
    ///
    /// Data frames over `max_frame_bytes` are dropped below tungstenite and reported by
    /// [`Connection::take_dropped`]; a fragmented message that only exceeds it in total fails
    /// the connection with [`tungstenite::Error::Capacity`] (see [`crate::frame_filter`]).
    pub(crate) fn open(
        url: &str,
        tls: Option<&Arc<ClientConfig>>,
        timeout: Duration,
        max_frame_bytes: usize,
    ) -> FeedResult<Self> {
        let fail = |reason: String| FeedError::Connect {
            url: url.to_owned(),
            reason,
        };
        let request = url.into_client_request().map_err(|e| fail(e.to_string()))?;
        let uri = request.uri();
        let secure = uri.scheme_str() == Some("wss");
        let host = uri.host().ok_or_else(|| fail("no host".into()))?.to_owned();
        let port = uri.port_u16().unwrap_or(if secure { 443 } else { 80 });

        let tcp = connect_tcp(&host, port, timeout).map_err(|e| fail(e.to_string()))?;
        tcp.set_nodelay(true).map_err(|e| fail(e.to_string()))?;
        tcp.set_read_timeout(Some(timeout))
            .map_err(|e| fail(e.to_string()))?;
        tcp.set_write_timeout(Some(timeout))
            .map_err(|e| fail(e.to_string()))?;

        let stream = if secure {
            let tls = tls.ok_or_else(|| fail("wss:// without TLS settings".into()))?;
            let name = ServerName::try_from(host.trim_matches(['[', ']']).to_owned())
                .map_err(|e| fail(format!("server name: {e}")))?;
            let session = ClientConnection::new(Arc::clone(tls), name)
                .map_err(|e| fail(format!("tls: {e}")))?;
            Stream::Tls(Box::new(StreamOwned::new(session, tcp)))
        } else {
            Stream::Plain(tcp)
        };

        let config = WebSocketConfig::default()
            .max_message_size(Some(max_frame_bytes))
            .max_frame_size(Some(max_frame_bytes));
        let stream = FrameFilter::new(stream, max_frame_bytes);
        let (mut ws, response) =
            tungstenite::client::client_with_config(request, stream, Some(config))
                .map_err(|e| fail(format!("handshake: {e}")))?;
        ws.get_mut().activate();
        tracing::debug!(status = %response.status(), "websocket upgraded");

        let tcp = ws.get_ref().get_ref().tcp();
        tcp.set_read_timeout(None)
            .map_err(|e| fail(e.to_string()))?;
        tcp.set_write_timeout(None)
            .map_err(|e| fail(e.to_string()))?;
        tcp.set_nonblocking(true).map_err(|e| fail(e.to_string()))?;
        Ok(Self {
            ws,
            dropped_seen: 0,
        })
    }

    /// Oversized messages dropped since the last call.
    #[inline]
    pub(crate) fn take_dropped(&mut self) -> u64 {
        let total = self.ws.get_ref().dropped();
        let new = total - self.dropped_seen;
        self.dropped_seen = total;
        new
    }

    /// The next message, or `None` when nothing is buffered and the socket would block.
    /// Pings are answered by tungstenite (the pong is queued and flushed here).
    pub(crate) fn read(&mut self) -> Result<Option<Message>, tungstenite::Error> {
        match self.ws.read() {
            Ok(message) => Ok(Some(message)),
            Err(tungstenite::Error::Io(e)) if e.kind() == io::ErrorKind::WouldBlock => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Queues a text message and tries to send it.
    pub(crate) fn send_text(&mut self, text: String) -> Result<(), tungstenite::Error> {
        match self.ws.send(Message::text(text)) {
            Ok(()) => Ok(()),
            Err(tungstenite::Error::Io(e)) if e.kind() == io::ErrorKind::WouldBlock => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// Pushes out queued frames (pongs, subscriptions) without blocking.
    pub(crate) fn flush(&mut self) -> Result<(), tungstenite::Error> {
        match self.ws.flush() {
            Ok(()) => Ok(()),
            Err(tungstenite::Error::Io(e)) if e.kind() == io::ErrorKind::WouldBlock => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// Starts a clean close (best effort).
    pub(crate) fn close(&mut self) {
        let _ = self.ws.close(None);
        let _ = self.ws.flush();
    }

    /// The socket, for epoll registration.
    pub(crate) fn raw_fd(&self) -> RawFd {
        self.ws.get_ref().get_ref().tcp().as_raw_fd()
    }
}

fn connect_tcp(host: &str, port: u16, timeout: Duration) -> io::Result<TcpStream> {
    let mut last = io::Error::new(io::ErrorKind::NotFound, "host resolved to no address");
    for addr in (host, port).to_socket_addrs()? {
        match TcpStream::connect_timeout(&addr, timeout) {
            Ok(tcp) => return Ok(tcp),
            Err(e) => last = e,
        }
    }
    Err(last)
}
