//! One WebSocket connection: JSON-RPC requests, subscriptions, data frames, pings, faults.
//!
//! The session is one task. It subscribes to the exchange's event stream before taking any
//! book snapshot, so `order_book.{m}.deltas` starts with a full `"s"` frame and continues with
//! every delta whose `seq_no` is above it, contiguously. A session whose queue of unsent events
//! exceeds the slow-consumer limit (or that lags the broadcast) is closed with code 1008,
//! never silently thinned. Pings go out every `ping_interval`; no pong within `pong_timeout`
//! closes the socket. An idle SBE session gets a HeartbeatEvent every `sbe_heartbeat`.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket};
use futures_util::SinkExt;
use serde_json::{Value, json};
use tokio::sync::{broadcast, watch};
use tokio::time::Instant;

use super::channel::{Channel, MarketSel, SNAPSHOT_DEPTH};
use super::rpc::{self, RpcError};
use super::{WsShared, json_out, now_us, sbe_out};

mod stream;
use crate::exchange::{BookSnapshot, ExchangeEvent, Level};
use crate::faults::{SessionFaults, WsAction};
use crate::marketdata::{FirehoseKind, FirehoseStream, FrameKind, Recorder, Recording};

/// Why a session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum End {
    /// The client closed or the socket failed.
    ClientGone,
    /// A `ws_drop` fault: close the TCP connection without a close frame.
    Dropped,
    /// Too many unsent events.
    SlowConsumer,
    /// No pong in time.
    PongTimeout,
    /// Server shutdown or restart.
    Shutdown,
}

/// Sending is paused by a `ws_stall` fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stall {
    No,
    Until(Instant),
    Forever,
}

#[derive(Debug)]
struct Subscription {
    name: Arc<str>,
    channel: Channel,
    /// `order_book.*.deltas`: the last `seq_no` sent.
    book_seq: u64,
    /// `snapshot@15@…`: when the next snapshot is due.
    due: Option<Instant>,
    /// Served by the firehose: (market index, kind).
    firehose: Option<(usize, FirehoseKind)>,
}

#[derive(Debug)]
struct Replay {
    recording: Arc<Recording>,
    next: usize,
    due: Instant,
}

#[derive(Debug)]
struct Firehose {
    stream: FirehoseStream,
    started: Instant,
    sent: u64,
    next_sub: usize,
    batch: Vec<(usize, std::ops::Range<usize>, bool)>,
}

struct Session {
    shared: Arc<WsShared>,
    socket: WebSocket,
    id: u64,
    sbe: Option<u16>,
    account: Option<String>,
    subs: Vec<Subscription>,
    events: Option<broadcast::Receiver<Arc<ExchangeEvent>>>,
    faults: SessionFaults,
    stall: Stall,
    held: Vec<Message>,
    next_ping: Instant,
    pong_deadline: Option<Instant>,
    last_sent: Instant,
    heartbeat_seq: u64,
    recorder: Option<Recorder>,
    replay: Option<Replay>,
    firehose: Option<Firehose>,
    buf: Vec<u8>,
    levels: sbe_out::LevelScratch,
    matched: Vec<usize>,
}

/// Serves one upgraded connection until it ends (client, fault, timeout or `stopped`).
pub async fn run(
    socket: WebSocket,
    shared: Arc<WsShared>,
    id: u64,
    sbe: Option<u16>,
    account: Option<String>,
    mut stopped: watch::Receiver<bool>,
) {
    let recorder = shared.claim_record_path().and_then(|path| {
        Recorder::create(&path)
            .map_err(|e| tracing::error!(error = %e, "cannot record"))
            .ok()
    });
    let now = Instant::now();
    let mut session = Session {
        faults: SessionFaults::open(Arc::clone(&shared.faults)),
        next_ping: now + shared.settings.ping_interval,
        shared,
        socket,
        id,
        sbe,
        account,
        subs: Vec::new(),
        events: None,
        stall: Stall::No,
        held: Vec::new(),
        pong_deadline: None,
        last_sent: now,
        heartbeat_seq: 0,
        recorder,
        replay: None,
        firehose: None,
        buf: Vec::with_capacity(4096),
        levels: sbe_out::LevelScratch::default(),
        matched: Vec::new(),
    };
    let end = tokio::select! {
        end = session.serve() => end,
        _ = stopped.wait_for(|s| *s) => End::Shutdown,
    };
    session.finish(end).await;
}

