//! Order entry and price-time matching: validation, margin, post-only, reduce-only,
//! self-trade prevention, fills with fees, cancels and modifies.

use std::sync::Arc;

use super::book::OrderKey;
use super::config::MarketSpec;
use super::error::{ExchangeError, ExchangeResult};
use super::events::ExchangeEvent;
use super::model::{BalanceEventResp, FillResp, OrderResp};
use super::num;
use super::state::{Order, State, SystemStatus};
use super::types::{
    CancelReason, Instruction, ModifyOrder, NewOrder, OrderStatus, OrderType, Side,
};

/// Largest client id Paradex accepts.
const MAX_CLIENT_ID_LEN: usize = 64;

impl State {
    /// Validates and accepts a client order; returns it as accepted (status NEW), then runs it.
    pub(crate) fn place(
        &mut self,
        account: &Arc<str>,
        order: NewOrder,
    ) -> ExchangeResult<OrderResp> {
        let mut accepted = None;
        self.accept(account, order, &mut accepted)?;
        accepted.ok_or_else(|| ExchangeError::invalid_parameter("order was not accepted"))
    }

    /// Accepts and runs an order of a synthetic account: no id, no snapshot, no validation.
    pub(crate) fn place_synthetic(
        &mut self,
        account: &Arc<str>,
        order: NewOrder,
    ) -> ExchangeResult<OrderKey> {
        self.accept(account, order, &mut None)
    }

    /// The common path: `snapshot` receives the NEW state for client orders.
    fn accept(
        &mut self,
        account: &Arc<str>,
        order: NewOrder,
        snapshot: &mut Option<OrderResp>,
    ) -> ExchangeResult<OrderKey> {
        match self.status {
            SystemStatus::CancelOnly | SystemStatus::Maintenance => {
                return Err(ExchangeError::CancelOnly);
            }
            SystemStatus::PostOnly if order.instruction != Instruction::PostOnly => {
                return Err(ExchangeError::PostOnly);
            }
            _ => {}
        }
        let market = self.market(&order.market)?;
        let synthetic = self.accounts.get(account).is_some_and(|a| a.synthetic);
        if !synthetic {
            self.validate(account, market, &order)?;
        }
        let key = self.next_key();
        // Synthetic orders are never looked up by id; skipping it saves an allocation per quote.
        let id = if synthetic {
            String::new()
        } else {
            self.next_id()
        };
        let now = self.now_ms();
        let price = if order.order_type.is_market() {
            0
        } else {
            order.price
        };
        let record = Order {
            id: id.clone(),
            account: account.clone(),
            market,
            side: order.side,
            order_type: order.order_type,
            size: order.size,
            remaining: order.size,
            price,
            trigger_price: order.trigger_price,
            instruction: order.instruction,
            stp: order.stp,
            flags: order.flags,
            client_id: order.client_id,
            status: OrderStatus::New,
            cancel_reason: None,
            filled_notional: 0,
            created_at: now,
            last_updated_at: now,
            timestamp: order.signature_timestamp,
            seq_no: 0,
            resting: false,
            margin: 0,
        };
        self.orders.insert(key, record);
        if !synthetic {
            self.order_ids.insert(id, key);
            self.order_history
                .entry(account.clone())
                .or_default()
                .push(key);
        }
        self.mark_order_changed(key);
        if !synthetic {
            *snapshot = Some(self.order_resp(key));
        }
        if let Some(o) = self.orders.get(&key)
            && !o.client_id.is_empty()
        {
            let (client_id, id) = (o.client_id.clone(), o.id.clone());
            if let Some(acct) = self.accounts.get_mut(account) {
                acct.live_client_ids.insert(client_id, id);
            }
        }
        if self.orders[&key].order_type.is_conditional() {
            self.park_untriggered(key);
        } else {
            self.execute(key);
        }
        Ok(key)
    }

    pub(crate) fn order_resp(&self, key: OrderKey) -> OrderResp {
        let order = &self.orders[&key];
        order.to_resp(&self.markets[order.market].symbol)
    }

