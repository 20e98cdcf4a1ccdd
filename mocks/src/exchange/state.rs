//! The exchange's state behind its lock: markets, accounts, orders, histories, and the
//! bookkeeping that turns one engine step into events.

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use super::account::{AccountState, MarginInputs, MarginSummary, Position};
use super::book::{Book, OrderKey};
use super::config::{ExchangeConfig, MarketSpec};
use super::error::{ExchangeError, ExchangeResult};
use super::events::{
    BboEvent, BookDelta, ExchangeEvent, FundingDataEvent, Level, MarketSummaryEvent, TradeEvent,
};
use super::model::{FillResp, FundingPaymentResp, OrderResp};
use super::num;
use super::types::{CancelReason, Instruction, OrderStatus, OrderType, Side, Stp};

/// Public trades and funding updates kept per market: the generator can print millions, and
/// REST pages only need the recent ones.
pub(crate) const MAX_PUBLIC_HISTORY: usize = 10_000;

/// Trading status of the whole venue (`GET /system/state`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SystemStatus {
    /// Normal trading.
    Ok,
    /// Only cancels accepted.
    CancelOnly,
    /// Only post-only orders accepted.
    PostOnly,
    /// Nothing accepted.
    Maintenance,
}

impl SystemStatus {
    /// The wire name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::CancelOnly => "cancel_only",
            Self::PostOnly => "post_only",
            Self::Maintenance => "maintenance",
        }
    }
}

/// Wall-clock time in µs.
pub(crate) fn now_us() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_micros()).unwrap_or(u64::MAX))
}

/// Lowercase hex without leading zeros, so `0x03a…` and `0x3A…` name the same account.
#[must_use]
pub fn normalize_address(address: &str) -> String {
    let body = address.trim();
    let hex = body
        .strip_prefix("0x")
        .or_else(|| body.strip_prefix("0X"))
        .unwrap_or(body);
    let trimmed = hex.trim_start_matches('0').to_ascii_lowercase();
    if trimmed.is_empty() {
        "0x0".to_owned()
    } else {
        format!("0x{trimmed}")
    }
}

/// One order record.
#[derive(Debug, Clone)]
pub(crate) struct Order {
    pub id: String,
    pub account: Arc<str>,
    pub market: usize,
    pub side: Side,
    pub order_type: OrderType,
    pub size: i64,
    pub remaining: i64,
    pub price: i64,
    pub trigger_price: Option<i64>,
    pub instruction: Instruction,
    pub stp: Stp,
    pub flags: Vec<String>,
    pub client_id: String,
    pub status: OrderStatus,
    pub cancel_reason: Option<CancelReason>,
    pub filled_notional: i128,
    pub created_at: u64,
    pub last_updated_at: u64,
    pub timestamp: u64,
    pub seq_no: u64,
    /// Whether it sits in the book.
    pub resting: bool,
    /// Initial margin it locks while resting.
    pub margin: i64,
}

impl Order {
    pub(crate) fn reduce_only(&self) -> bool {
        self.flags.iter().any(|f| f == "REDUCE_ONLY")
    }

    pub(crate) fn to_resp(&self, market: &str) -> OrderResp {
        let filled = self.size - self.remaining;
        let avg = if filled > 0 {
            num::format(num::saturate(
                self.filled_notional * i128::from(num::ONE) / i128::from(filled),
            ))
        } else {
            String::new()
        };
        OrderResp {
            id: self.id.clone(),
            account: self.account.to_string(),
            market: market.to_owned(),
            side: self.side.as_str().to_owned(),
            order_type: self.order_type.as_str().to_owned(),
            size: num::format(self.size),
            remaining_size: num::format(self.remaining),
            price: num::format(self.price),
            status: self.status.as_str().to_owned(),
            instruction: self.instruction.as_str().to_owned(),
            client_id: self.client_id.clone(),
            created_at: self.created_at,
            last_updated_at: self.last_updated_at,
            timestamp: self.timestamp,
            cancel_reason: self
                .cancel_reason
                .map_or("", CancelReason::as_str)
                .to_owned(),
            seq_no: self.seq_no,
            avg_fill_price: avg,
            stp: self.stp.as_str().to_owned(),
            flags: self.flags.clone(),
            trigger_price: num::format(self.trigger_price.unwrap_or(0)),
            received_at: self.created_at,
            published_at: self.last_updated_at,
        }
    }
}

