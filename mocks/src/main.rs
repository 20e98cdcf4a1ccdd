//! `paradex-mock`: the offline Paradex exchange on a loopback port.
//!
//! Prints one line, `paradex-mock listening http=… ws=… admin=…[ ca=…]`, once the port is
//! bound, then serves until SIGINT or SIGTERM and exits 0.

use anyhow::Context;
use clap::Parser;
use paradex_mock::config::MockConfig;
use paradex_mock::server::MockServer;
use std::io::Write;

fn main() -> anyhow::Result<()> {
    let config = MockConfig::parse();
    let mut filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    // tungstenite traces whole frames (an auth frame carries a JWT): never below debug.
    for quiet in ["tungstenite=debug", "tokio_tungstenite=debug"] {
        filter = filter.add_directive(quiet.parse().context("log directive")?);
    }
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("building the tokio runtime")?;
    runtime.block_on(async move {
        // Installed before the banner: a supervisor may signal as soon as it reads the line.
        let stop = stop_signal()?;
        let server = MockServer::start(config)
            .await
            .context("starting paradex-mock")?;
        let mut stdout = std::io::stdout().lock();
        writeln!(stdout, "{}", server.banner()).context("writing the banner")?;
        stdout.flush().context("flushing stdout")?;
        drop(stdout);
        stop.await;
        server.shutdown().await;
        Ok(())
    })
}

/// Resolves on SIGINT or SIGTERM.
fn stop_signal() -> anyhow::Result<impl std::future::Future<Output = ()>> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut interrupt = signal(SignalKind::interrupt()).context("installing the SIGINT handler")?;
    let mut terminate =
        signal(SignalKind::terminate()).context("installing the SIGTERM handler")?;
    Ok(async move {
        tokio::select! {
            _ = interrupt.recv() => {}
            _ = terminate.recv() => {}
        }
    })
}