    fn validate(&self, account: &Arc<str>, market: usize, order: &NewOrder) -> ExchangeResult<()> {
        let spec = &self.markets[market].spec;
        let mark = self.markets[market].mark_price;
        if order.size <= 0 || !num::is_multiple(order.size, spec.order_size_increment) {
            return Err(ExchangeError::InvalidOrderSize(format!(
                "size {} must be a positive multiple of {}",
                num::format(order.size),
                num::format(spec.order_size_increment)
            )));
        }
        check_max_size(spec, order.size)?;
        if order.order_type.is_conditional() && order.trigger_price.is_none_or(|t| t <= 0) {
            return Err(ExchangeError::invalid_parameter(
                "trigger_price required for this order type",
            ));
        }
        if let Some(trigger) = order.trigger_price
            && !num::is_multiple(trigger, spec.price_tick_size)
        {
            return Err(ExchangeError::InvalidPricePrecision(format!(
                "trigger price {} not a multiple of {}",
                num::format(trigger),
                num::format(spec.price_tick_size)
            )));
        }
        let reference = if order.order_type.is_market() {
            mark
        } else {
            check_limit_price(spec, mark, order.price)?;
            order.price
        };
        if !order.reduce_only() && num::mul(order.size, reference) < spec.min_notional {
            return Err(ExchangeError::MinNotional(format!(
                "notional below {}",
                num::format(spec.min_notional)
            )));
        }
        if order.client_id.len() > MAX_CLIENT_ID_LEN {
            return Err(ExchangeError::invalid_parameter(
                "client_id longer than 64 characters",
            ));
        }
        let acct = &self.accounts[account];
        if !order.client_id.is_empty() && acct.live_client_ids.contains_key(&order.client_id) {
            return Err(ExchangeError::DuplicatedClientId(order.client_id.clone()));
        }
        let open = acct
            .open_orders
            .get(&self.markets[market].symbol)
            .copied()
            .unwrap_or(0);
        if open >= spec.max_open_orders {
            return Err(ExchangeError::MaxOpenOrders(format!(
                "{} open orders in {}",
                open, spec.symbol
            )));
        }
        Ok(())
    }

    fn park_untriggered(&mut self, key: OrderKey) {
        let Some(order) = self.orders.get_mut(&key) else {
            return;
        };
        order.status = OrderStatus::Untriggered;
        let market = order.market;
        let account = order.account.clone();
        self.markets[market].untriggered.push(key);
        let symbol = self.markets[market].symbol.clone();
        if let Some(acct) = self.accounts.get_mut(&account) {
            *acct.open_orders.entry(symbol).or_default() += 1;
        }
        self.mark_order_changed(key);
    }

    /// Runs a live order: margin and instruction checks, matching, then rest or close.
    pub(crate) fn execute(&mut self, key: OrderKey) {
        let order = self.orders[&key].clone();
        let account = order.account.clone();
        let market = order.market;
        let synthetic = self.accounts.get(&account).is_none_or(|a| a.synthetic);
        let symbol = self.markets[market].symbol.clone();
        let position = self.accounts[&account]
            .positions
            .get(&symbol)
            .map_or(0, |p| p.size);

        if order.reduce_only() {
            let reduces = position != 0 && position.signum() != order.side.sign();
            if !reduces {
                self.close(key, Some(CancelReason::ReduceOnlyWouldIncrease));
                return;
            }
            if order.remaining > position.abs()
                && let Some(o) = self.orders.get_mut(&key)
            {
                o.remaining = position.abs();
            }
        }
        if !synthetic
            && !order.reduce_only()
            && !self.has_margin_for(&account, market, &order, position)
        {
            self.close(key, Some(CancelReason::NotEnoughMargin));
            return;
        }
        let opposite = order.side.opposite();
        if order.instruction == Instruction::PostOnly {
            let crosses = self.markets[market]
                .book
                .best(opposite)
                .is_some_and(|best| self.crosses(&order, best.price));
            if crosses {
                self.close(key, Some(CancelReason::PostOnlyWouldCross));
                return;
            }
        }
        if let Some(reason) = self.match_order(key) {
            self.close(key, Some(reason));
            return;
        }
        let order = &self.orders[&key];
        if order.remaining == 0 {
            self.close(key, None);
        } else if order.order_type.is_market() || order.instruction == Instruction::Ioc {
            let reason = if order.remaining == order.size && order.order_type.is_market() {
                CancelReason::NoLiquidity
            } else {
                CancelReason::ImmediateOrCancel
            };
            self.close(key, Some(reason));
        } else {
            self.rest(key);
        }
    }

