//! [`Exchange`]: the shared handle. One mutex guards the whole state (steps are microseconds
//! long); events are broadcast while it is held so their order is the order of changes.

use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::broadcast;

use super::config::ExchangeConfig;
use super::error::{ExchangeError, ExchangeResult};
use super::events::{
    BookSnapshot, ExchangeEvent, FundingDataEvent, Level, MarketSummaryEvent, TradeEvent,
};
use super::model::{
    AccountResp, BalanceResp, CancelResultResp, FillResp, FundingPaymentResp, MarginParamsResp,
    MarketResp, OrderResp, PositionResp,
};
use super::num;
use super::state::{State, SystemStatus, normalize_address, now_us};
use super::types::{CancelReason, ModifyOrder, NewOrder, OrderStatus, Side};

/// Filters for `orders-history`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrderFilter {
    /// Market symbol.
    pub market: Option<String>,
    /// `BUY` / `SELL`.
    pub side: Option<String>,
    /// `NEW` / `OPEN` / `CLOSED` / `UNTRIGGERED`.
    pub status: Option<String>,
    /// Order type.
    pub order_type: Option<String>,
    /// Client id.
    pub client_id: Option<String>,
}

/// The mock exchange: books, accounts and the event stream. Share it as `Arc<Exchange>`.
#[derive(Debug)]
pub struct Exchange {
    config: ExchangeConfig,
    state: Mutex<State>,
    events: broadcast::Sender<Arc<ExchangeEvent>>,
}

impl Exchange {
    /// Builds the exchange with its markets and pre-seeded accounts.
    #[must_use]
    pub fn new(config: ExchangeConfig) -> Self {
        let (events, _) = broadcast::channel(config.event_capacity.max(16));
        let state = Mutex::new(State::new(&config));
        Self {
            config,
            state,
            events,
        }
    }

    /// The configuration it was built from.
    #[must_use]
    pub fn config(&self) -> &ExchangeConfig {
        &self.config
    }

