//! The feed thread's loop: connection state machine, subscriptions, frame dispatch, stall
//! detection and reconnect backoff. Owns the socket and the ring writers.

use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, TryRecvError};
use std::time::Duration;

use paradex_ring::HealthCounter;
use paradex_ring::clock::monotonic_ns;
use rustls::ClientConfig;
use tungstenite::Message;

use crate::config::{ChannelKind, FeedConfig, PollMode};
use crate::conn::Connection;
use crate::handle::FeedStats;
use crate::publish::{Outcome, Publisher};

/// Commands from the [`crate::FeedHandle`] to the feed thread.
#[derive(Debug)]
pub(crate) enum Command {
    /// Close the connection and end the thread.
    Shutdown,
    /// Reply with a snapshot of the statistics.
    Stats(Sender<FeedStats>),
}

/// Where the connection stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ConnectionState {
    /// Not connected; waiting for the next attempt.
    #[default]
    Disconnected,
    /// Connected and subscriptions sent.
    Subscribed,
    /// Shut down.
    Stopped,
}

/// The connection and what the loop knows about it.
enum State {
    /// Next attempt at `retry_at_ns`; `failures` attempts in a row have failed.
    Disconnected { retry_at_ns: i64, failures: u32 },
    /// Open and subscribed; `last_frame_ns` feeds stall detection.
    Subscribed {
        conn: Box<Connection>,
        last_frame_ns: i64,
    },
}

/// How many frames to handle before looking at commands and timers again.
const BATCH: usize = 256;
/// Longest sleep while disconnected or in epoll, so commands are seen promptly.
const MAX_WAIT: Duration = Duration::from_millis(20);

pub(crate) struct Handler {
    config: FeedConfig,
    url: String,
    publisher: Publisher,
    tls: Option<Arc<ClientConfig>>,
    commands: Receiver<Command>,
    state: State,
    stats: FeedStats,
    scratch: Vec<u8>,
    next_request_id: u64,
    jitter: u64,
    poll: Option<(mio::Poll, mio::Events)>,
}

impl Handler {
    pub(crate) fn new(
        config: FeedConfig,
        publisher: Publisher,
        tls: Option<Arc<ClientConfig>>,
        commands: Receiver<Command>,
    ) -> std::io::Result<Self> {
        let poll = match config.poll_mode {
            PollMode::BusyPoll => None,
            PollMode::Epoll => Some((mio::Poll::new()?, mio::Events::with_capacity(8))),
        };
        Ok(Self {
            url: config.connect_url(),
            config,
            publisher,
            tls,
            commands,
            state: State::Disconnected {
                retry_at_ns: 0,
                failures: 0,
            },
            stats: FeedStats::default(),
            scratch: Vec::with_capacity(64 * 1024),
            next_request_id: 1,
            jitter: (monotonic_ns() as u64) ^ (u64::from(std::process::id()) << 32) | 1,
            poll,
        })
    }

    /// Runs until [`Command::Shutdown`] (or the handle is dropped).
    pub(crate) fn run(mut self) {
        loop {
            match self.commands.try_recv() {
                Ok(Command::Shutdown) | Err(TryRecvError::Disconnected) => break,
                Ok(Command::Stats(reply)) => {
                    let _ = reply.send(self.stats);
                }
                Err(TryRecvError::Empty) => {}
            }
            match &self.state {
                State::Disconnected { retry_at_ns, .. } => {
                    let wait = retry_at_ns.saturating_sub(monotonic_ns());
                    if wait <= 0 {
                        self.connect();
                    } else {
                        self.publisher.rings().heartbeat_at(monotonic_ns());
                        std::thread::sleep(MAX_WAIT.min(Duration::from_nanos(wait as u64)));
                    }
                }
                State::Subscribed { .. } => self.service(),
            }
        }
        if let State::Subscribed { conn, .. } = &mut self.state {
            conn.close();
        }
        self.stats.state = ConnectionState::Stopped;
        tracing::info!("feed stopped");
    }

