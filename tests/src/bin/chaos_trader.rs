//! The execution process of the chaos suite: it trades through `paradex-exec` and journals
//! every client id before sending it, so that after a SIGKILL a restarted process can prove
//! every order accounted for.
//!
//! * `chaos_trader trade --http URL --journal FILE --prefix P --orders N --concurrency K`:
//!   onboards, authenticates, prints `ready`, then sends N resting limit buys, K at a time,
//!   printing `acked <client id>` for each acknowledgement. Meant to be killed mid-way.
//! * `chaos_trader reconcile --http URL --journal FILE`: a fresh process with the journal as
//!   its only memory: every journaled id enters a local book as submitted, one exchange
//!   snapshot is reconciled into it, and a second snapshot must show zero difference. Prints
//!   one JSON line: journaled, on the exchange, never arrived, duplicates, corrections.
//!
//! The key is the SDK vectors' made-up test key (`PARADEX_KEY` overrides it); never a real one.

use std::collections::HashMap;
use std::io::{BufRead as _, Write as _};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use anyhow::{Context as _, bail};
use clap::{Parser, Subcommand};
use paradex_exec::reconcile::{apply, reconcile};
use paradex_exec::rest::{ClientConfig, Credentials, NewOrder, RestClient};
use paradex_exec::state::{OrderBook, OrderStatus};
use paradex_proto::typed_data::OrderSide;

const TEST_KEY: &str = "0x1234567890abcdef1234567890abcdef1234567890abcdef1234567890abcde";
const ACCOUNT: &str = "0x3a5e6ca3f7d55722bfb79595c96bd41dba9980fe2abf5c0577591a135ec6dc4";
const L1: &str = "0xFCAd0B19bB29D4674531d6f115237E16AfCE377c";
const CHAIN: &str = "PRIVATE_SN_POTC_SEPOLIA";
const MARKET: &str = "ETH-USD-PERP";
const SIZE: &str = "0.01";
const SIZE_E8: i64 = 1_000_000;

#[derive(Parser)]
#[command(about = "paradex-exec trader for the chaos suite (killed mid-trading)")]
struct Cli {
    /// REST base URL of the mock.
    #[arg(long, global = true, default_value = "http://127.0.0.1:0")]
    http: String,
    /// Journal of client ids, one per line, written before each send.
    #[arg(long, global = true, default_value = "chaos-trader.journal")]
    journal: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Send orders until done or killed.
    Trade {
        /// Client id prefix (unique per run).
        #[arg(long)]
        prefix: String,
        /// Orders to send.
        #[arg(long, default_value_t = 1000)]
        orders: u32,
        /// Orders in flight at once.
        #[arg(long, default_value_t = 4)]
        concurrency: u32,
    },
    /// Reconcile the journal against the exchange.
    Reconcile,
}

fn client(http: &str) -> anyhow::Result<RestClient> {
    let key = std::env::var("PARADEX_KEY").unwrap_or_else(|_| TEST_KEY.to_owned());
    Ok(RestClient::new(
        ClientConfig::new(http),
        Credentials::new(&key, CHAIN, ACCOUNT)?,
    )?)
}

/// The price of order `i`: resting buys spread just below the mock's 2950 bid.
fn price(i: u32) -> String {
    format!("{}", price_units(i))
}

fn price_units(i: u32) -> i64 {
    2900 - i64::from(i % 50)
}

fn order(client_id: &str, i: u32) -> NewOrder {
    NewOrder {
        market: MARKET.into(),
        side: OrderSide::Buy,
        order_type: "LIMIT".into(),
        size: SIZE.into(),
        price: Some(price(i)),
        instruction: "GTC".into(),
        client_id: client_id.into(),
        flags: Vec::new(),
        trigger_price: None,
    }
}

/// Appends one id and hands it to the kernel before the order is sent: a SIGKILL after
/// `write` returns cannot lose it (a machine crash could; this process does not fsync).
struct Journal(Mutex<std::fs::File>);

impl Journal {
    fn open(path: &Path) -> anyhow::Result<Self> {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .with_context(|| format!("opening journal {}", path.display()))?;
        Ok(Self(Mutex::new(file)))
    }

    fn append(&self, client_id: &str) -> anyhow::Result<()> {
        let mut file = self.0.lock().map_err(|_| anyhow::anyhow!("journal lock"))?;
        file.write_all(format!("{client_id}\n").as_bytes())?;
        Ok(())
    }
}

