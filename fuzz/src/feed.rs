//! The feed handler's frame path (`paradex_feed::Publisher`): each input is handed to the JSON
//! parser (as a text frame) and to the SBE path (as a binary frame), publishing into real rings.

use std::cell::RefCell;

use paradex_feed::{ChannelKind, FeedConfig, Publisher, Rings};

const MARKETS: [&str; 2] = ["BTC-USD-PERP", "ETH-USD-PERP"];

thread_local! {
    /// One publisher for the whole run: state carried between inputs (book sequence numbers,
    /// gaps) is part of what is fuzzed.
    static PUBLISHER: RefCell<Publisher> = RefCell::new(publisher());
}

/// Rings in a private directory that is unlinked at once: the mappings stay valid for the
/// process and nothing is left behind when libFuzzer exits.
fn publisher() -> Publisher {
    let dir = std::env::temp_dir().join(format!("paradex-fuzz-feed-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let channels = [
        ChannelKind::Bbo,
        ChannelKind::BookDeltas,
        ChannelKind::Trades,
    ];
    let mut config = FeedConfig::new("ws://127.0.0.1:9/v1", &MARKETS, &channels);
    config.rings_dir = dir.clone();
    config.feed_name = "fuzz".into();
    config.ring_capacity = 1 << 10;
    let rings = Rings::create(&config).expect("rings in a temp dir");
    std::fs::remove_dir_all(&dir).expect("unlink the fuzz rings");
    let markets: Vec<String> = MARKETS.iter().map(|m| (*m).to_owned()).collect();
    Publisher::new(rings, &markets)
}

/// Feeds `data` to the feed's JSON path and to its SBE path.
pub fn feed_frames(data: &[u8]) {
    PUBLISHER.with_borrow_mut(|publisher| {
        let mut text = data.to_vec();
        std::hint::black_box(publisher.on_json(&mut text, 1));
        std::hint::black_box(publisher.on_sbe(data, 2));
    });
}