    fn crosses(&self, order: &Order, opposite_price: i64) -> bool {
        if order.order_type.is_market() {
            // Market orders sweep up to the market's slippage limit around the mark.
            let m = &self.markets[order.market];
            let limit = num::mul(m.mark_price, m.spec.max_slippage);
            return match order.side {
                Side::Buy => opposite_price <= m.mark_price + limit,
                Side::Sell => opposite_price >= m.mark_price - limit,
            };
        }
        match order.side {
            Side::Buy => opposite_price <= order.price,
            Side::Sell => opposite_price >= order.price,
        }
    }

    /// Initial margin check: the part of the order that grows exposure must fit in free collateral.
    fn has_margin_for(
        &self,
        account: &Arc<str>,
        market: usize,
        order: &Order,
        position: i64,
    ) -> bool {
        let m = &self.markets[market];
        let reducing = if position.signum() == -order.side.sign() {
            position.abs()
        } else {
            0
        };
        let growth = (order.remaining - reducing).max(0);
        let price = if order.order_type.is_market() {
            m.mark_price
        } else {
            order.price
        };
        let needed = num::mul(num::mul(growth, price), m.spec.imf_base);
        let acct = &self.accounts[account];
        self.margin_of(acct).free_collateral() >= needed
    }

    /// Matches against the opposite side; returns a cancel reason when STP stops the taker.
    fn match_order(&mut self, key: OrderKey) -> Option<CancelReason> {
        let market = self.orders[&key].market;
        let side = self.orders[&key].side;
        loop {
            let taker = &self.orders[&key];
            if taker.remaining == 0 {
                return None;
            }
            let (price, maker_key) = self.markets[market].book.best_order(side.opposite())?;
            if !self.crosses(taker, price) {
                return None;
            }
            let maker = &self.orders[&maker_key];
            if maker.account == taker.account {
                match taker.stp {
                    super::types::Stp::ExpireTaker => return Some(CancelReason::SelfTrade),
                    super::types::Stp::ExpireMaker => {
                        self.close(maker_key, Some(CancelReason::SelfTrade));
                        continue;
                    }
                    super::types::Stp::ExpireBoth => {
                        self.close(maker_key, Some(CancelReason::SelfTrade));
                        return Some(CancelReason::SelfTrade);
                    }
                }
            }
            let size = taker.remaining.min(maker.remaining);
            self.fill(key, maker_key, price, size);
        }
    }

    fn fill(&mut self, taker_key: OrderKey, maker_key: OrderKey, price: i64, size: i64) {
        let market = self.orders[&taker_key].market;
        let taker_side = self.orders[&taker_key].side;
        let trade = self.record_trade(market, taker_side, price, size);
        for (key, is_taker) in [(maker_key, false), (taker_key, true)] {
            let order = self.orders.get_mut(&key).expect("matched order exists");
            order.remaining -= size;
            order.filled_notional += i128::from(price) * i128::from(size) / i128::from(num::ONE);
            let (side, resting, remaining) = (order.side, order.resting, order.remaining);
            if resting {
                if remaining == 0 {
                    order.resting = false;
                    self.markets[market].book.remove(side, price, key, size);
                } else {
                    self.markets[market].book.reduce(side, price, size);
                }
                self.touch_market(market);
                self.update_order_margin(key);
            }
            self.settle_fill(key, is_taker, price, size, trade.seq_no);
            if !is_taker {
                if remaining == 0 {
                    self.close(key, None);
                } else {
                    self.mark_order_changed(key);
                }
            }
        }
    }