    /// Subscribes to every event from now on. A receiver that falls more than the channel
    /// capacity behind gets `RecvError::Lagged`; a WS session must then disconnect.
    #[must_use]
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<ExchangeEvent>> {
        self.events.subscribe()
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic inside a step leaves the state as it was mid-step; keep serving the mock.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Runs one engine step and publishes its events before releasing the lock.
    fn step<T>(&self, body: impl FnOnce(&mut State) -> T) -> T {
        let mut state = self.lock();
        state.begin();
        let out = body(&mut state);
        state.finish();
        for event in state.pending.drain(..) {
            // No receiver is fine: nobody is listening yet.
            let _ = self.events.send(Arc::new(event));
        }
        out
    }

    // ---- accounts -------------------------------------------------------------------------

    /// Registers (or re-registers) an account with its public key; credits the onboarding
    /// balance the first time. Returns the normalised address.
    pub fn onboard(&self, address: &str, public_key: &str) -> String {
        self.step(|s| {
            let balance = s.onboarding_balance;
            s.add_account(address, Some(public_key.to_owned()), balance)
                .to_string()
        })
    }

    /// The public key registered for an account.
    #[must_use]
    pub fn public_key_of(&self, address: &str) -> Option<String> {
        let state = self.lock();
        state
            .accounts
            .get(normalize_address(address).as_str())
            .filter(|a| !a.synthetic)
            .and_then(|a| a.public_key.clone())
    }

    /// The account registered with this public key, if any.
    #[must_use]
    pub fn address_of_public_key(&self, public_key: &str) -> Option<String> {
        let key = normalize_address(public_key);
        let state = self.lock();
        state
            .accounts
            .values()
            .find(|a| a.public_key.as_deref() == Some(key.as_str()))
            .map(|a| a.address.to_string())
    }

    /// Whether the account exists (seeded or onboarded).
    #[must_use]
    pub fn has_account(&self, address: &str) -> bool {
        self.lock().account_key(address).is_ok()
    }

    /// `GET /account`.
    ///
    /// # Errors
    /// `ACCOUNT_NOT_FOUND`.
    pub fn account_summary(&self, address: &str) -> ExchangeResult<AccountResp> {
        let state = self.lock();
        let key = state.account_key(address)?;
        let acct = &state.accounts[&key];
        Ok(acct.to_resp(state.margin_of(acct)))
    }

    /// `GET /balance` rows.
    ///
    /// # Errors
    /// `ACCOUNT_NOT_FOUND`.
    pub fn balances(&self, address: &str) -> ExchangeResult<Vec<BalanceResp>> {
        let state = self.lock();
        let key = state.account_key(address)?;
        Ok(vec![state.accounts[&key].balance_resp()])
    }

    /// `GET /positions` rows (open and closed).
    ///
    /// # Errors
    /// `ACCOUNT_NOT_FOUND`.
    pub fn positions(&self, address: &str) -> ExchangeResult<Vec<PositionResp>> {
        let state = self.lock();
        let key = state.account_key(address)?;
        let acct = &state.accounts[&key];
        let value = state.margin_of(acct).account_value;
        Ok(acct
            .positions
            .values()
            .map(|p| {
                let inputs = state.markets[state.market_index[&*p.market]].margin_inputs();
                p.to_resp(&key, inputs.mark, value, inputs.mmf)
            })
            .collect())
    }

    /// Fills of an account, oldest first.
    ///
    /// # Errors
    /// `ACCOUNT_NOT_FOUND`.
    pub fn fills(&self, address: &str, market: Option<&str>) -> ExchangeResult<Vec<FillResp>> {
        let state = self.lock();
        let key = state.account_key(address)?;
        Ok(state
            .fills
            .get(&key)
            .map(|f| {
                f.iter()
                    .filter(|f| market.is_none_or(|m| f.market == m))
                    .cloned()
                    .collect()
            })
            .unwrap_or_default())
    }

    /// Funding payments of an account in one market, oldest first.
    ///
    /// # Errors
    /// `ACCOUNT_NOT_FOUND`.
    pub fn funding_payments(
        &self,
        address: &str,
        market: Option<&str>,
    ) -> ExchangeResult<Vec<FundingPaymentResp>> {
        let state = self.lock();
        let key = state.account_key(address)?;
        Ok(state
            .funding_payments
            .get(&key)
            .map(|f| {
                f.iter()
                    .filter(|f| market.is_none_or(|m| f.market == m))
                    .cloned()
                    .collect()
            })
            .unwrap_or_default())
    }

    // ---- orders ---------------------------------------------------------------------------

    /// Accepts an order (its signature already checked) and runs it. Returns the order as
    /// accepted (`NEW`); the resulting OPEN / CLOSED state follows on the event stream and GET.
    ///
    /// # Errors
    /// Validation errors with Paradex codes; `ACCOUNT_NOT_FOUND`.
    pub fn place_order(&self, address: &str, order: NewOrder) -> ExchangeResult<OrderResp> {
        self.step(|s| {
            let key = s.account_key(address)?;
            s.place(&key, order)
        })
    }

    /// Accepts several orders in one step; each gets its own result, in order.
    ///
    /// # Errors
    /// `ACCOUNT_NOT_FOUND` for the whole batch.
    pub fn place_orders(
        &self,
        address: &str,
        orders: Vec<NewOrder>,
    ) -> ExchangeResult<Vec<ExchangeResult<OrderResp>>> {
        self.step(|s| {
            let key = s.account_key(address)?;
            Ok(orders.into_iter().map(|o| s.place(&key, o)).collect())
        })
    }

    /// Modifies an open order.
    ///
    /// # Errors
    /// `ORDER_ID_NOT_FOUND`, `ORDER_IS_CLOSED`, validation errors.
    pub fn modify_order(&self, address: &str, request: &ModifyOrder) -> ExchangeResult<OrderResp> {
        self.step(|s| {
            let key = s.account_key(address)?;
            s.modify(&key, request)
        })
    }

    /// Cancels an order by id.
    ///
    /// # Errors
    /// `ORDER_ID_NOT_FOUND`, `ORDER_IS_CLOSED`.
    pub fn cancel_order(&self, address: &str, id: &str) -> ExchangeResult<OrderResp> {
        self.step(|s| {
            let key = s.account_key(address)?;
            s.cancel(&key, id)
        })
    }

    /// Cancels the live order with this client id (optionally checking its market).
    ///
    /// # Errors
    /// `CLIENT_ORDER_ID_NOT_FOUND`.
    pub fn cancel_by_client_id(
        &self,
        address: &str,
        client_id: &str,
        market: Option<&str>,
    ) -> ExchangeResult<OrderResp> {
        self.step(|s| {
            let key = s.account_key(address)?;
            let order = s.live_by_client_id(&key, client_id)?;
            if market.is_some_and(|m| *s.markets[s.orders[&order].market].symbol != *m) {
                return Err(ExchangeError::ClientOrderIdNotFound(client_id.to_owned()));
            }
            let id = s.orders[&order].id.clone();
            s.cancel(&key, &id)
        })
    }

    /// Cancels every open or untriggered order (of one market, or all).
    ///
    /// # Errors
    /// `ACCOUNT_NOT_FOUND`, `MARKET_NOT_FOUND`.
    pub fn cancel_all(
        &self,
        address: &str,
        market: Option<&str>,
    ) -> ExchangeResult<Vec<OrderResp>> {
        self.step(|s| {
            let key = s.account_key(address)?;
            let market = market.map(|m| s.market(m)).transpose()?;
            let live: Vec<_> = s
                .order_history
                .get(&key)
                .into_iter()
                .flatten()
                .copied()
                .filter(|k| {
                    let o = &s.orders[k];
                    o.status != OrderStatus::Closed && market.is_none_or(|m| o.market == m)
                })
                .collect();
            Ok(live
                .into_iter()
                .map(|k| {
                    s.close(k, Some(CancelReason::UserCanceled));
                    s.order_resp(k)
                })
                .collect())
        })
    }

    /// `DELETE /orders/batch`: one result per id and per client id, in that order.
    ///
    /// # Errors
    /// `ACCOUNT_NOT_FOUND`.
    pub fn cancel_batch(
        &self,
        address: &str,
        ids: &[String],
        client_ids: &[String],
    ) -> ExchangeResult<Vec<CancelResultResp>> {
        self.step(|s| {
            let key = s.account_key(address)?;
            let mut results = Vec::with_capacity(ids.len() + client_ids.len());
            let found = |s: &mut State, order: u64| {
                let o = &s.orders[&order];
                let mut row = CancelResultResp {
                    id: Some(o.id.clone()),
                    client_id: (!o.client_id.is_empty()).then(|| o.client_id.clone()),
                    account: Some(o.account.to_string()),
                    market: Some(s.markets[o.market].symbol.to_string()),
                    status: "QUEUED_FOR_CANCELLATION".to_owned(),
                };
                if o.status == OrderStatus::Closed {
                    "ALREADY_CLOSED".clone_into(&mut row.status);
                } else {
                    s.close(order, Some(CancelReason::UserCanceled));
                }
                row
            };
            for id in ids {
                match s.owned_order(&key, id) {
                    Ok(order) => results.push(found(s, order)),
                    Err(_) => results.push(not_found(Some(id.clone()), None)),
                }
            }
            for client_id in client_ids {
                let latest = s.order_history.get(&key).and_then(|keys| {
                    keys.iter()
                        .rev()
                        .copied()
                        .find(|k| s.orders[k].client_id == *client_id)
                });
                match latest {
                    Some(order) => results.push(found(s, order)),
                    None => results.push(not_found(None, Some(client_id.clone()))),
                }
            }
            Ok(results)
        })
    }

    /// One order by id (any status).
    ///
    /// # Errors
    /// `ORDER_ID_NOT_FOUND`.
    pub fn order(&self, address: &str, id: &str) -> ExchangeResult<OrderResp> {
        let state = self.lock();
        let key = state.account_key(address)?;
        let order = state.owned_order(&key, id)?;
        Ok(state.order_resp(order))
    }

    /// The live order with this client id, else the latest one that used it.
    ///
    /// # Errors
    /// `CLIENT_ORDER_ID_NOT_FOUND`.
    pub fn order_by_client_id(&self, address: &str, client_id: &str) -> ExchangeResult<OrderResp> {
        let state = self.lock();
        let key = state.account_key(address)?;
        let order = state.live_by_client_id(&key, client_id).ok().or_else(|| {
            state.order_history.get(&key).and_then(|keys| {
                keys.iter()
                    .rev()
                    .copied()
                    .find(|k| state.orders[k].client_id == client_id)
            })
        });
        order
            .map(|k| state.order_resp(k))
            .ok_or_else(|| ExchangeError::ClientOrderIdNotFound(client_id.to_owned()))
    }

    /// Open, new and untriggered orders, oldest first.
    ///
    /// # Errors
    /// `ACCOUNT_NOT_FOUND`.
    pub fn open_orders(
        &self,
        address: &str,
        market: Option<&str>,
    ) -> ExchangeResult<Vec<OrderResp>> {
        let filter = OrderFilter {
            market: market.map(str::to_owned),
            ..OrderFilter::default()
        };
        let mut all = self.orders_history(address, &filter)?;
        all.retain(|o| o.status != "CLOSED");
        all.reverse();
        Ok(all)
    }

    /// Every order of the account matching the filter, newest first.
    ///
    /// # Errors
    /// `ACCOUNT_NOT_FOUND`.
    pub fn orders_history(
        &self,
        address: &str,
        filter: &OrderFilter,
    ) -> ExchangeResult<Vec<OrderResp>> {
        let state = self.lock();
        let key = state.account_key(address)?;
        let keys = state.order_history.get(&key).cloned().unwrap_or_default();
        Ok(keys
            .into_iter()
            .rev()
            .map(|k| state.order_resp(k))
            .filter(|o| {
                filter.market.as_ref().is_none_or(|m| o.market == *m)
                    && filter.side.as_ref().is_none_or(|v| o.side == *v)
                    && filter.status.as_ref().is_none_or(|v| o.status == *v)
                    && filter
                        .order_type
                        .as_ref()
                        .is_none_or(|v| o.order_type == *v)
                    && filter.client_id.as_ref().is_none_or(|v| o.client_id == *v)
            })
            .collect())
    }

    // ---- market data ----------------------------------------------------------------------

    /// `GET /markets` rows.
    #[must_use]
    pub fn markets(&self) -> Vec<MarketResp> {
        self.config.markets.iter().map(market_resp).collect()
    }

    /// Market symbols in configuration order.
    #[must_use]
    pub fn market_symbols(&self) -> Vec<String> {
        self.config
            .markets
            .iter()
            .map(|m| m.symbol.clone())
            .collect()
    }

    /// The book's top `depth` levels per side, at a `seq_no` consistent with the deltas.
    ///
    /// # Errors
    /// `MARKET_NOT_FOUND`.
    pub fn book_snapshot(&self, market: &str, depth: usize) -> ExchangeResult<BookSnapshot> {
        let state = self.lock();
        let m = &state.markets[state.market(market)?];
        Ok(BookSnapshot {
            market: m.symbol.clone(),
            seq_no: m.book_seq,
            timestamp_us: m.book_updated_us,
            bids: m.book.levels(Side::Buy, depth),
            asks: m.book.levels(Side::Sell, depth),
        })
    }

    /// Current market summary numbers.
    ///
    /// # Errors
    /// `MARKET_NOT_FOUND`.
    pub fn market_summary(&self, market: &str) -> ExchangeResult<MarketSummaryEvent> {
        let state = self.lock();
        let m = &state.markets[state.market(market)?];
        Ok(m.summary_event(now_us()))
    }

    /// The latest public trades of a market (up to 10 000), oldest first.
    ///
    /// # Errors
    /// `MARKET_NOT_FOUND`.
    pub fn trades(&self, market: &str) -> ExchangeResult<Vec<TradeEvent>> {
        let state = self.lock();
        Ok(state.markets[state.market(market)?]
            .trades
            .iter()
            .cloned()
            .collect())
    }

    /// The latest funding updates of a market (up to 10 000), oldest first.
    ///
    /// # Errors
    /// `MARKET_NOT_FOUND`.
    pub fn funding_history(&self, market: &str) -> ExchangeResult<Vec<FundingDataEvent>> {
        let state = self.lock();
        Ok(state.markets[state.market(market)?]
            .funding_history
            .iter()
            .cloned()
            .collect())
    }

    /// Order records held in memory (client orders of every status, plus live synthetic
    /// ones): a diagnostic that stays flat however long the generator runs.
    #[must_use]
    pub fn retained_orders(&self) -> usize {
        self.lock().orders.len()
    }

    /// The venue status.
    #[must_use]
    pub fn system_status(&self) -> SystemStatus {
        self.lock().status
    }

    /// Sets the venue status (cancel-only, post-only, maintenance).
    pub fn set_system_status(&self, status: SystemStatus) {
        self.lock().status = status;
    }

    // ---- liquidity hooks for the market-data generator --------------------------------------

    /// Replaces the synthetic market maker's quotes in a market with these levels (one order
    /// per level). Quotes that cross client orders trade with them.
    ///
    /// # Errors
    /// `MARKET_NOT_FOUND`.
    pub fn set_maker_quotes(
        &self,
        market: &str,
        bids: &[Level],
        asks: &[Level],
    ) -> ExchangeResult<()> {
        self.step(|s| {
            let index = s.market(market)?;
            let maker = s.maker_account.clone();
            for key in std::mem::take(&mut s.markets[index].maker_orders) {
                s.close(key, Some(CancelReason::Replaced));
            }
            let sides = bids
                .iter()
                .map(|l| (Side::Buy, l))
                .chain(asks.iter().map(|l| (Side::Sell, l)));
            for (side, level) in sides {
                if level.size <= 0 || level.price <= 0 {
                    continue;
                }
                let order = State::limit_order(market, side, level.price, level.size);
                let key = s.place_synthetic(&maker, order)?;
                if s.orders.get(&key).is_some_and(|o| o.resting) {
                    s.markets[index].maker_orders.push(key);
                }
            }
            Ok(())
        })
    }

    /// Sends a synthetic market order (IOC) that trades with whatever rests.
    ///
    /// # Errors
    /// `MARKET_NOT_FOUND`.
    pub fn submit_aggressor(&self, market: &str, side: Side, size: i64) -> ExchangeResult<()> {
        self.step(|s| {
            let taker = s.taker_account.clone();
            s.place_synthetic(&taker, State::limit_order(market, side, 0, size))
                .map(|_| ())
        })
    }

    /// Sets mark (and optionally index) price, fires stop orders it crosses, and publishes a
    /// market summary.
    ///
    /// # Errors
    /// `MARKET_NOT_FOUND`.
    pub fn set_mark_price(
        &self,
        market: &str,
        mark: i64,
        index: Option<i64>,
    ) -> ExchangeResult<()> {
        self.step(|s| {
            let i = s.market(market)?;
            s.markets[i].mark_price = mark;
            s.markets[i].index_price = index.unwrap_or(mark);
            s.trigger_stops(i);
            let summary = s.markets[i].summary_event(s.now);
            s.pending.push(ExchangeEvent::MarketSummary(summary));
            Ok(())
        })
    }

    /// Publishes a funding update: moves the funding index by `rate × mark`, settles funding
    /// into every open position's collateral, and records payments.
    ///
    /// # Errors
    /// `MARKET_NOT_FOUND`.
    pub fn apply_funding(
        &self,
        market: &str,
        rate: i64,
        premium: i64,
    ) -> ExchangeResult<FundingDataEvent> {
        self.step(|s| {
            let i = s.market(market)?;
            Ok(s.settle_funding(i, rate, premium))
        })
    }
}

fn not_found(id: Option<String>, client_id: Option<String>) -> CancelResultResp {
    CancelResultResp {
        id,
        client_id,
        account: None,
        market: None,
        status: "NOT_FOUND".to_owned(),
    }
}

fn market_resp(spec: &super::config::MarketSpec) -> MarketResp {
    MarketResp {
        symbol: spec.symbol.clone(),
        base_currency: spec.base_currency.clone(),
        quote_currency: spec.quote_currency.clone(),
        settlement_currency: spec.settlement_currency.clone(),
        order_size_increment: num::format(spec.order_size_increment),
        price_tick_size: num::format(spec.price_tick_size),
        min_notional: num::format(spec.min_notional),
        open_at: spec.open_at,
        expiry_at: 0,
        asset_kind: "PERP".to_owned(),
        market_kind: "cross".to_owned(),
        position_limit: num::format(spec.position_limit),
        price_bands_width: num::format(spec.price_bands_width),
        max_slippage: num::format(spec.max_slippage),
        max_open_orders: spec.max_open_orders,
        max_funding_rate: num::format(spec.max_funding_rate),
        max_funding_rate_change: num::format(spec.max_funding_rate_change),
        max_tob_spread: num::format(spec.max_tob_spread),
        max_order_size: num::format(spec.max_order_size),
        interest_rate: num::format(spec.interest_rate),
        clamp_rate: num::format(spec.clamp_rate),
        funding_period_hours: spec.funding_period_hours,
        funding_multiplier: 1,
        delta1_cross_margin_params: MarginParamsResp {
            imf_base: num::format(spec.imf_base),
            imf_shift: num::format(spec.imf_shift),
            imf_factor: num::format(spec.imf_factor),
            mmf_factor: num::format(spec.mmf_factor),
        },
        price_feed_id: format!("mock-{}", spec.base_currency),
        oracle_ewma_factor: "0.2".to_owned(),
        tags: Vec::new(),
        trading_mode: "STANDARD".to_owned(),
    }
}
