//! `paradex-feed run` streams Paradex market data into shared-memory rings on a pinned core;
//! `paradex-feed status` shows each ring's health, refreshed in place.
//!
//! Run with: cargo run -p paradex-feed --release -- run --config feed.toml

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use paradex_feed::status::{StatusMonitor, render};
use paradex_feed::{FeedConfig, FeedHandle};

#[derive(Parser)]
#[command(version, about = "Paradex market data into shared-memory rings")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Connect, subscribe and publish until interrupted (Ctrl-C or SIGTERM).
    Run {
        /// TOML config file.
        #[arg(long, short)]
        config: PathBuf,
        /// Log as JSON lines.
        #[arg(long)]
        json_logs: bool,
    },
    /// Show per-ring rate, last update age, gaps, reconnects, laps and readers.
    Status {
        /// TOML config file (for the rings directory and feed name).
        #[arg(long, short)]
        config: PathBuf,
        /// Refresh period in milliseconds.
        #[arg(long, default_value_t = 1000)]
        interval_ms: u64,
        /// Print one sample and exit.
        #[arg(long)]
        once: bool,
    },
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::Run { config, json_logs } => run(&config, json_logs),
        Command::Status {
            config,
            interval_ms,
            once,
        } => status(&config, Duration::from_millis(interval_ms.max(100)), once),
    }
}

fn run(path: &Path, json_logs: bool) -> anyhow::Result<()> {
    let mut filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    // tungstenite traces whole frames (an auth frame carries a JWT): never below debug.
    for quiet in ["tungstenite=debug", "tokio_tungstenite=debug"] {
        filter = filter.add_directive(quiet.parse().context("log directive")?);
    }
    if json_logs {
        tracing_subscriber::fmt()
            .json()
            .with_env_filter(filter)
            .init();
    } else {
        tracing_subscriber::fmt().with_env_filter(filter).init();
    }
    let config = FeedConfig::load(path).context("loading config")?;
    tracing::info!(url = %config.connect_url(), markets = ?config.markets, "starting feed");
    let stop = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        signal_hook::flag::register(signal, Arc::clone(&stop)).context("signal handler")?;
    }
    let feed = FeedHandle::spawn(config).context("starting feed")?;
    while !stop.load(Ordering::Relaxed) {
        std::thread::sleep(Duration::from_millis(100));
    }
    tracing::info!("stopping");
    feed.shutdown().context("stopping feed")?;
    Ok(())
}

fn status(path: &Path, interval: Duration, once: bool) -> anyhow::Result<()> {
    let config = FeedConfig::load(path).context("loading config")?;
    let mut monitor = StatusMonitor::open(&config).context("opening rings")?;
    let mut stdout = std::io::stdout();
    loop {
        std::thread::sleep(interval);
        let table = render(&monitor.sample());
        if once {
            print!("{table}");
            return Ok(());
        }
        // Clear the screen and home the cursor, then redraw.
        write!(
            stdout,
            "\x1b[2J\x1b[Hfeed {} ({})\n{table}",
            config.feed_name,
            config.base_url()
        )?;
        stdout.flush()?;
    }
}