impl Session {
    async fn serve(&mut self) -> End {
        loop {
            let now = Instant::now();
            if let Stall::Until(until) = self.stall
                && now >= until
            {
                self.stall = Stall::No;
                if let Err(end) = self.release_held().await {
                    return end;
                }
            }
            let sending = self.stall == Stall::No;
            let firehose_ready = sending && self.firehose_ready(now);
            let wake = self.next_wake(now);
            let step = tokio::select! {
                biased;
                message = self.socket.recv() => match message {
                    Some(Ok(message)) => self.on_client(message).await,
                    _ => Err(End::ClientGone),
                },
                event = recv_event(&mut self.events), if sending && self.events.is_some() => {
                    match event {
                        Ok(event) => self.on_event(&event).await,
                        Err(_) => Err(End::SlowConsumer),
                    }
                }
                () = std::future::ready(()), if firehose_ready => self.firehose_batch().await,
                () = tokio::time::sleep_until(wake) => self.on_timers().await,
            };
            if let Err(end) = step {
                return end;
            }
        }
    }

    async fn finish(mut self, end: End) {
        if let Some(recorder) = self.recorder.as_mut()
            && let Err(e) = recorder.flush()
        {
            tracing::error!(error = %e, "recording lost");
        }
        let close = |code: u16, reason: &'static str| {
            Message::Close(Some(CloseFrame {
                code,
                reason: Utf8Bytes::from_static(reason),
            }))
        };
        let frame = match end {
            End::ClientGone | End::Dropped => None,
            End::SlowConsumer => Some(close(1008, "slow consumer")),
            End::PongTimeout => Some(close(1008, "pong timeout")),
            End::Shutdown => Some(close(1001, "server restarting")),
        };
        if let Some(frame) = frame {
            let _ = tokio::time::timeout(Duration::from_millis(200), self.socket.send(frame)).await;
        }
        tracing::debug!(session = self.id, ?end, "websocket session ended");
    }

    fn next_wake(&self, now: Instant) -> Instant {
        let settings = &self.shared.settings;
        let mut wake = now + Duration::from_secs(3600);
        let mut consider = |at: Instant| wake = wake.min(at);
        match self.stall {
            Stall::Until(until) => consider(until),
            Stall::Forever => {}
            Stall::No => {
                consider(self.next_ping);
                if let Some(deadline) = self.pong_deadline {
                    consider(deadline);
                }
                if self.sbe.is_some() {
                    consider(self.last_sent + settings.sbe_heartbeat);
                }
                self.subs
                    .iter()
                    .filter_map(|s| s.due)
                    .for_each(&mut consider);
                if let Some(replay) = &self.replay
                    && replay.next < replay.recording.frames.len()
                {
                    consider(replay.due);
                }
                if let Some(at) = self.firehose_next_due() {
                    consider(at);
                }
            }
        }
        wake
    }

    async fn on_timers(&mut self) -> Result<(), End> {
        if self.stall != Stall::No {
            return Ok(());
        }
        let now = Instant::now();
        if self.pong_deadline.is_some_and(|d| now >= d) {
            return Err(End::PongTimeout);
        }
        if now >= self.next_ping {
            self.send(Message::Ping(Bytes::from_static(b"paradex-mock")))
                .await?;
            self.next_ping = now + self.shared.settings.ping_interval;
            self.pong_deadline
                .get_or_insert(now + self.shared.settings.pong_timeout);
        }
        for index in 0..self.subs.len() {
            if self.subs[index].due.is_some_and(|d| now >= d) {
                self.send_periodic_snapshot(index, now).await?;
            }
        }
        self.replay_due(now).await?;
        if let Some(version) = self.sbe
            && now >= self.last_sent + self.shared.settings.sbe_heartbeat
        {
            self.heartbeat_seq += 1;
            self.buf.clear();
            if sbe_out::heartbeat(now_us(), self.heartbeat_seq, version, &mut self.buf).is_ok() {
                let frame = Message::Binary(Bytes::copy_from_slice(&self.buf));
                self.send(frame).await?;
            }
        }
        Ok(())
    }

    // ---- client requests ------------------------------------------------------------------

    async fn on_client(&mut self, message: Message) -> Result<(), End> {
        match message {
            Message::Text(text) => self.on_request(text.as_str()).await,
            Message::Binary(_) => {
                let error = RpcError::new(rpc::INVALID_REQUEST, "binary frames are not accepted");
                self.reply(&Value::Null, Err(error), now_us()).await
            }
            Message::Pong(_) => {
                self.pong_deadline = None;
                Ok(())
            }
            Message::Ping(_) => Ok(()), // answered by the WebSocket layer
            Message::Close(_) => Err(End::ClientGone),
        }
    }

    async fn on_request(&mut self, text: &str) -> Result<(), End> {
        let us_in = now_us();
        let request: rpc::Request = match serde_json::from_str(text) {
            Ok(request) => request,
            Err(e) => {
                let error = RpcError::with_data(rpc::PARSE_ERROR, "parse error", &e.to_string());
                return self.reply(&Value::Null, Err(error), us_in).await;
            }
        };
        if request.jsonrpc.as_deref() != Some("2.0") {
            let error = RpcError::with_data(
                rpc::INVALID_REQUEST,
                "invalid request",
                "jsonrpc must be \"2.0\"",
            );
            return self.reply(&request.id, Err(error), us_in).await;
        }
        match request.method.as_str() {
            "auth" => {
                let outcome = self.auth(&request.params);
                self.reply(&request.id, outcome, us_in).await
            }
            "subscribe" => self.subscribe(&request.id, &request.params, us_in).await,
            "unsubscribe" => {
                let outcome = self.unsubscribe(&request.params);
                self.reply(&request.id, outcome, us_in).await
            }
            "modify_subscription" => {
                let outcome = self.modify_subscription(&request.params);
                self.reply(&request.id, outcome, us_in).await
            }
            _ => {
                let error = RpcError::new(rpc::METHOD_NOT_FOUND, "method not found");
                self.reply(&request.id, Err(error), us_in).await
            }
        }
    }

    fn auth(&mut self, params: &Value) -> Result<Value, RpcError> {
        let params: rpc::AuthParams = serde_json::from_value(params.clone()).map_err(|e| {
            RpcError::with_data(rpc::INVALID_PARAMS, "invalid params", &e.to_string())
        })?;
        if params.bearer.split('.').count() != 3 {
            return Err(RpcError::new(
                rpc::MALFORMED_BEARER,
                "Malformed Bearer Token",
            ));
        }
        let account = self
            .shared
            .auth
            .verify_bearer(&params.bearer)
            .map_err(|_| RpcError::new(rpc::INVALID_BEARER, "Invalid Bearer Token"))?;
        self.account = Some(account);
        Ok(json!({ "node_id": format!("{:016x}", self.id.wrapping_mul(0x9E37_79B9_7F4A_7C15)) }))
    }

    fn parse_subscription(&self, params: &Value) -> Result<(String, Channel), RpcError> {
        let params: rpc::ChannelParams = serde_json::from_value(params.clone()).map_err(|e| {
            RpcError::with_data(rpc::INVALID_PARAMS, "invalid params", &e.to_string())
        })?;
        let invalid = || {
            RpcError::with_data(
                rpc::INVALID_REQUEST,
                "invalid subscribe request",
                "invalid channel",
            )
        };
        let channel =
            Channel::parse(&params.channel, params.markets.as_deref()).ok_or_else(invalid)?;
        if channel
            .named_markets()
            .iter()
            .any(|m| !self.shared.markets.iter().any(|k| k == m))
        {
            return Err(invalid());
        }
        Ok((params.channel, channel))
    }

    async fn subscribe(&mut self, id: &Value, params: &Value, us_in: u64) -> Result<(), End> {
        let (name, channel) = match self.check_subscribe(params) {
            Ok(parsed) => parsed,
            Err(error) => return self.reply(id, Err(error), us_in).await,
        };
        let firehose = self.firehose_target(&channel);
        let uses_replay = self.shared.replay.is_some() && !channel.is_private();
        if firehose.is_none() && !uses_replay && self.events.is_none() {
            // Subscribe before any snapshot, so no delta between the two is missed.
            self.events = Some(self.shared.exchange.subscribe());
        }
        let name: Arc<str> = Arc::from(name.as_str());
        let mut sub = Subscription {
            name: Arc::clone(&name),
            channel,
            book_seq: 0,
            due: None,
            firehose,
        };
        let mut initial = None;
        match (&sub.channel, sub.firehose, uses_replay) {
            (Channel::BookDeltas(market), None, false) => {
                match self.shared.exchange.book_snapshot(market, usize::MAX) {
                    Ok(snapshot) => {
                        sub.book_seq = snapshot.seq_no;
                        initial = Some(snapshot);
                    }
                    Err(e) => {
                        let error = RpcError::with_data(
                            rpc::INVALID_REQUEST,
                            "invalid subscribe request",
                            &e.to_string(),
                        );
                        return self.reply(id, Err(error), us_in).await;
                    }
                }
            }
            (Channel::BookDeltas(_), Some((index, _)), false) => {
                initial = self
                    .firehose_mut()
                    .and_then(|f| f.stream.snapshot(index, now_us()));
            }
            (Channel::BookSnapshot { .. }, _, false) => sub.due = Some(Instant::now()),
            _ => {}
        }
        if sub.firehose.is_some() {
            let _ = self.firehose_mut();
        }
        self.subs.push(sub);
        self.reply(id, Ok(json!({ "channel": &*name })), us_in)
            .await?;
        if let Some(snapshot) = initial {
            let index = self.subs.len() - 1;
            self.send_book(index, &snapshot).await?;
        }
        if uses_replay
            && self.replay.is_none()
            && let Some(recording) = self.shared.replay.clone()
        {
            let due = Instant::now() + recording.frames.first().map_or(Duration::ZERO, |f| f.delay);
            self.replay = Some(Replay {
                recording,
                next: 0,
                due,
            });
        }
        if let Some(recorder) = self.recorder.as_mut() {
            recorder.start();
        }
        Ok(())
    }

    fn check_subscribe(&self, params: &Value) -> Result<(String, Channel), RpcError> {
        let (name, channel) = self.parse_subscription(params)?;
        if channel.is_private() && self.account.is_none() {
            return Err(RpcError::new(
                rpc::NOT_AUTHENTICATED,
                "permission denied: not authenticated",
            ));
        }
        if self.subs.iter().any(|s| *s.name == *name) {
            return Err(RpcError::with_data(
                rpc::INVALID_REQUEST,
                "invalid subscribe request",
                "already subscribed",
            ));
        }
        if self.sbe.is_some()
            && let Some(market) = channel.book_market()
            && self
                .subs
                .iter()
                .any(|s| s.channel.book_market() == Some(market))
        {
            return Err(RpcError::with_data(
                rpc::INVALID_REQUEST,
                "invalid subscribe request",
                "an order_book channel for this market is already subscribed: cannot share an SBE session",
            ));
        }
        Ok((name, channel))
    }

    /// Scoped `markets_summary`: adds and removes markets of the subscription's set.
    fn modify_subscription(&mut self, params: &Value) -> Result<Value, RpcError> {
        let params: rpc::ModifyParams = serde_json::from_value(params.clone()).map_err(|e| {
            RpcError::with_data(rpc::INVALID_PARAMS, "invalid params", &e.to_string())
        })?;
        let invalid = |data: &str| {
            RpcError::with_data(
                rpc::INVALID_REQUEST,
                "invalid modify_subscription request",
                data,
            )
        };
        let known = |m: &String| self.shared.markets.contains(m);
        if !params.add.iter().all(known) {
            return Err(invalid("invalid market"));
        }
        let sub = self
            .subs
            .iter_mut()
            .find(|s| *s.name == *params.channel)
            .ok_or_else(|| invalid("not subscribed"))?;
        let Channel::MarketsSummary(MarketSel::Set(set)) = &mut sub.channel else {
            return Err(invalid(
                "only a scoped markets_summary subscription can be modified",
            ));
        };
        for market in &params.add {
            if !set.contains(market) {
                set.push(market.clone());
            }
        }
        set.retain(|m| !params.remove.contains(m));
        Ok(json!({ "channel": params.channel, "add": params.add, "remove": params.remove }))
    }

    fn unsubscribe(&mut self, params: &Value) -> Result<Value, RpcError> {
        let params: rpc::ChannelParams = serde_json::from_value(params.clone()).map_err(|e| {
            RpcError::with_data(rpc::INVALID_PARAMS, "invalid params", &e.to_string())
        })?;
        let index = self
            .subs
            .iter()
            .position(|s| *s.name == *params.channel)
            .ok_or_else(|| {
                RpcError::with_data(
                    rpc::INVALID_REQUEST,
                    "invalid unsubscribe request",
                    "not subscribed",
                )
            })?;
        self.subs.remove(index);
        if let Some(firehose) = self.firehose.as_mut() {
            firehose.next_sub = 0;
        }
        Ok(json!({ "channel": params.channel }))
    }

    async fn reply(
        &mut self,
        id: &Value,
        outcome: Result<Value, RpcError>,
        us_in: u64,
    ) -> Result<(), End> {
        let text = rpc::response(id, &outcome, us_in);
        self.send(Message::Text(text.into())).await
    }

    // ---- exchange events ------------------------------------------------------------------

    async fn on_event(&mut self, event: &ExchangeEvent) -> Result<(), End> {
        let queued = self.events.as_ref().map_or(0, broadcast::Receiver::len);
        if queued > self.shared.settings.slow_consumer_limit {
            tracing::info!(session = self.id, queued, "slow consumer");
            return Err(End::SlowConsumer);
        }
        if let Some(owner) = event.account() {
            if self.account.as_deref() == Some(owner) {
                return self.on_private(event).await;
            }
            return Ok(());
        }
        let mut matched = std::mem::take(&mut self.matched);
        matched.clear();
        let live = |s: &Subscription| s.firehose.is_none() && !s.channel.is_private();
        let replaying = self.shared.replay.is_some();
        for (index, sub) in self.subs.iter().enumerate() {
            let hit = match (event, &sub.channel) {
                (ExchangeEvent::Bbo(e), Channel::Bbo(sel)) => sel.covers(&e.market),
                (ExchangeEvent::Trade(e), Channel::Trades(sel)) => sel.covers(&e.market),
                (ExchangeEvent::BookDelta(e), Channel::BookDeltas(m)) => *m == *e.market,
                (ExchangeEvent::MarketSummary(e), Channel::MarketsSummary(sel)) => {
                    sel.covers(&e.market)
                }
                (ExchangeEvent::FundingData(e), Channel::FundingData(sel)) => sel.covers(&e.market),
                _ => false,
            };
            if hit && live(sub) && !replaying {
                matched.push(index);
            }
        }
        let result = self.send_public(event, &matched).await;
        self.matched = matched;
        result
    }

    async fn send_public(&mut self, event: &ExchangeEvent, matched: &[usize]) -> Result<(), End> {
        if matched.is_empty() {
            return Ok(());
        }
        if let ExchangeEvent::BookDelta(delta) = event {
            for &index in matched {
                let last = self.subs[index].book_seq;
                if delta.seq_no <= last {
                    continue;
                }
                if delta.seq_no != last + 1 {
                    // Cannot happen with a contiguous exchange stream; resynchronise honestly.
                    tracing::warn!(
                        session = self.id,
                        last,
                        got = delta.seq_no,
                        "book stream gap; re-snapshotting"
                    );
                    if let Ok(snapshot) = self
                        .shared
                        .exchange
                        .book_snapshot(&delta.market, usize::MAX)
                    {
                        self.send_book(index, &snapshot).await?;
                        if snapshot.seq_no >= delta.seq_no {
                            continue;
                        }
                    }
                }
                self.subs[index].book_seq = delta.seq_no;
                let frame = match self.sbe {
                    Some(version) => {
                        self.buf.clear();
                        sbe_out::book_delta(delta, &mut self.levels, version, &mut self.buf)
                            .ok()
                            .map(|()| Message::Binary(Bytes::copy_from_slice(&self.buf)))
                    }
                    None => {
                        let text = json_out::notification(
                            &self.subs[index].name,
                            &json_out::book_delta(delta),
                        );
                        Some(Message::Text(text.into()))
                    }
                };
                if let Some(frame) = frame {
                    self.send_data(index, true, frame, true).await?;
                }
            }
            return Ok(());
        }
        match self.sbe {
            Some(version) => {
                self.buf.clear();
                let encoded = match event {
                    ExchangeEvent::Bbo(e) => sbe_out::bbo(e, version, &mut self.buf),
                    ExchangeEvent::Trade(e) => sbe_out::trade(e, version, &mut self.buf),
                    ExchangeEvent::MarketSummary(e) => {
                        sbe_out::market_summary(e, version, &mut self.buf)
                    }
                    ExchangeEvent::FundingData(e) => {
                        sbe_out::funding_data(e, version, &mut self.buf)
                    }
                    _ => return Ok(()),
                };
                if let Err(e) = encoded {
                    tracing::error!(error = %e, "sbe encode failed");
                    return Ok(());
                }
                // A binary frame names no channel: one frame even if two channels match.
                let frame = Message::Binary(Bytes::copy_from_slice(&self.buf));
                self.send_data(matched[0], false, frame, true).await
            }
            None => {
                for &index in matched {
                    let channel = &self.subs[index].name;
                    let text = match event {
                        ExchangeEvent::Bbo(e) => json_out::notification(channel, &e.to_resp()),
                        ExchangeEvent::Trade(e) => json_out::notification(channel, &e.to_resp()),
                        ExchangeEvent::MarketSummary(e) => {
                            json_out::notification(channel, &e.to_resp())
                        }
                        ExchangeEvent::FundingData(e) => {
                            json_out::notification(channel, &e.to_resp())
                        }
                        _ => continue,
                    };
                    self.send_data(index, false, Message::Text(text.into()), true)
                        .await?;
                }
                Ok(())
            }
        }
    }

    async fn on_private(&mut self, event: &ExchangeEvent) -> Result<(), End> {
        for index in 0..self.subs.len() {
            let channel = &self.subs[index].name;
            let text = match (event, &self.subs[index].channel) {
                (ExchangeEvent::Order { order, .. }, Channel::Orders(sel))
                    if sel.covers(&order.market) =>
                {
                    json_out::notification(channel, order)
                }
                (ExchangeEvent::Fill { fill, .. }, Channel::Fills(sel))
                    if sel.covers(&fill.market) =>
                {
                    json_out::notification(channel, fill)
                }
                (ExchangeEvent::Position { position, .. }, Channel::Positions) => {
                    json_out::notification(channel, position)
                }
                (ExchangeEvent::Account { summary, .. }, Channel::Account) => {
                    json_out::notification(channel, summary)
                }
                (ExchangeEvent::BalanceEvent { event, .. }, Channel::BalanceEvents) => {
                    json_out::notification(channel, event)
                }
                _ => continue,
            };
            self.send_data(index, false, Message::Text(text.into()), true)
                .await?;
        }
        Ok(())
    }

    /// A full-book `"s"` frame on subscription `index`.
    async fn send_book(&mut self, index: usize, snapshot: &BookSnapshot) -> Result<(), End> {
        let frame = match self.sbe {
            Some(version) => {
                self.buf.clear();
                match sbe_out::book_snapshot(snapshot, &mut self.levels, version, &mut self.buf) {
                    Ok(()) => Message::Binary(Bytes::copy_from_slice(&self.buf)),
                    Err(e) => {
                        tracing::error!(error = %e, "sbe encode failed");
                        return Ok(());
                    }
                }
            }
            None => {
                let text = json_out::notification(
                    &self.subs[index].name,
                    &json_out::book_snapshot(snapshot),
                );
                Message::Text(text.into())
            }
        };
        self.send_data(index, false, frame, true).await
    }

    async fn send_periodic_snapshot(&mut self, index: usize, now: Instant) -> Result<(), End> {
        let Channel::BookSnapshot { market, rate, tick } = &self.subs[index].channel else {
            return Ok(());
        };
        let (market, period, tick) = (market.clone(), rate.period(), *tick);
        self.subs[index].due = Some(now + period);
        let depth = if tick.is_some() {
            usize::MAX
        } else {
            SNAPSHOT_DEPTH
        };
        let Ok(mut snapshot) = self.shared.exchange.book_snapshot(&market, depth) else {
            return Ok(());
        };
        if let Some(tick) = tick {
            snapshot.bids = group_levels(&snapshot.bids, tick, false);
            snapshot.asks = group_levels(&snapshot.asks, tick, true);
        }
        snapshot.bids.truncate(SNAPSHOT_DEPTH);
        snapshot.asks.truncate(SNAPSHOT_DEPTH);
        self.send_book(index, &snapshot).await
    }

    // ---- sending --------------------------------------------------------------------------

    /// A control or keep-alive frame; held while stalled.
    async fn send(&mut self, message: Message) -> Result<(), End> {
        if self.stall != Stall::No {
            self.held.push(message);
            return Ok(());
        }
        self.socket
            .send(message)
            .await
            .map_err(|_| End::ClientGone)?;
        self.last_sent = Instant::now();
        Ok(())
    }

    /// A data frame of subscription `index`, through the fault hooks and the recorder.
    /// `flush: false` only queues it (the caller flushes a batch).
    async fn send_data(
        &mut self,
        index: usize,
        is_delta: bool,
        message: Message,
        flush: bool,
    ) -> Result<(), End> {
        let action = self.faults.on_data_frame(&self.subs[index].name, is_delta);
        match action {
            None => {}
            Some(WsAction::Drop) => return Err(End::Dropped),
            Some(WsAction::SkipFrame) => return Ok(()),
            Some(WsAction::Stall(duration)) => {
                self.socket.flush().await.map_err(|_| End::ClientGone)?;
                self.stall = duration.map_or(Stall::Forever, |d| Stall::Until(Instant::now() + d));
                self.held.push(message);
                return Ok(());
            }
            Some(WsAction::Malformed) => {
                let bad = match self.sbe {
                    // A header promising a block that is not there.
                    Some(_) => Message::Binary(Bytes::from_static(&[0x59, 0x00, 0x03, 0x00, 0x01])),
                    None => Message::Text(Utf8Bytes::from_static(
                        r#"{"jsonrpc":"2.0","method":"subscription","params":{"chan"#,
                    )),
                };
                self.socket.feed(bad).await.map_err(|_| End::ClientGone)?;
            }
            Some(WsAction::Truncated) => {
                let cut = match &message {
                    Message::Binary(bytes) => Message::Binary(bytes.slice(..bytes.len() / 2)),
                    Message::Text(text) => {
                        let mut end = text.len() / 2;
                        while !text.is_char_boundary(end) {
                            end -= 1;
                        }
                        Message::Text(text.as_str()[..end].to_owned().into())
                    }
                    other => other.clone(),
                };
                self.socket.feed(cut).await.map_err(|_| End::ClientGone)?;
            }
            Some(WsAction::Oversized(bytes)) => {
                let big = match self.sbe {
                    Some(_) => Message::Binary(Bytes::from(vec![0_u8; bytes])),
                    None => Message::Text(oversized_text(&self.subs[index].name, bytes).into()),
                };
                self.socket.feed(big).await.map_err(|_| End::ClientGone)?;
            }
        }
        if let Some(recorder) = self.recorder.as_mut() {
            let recorded = match &message {
                Message::Text(text) => recorder.append(FrameKind::Text, text.as_bytes()),
                Message::Binary(bytes) => recorder.append(FrameKind::Binary, bytes),
                _ => Ok(()),
            };
            if let Err(e) = recorded {
                tracing::error!(error = %e, "recording stopped");
                self.recorder = None;
            }
        }
        let sent = if flush {
            self.socket.send(message).await
        } else {
            self.socket.feed(message).await
        };
        sent.map_err(|_| End::ClientGone)?;
        self.last_sent = Instant::now();
        Ok(())
    }

    async fn release_held(&mut self) -> Result<(), End> {
        for message in std::mem::take(&mut self.held) {
            self.socket
                .feed(message)
                .await
                .map_err(|_| End::ClientGone)?;
        }
        self.socket.flush().await.map_err(|_| End::ClientGone)?;
        self.last_sent = Instant::now();
        // The client could not have answered a ping we did not send.
        self.pong_deadline = None;
        Ok(())
    }
}