/// One market's live state.
#[derive(Debug)]
pub(crate) struct MarketState {
    pub spec: MarketSpec,
    pub symbol: Arc<str>,
    pub book: Book,
    /// Contiguous book counter: +1 per published delta.
    pub book_seq: u64,
    pub book_updated_us: u64,
    pub mark_price: i64,
    pub index_price: i64,
    pub last_price: i64,
    pub volume: i64,
    pub open_interest: i64,
    pub funding_rate: i64,
    pub funding_premium: i64,
    pub funding_index: i64,
    pub last_bbo: (Option<Level>, Option<Level>),
    /// The latest [`MAX_PUBLIC_HISTORY`] trades, oldest first.
    pub trades: VecDeque<TradeEvent>,
    /// The latest [`MAX_PUBLIC_HISTORY`] funding updates, oldest first.
    pub funding_history: VecDeque<FundingDataEvent>,
    /// Conditional orders waiting for the mark to cross their trigger.
    pub untriggered: Vec<OrderKey>,
    /// The synthetic market maker's resting orders.
    pub maker_orders: Vec<OrderKey>,
}

impl MarketState {
    pub(crate) fn new(spec: MarketSpec) -> Self {
        let price = spec.initial_price;
        Self {
            symbol: Arc::from(spec.symbol.as_str()),
            spec,
            book: Book::default(),
            book_seq: 0,
            book_updated_us: now_us(),
            mark_price: price,
            index_price: price,
            last_price: price,
            volume: 0,
            open_interest: 0,
            funding_rate: 0,
            funding_premium: 0,
            funding_index: 0,
            last_bbo: (None, None),
            trades: VecDeque::new(),
            funding_history: VecDeque::new(),
            untriggered: Vec::new(),
            maker_orders: Vec::new(),
        }
    }

    pub(crate) fn margin_inputs(&self) -> MarginInputs {
        MarginInputs {
            mark: self.mark_price,
            imf: self.spec.imf_base,
            mmf: num::mul(self.spec.imf_base, self.spec.mmf_factor),
        }
    }

    pub(crate) fn summary_event(&self, now: u64) -> MarketSummaryEvent {
        MarketSummaryEvent {
            market: self.symbol.clone(),
            seq_no: self.book_seq,
            timestamp_us: now,
            mark_price: self.mark_price,
            index_price: self.index_price,
            last_price: self.last_price,
            bid: self.book.best(Side::Buy),
            ask: self.book.best(Side::Sell),
            volume_24h: self.volume,
            total_volume: self.volume,
            open_interest: self.open_interest,
            funding_rate: self.funding_rate,
            price_change_rate_24h: num::div(
                self.last_price - self.spec.initial_price,
                self.spec.initial_price,
            ),
        }
    }
}

/// Everything behind the exchange lock.
#[derive(Debug)]
pub(crate) struct State {
    pub markets: Vec<MarketState>,
    pub market_index: HashMap<String, usize>,
    pub accounts: HashMap<Arc<str>, AccountState>,
    pub orders: HashMap<OrderKey, Order>,
    pub order_ids: HashMap<String, OrderKey>,
    /// Every order of an account, oldest first.
    pub order_history: HashMap<Arc<str>, Vec<OrderKey>>,
    pub fills: HashMap<Arc<str>, Vec<FillResp>>,
    pub funding_payments: HashMap<Arc<str>, Vec<FundingPaymentResp>>,
    pub status: SystemStatus,
    pub onboarding_balance: i64,
    pub maker_account: Arc<str>,
    pub taker_account: Arc<str>,
    next_key: OrderKey,
    id_counter: u64,
    last_seq: u64,
    /// Events of the current step, flushed to the broadcast channel by the engine.
    pub pending: Vec<ExchangeEvent>,
    /// Closed orders of synthetic accounts, dropped at the end of the step (nobody queries
    /// them, and the generator makes them by the million).
    pub forget: Vec<OrderKey>,
    dirty_markets: BTreeSet<usize>,
    dirty_positions: BTreeSet<(Arc<str>, usize)>,
    dirty_accounts: BTreeSet<Arc<str>>,
    /// Time of the current step, µs.
    pub now: u64,
}