    /// Position, fee, collateral and the fill record of one side of a match.
    fn settle_fill(&mut self, key: OrderKey, is_taker: bool, price: i64, size: i64, book_seq: u64) {
        let order = self.orders[&key].clone();
        let market = order.market;
        let spec = &self.markets[market].spec;
        let rate = if is_taker {
            spec.taker_fee_rate
        } else {
            spec.maker_fee_rate
        };
        let fee = num::mul(num::mul(price, size), rate);
        let funding_index = self.markets[market].funding_index;
        let index_price = self.markets[market].index_price;
        let fill_id = self.next_id();
        let now_ms = self.now_ms();
        let position = self.position_mut(&order.account, market);
        let long_before = position.size.max(0);
        let effect = position.apply_fill(order.side.sign() * size, price);
        position.last_fill_id = fill_id.clone();
        let long_after = position.size.max(0);
        if position.size == 0 {
            position.closed_at = now_ms;
        }
        self.markets[market].open_interest += long_after - long_before;
        let acct = self
            .accounts
            .get_mut(&order.account)
            .expect("account of an order");
        let before = acct.collateral;
        acct.collateral += effect.realized_pnl - fee;
        let after = acct.collateral;
        if acct.synthetic {
            return;
        }
        let symbol = self.markets[market].symbol.to_string();
        let now = self.now_ms();
        let fill = FillResp {
            id: fill_id.clone(),
            side: order.side.as_str().to_owned(),
            liquidity: if is_taker { "TAKER" } else { "MAKER" }.to_owned(),
            market: symbol.clone(),
            order_id: order.id.clone(),
            price: num::format(price),
            size: num::format(size),
            fee: num::format(fee),
            fee_currency: "USDC".to_owned(),
            created_at: now,
            remaining_size: num::format(order.remaining),
            client_id: order.client_id.clone(),
            fill_type: "FILL".to_owned(),
            realized_pnl: num::format(effect.realized_pnl),
            realized_funding: "0".to_owned(),
            account: order.account.to_string(),
            underlying_price: num::format(index_price),
            flags: Vec::new(),
            orderbook_seq_no: book_seq,
        };
        self.fills
            .entry(order.account.clone())
            .or_default()
            .push(fill.clone());
        self.pending.push(ExchangeEvent::Fill {
            account: order.account.clone(),
            fill,
        });
        self.pending.push(ExchangeEvent::BalanceEvent {
            account: order.account.clone(),
            event: BalanceEventResp {
                settlement_asset_balance_before: num::format(before),
                settlement_asset_balance_after: num::format(after),
                funding_index: num::format(funding_index),
                realized_pnl: num::format(effect.realized_pnl),
                fees: num::format(fee),
                ..BalanceEventResp::usdc("TRANSACTION_FILL", fill_id, symbol, now)
            },
        });
        self.touch_position(&order.account, market);
    }

    fn rest(&mut self, key: OrderKey) {
        let order = self.orders.get_mut(&key).expect("order to rest exists");
        order.status = OrderStatus::Open;
        order.resting = true;
        let (side, price, remaining, market, account) = (
            order.side,
            order.price,
            order.remaining,
            order.market,
            order.account.clone(),
        );
        self.markets[market]
            .book
            .insert(side, price, key, remaining);
        self.touch_market(market);
        let symbol = self.markets[market].symbol.clone();
        if let Some(acct) = self.accounts.get_mut(&account) {
            *acct.open_orders.entry(symbol).or_default() += 1;
        }
        self.update_order_margin(key);
        self.mark_order_changed(key);
    }

    /// Re-derives the margin a resting order locks from its remaining size.
    fn update_order_margin(&mut self, key: OrderKey) {
        let order = self.orders.get_mut(&key).expect("order exists");
        let imf = self.markets[order.market].spec.imf_base;
        let new_margin = if order.resting && !order.reduce_only() {
            num::mul(num::mul(order.remaining, order.price), imf)
        } else {
            0
        };
        let delta = new_margin - order.margin;
        order.margin = new_margin;
        let symbol = self.markets[order.market].symbol.clone();
        let account = order.account.clone();
        if delta != 0 {
            if let Some(acct) = self.accounts.get_mut(&account) {
                *acct.order_margin.entry(symbol).or_default() += delta;
            }
            self.touch_account(&account);
        }
    }