    fn connect(&mut self) {
        let State::Disconnected { failures, .. } = self.state else {
            return;
        };
        let timeout = self.config.connect_timeout();
        match Connection::open(
            &self.url,
            self.tls.as_ref(),
            timeout,
            self.config.max_frame_bytes,
        ) {
            Ok(conn) => {
                let now = monotonic_ns();
                self.stats.connects += 1;
                if self.stats.connects > 1 {
                    self.stats.reconnects += 1;
                    self.publisher.rings().count(HealthCounter::Reconnects, 1);
                }
                tracing::info!(url = %self.url, connects = self.stats.connects, "connected");
                self.publisher.on_connection_reset(now);
                let mut conn = Box::new(conn);
                if let Err(e) = self.subscribe_all(&mut conn) {
                    tracing::warn!(error = %e, "subscribe failed");
                    self.disconnected(failures + 1);
                    return;
                }
                if let Some((poll, _)) = &self.poll {
                    let fd = conn.raw_fd();
                    let mut source = mio::unix::SourceFd(&fd);
                    if let Err(e) = poll.registry().register(
                        &mut source,
                        mio::Token(0),
                        mio::Interest::READABLE,
                    ) {
                        tracing::warn!(error = %e, "epoll registration failed");
                        self.disconnected(failures + 1);
                        return;
                    }
                }
                self.stats.state = ConnectionState::Subscribed;
                self.state = State::Subscribed {
                    conn,
                    last_frame_ns: now,
                };
            }
            Err(e) => {
                tracing::warn!(error = %e, failures = failures + 1, "connect failed");
                self.disconnected(failures + 1);
            }
        }
    }

    /// Drops the connection (if any) and schedules the next attempt: immediately after a
    /// working connection was lost, then with exponential backoff and jitter.
    fn disconnected(&mut self, failures: u32) {
        if let State::Subscribed { conn, .. } = &mut self.state {
            if let Some((poll, _)) = &self.poll {
                let fd = conn.raw_fd();
                let _ = poll.registry().deregister(&mut mio::unix::SourceFd(&fd));
            }
            conn.close();
        }
        let delay_ns = if failures == 0 {
            0
        } else {
            let initial = self.config.backoff_initial_ms.saturating_mul(1_000_000);
            let max = self.config.backoff_max_ms.saturating_mul(1_000_000);
            let exp = initial.saturating_mul(1 << (failures - 1).min(20)).min(max);
            // Jitter: a uniform draw from [exp/2, exp], so reconnecting clients spread out.
            exp / 2 + self.next_random() % (exp / 2 + 1)
        };
        self.stats.state = ConnectionState::Disconnected;
        self.state = State::Disconnected {
            retry_at_ns: monotonic_ns().saturating_add(delay_ns as i64),
            failures,
        };
    }

    fn next_random(&mut self) -> u64 {
        // xorshift64: jitter needs spread, not cryptographic quality.
        self.jitter ^= self.jitter << 13;
        self.jitter ^= self.jitter >> 7;
        self.jitter ^= self.jitter << 17;
        self.jitter
    }

    fn request(&mut self, method: &str, channel: &str) -> String {
        let id = self.next_request_id;
        self.next_request_id += 1;
        format!(
            r#"{{"jsonrpc":"2.0","method":"{method}","params":{{"channel":"{channel}"}},"id":{id}}}"#
        )
    }

    fn subscribe_all(&mut self, conn: &mut Connection) -> Result<(), tungstenite::Error> {
        let markets = self.config.markets.clone();
        for market in &markets {
            for kind in self.config.channels.clone() {
                let text = self.request("subscribe", &kind.channel(market));
                conn.send_text(text)?;
            }
        }
        conn.flush()
    }

