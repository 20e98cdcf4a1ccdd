//! Wires REST, WebSocket and admin routes onto one loopback listener, with optional TLS.
//!
//! [`MockServer::start`] binds (port 0 picks a free port), builds the exchange, starts the
//! market-data generator and serves until [`MockServerHandle::shutdown`] or drop.
//! [`MockServer::start_blocking`] does the same on its own runtime for synchronous tests.
//! [`MockServerHandle::restart_keep_state`] closes every connection and the listener, then
//! serves again on the same port with the same exchange state, so a client can reconnect and
//! reconcile.

mod admin;
mod tls;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use tokio::net::{TcpListener, TcpSocket};
use tokio::sync::{mpsc, oneshot, watch};
use tokio::task::JoinHandle;

use crate::auth::AuthService;
use crate::config::{ConfigError, MockConfig};
use crate::exchange::Exchange;
use crate::faults::{FaultError, Faults, rest_fault_layer};
use crate::marketdata::{self, MarketDataError};
use crate::ws::{self, WsShared};

pub use tls::TlsSetup;

/// How long a stopping server waits for in-flight HTTP requests before dropping them.
const GRACEFUL_STOP: Duration = Duration::from_secs(1);

/// Errors starting or running the server.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// Bad configuration.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// A `--fault` was refused.
    #[error(transparent)]
    Fault(#[from] FaultError),
    /// The replay or record file is unusable.
    #[error(transparent)]
    MarketData(#[from] MarketDataError),
    /// Certificate generation or rustls setup failed.
    #[error("tls setup: {0}")]
    Tls(String),
    /// A socket or file operation failed.
    #[error("{what}: {source}")]
    Io {
        /// What was being done.
        what: String,
        /// The cause.
        source: std::io::Error,
    },
    /// The server task is gone (it stopped or failed to rebind).
    #[error("the server is not running")]
    NotRunning,
}

/// Requests to the task that owns the listener.
#[derive(Debug)]
pub(crate) enum Control {
    /// Close everything, wait `down`, serve again on the same port.
    Restart {
        down: Duration,
        done: Option<oneshot::Sender<Result<(), ServerError>>>,
    },
    /// Close everything and stop.
    Shutdown { done: oneshot::Sender<()> },
}

/// Everything that outlives a restart.
#[derive(Debug)]
struct Shared {
    exchange: Arc<Exchange>,
    auth: Arc<AuthService>,
    faults: Arc<Faults>,
    ws: Arc<WsShared>,
    tls: Option<TlsSetup>,
    rest_settings: crate::rest::RestSettings,
}

/// Entry point; see the module docs.
#[derive(Debug)]
pub struct MockServer;

impl MockServer {
    /// Builds the exchange from `config`, binds and serves in tasks of the current runtime.
    ///
    /// # Errors
    /// Bad configuration, a port that cannot be bound, TLS setup, or an unreadable replay file.
    pub async fn start(config: MockConfig) -> Result<MockServerHandle, ServerError> {
        let bind = config.bind_addr()?;
        let exchange_config = config.exchange_config()?;
        let faults = Arc::new(Faults::new());
        for spec in config.fault_specs()? {
            faults.install(spec)?;
        }
        let exchange = Arc::new(Exchange::new(exchange_config.clone()));
        let auth = Arc::new(AuthService::new(&exchange_config).with_token_ttl(config.jwt_ttl_secs));
        let tls = if config.tls {
            let path = config
                .tls_cert_out
                .clone()
                .unwrap_or_else(default_cert_path);
            Some(TlsSetup::generate(&path)?)
        } else {
            None
        };
        let ws = Arc::new(WsShared::new(
            &config,
            Arc::clone(&exchange),
            Arc::clone(&auth),
            Arc::clone(&faults),
        )?);
        let shared = Arc::new(Shared {
            exchange: Arc::clone(&exchange),
            auth,
            faults,
            ws,
            tls,
            rest_settings: crate::rest::RestSettings {
                rate_limit_per_min: config.rate_limit_per_min,
            },
        });
        let listener = bind_reusable(bind)?;
        let addr = listener
            .local_addr()
            .map_err(|e| io_error("reading the bound address", e))?;
        let (control_tx, control_rx) = mpsc::channel(8);
        let first = serve_generation(&shared, listener, control_tx.clone())?;
        let supervisor = tokio::spawn(supervise(
            Arc::clone(&shared),
            addr,
            first,
            control_rx,
            control_tx.clone(),
        ));
        let generator = marketdata::spawn_generator(&config, exchange);
        Ok(MockServerHandle {
            addr,
            shared,
            control: control_tx,
            supervisor: Some(supervisor),
            generator,
        })
    }

    /// [`MockServer::start`] on a runtime of its own (two worker threads), for synchronous
    /// code. Do not call it from inside a tokio runtime.
    ///
    /// # Errors
    /// As [`MockServer::start`], plus a runtime that cannot be built.
    pub fn start_blocking(config: MockConfig) -> Result<BlockingMockServer, ServerError> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("paradex-mock")
            .enable_all()
            .build()
            .map_err(|e| io_error("building the runtime", e))?;
        let handle = runtime.block_on(Self::start(config))?;
        Ok(BlockingMockServer {
            handle: Some(handle),
            runtime: Some(runtime),
        })
    }
}

