//! Accounts: USDC collateral, positions (signed size, average entry, realised PnL, funding) and
//! margin, computed from the markets' margin parameters.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use super::model::{AccountResp, BalanceResp, PositionResp};
use super::num;

/// What a fill did to a position.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct FillEffect {
    /// PnL realised by the closing part of the fill.
    pub realized_pnl: i64,
}

/// One market position of one account.
#[derive(Debug, Clone)]
pub(crate) struct Position {
    pub id: String,
    pub market: Arc<str>,
    /// Signed base size, negative = short.
    pub size: i64,
    pub average_entry_price: i64,
    /// Average price of the closing fills since the position opened.
    pub average_exit_price: i64,
    closed_size: i64,
    pub realized_pnl: i64,
    pub realized_funding: i64,
    pub cached_funding_index: i64,
    pub last_fill_id: String,
    pub created_at: u64,
    pub last_updated_at: u64,
    pub closed_at: u64,
    pub seq_no: u64,
}

impl Position {
    pub(crate) fn new(id: String, market: Arc<str>, funding_index: i64, now_ms: u64) -> Self {
        Self {
            id,
            market,
            size: 0,
            average_entry_price: 0,
            average_exit_price: 0,
            closed_size: 0,
            realized_pnl: 0,
            realized_funding: 0,
            cached_funding_index: funding_index,
            last_fill_id: String::new(),
            created_at: now_ms,
            last_updated_at: now_ms,
            closed_at: 0,
            seq_no: 0,
        }
    }

    /// Applies a fill of signed size `delta` at `price`.
    pub(crate) fn apply_fill(&mut self, delta: i64, price: i64) -> FillEffect {
        let mut effect = FillEffect::default();
        if self.size == 0 || self.size.signum() == delta.signum() {
            if self.size == 0 {
                self.realized_pnl = 0;
                self.realized_funding = 0;
                self.closed_size = 0;
                self.average_exit_price = 0;
                self.closed_at = 0;
            }
            let old = i128::from(self.size.abs());
            let add = i128::from(delta.abs());
            let weighted = old * i128::from(self.average_entry_price) + add * i128::from(price);
            self.average_entry_price = num::saturate(weighted / (old + add));
            self.size += delta;
            return effect;
        }
        let closing = delta.abs().min(self.size.abs());
        let direction = self.size.signum();
        effect.realized_pnl = direction * num::mul(closing, price - self.average_entry_price);
        self.realized_pnl += effect.realized_pnl;
        let closed_before = i128::from(self.closed_size);
        self.average_exit_price = num::saturate(
            (closed_before * i128::from(self.average_exit_price)
                + i128::from(closing) * i128::from(price))
                / (closed_before + i128::from(closing)),
        );
        self.closed_size += closing;
        self.size += delta;
        if self.size != 0 && self.size.signum() != direction {
            // Flipped: the remainder opens a fresh position at the fill price.
            self.average_entry_price = price;
        }
        effect
    }

    pub(crate) fn unrealized_pnl(&self, mark: i64) -> i64 {
        num::mul(self.size, mark - self.average_entry_price)
    }

    pub(crate) fn to_resp(
        &self,
        account: &str,
        mark: i64,
        account_value: i64,
        mmf: i64,
    ) -> PositionResp {
        let side = match self.size.signum() {
            1 => "LONG",
            -1 => "SHORT",
            _ => "",
        };
        let cost = num::mul(self.size, self.average_entry_price);
        let notional = num::mul(self.size.abs(), mark);
        let leverage = if account_value > 0 {
            num::div(notional, account_value)
        } else {
            0
        };
        PositionResp {
            id: self.id.clone(),
            account: account.to_owned(),
            market: self.market.to_string(),
            status: if self.size == 0 { "CLOSED" } else { "OPEN" }.to_owned(),
            side: side.to_owned(),
            size: num::format(self.size),
            average_entry_price: num::format(self.average_entry_price),
            average_entry_price_usd: num::format(self.average_entry_price),
            average_exit_price: num::format(self.average_exit_price),
            unrealized_pnl: num::format(self.unrealized_pnl(mark)),
            unrealized_funding_pnl: "0".to_owned(),
            realized_positional_pnl: num::format(self.realized_pnl),
            realized_positional_funding_pnl: num::format(self.realized_funding),
            cost: num::format(cost),
            cost_usd: num::format(cost),
            cached_funding_index: num::format(self.cached_funding_index),
            last_fill_id: self.last_fill_id.clone(),
            last_updated_at: self.last_updated_at,
            created_at: self.created_at,
            closed_at: self.closed_at,
            seq_no: self.seq_no,
            liquidation_price: num::format(self.liquidation_price(account_value, mark, mmf)),
            leverage: num::format(leverage),
        }
    }

