//! HTTP/1.1 over a pooled keep-alive connection set (hyper-util's client), plain TCP for
//! loopback and rustls (ring, webpki roots plus an optional extra CA) for `https`.
//!
//! Why hyper rather than reqwest: both crates are already in the workspace through the mock,
//! reqwest 0.13 would add its own TLS backend on top, and a trading client wants direct control
//! of the pool (idle keep-alive, no redirects, no decompression) and of every timeout.

use std::future::Future;
use std::path::Path;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, Method, Request, StatusCode, Uri};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::{Connected, Connection, HttpConnector};
use hyper_util::rt::{TokioExecutor, TokioIo};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;

use super::error::{RestError, RestResult};

/// A response: status, the server's wait hint and the whole body.
#[derive(Debug)]
pub(crate) struct Response {
    pub(crate) status: StatusCode,
    /// How long the server asked us to wait (`retry-after`, `x-ratelimit-reset`), if it did.
    pub(crate) retry_after: Option<Duration>,
    pub(crate) body: Bytes,
}

/// Pooled HTTP client bound to one base URL.
#[derive(Debug, Clone)]
pub(crate) struct Transport {
    client: Client<Connector, Full<Bytes>>,
    base: String,
    timeout: Duration,
}

impl Transport {
    /// `base` is e.g. `https://api.prod.paradex.trade` or `http://127.0.0.1:8080` (no `/v1`).
    /// `ca_file`: a PEM bundle trusted in addition to the webpki roots.
    pub(crate) fn new(base: &str, timeout: Duration, ca_file: Option<&Path>) -> RestResult<Self> {
        let uri: Uri = base
            .parse()
            .map_err(|e| RestError::Invalid(format!("base url {base:?}: {e}")))?;
        if !matches!(uri.scheme_str(), Some("http" | "https")) {
            return Err(RestError::Invalid(format!(
                "base url {base:?}: scheme must be http or https"
            )));
        }
        let mut http = HttpConnector::new();
        http.enforce_http(false);
        http.set_nodelay(true);
        http.set_connect_timeout(Some(timeout));
        let client = Client::builder(TokioExecutor::new())
            .pool_idle_timeout(Duration::from_secs(90))
            .pool_max_idle_per_host(64)
            .build(Connector {
                http,
                tls: tls_connector(ca_file)?,
            });
        Ok(Self {
            client,
            base: base.trim_end_matches('/').to_owned(),
            timeout,
        })
    }

    /// Sends one request and reads the whole body, within the timeout.
    pub(crate) async fn send(
        &self,
        method: Method,
        path_and_query: &str,
        headers: &[(HeaderName, HeaderValue)],
        body: Option<Vec<u8>>,
    ) -> RestResult<Response> {
        let mut builder = Request::builder()
            .method(method)
            .uri(format!("{}{}", self.base, path_and_query));
        for (name, value) in headers {
            builder = builder.header(name, value);
        }
        if body.is_some() {
            builder = builder.header(http::header::CONTENT_TYPE, "application/json");
        }
        let request = builder
            .body(Full::new(Bytes::from(body.unwrap_or_default())))
            .map_err(|e| RestError::Invalid(e.to_string()))?;
        let exchange = async {
            let response = self
                .client
                .request(request)
                .await
                .map_err(|e| RestError::Transport(with_causes(&e)))?;
            let (parts, body) = response.into_parts();
            let body = body
                .collect()
                .await
                .map_err(|e| RestError::Transport(with_causes(&e)))?
                .to_bytes();
            Ok(Response {
                status: parts.status,
                retry_after: wait_hint(&parts.headers),
                body,
            })
        };
        tokio::time::timeout(self.timeout, exchange)
            .await
            .map_err(|_| RestError::Timeout(self.timeout))?
    }
}

/// An error and its chain of causes (hyper's own text hides the TLS or socket cause).
fn with_causes(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut cause = err.source();
    while let Some(inner) = cause {
        let more = inner.to_string();
        if !text.contains(&more) {
            text.push_str(": ");
            text.push_str(&more);
        }
        cause = inner.source();
    }
    text
}