impl State {
    pub(crate) fn new(config: &ExchangeConfig) -> Self {
        let markets: Vec<MarketState> = config
            .markets
            .iter()
            .cloned()
            .map(MarketState::new)
            .collect();
        let market_index = markets
            .iter()
            .enumerate()
            .map(|(i, m)| (m.spec.symbol.clone(), i))
            .collect();
        let maker_account: Arc<str> =
            Arc::from("0x5e1f0000000000000000000000000000000000000000000000000000000000a");
        let taker_account: Arc<str> =
            Arc::from("0x5e1f0000000000000000000000000000000000000000000000000000000000b");
        let mut state = Self {
            markets,
            market_index,
            accounts: HashMap::new(),
            orders: HashMap::new(),
            order_ids: HashMap::new(),
            order_history: HashMap::new(),
            fills: HashMap::new(),
            funding_payments: HashMap::new(),
            status: SystemStatus::Ok,
            onboarding_balance: config.onboarding_balance,
            maker_account: maker_account.clone(),
            taker_account: taker_account.clone(),
            next_key: 1,
            id_counter: 0,
            last_seq: 0,
            pending: Vec::new(),
            forget: Vec::new(),
            dirty_markets: BTreeSet::new(),
            dirty_positions: BTreeSet::new(),
            dirty_accounts: BTreeSet::new(),
            now: now_us(),
        };
        for synthetic in [maker_account, taker_account] {
            state.accounts.insert(
                synthetic.clone(),
                AccountState::new(synthetic, None, 0, true),
            );
        }
        for seed in &config.accounts {
            state.add_account(
                &seed.address,
                Some(seed.public_key.clone()),
                seed.usdc_balance,
            );
        }
        state
    }

    /// Starts a step: fixes its timestamp.
    pub(crate) fn begin(&mut self) {
        self.now = now_us().max(self.now);
    }

    pub(crate) fn now_ms(&self) -> u64 {
        self.now / 1000
    }

    pub(crate) fn add_account(
        &mut self,
        address: &str,
        public_key: Option<String>,
        collateral: i64,
    ) -> Arc<str> {
        let address: Arc<str> = Arc::from(normalize_address(address));
        let public_key = public_key.map(|k| normalize_address(&k));
        let now = self.now_ms();
        let entry = self.accounts.entry(address.clone()).or_insert_with(|| {
            let mut account = AccountState::new(address.clone(), None, collateral, false);
            account.updated_at = now;
            account
        });
        if public_key.is_some() {
            entry.public_key = public_key;
        }
        address
    }

    pub(crate) fn account_key(&self, address: &str) -> ExchangeResult<Arc<str>> {
        let normalized = normalize_address(address);
        self.accounts
            .get_key_value(normalized.as_str())
            .filter(|(_, a)| !a.synthetic)
            .map(|(k, _)| k.clone())
            .ok_or(ExchangeError::AccountNotFound(normalized))
    }

    pub(crate) fn market(&self, symbol: &str) -> ExchangeResult<usize> {
        self.market_index
            .get(symbol)
            .copied()
            .ok_or_else(|| ExchangeError::MarketNotFound(symbol.to_owned()))
    }

    /// Increasing, non-contiguous sequence numbers (ns-time-like, as Paradex's look).
    pub(crate) fn next_seq(&mut self) -> u64 {
        self.last_seq = (self.last_seq + 1).max(self.now.saturating_mul(1000));
        self.last_seq
    }

    /// A ~28-digit decimal id: 13 digits of ms time then a 15-digit counter.
    pub(crate) fn next_id(&mut self) -> String {
        self.id_counter += 1;
        format!("{:013}{:015}", self.now_ms(), self.id_counter)
    }

    pub(crate) fn next_key(&mut self) -> OrderKey {
        let key = self.next_key;
        self.next_key += 1;
        key
    }

    pub(crate) fn margin_of(&self, account: &AccountState) -> MarginSummary {
        account.margin(|symbol| {
            self.market_index
                .get(symbol)
                .map(|i| self.markets[*i].margin_inputs())
                .unwrap_or(MarginInputs {
                    mark: 0,
                    imf: 0,
                    mmf: 0,
                })
        })
    }

    /// The account's position in a market, opened flat on first use.
    pub(crate) fn position_mut(&mut self, account: &Arc<str>, market: usize) -> &mut Position {
        let symbol = self.markets[market].symbol.clone();
        let exists = self
            .accounts
            .get(account)
            .is_some_and(|a| a.positions.contains_key(&symbol));
        if !exists {
            let (id, now) = (self.next_id(), self.now_ms());
            let position =
                Position::new(id, symbol.clone(), self.markets[market].funding_index, now);
            if let Some(acct) = self.accounts.get_mut(account) {
                acct.positions.insert(symbol.clone(), position);
            }
        }
        self.accounts
            .get_mut(account)
            .and_then(|a| a.positions.get_mut(&symbol))
            .expect("position of a known account was just ensured")
    }

