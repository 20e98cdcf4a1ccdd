//! The per-message decode + publish path allocates nothing once warm, for SBE and for JSON.
//!
//! A counting global allocator sees every allocation in this process, so this file holds a
//! single test: no other test thread can allocate while it measures.

mod sample_frames;
mod support;

use std::alloc::System;

use paradex_feed::{ChannelKind, FeedConfig, Outcome, Publisher, Rings};
use sample_frames::{MARKET, json_frames, sbe_frames};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};
use support::RingDir;

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

#[test]
fn sbe_and_json_messages_allocate_nothing_once_warm() {
    const WARM: i64 = 10;
    const MESSAGES: i64 = 500;
    let dir = RingDir::new();
    let mut config = FeedConfig::new("ws://127.0.0.1:1/v1", &[MARKET], &[ChannelKind::Bbo]);
    config.rings_dir = dir.path().to_path_buf();
    config.feed_name = "noalloc".into();
    config.ring_capacity = 1 << 10;
    let mut publisher = Publisher::new(Rings::create(&config).unwrap(), &config.markets);
    let sbe: Vec<_> = (1..=MESSAGES).map(sbe_frames).collect();
    let json: Vec<_> = (1..=MESSAGES).map(json_frames).collect();
    // The feed thread's reused text buffer (see the handler), sized as the handler sizes it.
    let mut scratch = Vec::with_capacity(64 * 1024);
    let mut run = |range: std::ops::Range<usize>, publisher: &mut Publisher| {
        let mut published = 0;
        for i in range {
            for frame in &sbe[i] {
                published += usize::from(publisher.on_sbe(frame, 1) == Outcome::Published);
            }
            for text in &json[i] {
                scratch.clear();
                scratch.extend_from_slice(text.as_bytes());
                published += usize::from(publisher.on_json(&mut scratch, 1) == Outcome::Published);
            }
        }
        published
    };
    let warm = WARM as usize;
    assert_eq!(run(0..warm, &mut publisher), 6 * warm);

    let region = Region::new(GLOBAL);
    let published = run(warm..MESSAGES as usize, &mut publisher);
    let change = region.change();
    assert_eq!(
        published,
        6 * (MESSAGES - WARM) as usize,
        "every message published"
    );
    assert_eq!(
        (change.allocations, change.reallocations),
        (0, 0),
        "allocations on the message path: {change:?}"
    );
}
