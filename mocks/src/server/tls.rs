//! TLS for `https://` and `wss://`: a self-signed certificate generated at start, and a
//! listener that completes handshakes off the accept path.

use std::io;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::server::TlsStream;

use super::ServerError;

/// Handshakes that may be in flight before accepted sockets wait.
const HANDSHAKE_BACKLOG: usize = 64;

/// A generated certificate and the acceptor that serves it.
#[derive(Clone)]
pub struct TlsSetup {
    acceptor: TlsAcceptor,
    cert_path: PathBuf,
}

impl std::fmt::Debug for TlsSetup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsSetup")
            .field("cert_path", &self.cert_path)
            .finish_non_exhaustive()
    }
}

impl TlsSetup {
    /// Generates a self-signed certificate for `localhost` and `127.0.0.1` and writes it (PEM,
    /// certificate only: it is its own CA) to `cert_path`.
    ///
    /// # Errors
    /// [`ServerError::Tls`] if generation or rustls setup fails, [`ServerError::Io`] if the
    /// file cannot be written.
    pub fn generate(cert_path: &Path) -> Result<Self, ServerError> {
        let names = vec!["localhost".to_owned(), "127.0.0.1".to_owned()];
        let certified = rcgen::generate_simple_self_signed(names)
            .map_err(|e| ServerError::Tls(e.to_string()))?;
        std::fs::write(cert_path, certified.cert.pem()).map_err(|e| ServerError::Io {
            what: format!("writing {}", cert_path.display()),
            source: e,
        })?;
        let cert = CertificateDer::from(certified.cert.der().to_vec());
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(
            certified.signing_key.serialize_der(),
        ));
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| ServerError::Tls(e.to_string()))?
            .with_no_client_auth()
            .with_single_cert(vec![cert], key)
            .map_err(|e| ServerError::Tls(e.to_string()))?;
        // WebSocket upgrades need HTTP/1.1.
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Self {
            acceptor: TlsAcceptor::from(Arc::new(config)),
            cert_path: cert_path.to_owned(),
        })
    }

    /// Where the certificate PEM was written.
    #[must_use]
    pub fn cert_path(&self) -> &Path {
        &self.cert_path
    }

    /// Wraps a bound listener: handshakes run in their own tasks so a slow client does not
    /// hold up the others; failed handshakes are logged and dropped.
    pub(crate) fn listener(&self, tcp: TcpListener) -> io::Result<TlsListener> {
        let local = tcp.local_addr()?;
        let (tx, rx) = mpsc::channel(HANDSHAKE_BACKLOG);
        let acceptor = self.acceptor.clone();
        let accept_task = tokio::spawn(async move {
            loop {
                let (stream, peer) = match tcp.accept().await {
                    Ok(accepted) => accepted,
                    Err(e) => {
                        tracing::warn!(error = %e, "tls accept failed");
                        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
                        continue;
                    }
                };
                if let Err(e) = stream.set_nodelay(true) {
                    tracing::warn!(error = %e, "TCP_NODELAY refused");
                }
                let acceptor = acceptor.clone();
                let tx = tx.clone();
                tokio::spawn(async move {
                    match acceptor.accept(stream).await {
                        Ok(tls) => {
                            // The receiver is gone only when the listener is shutting down.
                            let _ = tx.send((tls, peer)).await;
                        }
                        Err(e) => tracing::debug!(%peer, error = %e, "tls handshake failed"),
                    }
                });
            }
        });
        Ok(TlsListener {
            handshaken: rx,
            local,
            accept_task,
        })
    }
}

/// An `axum::serve` listener yielding completed TLS streams. Dropping it stops accepting.
#[derive(Debug)]
pub(crate) struct TlsListener {
    handshaken: mpsc::Receiver<(TlsStream<TcpStream>, SocketAddr)>,
    local: SocketAddr,
    accept_task: JoinHandle<()>,
}

impl Drop for TlsListener {
    fn drop(&mut self) {
        self.accept_task.abort();
    }
}

impl axum::serve::Listener for TlsListener {
    type Io = TlsStream<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        match self.handshaken.recv().await {
            Some(accepted) => accepted,
            // The accept task never ends on its own while the listener lives.
            None => std::future::pending().await,
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        Ok(self.local)
    }
}