async fn trade(cli: &Cli, prefix: &str, orders: u32, concurrency: u32) -> anyhow::Result<()> {
    let rest = client(&cli.http)?;
    rest.onboard(L1).await.context("onboarding")?;
    rest.authenticate().await.context("auth")?;
    let journal = Arc::new(Journal::open(&cli.journal)?);
    println!("ready");
    let next = Arc::new(std::sync::atomic::AtomicU32::new(0));
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..concurrency.max(1) {
        let (rest, journal, next, prefix) = (
            rest.clone(),
            Arc::clone(&journal),
            Arc::clone(&next),
            prefix.to_owned(),
        );
        workers.spawn(async move {
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if i >= orders {
                    return Ok::<(), anyhow::Error>(());
                }
                let client_id = format!("{prefix}-{i}");
                journal.append(&client_id)?;
                rest.create_order(&order(&client_id, i))
                    .await
                    .with_context(|| format!("create {client_id}"))?;
                let mut out = std::io::stdout().lock();
                writeln!(out, "acked {client_id}")?;
                out.flush()?;
            }
        });
    }
    while let Some(done) = workers.join_next().await {
        done??;
    }
    println!("done");
    Ok(())
}

async fn reconcile_journal(cli: &Cli) -> anyhow::Result<()> {
    let file = std::fs::File::open(&cli.journal)
        .with_context(|| format!("opening journal {}", cli.journal.display()))?;
    let mut journaled = Vec::new();
    for line in std::io::BufReader::new(file).lines() {
        let line = line?;
        // A line cut by the kill has no newline; `lines` still yields it, and an id that was
        // never completely journaled was never sent either (the send follows the write).
        if !line.is_empty() {
            journaled.push(line);
        }
    }
    let rest = client(&cli.http)?;
    rest.authenticate().await.context("auth")?;

    let mut book = OrderBook::new();
    for client_id in &journaled {
        let i: u32 = client_id
            .rsplit('-')
            .next()
            .and_then(|n| n.parse().ok())
            .with_context(|| format!("bad journaled id {client_id}"))?;
        let price_e8 = price_units(i) * 100_000_000;
        book.submit(
            client_id,
            MARKET,
            OrderSide::Buy,
            "LIMIT",
            SIZE_E8,
            price_e8,
        )?;
    }
    let snapshot = rest.snapshot(None).await.context("snapshot")?;
    let report = reconcile(&book, &snapshot);
    apply(&mut book, &report);
    let again = rest.snapshot(None).await.context("second snapshot")?;
    let after = reconcile(&book, &again);

    // Exchange orders per journaled client id (open and history, by exchange id).
    let mut on_exchange: HashMap<&str, Vec<u128>> = HashMap::new();
    for o in again.open_orders.iter().chain(&again.history) {
        if let Some(cid) = o.client_id.as_deref()
            && let Some(journaled_id) = journaled.iter().find(|j| j.as_str() == cid)
        {
            on_exchange
                .entry(journaled_id.as_str())
                .or_default()
                .push(o.id);
        }
    }
    for ids in on_exchange.values_mut() {
        ids.sort_unstable();
        ids.dedup();
    }
    let duplicates = on_exchange.values().filter(|ids| ids.len() > 1).count();
    let mut never_arrived = 0;
    let mut unaccounted = Vec::new();
    for client_id in &journaled {
        let local = book.by_client_id(client_id).map(|o| o.status);
        match (on_exchange.contains_key(client_id.as_str()), local) {
            (true, Some(status)) if status != OrderStatus::Rejected => {}
            (false, Some(OrderStatus::Rejected)) => never_arrived += 1,
            _ => unaccounted.push(client_id.clone()),
        }
    }
    let summary = serde_json::json!({
        "journaled": journaled.len(),
        "on_exchange": on_exchange.len(),
        "never_arrived": never_arrived,
        "unaccounted": unaccounted,
        "duplicates": duplicates,
        "corrections": report.corrections.len(),
        "corrections_after": after.corrections.len(),
        "live_local": book.live_orders().count(),
        "open_on_exchange": again.open_orders.len(),
    });
    println!("{summary}");
    if !after.is_clean() || !unaccounted.is_empty() || duplicates > 0 {
        bail!("reconciliation left a difference: {summary}");
    }
    Ok(())
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(async {
        match &cli.command {
            Command::Trade {
                prefix,
                orders,
                concurrency,
            } => trade(&cli, prefix, *orders, *concurrency).await,
            Command::Reconcile => reconcile_journal(&cli).await,
        }
    })
}