    /// Reads what is available (up to [`BATCH`] frames), then checks for a stall and waits.
    fn service(&mut self) {
        let mut handled = 0;
        let mut result = Ok(());
        while handled < BATCH {
            let State::Subscribed { conn, .. } = &mut self.state else {
                return;
            };
            match conn.read() {
                Ok(Some(message)) => {
                    handled += 1;
                    if let Err(e) = self.on_message(message) {
                        result = Err(e);
                        break;
                    }
                }
                Ok(None) => break,
                Err(e) => {
                    result = Err(e);
                    break;
                }
            }
        }
        if let State::Subscribed { conn, .. } = &mut self.state {
            for _ in 0..conn.take_dropped() {
                let outcome = self.oversized();
                // Only a resnapshot can fail, and an oversized frame never asks for one.
                let _ = self.tally(outcome);
            }
        }
        if let Err(e) = result {
            if let tungstenite::Error::Capacity(reason) = &e {
                // A fragmented message over the limit in total: the only case the frame
                // filter cannot drop (see `frame_filter`). Counted, then a reconnect.
                tracing::warn!(%reason, "oversized fragmented message, reconnecting");
                let outcome = self.oversized();
                let _ = self.tally(outcome);
            } else {
                tracing::warn!(error = %e, "connection lost");
            }
            self.disconnected(0);
            return;
        }
        if handled > 0 {
            return;
        }
        // Idle: check for a stall, then spin or sleep.
        let now = monotonic_ns();
        self.publisher.rings().heartbeat_at(now);
        let State::Subscribed { last_frame_ns, .. } = self.state else {
            return;
        };
        let stall_ns = self.config.stall_timeout().as_nanos() as i64;
        let idle_ns = now - last_frame_ns;
        if idle_ns >= stall_ns {
            tracing::warn!(
                idle_ms = idle_ns / 1_000_000,
                "stream stalled, reconnecting"
            );
            self.stats.stalls += 1;
            self.disconnected(0);
            return;
        }
        match &mut self.poll {
            None => std::hint::spin_loop(),
            Some((poll, events)) => {
                let wait = Duration::from_nanos((stall_ns - idle_ns) as u64).min(MAX_WAIT);
                if let Err(e) = poll.poll(events, Some(wait))
                    && e.kind() != std::io::ErrorKind::Interrupted
                {
                    tracing::warn!(error = %e, "epoll wait failed");
                }
            }
        }
    }

    /// Handles one message; one clock read stamps every record it produces.
    fn on_message(&mut self, message: Message) -> Result<(), tungstenite::Error> {
        let recv_ns = monotonic_ns();
        if let State::Subscribed { last_frame_ns, .. } = &mut self.state {
            *last_frame_ns = recv_ns;
        }
        self.stats.frames += 1;
        let outcome = match message {
            // Messages over `max_frame_bytes` never get here: the connection drops them.
            Message::Binary(bytes) => self.publisher.on_sbe(&bytes, recv_ns),
            Message::Text(text) => {
                self.scratch.clear();
                self.scratch.extend_from_slice(text.as_bytes());
                self.publisher.on_json(&mut self.scratch, recv_ns)
            }
            Message::Ping(_) => {
                if let State::Subscribed { conn, .. } = &mut self.state {
                    conn.flush()?;
                }
                Outcome::Ignored
            }
            Message::Close(frame) => {
                tracing::info!(?frame, "venue closed the connection");
                return Err(tungstenite::Error::ConnectionClosed);
            }
            Message::Pong(_) | Message::Frame(_) => Outcome::Ignored,
        };
        self.tally(outcome)
    }

    fn oversized(&mut self) -> Outcome {
        tracing::warn!(max = self.config.max_frame_bytes, "oversized frame skipped");
        self.stats.frames += 1;
        self.stats.oversized += 1;
        self.publisher.reject(Outcome::Malformed)
    }

    fn tally(&mut self, outcome: Outcome) -> Result<(), tungstenite::Error> {
        match outcome {
            Outcome::Published => self.stats.published += 1,
            Outcome::Ignored => {}
            Outcome::Stale => self.stats.stale += 1,
            Outcome::Unknown => self.stats.unknown += 1,
            Outcome::Malformed => self.stats.malformed += 1,
            Outcome::Resnapshot(market_id) => {
                self.stats.resnapshots += 1;
                self.resnapshot(market_id)?;
            }
        }
        Ok(())
    }

    /// Re-subscribes the deltas channel of `market_id` so the venue sends a fresh snapshot.
    fn resnapshot(&mut self, market_id: u32) -> Result<(), tungstenite::Error> {
        let Some(market) = self.publisher.symbol(market_id).map(str::to_owned) else {
            return Ok(());
        };
        tracing::warn!(%market, "book gap: resubscribing for a snapshot");
        if !self.config.channels.contains(&ChannelKind::BookDeltas) {
            return Ok(());
        }
        let channel = ChannelKind::BookDeltas.channel(&market);
        let unsubscribe = self.request("unsubscribe", &channel);
        let subscribe = self.request("subscribe", &channel);
        if let State::Subscribed { conn, .. } = &mut self.state {
            conn.send_text(unsubscribe)?;
            conn.send_text(subscribe)?;
            conn.flush()?;
        }
        Ok(())
    }
}