    /// The mark at which this position alone would eat the account's maintenance cushion.
    fn liquidation_price(&self, account_value: i64, mark: i64, mmf: i64) -> i64 {
        if self.size == 0 {
            return 0;
        }
        // account_value(m) = account_value + size·(m − mark); liquidation when it equals
        // |size|·m·mmf. Solve for m; clamp at 0 for an over-collateralised long.
        let size = i128::from(self.size);
        let one = i128::from(num::ONE);
        let numerator = (i128::from(account_value) * one - size * i128::from(mark)) * one;
        let denominator = i128::from(self.size.abs()) * i128::from(mmf) - size * one;
        if denominator == 0 {
            return 0;
        }
        num::saturate(numerator / denominator).max(0)
    }
}

/// Margin parameters and mark of one market, as the account math needs them.
#[derive(Debug, Clone, Copy)]
pub(crate) struct MarginInputs {
    pub mark: i64,
    /// Initial margin fraction.
    pub imf: i64,
    /// Maintenance margin fraction (`imf × mmf_factor`).
    pub mmf: i64,
}

/// One account.
#[derive(Debug)]
pub(crate) struct AccountState {
    pub address: Arc<str>,
    pub public_key: Option<String>,
    /// USDC collateral: deposits + realised PnL − fees + funding.
    pub collateral: i64,
    pub positions: BTreeMap<Arc<str>, Position>,
    /// Open (resting or untriggered) order count per market.
    pub open_orders: HashMap<Arc<str>, u32>,
    /// Client id → order id, for the account's live orders.
    pub live_client_ids: HashMap<String, String>,
    /// Initial margin locked by resting orders, per market.
    pub order_margin: HashMap<Arc<str>, i64>,
    /// Market-making and aggressor accounts of the generator: no private events, no margin.
    pub synthetic: bool,
    pub seq_no: u64,
    pub updated_at: u64,
}

/// The account's margin figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct MarginSummary {
    pub account_value: i64,
    pub initial_margin: i64,
    pub maintenance_margin: i64,
}

impl MarginSummary {
    pub(crate) fn free_collateral(&self) -> i64 {
        self.account_value - self.initial_margin
    }
}

impl AccountState {
    pub(crate) fn new(
        address: Arc<str>,
        public_key: Option<String>,
        collateral: i64,
        synthetic: bool,
    ) -> Self {
        Self {
            address,
            public_key,
            collateral,
            positions: BTreeMap::new(),
            open_orders: HashMap::new(),
            live_client_ids: HashMap::new(),
            order_margin: HashMap::new(),
            synthetic,
            seq_no: 0,
            updated_at: 0,
        }
    }

    pub(crate) fn margin(&self, inputs: impl Fn(&str) -> MarginInputs) -> MarginSummary {
        let mut summary = MarginSummary {
            account_value: self.collateral,
            initial_margin: self.order_margin.values().sum(),
            maintenance_margin: 0,
        };
        for (market, position) in &self.positions {
            let m = inputs(market);
            let notional = num::mul(position.size.abs(), m.mark);
            summary.account_value += position.unrealized_pnl(m.mark);
            summary.initial_margin += num::mul(notional, m.imf);
            summary.maintenance_margin += num::mul(notional, m.mmf);
        }
        summary
    }

    pub(crate) fn to_resp(&self, margin: MarginSummary) -> AccountResp {
        AccountResp {
            account: self.address.to_string(),
            account_value: num::format(margin.account_value),
            free_collateral: num::format(margin.free_collateral()),
            initial_margin_requirement: num::format(margin.initial_margin),
            maintenance_margin_requirement: num::format(margin.maintenance_margin),
            margin_cushion: num::format(margin.account_value - margin.maintenance_margin),
            seq_no: self.seq_no,
            settlement_asset: "USDC".to_owned(),
            status: "ACTIVE".to_owned(),
            total_collateral: num::format(self.collateral),
            updated_at: self.updated_at,
            last_seen_notification: self.updated_at,
        }
    }

    pub(crate) fn balance_resp(&self) -> BalanceResp {
        BalanceResp {
            token: "USDC".to_owned(),
            size: num::format(self.collateral),
            last_updated_at: self.updated_at,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exchange::num::parse;

    fn p(s: &str) -> i64 {
        parse(s).unwrap()
    }

    #[test]
    fn position_arithmetic_open_add_reduce_flip() {
        let mut pos = Position::new("1".into(), "BTC-USD-PERP".into(), 0, 0);
        pos.apply_fill(p("1"), p("100"));
        pos.apply_fill(p("1"), p("110"));
        assert_eq!(pos.average_entry_price, p("105"));
        assert_eq!(pos.unrealized_pnl(p("120")), p("30"));
        let effect = pos.apply_fill(p("-0.5"), p("125"));
        assert_eq!(effect.realized_pnl, p("10"));
        assert_eq!(pos.size, p("1.5"));
        assert_eq!(pos.average_entry_price, p("105"));
        let effect = pos.apply_fill(p("-2.5"), p("95"));
        assert_eq!(effect.realized_pnl, p("-15"));
        assert_eq!(pos.size, p("-1"));
        assert_eq!(pos.average_entry_price, p("95"));
        assert_eq!(pos.realized_pnl, p("-5"));
        assert_eq!(pos.unrealized_pnl(p("90")), p("5"));
    }
}
