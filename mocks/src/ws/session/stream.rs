//! The session's generated streams: recorded-frame replay and the firehose.

use std::time::Duration;

use axum::body::Bytes;
use axum::extract::ws::{Message, Utf8Bytes};
use futures_util::SinkExt;
use tokio::time::Instant;

use super::{End, Firehose, Session, Stall};
use crate::marketdata::{FirehoseEncoding, FirehoseKind, FirehoseStream, FrameKind};
use crate::ws::channel::{Channel, MarketSel};
use crate::ws::now_us;

impl Session {
    // ---- replay -----------------------------------------------------------------------------

    pub(super) async fn replay_due(&mut self, now: Instant) -> Result<(), End> {
        loop {
            let Some(replay) = self.replay.as_mut() else {
                return Ok(());
            };
            let Some(frame) = replay.recording.frames.get(replay.next) else {
                return Ok(());
            };
            if replay.due > now {
                return Ok(());
            }
            let message = match frame.kind {
                FrameKind::Binary => Message::Binary(frame.payload.clone()),
                // Checked to be UTF-8 when the recording was loaded.
                FrameKind::Text => match Utf8Bytes::try_from(frame.payload.clone()) {
                    Ok(text) => Message::Text(text),
                    Err(_) => Message::Binary(frame.payload.clone()),
                },
            };
            replay.next += 1;
            if let Some(next) = replay.recording.frames.get(replay.next) {
                replay.due += next.delay;
            }
            let index = self
                .subs
                .iter()
                .position(|s| !s.channel.is_private())
                .unwrap_or(0);
            if self.subs.is_empty() {
                self.send(message).await?;
            } else {
                self.send_data(index, false, message, true).await?;
            }
        }
    }

    // ---- firehose ---------------------------------------------------------------------------

    pub(super) fn firehose_target(&self, channel: &Channel) -> Option<(usize, FirehoseKind)> {
        let settings = self.shared.firehose.as_ref()?;
        let (market, kind) = match channel {
            Channel::BookDeltas(m) => (m, FirehoseKind::BookDeltas),
            Channel::Bbo(MarketSel::One(m)) => (m, FirehoseKind::Bbo),
            Channel::Trades(MarketSel::One(m)) => (m, FirehoseKind::Trades),
            _ => return None,
        };
        settings.market_index(market).map(|index| (index, kind))
    }

    /// The session's firehose, created on the first firehose subscription.
    pub(super) fn firehose_mut(&mut self) -> Option<&mut Firehose> {
        let settings = self.shared.firehose.as_ref()?;
        let id = self.id;
        Some(self.firehose.get_or_insert_with(|| Firehose {
            stream: FirehoseStream::new(settings, id),
            started: Instant::now(),
            sent: 0,
            next_sub: 0,
            batch: Vec::with_capacity(crate::marketdata::firehose::MAX_BATCH),
        }))
    }

    /// How many firehose frames may go now (0 = none).
    pub(super) fn firehose_allowance(&self, now: Instant) -> u64 {
        let (Some(settings), Some(firehose)) =
            (self.shared.firehose.as_ref(), self.firehose.as_ref())
        else {
            return 0;
        };
        if !self.subs.iter().any(|s| s.firehose.is_some()) {
            return 0;
        }
        let mut allowed = crate::marketdata::firehose::MAX_BATCH as u64;
        if settings.count > 0 {
            allowed = allowed.min(settings.count.saturating_sub(firehose.sent));
        }
        if settings.rate > 0 {
            let elapsed = now.duration_since(firehose.started).as_secs_f64();
            let due = (elapsed * settings.rate as f64) as u64 + 1;
            allowed = allowed.min(due.saturating_sub(firehose.sent));
        }
        allowed
    }

    pub(super) fn firehose_ready(&self, now: Instant) -> bool {
        self.firehose_allowance(now) > 0
    }

    pub(super) fn firehose_next_due(&self) -> Option<Instant> {
        let settings = self.shared.firehose.as_ref()?;
        let firehose = self.firehose.as_ref()?;
        if settings.rate == 0 || (settings.count > 0 && firehose.sent >= settings.count) {
            return None;
        }
        if !self.subs.iter().any(|s| s.firehose.is_some()) {
            return None;
        }
        let at = Duration::from_secs_f64(firehose.sent as f64 / settings.rate as f64);
        Some(firehose.started + at)
    }

    /// Encodes up to a batch of frames into one buffer, queues them, flushes once.
    pub(super) async fn firehose_batch(&mut self) -> Result<(), End> {
        let allowed = self.firehose_allowance(Instant::now());
        let encoding = self
            .sbe
            .map_or(FirehoseEncoding::Json, FirehoseEncoding::Sbe);
        let ts_us = now_us();
        let targets: Vec<(usize, usize, FirehoseKind)> = self
            .subs
            .iter()
            .enumerate()
            .filter_map(|(i, s)| s.firehose.map(|(m, k)| (i, m, k)))
            .collect();
        if targets.is_empty() {
            return Ok(());
        }
        let mut buf = Vec::with_capacity(allowed as usize * 128);
        let subs = &self.subs;
        let Some(firehose) = self.firehose.as_mut() else {
            return Ok(());
        };
        firehose.batch.clear();
        for _ in 0..allowed {
            let (sub, market, kind) = targets[firehose.next_sub % targets.len()];
            firehose.next_sub = firehose.next_sub.wrapping_add(1);
            let start = buf.len();
            match firehose.stream.encode_next(
                market,
                kind,
                &subs[sub].name,
                encoding,
                ts_us,
                &mut buf,
            ) {
                Ok(is_delta) => firehose.batch.push((sub, start..buf.len(), is_delta)),
                Err(e) => {
                    tracing::error!(error = %e, "firehose encode failed");
                    return Ok(());
                }
            }
        }
        firehose.sent += allowed;
        let batch = std::mem::take(&mut firehose.batch);
        let frozen = Bytes::from(buf);
        for (sub, range, is_delta) in &batch {
            let bytes = frozen.slice(range.clone());
            let message = match encoding {
                FirehoseEncoding::Sbe(_) => Message::Binary(bytes),
                FirehoseEncoding::Json => match Utf8Bytes::try_from(bytes) {
                    Ok(text) => Message::Text(text),
                    Err(_) => continue,
                },
            };
            self.send_data(*sub, *is_delta, message, false).await?;
            if self.stall != Stall::No {
                break;
            }
        }
        if let Some(firehose) = self.firehose.as_mut() {
            firehose.batch = batch;
        }
        self.socket.flush().await.map_err(|_| End::ClientGone)
    }
}
