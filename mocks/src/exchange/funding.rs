//! Funding: each update moves the market's funding index and settles the difference into every
//! open position's collateral at once (Paradex accrues continuously; the mock settles per update).

use super::events::{ExchangeEvent, FundingDataEvent};
use super::model::{BalanceEventResp, FundingPaymentResp};
use super::num;
use super::state::State;

impl State {
    pub(crate) fn settle_funding(
        &mut self,
        market: usize,
        rate: i64,
        premium: i64,
    ) -> FundingDataEvent {
        let now_ms = self.now_ms();
        let m = &mut self.markets[market];
        m.funding_rate = rate;
        m.funding_premium = premium;
        m.funding_index += num::mul(rate, m.mark_price);
        let index = m.funding_index;
        let hours = i64::from(m.spec.funding_period_hours.max(1));
        let event = FundingDataEvent {
            market: m.symbol.clone(),
            timestamp_us: self.now,
            funding_index: index,
            funding_premium: premium,
            funding_rate: rate,
            funding_rate_8h: rate * 8 / hours,
            funding_period_hours: m.spec.funding_period_hours,
        };
        if m.funding_history.len() == super::state::MAX_PUBLIC_HISTORY {
            m.funding_history.pop_front();
        }
        m.funding_history.push_back(event.clone());
        let symbol = m.symbol.clone();
        self.pending.push(ExchangeEvent::FundingData(event.clone()));

        let holders: Vec<_> = self
            .accounts
            .iter()
            .filter(|(_, a)| !a.synthetic && a.positions.get(&symbol).is_some_and(|p| p.size != 0))
            .map(|(k, _)| k.clone())
            .collect();
        for account in holders {
            let id = self.next_id();
            let acct = self.accounts.get_mut(&account).expect("holder exists");
            let position = acct
                .positions
                .get_mut(&symbol)
                .expect("holder has a position");
            // Longs pay a positive index move, shorts receive it.
            let payment = -num::mul(position.size, index - position.cached_funding_index);
            position.cached_funding_index = index;
            position.realized_funding += payment;
            let before = acct.collateral;
            acct.collateral += payment;
            let after = acct.collateral;
            self.funding_payments
                .entry(account.clone())
                .or_default()
                .push(FundingPaymentResp {
                    id,
                    account: account.to_string(),
                    market: symbol.to_string(),
                    payment: num::format(payment),
                    index: num::format(index),
                    fill_id: String::new(),
                    created_at: now_ms,
                });
            self.pending.push(ExchangeEvent::BalanceEvent {
                account: account.clone(),
                event: BalanceEventResp {
                    settlement_asset_balance_before: num::format(before),
                    settlement_asset_balance_after: num::format(after),
                    funding_index: num::format(index),
                    realized_funding: num::format(payment),
                    ..BalanceEventResp::usdc("FUNDING", String::new(), symbol.to_string(), now_ms)
                },
            });
            self.touch_position(&account, market);
        }
        event
    }
}