/// A running mock. Dropping it stops the server (without waiting); call
/// [`shutdown`](Self::shutdown) to wait until every socket is closed.
#[derive(Debug)]
pub struct MockServerHandle {
    addr: SocketAddr,
    shared: Arc<Shared>,
    control: mpsc::Sender<Control>,
    supervisor: Option<JoinHandle<()>>,
    generator: Option<JoinHandle<()>>,
}

impl MockServerHandle {
    /// The bound address.
    #[must_use]
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:<port>` (or `https://` with TLS); REST lives under `/v1`.
    #[must_use]
    pub fn http_url(&self) -> String {
        let scheme = if self.shared.tls.is_some() {
            "https"
        } else {
            "http"
        };
        format!("{scheme}://{}", self.addr)
    }

    /// `ws://127.0.0.1:<port>/v1` (or `wss://` with TLS).
    #[must_use]
    pub fn ws_url(&self) -> String {
        let scheme = if self.shared.tls.is_some() {
            "wss"
        } else {
            "ws"
        };
        format!("{scheme}://{}/v1", self.addr)
    }

    /// The admin base URL (`POST /admin/faults`, `POST /admin/restart`).
    #[must_use]
    pub fn admin_url(&self) -> String {
        format!("{}/admin", self.http_url())
    }

    /// The generated certificate (PEM) clients must trust, with TLS on.
    #[must_use]
    pub fn cert_path(&self) -> Option<&Path> {
        self.shared.tls.as_ref().map(TlsSetup::cert_path)
    }

    /// The installed faults, for tests in the same process (the admin endpoint does the same
    /// over HTTP).
    #[must_use]
    pub fn faults(&self) -> &Arc<Faults> {
        &self.shared.faults
    }

    /// The exchange core, shared with the transports.
    #[must_use]
    pub fn exchange(&self) -> &Arc<Exchange> {
        &self.shared.exchange
    }

    /// The JWT service, e.g. to mint tokens in tests.
    #[must_use]
    pub fn auth(&self) -> &Arc<AuthService> {
        &self.shared.auth
    }

    /// The one line the binary prints on start.
    #[must_use]
    pub fn banner(&self) -> String {
        let mut line = format!(
            "paradex-mock listening http={} ws={} admin={}",
            self.http_url(),
            self.ws_url(),
            self.admin_url()
        );
        if let Some(path) = self.cert_path() {
            line.push_str(&format!(" ca={}", path.display()));
        }
        line
    }

    /// Closes every connection and the listener, then serves again on the same port with the
    /// same exchange state, once `down` has passed.
    ///
    /// # Errors
    /// [`ServerError::NotRunning`] if the server already stopped, or the rebind error.
    pub async fn restart_keep_state(&self, down: Duration) -> Result<(), ServerError> {
        let (done, wait) = oneshot::channel();
        self.control
            .send(Control::Restart {
                down,
                done: Some(done),
            })
            .await
            .map_err(|_| ServerError::NotRunning)?;
        wait.await.map_err(|_| ServerError::NotRunning)?
    }

    /// Stops serving and waits until every connection is closed.
    pub async fn shutdown(mut self) {
        self.stop_now().await;
    }

    async fn stop_now(&mut self) {
        if let Some(generator) = self.generator.take() {
            generator.abort();
        }
        let (done, wait) = oneshot::channel();
        if self.control.send(Control::Shutdown { done }).await.is_ok() {
            let _ = wait.await;
        }
        if let Some(supervisor) = self.supervisor.take() {
            let _ = supervisor.await;
        }
    }
}

impl Drop for MockServerHandle {
    fn drop(&mut self) {
        if let Some(generator) = self.generator.take() {
            generator.abort();
        }
        // The supervisor sees the closed channel and stops serving; try_send covers the case
        // where someone else still holds a control sender (an admin route).
        let (done, _) = oneshot::channel();
        let _ = self.control.try_send(Control::Shutdown { done });
    }
}

/// A [`MockServerHandle`] with its own runtime; dropping it stops the server and the runtime.
#[derive(Debug)]
pub struct BlockingMockServer {
    handle: Option<MockServerHandle>,
    runtime: Option<tokio::runtime::Runtime>,
}

impl BlockingMockServer {
    /// The running server's handle (URLs, faults, exchange).
    ///
    /// # Panics
    /// Never: the handle exists until drop.
    #[must_use]
    pub fn handle(&self) -> &MockServerHandle {
        self.handle.as_ref().expect("present until drop")
    }

    /// [`MockServerHandle::restart_keep_state`], blocking.
    ///
    /// # Errors
    /// As [`MockServerHandle::restart_keep_state`].
    pub fn restart_keep_state(&self, down: Duration) -> Result<(), ServerError> {
        match (&self.runtime, &self.handle) {
            (Some(rt), Some(handle)) => rt.block_on(handle.restart_keep_state(down)),
            _ => Err(ServerError::NotRunning),
        }
    }