    /// Closes an order (filled when `reason` is `None`), removing it from the book.
    pub(crate) fn close(&mut self, key: OrderKey, reason: Option<CancelReason>) {
        let Some(order) = self.orders.get_mut(&key) else {
            return;
        };
        if order.status == OrderStatus::Closed {
            return;
        }
        let was_open = matches!(order.status, OrderStatus::Open | OrderStatus::Untriggered);
        let was_untriggered = order.status == OrderStatus::Untriggered;
        order.status = OrderStatus::Closed;
        order.cancel_reason = reason;
        let (side, price, remaining, market, account) = (
            order.side,
            order.price,
            order.remaining,
            order.market,
            order.account.clone(),
        );
        let client_id = order.client_id.clone();
        if order.resting {
            order.resting = false;
            self.markets[market]
                .book
                .remove(side, price, key, remaining);
            self.touch_market(market);
        }
        self.update_order_margin(key);
        if was_untriggered {
            self.markets[market].untriggered.retain(|k| *k != key);
        }
        let symbol = self.markets[market].symbol.clone();
        if was_open {
            self.release_open_slot(&account, &symbol);
        }
        if !client_id.is_empty()
            && let Some(acct) = self.accounts.get_mut(&account)
        {
            acct.live_client_ids.remove(&client_id);
        }
        self.mark_order_changed(key);
        if self.accounts.get(&account).is_some_and(|a| a.synthetic) {
            self.forget.push(key);
        }
    }

    /// Cancels one of `account`'s orders by id.
    pub(crate) fn cancel(&mut self, account: &Arc<str>, id: &str) -> ExchangeResult<OrderResp> {
        let key = self.owned_order(account, id)?;
        if self.orders[&key].status == OrderStatus::Closed {
            return Err(ExchangeError::OrderIsClosed(id.to_owned()));
        }
        self.close(key, Some(CancelReason::UserCanceled));
        Ok(self.order_resp(key))
    }

    pub(crate) fn owned_order(&self, account: &Arc<str>, id: &str) -> ExchangeResult<OrderKey> {
        self.order_ids
            .get(id)
            .copied()
            .filter(|k| self.orders[k].account == *account)
            .ok_or_else(|| ExchangeError::OrderNotFound(id.to_owned()))
    }

    /// The live order of `account` with this client id.
    pub(crate) fn live_by_client_id(
        &self,
        account: &Arc<str>,
        client_id: &str,
    ) -> ExchangeResult<OrderKey> {
        self.accounts[account]
            .live_client_ids
            .get(client_id)
            .and_then(|id| self.order_ids.get(id).copied())
            .ok_or_else(|| ExchangeError::ClientOrderIdNotFound(client_id.to_owned()))
    }

    /// Changes price and size of an open order. A size cut keeps queue priority; anything
    /// else re-queues it and may match.
    pub(crate) fn modify(
        &mut self,
        account: &Arc<str>,
        request: &ModifyOrder,
    ) -> ExchangeResult<OrderResp> {
        if matches!(
            self.status,
            SystemStatus::CancelOnly | SystemStatus::Maintenance
        ) {
            return Err(ExchangeError::CancelOnly);
        }
        let key = self.owned_order(account, &request.id)?;
        let order = self.orders[&key].clone();
        let symbol = self.markets[order.market].symbol.clone();
        if order.status == OrderStatus::Closed {
            return Err(ExchangeError::OrderIsClosed(request.id.clone()));
        }
        if request.market != *symbol
            || request.side != order.side
            || request.order_type != order.order_type
        {
            return Err(ExchangeError::invalid_parameter(
                "market, side and type must match the order",
            ));
        }
        let spec = &self.markets[order.market].spec;
        let filled = order.size - order.remaining;
        if request.size <= filled || !num::is_multiple(request.size, spec.order_size_increment) {
            return Err(ExchangeError::InvalidOrderSize(format!(
                "new size must exceed the filled {} and be a multiple of {}",
                num::format(filled),
                num::format(spec.order_size_increment)
            )));
        }
        check_max_size(spec, request.size)?;
        let new_price = if order.order_type.is_market() {
            0
        } else {
            check_limit_price(spec, self.markets[order.market].mark_price, request.price)?;
            request.price
        };
        let new_remaining = request.size - filled;
        let keeps_priority = new_price == order.price && new_remaining <= order.remaining;
        let o = self.orders.get_mut(&key).expect("order exists");
        o.timestamp = request.signature_timestamp;
        if request.trigger_price.is_some() {
            o.trigger_price = request.trigger_price;
        }
        if order.status == OrderStatus::Untriggered || (keeps_priority && order.resting) {
            let cut = order.remaining - new_remaining;
            o.size = request.size;
            o.remaining = new_remaining;
            if order.resting && cut > 0 {
                self.markets[order.market]
                    .book
                    .reduce(order.side, order.price, cut);
                self.touch_market(order.market);
            }
            self.update_order_margin(key);
            self.mark_order_changed(key);
            return Ok(self.order_resp(key));
        }
        if order.resting {
            o.resting = false;
            self.markets[order.market]
                .book
                .remove(order.side, order.price, key, order.remaining);
            self.touch_market(order.market);
        }
        let o = self.orders.get_mut(&key).expect("order exists");
        o.size = request.size;
        o.remaining = new_remaining;
        o.price = new_price;
        o.status = OrderStatus::New;
        self.update_order_margin(key);
        self.release_open_slot(account, &symbol);
        self.execute(key);
        Ok(self.order_resp(key))
    }