    pub(crate) fn mark_order_changed(&mut self, key: OrderKey) {
        let now = self.now_ms();
        let seq = self.next_seq();
        let Some(order) = self.orders.get_mut(&key) else {
            return;
        };
        order.last_updated_at = now;
        order.seq_no = seq;
        let synthetic = self
            .accounts
            .get(&order.account)
            .is_none_or(|a| a.synthetic);
        if !synthetic {
            let resp = order.to_resp(&self.markets[order.market].symbol);
            self.pending.push(ExchangeEvent::Order {
                account: order.account.clone(),
                order: resp,
            });
        }
    }

    pub(crate) fn touch_market(&mut self, market: usize) {
        self.dirty_markets.insert(market);
    }

    pub(crate) fn touch_position(&mut self, account: &Arc<str>, market: usize) {
        self.dirty_positions.insert((account.clone(), market));
        self.dirty_accounts.insert(account.clone());
    }

    pub(crate) fn touch_account(&mut self, account: &Arc<str>) {
        self.dirty_accounts.insert(account.clone());
    }

    /// Ends a step: publishes book deltas, BBOs, positions and account summaries it changed,
    /// and drops closed synthetic orders.
    pub(crate) fn finish(&mut self) {
        for key in std::mem::take(&mut self.forget) {
            if let Some(order) = self.orders.remove(&key) {
                self.order_ids.remove(&order.id);
            }
        }
        for market in std::mem::take(&mut self.dirty_markets) {
            let now = self.now;
            let m = &mut self.markets[market];
            let changes = m.book.take_changes();
            if !changes.is_empty() {
                m.book_seq += 1;
                m.book_updated_us = now;
                self.pending.push(ExchangeEvent::BookDelta(BookDelta {
                    market: m.symbol.clone(),
                    seq_no: m.book_seq,
                    timestamp_us: now,
                    changes,
                }));
            }
            let bbo = (m.book.best(Side::Buy), m.book.best(Side::Sell));
            if bbo != m.last_bbo {
                m.last_bbo = bbo;
                self.pending.push(ExchangeEvent::Bbo(BboEvent {
                    market: m.symbol.clone(),
                    seq_no: m.book_seq,
                    timestamp_us: now,
                    bid: bbo.0,
                    ask: bbo.1,
                }));
            }
        }
        let now_ms = self.now_ms();
        for (account, market) in std::mem::take(&mut self.dirty_positions) {
            let synthetic = self.accounts.get(&account).is_none_or(|a| a.synthetic);
            if synthetic {
                continue;
            }
            let seq = self.next_seq();
            let symbol = self.markets[market].symbol.clone();
            let inputs = self.markets[market].margin_inputs();
            let Some(acct) = self.accounts.get(&account) else {
                continue;
            };
            let value = self.margin_of(acct).account_value;
            let Some(acct) = self.accounts.get_mut(&account) else {
                continue;
            };
            let Some(position) = acct.positions.get_mut(&symbol) else {
                continue;
            };
            position.seq_no = seq;
            position.last_updated_at = now_ms;
            let resp = position.to_resp(&account, inputs.mark, value, inputs.mmf);
            self.pending.push(ExchangeEvent::Position {
                account: account.clone(),
                position: resp,
            });
        }
        for account in std::mem::take(&mut self.dirty_accounts) {
            let seq = self.next_seq();
            let Some(acct) = self.accounts.get_mut(&account) else {
                continue;
            };
            if acct.synthetic {
                continue;
            }
            acct.seq_no = seq;
            acct.updated_at = now_ms;
            let Some(acct) = self.accounts.get(&account) else {
                continue;
            };
            let summary = acct.to_resp(self.margin_of(acct));
            self.pending.push(ExchangeEvent::Account {
                account: account.clone(),
                summary,
            });
        }
    }

    /// The public trade list entry and event for one match.
    pub(crate) fn record_trade(
        &mut self,
        market: usize,
        side: Side,
        price: i64,
        size: i64,
    ) -> TradeEvent {
        let id = self.next_id();
        let m = &mut self.markets[market];
        let trade = TradeEvent {
            id,
            market: m.symbol.clone(),
            seq_no: m.book_seq + 1,
            timestamp_us: self.now,
            side,
            price,
            size,
        };
        if m.trades.len() == MAX_PUBLIC_HISTORY {
            m.trades.pop_front();
        }
        m.trades.push_back(trade.clone());
        m.last_price = price;
        m.volume = m.volume.saturating_add(num::mul(price, size));
        self.pending.push(ExchangeEvent::Trade(trade.clone()));
        trade
    }
}