async fn recv_event(
    events: &mut Option<broadcast::Receiver<Arc<ExchangeEvent>>>,
) -> Result<Arc<ExchangeEvent>, broadcast::error::RecvError> {
    match events {
        Some(rx) => rx.recv().await,
        None => std::future::pending().await,
    }
}

/// Sums levels into `tick`-wide buckets: bids round down, asks round up; keeps best-first order.
fn group_levels(levels: &[Level], tick: i64, round_up: bool) -> Vec<Level> {
    let mut grouped: Vec<Level> = Vec::new();
    for level in levels {
        let down = level.price - level.price.rem_euclid(tick);
        let price = if round_up && down != level.price {
            down + tick
        } else {
            down
        };
        match grouped.last_mut() {
            Some(last) if last.price == price => last.size += level.size,
            _ => grouped.push(Level {
                price,
                size: level.size,
            }),
        }
    }
    grouped
}

/// A JSON notification padded to `bytes`.
fn oversized_text(channel: &str, bytes: usize) -> String {
    let head = format!(
        r#"{{"jsonrpc":"2.0","method":"subscription","params":{{"channel":"{channel}","data":{{"padding":""#
    );
    let tail = r#""}}}"#;
    let pad = bytes.saturating_sub(head.len() + tail.len());
    let mut text = String::with_capacity(bytes);
    text.push_str(&head);
    text.extend(std::iter::repeat_n('x', pad));
    text.push_str(tail);
    text
}