    /// Fires conditional orders whose trigger the mark has crossed.
    pub(crate) fn trigger_stops(&mut self, market: usize) {
        let mark = self.markets[market].mark_price;
        let waiting = self.markets[market].untriggered.clone();
        for key in waiting {
            let order = &self.orders[&key];
            let Some(trigger) = order.trigger_price else {
                continue;
            };
            let above = if order
                .flags
                .iter()
                .any(|f| f == "STOP_CONDITION_ABOVE_TRIGGER")
            {
                true
            } else if order
                .flags
                .iter()
                .any(|f| f == "STOP_CONDITION_BELOW_TRIGGER")
            {
                false
            } else {
                // A buy stop fires on a rise, a buy take-profit on a fall; sells mirror.
                (order.side == Side::Buy) != order.order_type.is_take_profit()
            };
            let fired = if above {
                mark >= trigger
            } else {
                mark <= trigger
            };
            if !fired {
                continue;
            }
            self.markets[market].untriggered.retain(|k| *k != key);
            let account = order.account.clone();
            let symbol = self.markets[market].symbol.clone();
            self.release_open_slot(&account, &symbol);
            if let Some(o) = self.orders.get_mut(&key) {
                o.status = OrderStatus::New;
            }
            self.execute(key);
        }
    }

    /// Frees one of `account`'s open-order slots in a market.
    fn release_open_slot(&mut self, account: &Arc<str>, symbol: &str) {
        if let Some(count) = self
            .accounts
            .get_mut(account)
            .and_then(|a| a.open_orders.get_mut(symbol))
        {
            *count = count.saturating_sub(1);
        }
    }

    /// A plain limit (or, with price 0, market IOC) order for the synthetic accounts.
    pub(crate) fn limit_order(market: &str, side: Side, price: i64, size: i64) -> NewOrder {
        NewOrder {
            market: market.to_owned(),
            side,
            order_type: if price == 0 {
                OrderType::Market
            } else {
                OrderType::Limit
            },
            size,
            price,
            trigger_price: None,
            instruction: if price == 0 {
                Instruction::Ioc
            } else {
                Instruction::Gtc
            },
            stp: super::types::Stp::ExpireMaker,
            flags: Vec::new(),
            client_id: String::new(),
            signature_timestamp: 0,
        }
    }
}

/// A limit price must sit on the tick grid and within the band around the mark.
fn check_limit_price(spec: &MarketSpec, mark: i64, price: i64) -> ExchangeResult<()> {
    if price <= 0 || !num::is_multiple(price, spec.price_tick_size) {
        return Err(ExchangeError::InvalidPricePrecision(format!(
            "price {} must be a positive multiple of {}",
            num::format(price),
            num::format(spec.price_tick_size)
        )));
    }
    if spec.price_bands_width > 0 && mark > 0 {
        let band = num::mul(mark, spec.price_bands_width);
        if (price - mark).abs() > band {
            return Err(ExchangeError::PriceBand(format!(
                "price {} outside {} ± {}",
                num::format(price),
                num::format(mark),
                num::format(band)
            )));
        }
    }
    Ok(())
}

/// One order may not exceed the market's `max_order_size`.
fn check_max_size(spec: &MarketSpec, size: i64) -> ExchangeResult<()> {
    if size > spec.max_order_size {
        return Err(ExchangeError::InvalidOrderSize(format!(
            "size {} above max {}",
            num::format(size),
            num::format(spec.max_order_size)
        )));
    }
    Ok(())
}