/// The server's wait hint: `retry-after` (seconds) or else `x-ratelimit-reset`, which Paradex
/// and the mock send either as a unix time in seconds or as seconds from now.
pub(crate) fn wait_hint(headers: &HeaderMap) -> Option<Duration> {
    let number = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
    };
    if let Some(secs) = number("retry-after") {
        return Some(Duration::from_secs(secs));
    }
    let reset = number("x-ratelimit-reset")?;
    // Anything after 2001-09-09 is an absolute time, not a delay.
    if reset >= 1_000_000_000 {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        Some(Duration::from_secs(reset.saturating_sub(now)))
    } else {
        Some(Duration::from_secs(reset))
    }
}

/// The rustls (ring) connector, shared with the WebSocket client: the webpki roots, plus the
/// certificates of `ca_file` (PEM) when given. Verification is always on.
///
/// # Errors
/// An unreadable `ca_file`, or one without any valid certificate.
pub(crate) fn tls_connector(ca_file: Option<&Path>) -> RestResult<TlsConnector> {
    let mut roots = rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    if let Some(path) = ca_file {
        add_pem_roots(&mut roots, path)?;
    }
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| RestError::Invalid(format!("TLS setup: {e}")))?
    .with_root_certificates(roots)
    .with_no_client_auth();
    Ok(TlsConnector::from(Arc::new(config)))
}

fn add_pem_roots(roots: &mut rustls::RootCertStore, path: &Path) -> RestResult<()> {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject;
    let invalid = |what: String| RestError::Invalid(format!("ca_file {}: {what}", path.display()));
    let pem = std::fs::read(path).map_err(|e| invalid(e.to_string()))?;
    let mut added = 0;
    for cert in CertificateDer::pem_slice_iter(&pem) {
        let cert = cert.map_err(|e| invalid(format!("not PEM: {e}")))?;
        roots
            .add(cert)
            .map_err(|e| invalid(format!("bad certificate: {e}")))?;
        added += 1;
    }
    if added == 0 {
        return Err(invalid(
            "no CERTIFICATE block found (expected a PEM file)".into(),
        ));
    }
    Ok(())
}

/// Opens TCP, then TLS when the scheme is `https`.
#[derive(Clone)]
struct Connector {
    http: HttpConnector,
    tls: TlsConnector,
}

impl std::fmt::Debug for Connector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Connector")
    }
}

impl tower_service::Service<Uri> for Connector {
    type Response = Stream;
    type Error = std::io::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Stream, std::io::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.http.poll_ready(cx).map_err(std::io::Error::other)
    }

    fn call(&mut self, uri: Uri) -> Self::Future {
        let mut http = self.http.clone();
        let tls = self.tls.clone();
        Box::pin(async move {
            let https = uri.scheme_str() == Some("https");
            let host = uri.host().unwrap_or_default().to_owned();
            let tcp = http
                .call(uri)
                .await
                .map_err(std::io::Error::other)?
                .into_inner();
            if !https {
                return Ok(Stream(TokioIo::new(MaybeTls::Plain(tcp))));
            }
            let name =
                rustls::pki_types::ServerName::try_from(host).map_err(std::io::Error::other)?;
            let stream = tls.connect(name, tcp).await?;
            Ok(Stream(TokioIo::new(MaybeTls::Tls(Box::new(stream)))))
        })
    }
}

/// A plain or TLS TCP stream.
pub(crate) enum MaybeTls {
    Plain(TcpStream),
    Tls(Box<TlsStream<TcpStream>>),
}

impl AsyncRead for MaybeTls {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            Self::Plain(s) => Pin::new(s).poll_read(cx, buf),
            Self::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for MaybeTls {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        match self.get_mut() {
            Self::Plain(s) => Pin::new(s).poll_write(cx, buf),
            Self::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            Self::Plain(s) => Pin::new(s).poll_flush(cx),
            Self::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            Self::Plain(s) => Pin::new(s).poll_shutdown(cx),
            Self::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
        }
    }
}

/// What the pool holds: hyper's I/O traits over [`MaybeTls`].
struct Stream(TokioIo<MaybeTls>);

impl hyper::rt::Read for Stream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: hyper::rt::ReadBufCursor<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().0).poll_read(cx, buf)
    }
}

impl hyper::rt::Write for Stream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.get_mut().0).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().0).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().0).poll_shutdown(cx)
    }
}

impl Connection for Stream {
    fn connected(&self) -> Connected {
        Connected::new()
    }
}