    /// Runs `future` on the server's runtime (e.g. an async client in a sync test).
    ///
    /// # Panics
    /// Never: the runtime exists until drop.
    pub fn block_on<F: std::future::Future>(&self, future: F) -> F::Output {
        self.runtime
            .as_ref()
            .expect("present until drop")
            .block_on(future)
    }
}

impl std::ops::Deref for BlockingMockServer {
    type Target = MockServerHandle;

    fn deref(&self) -> &MockServerHandle {
        self.handle()
    }
}

impl Drop for BlockingMockServer {
    fn drop(&mut self) {
        if let (Some(mut handle), Some(runtime)) = (self.handle.take(), self.runtime.take()) {
            runtime.block_on(handle.stop_now());
            drop(handle);
            runtime.shutdown_timeout(GRACEFUL_STOP);
        }
    }
}

/// One listener's life: the serve task and the signal that ends it and its sessions.
struct Generation {
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
}

impl Generation {
    async fn stop(self) {
        let _ = self.stop.send(true);
        let mut task = self.task;
        if tokio::time::timeout(GRACEFUL_STOP, &mut task)
            .await
            .is_err()
        {
            task.abort();
            let _ = task.await;
        }
    }
}

async fn supervise(
    shared: Arc<Shared>,
    addr: SocketAddr,
    mut current: Generation,
    mut control: mpsc::Receiver<Control>,
    control_tx: mpsc::Sender<Control>,
) {
    loop {
        match control.recv().await {
            Some(Control::Restart { down, done }) => {
                current.stop().await;
                tokio::time::sleep(down).await;
                let next = bind_reusable(addr)
                    .and_then(|l| serve_generation(&shared, l, control_tx.clone()));
                match next {
                    Ok(next) => {
                        current = next;
                        if let Some(done) = done {
                            let _ = done.send(Ok(()));
                        }
                    }
                    Err(e) => {
                        tracing::error!(error = %e, "restart failed; the server is stopped");
                        if let Some(done) = done {
                            let _ = done.send(Err(e));
                        }
                        return;
                    }
                }
            }
            Some(Control::Shutdown { done }) => {
                current.stop().await;
                let _ = done.send(());
                return;
            }
            None => {
                current.stop().await;
                return;
            }
        }
    }
}

fn serve_generation(
    shared: &Arc<Shared>,
    listener: TcpListener,
    control: mpsc::Sender<Control>,
) -> Result<Generation, ServerError> {
    let (stop, stopped) = watch::channel(false);
    let app = app(shared, stopped.clone(), control);
    let signal = {
        let mut stopped = stopped;
        async move {
            let _ = stopped.wait_for(|s| *s).await;
        }
    };
    let task = match &shared.tls {
        Some(tls) => {
            let listener = tls
                .listener(listener)
                .map_err(|e| io_error("starting tls", e))?;
            tokio::spawn(async move {
                let _ = axum::serve(listener, app)
                    .with_graceful_shutdown(signal)
                    .await;
            })
        }
        None => tokio::spawn(async move {
            // Market data must not wait for Nagle: every accepted socket gets TCP_NODELAY.
            let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
                if let Err(e) = tcp.set_nodelay(true) {
                    tracing::warn!(error = %e, "TCP_NODELAY refused");
                }
            });
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(signal)
                .await;
        }),
    };
    Ok(Generation { stop, task })
}

fn app(
    shared: &Arc<Shared>,
    stopped: watch::Receiver<bool>,
    control: mpsc::Sender<Control>,
) -> Router {
    let rest = crate::rest::router(
        Arc::clone(&shared.exchange),
        Arc::clone(&shared.auth),
        shared.rest_settings.clone(),
    )
    .layer(axum::middleware::from_fn_with_state(
        Arc::clone(&shared.faults),
        rest_fault_layer,
    ));
    rest.merge(ws::router(Arc::clone(&shared.ws), stopped))
        .merge(admin::router(Arc::clone(&shared.faults), control))
}

/// Binds with `SO_REUSEADDR` so a restart can take the same port while old connections sit
/// in TIME_WAIT.
fn bind_reusable(addr: SocketAddr) -> Result<TcpListener, ServerError> {
    let socket = if addr.is_ipv4() {
        TcpSocket::new_v4()
    } else {
        TcpSocket::new_v6()
    }
    .map_err(|e| io_error("creating a socket", e))?;
    socket
        .set_reuseaddr(true)
        .map_err(|e| io_error("setting SO_REUSEADDR", e))?;
    socket
        .bind(addr)
        .map_err(|e| io_error(&format!("binding {addr}"), e))?;
    socket
        .listen(1024)
        .map_err(|e| io_error(&format!("listening on {addr}"), e))
}

fn default_cert_path() -> PathBuf {
    std::env::temp_dir().join(format!("paradex-mock-{}-cert.pem", std::process::id()))
}

fn io_error(what: &str, source: std::io::Error) -> ServerError {
    ServerError::Io {
        what: what.to_owned(),
        source,
    }
}
