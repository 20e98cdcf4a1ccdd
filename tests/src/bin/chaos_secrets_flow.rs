//! A full trading flow in one process with every log on, for the secrets test of the chaos
//! suite: an in-process `paradex-mock` (2 s JWTs), a feed handler into rings, and a
//! `paradex-exec` client that onboards, authenticates, trades, hits errors, follows its private
//! stream and refreshes its token. Every log line (`RUST_LOG`, e.g. `trace`) goes to stderr, and
//! the `Debug` and `Display` of the client, its credentials, signer and errors to stdout. The
//! JWTs the client was issued go to `--jwts-out` (never to the captured output), so the test can
//! grep the captured output for them and for the key.
//!
//! `chaos_secrets_flow --rings-dir DIR --jwts-out FILE`

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context as _;
use clap::Parser;
use paradex_exec::rest::{ClientConfig, Credentials, NewOrder, RestClient};
use paradex_exec::stream::{PrivateStream, StreamConfig};
use paradex_feed::{ChannelKind, FeedConfig, FeedHandle, PollMode};
use paradex_mock::config::MockConfig;
use paradex_mock::server::MockServer;
use paradex_proto::typed_data::OrderSide;

const KEY: &str = "0x1234567890abcdef1234567890abcdef1234567890abcdef1234567890abcde";
const ACCOUNT: &str = "0x3a5e6ca3f7d55722bfb79595c96bd41dba9980fe2abf5c0577591a135ec6dc4";
const L1: &str = "0xFCAd0B19bB29D4674531d6f115237E16AfCE377c";
const CHAIN: &str = "PRIVATE_SN_POTC_SEPOLIA";

#[derive(Parser)]
struct Args {
    /// Where the feed's rings go.
    #[arg(long)]
    rings_dir: PathBuf,
    /// Where to write the JWTs the client was issued, one per line.
    #[arg(long)]
    jwts_out: PathBuf,
}

fn order(client_id: &str, price: &str) -> NewOrder {
    NewOrder {
        market: "ETH-USD-PERP".into(),
        side: OrderSide::Buy,
        order_type: "LIMIT".into(),
        size: "0.01".into(),
        price: Some(price.into()),
        instruction: "GTC".into(),
        client_id: client_id.into(),
        flags: Vec::new(),
        trigger_price: None,
    }
}

async fn flow(args: &Args) -> anyhow::Result<()> {
    let mock = MockServer::start(MockConfig {
        md_rate: 50.0,
        jwt_ttl_secs: 2,
        ..MockConfig::default()
    })
    .await?;
    let mut feed_config = FeedConfig::new(
        mock.ws_url(),
        &["BTC-USD-PERP"],
        &[ChannelKind::Bbo, ChannelKind::BookDeltas],
    );
    feed_config.rings_dir.clone_from(&args.rings_dir);
    feed_config.feed_name = "secrets".into();
    feed_config.ring_capacity = 1 << 10;
    feed_config.poll_mode = PollMode::Epoll;
    let feed = FeedHandle::spawn(feed_config)?;

    let credentials = Credentials::new(KEY, CHAIN, ACCOUNT)?;
    println!("credentials {credentials:?}");
    println!("signer {:?}", credentials.signer());
    let rest = RestClient::new(ClientConfig::new(&mock.http_url()), credentials)?;
    println!("client {rest:?}");
    let mut tokens = BTreeSet::new();
    rest.onboard(L1).await?;
    rest.authenticate().await?;
    tokens.insert(rest.bearer_token().await?);
    let refresher = tokio::spawn(rest.clone().keep_jwt_fresh());
    let mut stream = PrivateStream::spawn(StreamConfig::new(&mock.ws_url()), rest.clone());

    for i in 0..6 {
        let created = rest
            .create_order(&order(&format!("secrets-{i}"), "2900"))
            .await?;
        println!("created {created:?}");
        if let Err(e) = rest
            .create_order(&order(&format!("secrets-{i}"), "not-a-price"))
            .await
        {
            println!("bad order error: {e} / {e:?}");
        }
        if let Err(e) = rest.order("12345").await {
            println!("missing order error: {e} / {e:?}");
        }
        while let Ok(Some(event)) =
            tokio::time::timeout(Duration::from_millis(100), stream.next()).await
        {
            println!("stream {event:?}");
        }
        tokens.insert(rest.bearer_token().await?);
        tokio::time::sleep(Duration::from_millis(700)).await;
        tokens.insert(rest.bearer_token().await?);
    }
    // A client with the wrong key: its refusal is printed too.
    let wrong = RestClient::new(
        ClientConfig::new(&mock.http_url()),
        Credentials::new("0x7", CHAIN, ACCOUNT)?,
    )?;
    if let Err(e) = wrong.authenticate().await {
        println!("wrong key error: {e} / {e:?}");
    }
    rest.cancel_all(None).await?;
    println!("feed stats {:?}", feed.stats());
    refresher.abort();
    feed.shutdown()?;
    let text: String = tokens.iter().map(|t| format!("{t}\n")).collect();
    std::fs::write(&args.jwts_out, text).context("writing the JWT list")?;
    Ok(())
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_writer(std::io::stderr)
        .init();
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?
        .block_on(flow(&args))
}
