//! A ring writer process for the Python tests and the Python reader benchmark.
//!
//! Creates `<dir>/<name>` for one record kind, prints `ready <path>` on stdout, optionally waits
//! for a line on stdin, publishes `--count` records (record `i` has `ts_exchange = i` and
//! fields derived from `i`, `ts_recv` = `CLOCK_MONOTONIC` at publish), then exits as asked:
//! cleanly, by crashing (abort: the state stays "live" with a dead pid) or by hanging without
//! heartbeats.
//!
//! Run with: `cargo run -p paradex-tests --release --bin ring_writer -- --help`

#![forbid(unsafe_code)]

use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::{Parser, ValueEnum};
use paradex_ring::clock::monotonic_ns;
use paradex_ring::{
    Bbo, BookLevel, HealthCounter, MarkFunding, RecordKind, RingConfig, ShmRecord, Trade, Writer,
};

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Exit {
    /// Drop the writer: state "closed".
    Clean,
    /// Abort the process: state stays "live", the pid disappears.
    Crash,
    /// Stay alive without heartbeats for `--hold-ms`, then exit cleanly.
    Hang,
}

#[derive(Debug, Parser)]
struct Args {
    /// Directory of the segment.
    #[arg(long, default_value = "/dev/shm")]
    dir: PathBuf,
    /// Segment file name.
    #[arg(long)]
    name: String,
    /// Record kind: bbo, trade, book_level, mark_funding.
    #[arg(long, default_value = "bbo")]
    kind: String,
    /// Slots (power of two).
    #[arg(long, default_value_t = 1024)]
    capacity: u64,
    /// Records to publish.
    #[arg(long, default_value_t = 100)]
    count: u64,
    /// Busy-wait this long between records (0 = as fast as possible).
    #[arg(long, default_value_t = 0)]
    interval_ns: u64,
    /// Wait for a line on stdin before publishing.
    #[arg(long)]
    wait_go: bool,
    /// Symbols to set, `id=SYMBOL`, comma separated.
    #[arg(long, default_value = "0=BTC-USD-PERP,1=ETH-USD-PERP")]
    symbols: String,
    /// Stay alive (heartbeating, except with `--exit hang`) this long after publishing.
    #[arg(long, default_value_t = 0)]
    hold_ms: u64,
    /// How to end.
    #[arg(long, value_enum, default_value = "clean")]
    exit: Exit,
}

/// The record for sequence `i` (the Python tests recompute the same pattern).
trait Pattern: ShmRecord {
    fn pattern(i: u64, markets: u32, ts_recv: i64) -> Self;
}

fn px(i: u64) -> i64 {
    i64::try_from(i % 1_000_000).unwrap_or(0) * 1_000 + 5_000_000_000_000
}

fn id(i: u64, markets: u32) -> u32 {
    u32::try_from(i % u64::from(markets.max(1))).unwrap_or(0)
}

fn ts(i: u64) -> i64 {
    i64::try_from(i).unwrap_or(i64::MAX)
}

impl Pattern for Bbo {
    fn pattern(i: u64, markets: u32, ts_recv: i64) -> Self {
        Self {
            ts_exchange: ts(i),
            ts_recv,
            market_id: id(i, markets),
            bid_px: px(i),
            bid_sz: ts(i) + 1,
            ask_px: px(i) + 50_000_000,
            ask_sz: ts(i) + 2,
            ..Self::default()
        }
    }
}

impl Pattern for Trade {
    fn pattern(i: u64, markets: u32, ts_recv: i64) -> Self {
        Self {
            ts_exchange: ts(i),
            ts_recv,
            market_id: id(i, markets),
            side: u16::try_from(1 + i % 2).unwrap_or(1),
            trade_type: 1,
            price: px(i),
            size: ts(i) + 1,
            seq: ts(i) + 7,
            ..Self::default()
        }
    }
}

impl Pattern for BookLevel {
    fn pattern(i: u64, markets: u32, ts_recv: i64) -> Self {
        Self {
            ts_exchange: ts(i),
            ts_recv,
            market_id: id(i, markets),
            side: u16::try_from(1 + i % 2).unwrap_or(1),
            flags: 2,
            price: px(i),
            size: ts(i) + 1,
            seq: ts(i) + 7,
            ..Self::default()
        }
    }
}

impl Pattern for MarkFunding {
    fn pattern(i: u64, markets: u32, ts_recv: i64) -> Self {
        Self {
            ts_exchange: ts(i),
            ts_recv,
            market_id: id(i, markets),
            mark_px: px(i),
            index_px: px(i) - 1,
            funding_rate: ts(i) - 3,
            open_interest: ts(i) + 1,
            ..Self::default()
        }
    }
}

fn run<R: Pattern>(args: &Args) -> anyhow::Result<()> {
    let config = RingConfig::new(args.name.clone(), args.capacity).in_dir(&args.dir);
    let mut writer = Writer::<R>::create(&config).context("creating the segment")?;
    let mut markets = 0;
    for entry in args.symbols.split(',').filter(|e| !e.is_empty()) {
        let (id, symbol) = entry
            .split_once('=')
            .with_context(|| format!("symbol entry {entry:?} is not id=SYMBOL"))?;
        let id: u32 = id.parse().with_context(|| format!("market id {id:?}"))?;
        writer.set_symbol(id, symbol)?;
        markets = markets.max(id + 1);
    }
    let mut out = std::io::stdout().lock();
    writeln!(out, "ready {}", config.path().display())?;
    out.flush()?;
    if args.wait_go {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
    }
    let interval = Duration::from_nanos(args.interval_ns);
    let mut next = Instant::now();
    for i in 0..args.count {
        if args.interval_ns > 0 {
            next += interval;
            while Instant::now() < next {
                std::hint::spin_loop();
            }
        }
        let now = monotonic_ns();
        writer.publish(&R::pattern(i, markets, now));
        writer.heartbeat_at(now);
    }
    writer.add_health(HealthCounter::Messages, args.count);
    writeln!(out, "published {}", writer.next_seq())?;
    out.flush()?;
    let hold = Instant::now() + Duration::from_millis(args.hold_ms);
    while Instant::now() < hold {
        if !matches!(args.exit, Exit::Hang) {
            writer.heartbeat();
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    match args.exit {
        Exit::Crash => std::process::abort(),
        Exit::Clean | Exit::Hang => Ok(()),
    }
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    match RecordKind::from_name(&args.kind) {
        Some(RecordKind::Bbo) => run::<Bbo>(&args),
        Some(RecordKind::Trade) => run::<Trade>(&args),
        Some(RecordKind::BookLevel) => run::<BookLevel>(&args),
        Some(RecordKind::MarkFunding) => run::<MarkFunding>(&args),
        None => bail!("unknown kind {:?}", args.kind),
    }
}
