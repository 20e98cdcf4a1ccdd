//! The random-walk generator: moves each market's price and drives the exchange core through
//! its liquidity hooks, so public data and client order matching stay consistent.
//!
//! Every tick (`1 / --md-rate` seconds, all markets per tick) each market's mid takes a
//! log-normal-ish step of about 2 bp, the synthetic maker re-quotes [`QUOTE_LEVELS`] levels a
//! side around it (one or two ticks of half-spread, random sizes), one tick in four sends a
//! small aggressive order that prints a trade, the mark/index follow the mid, and every 50th
//! tick publishes funding.

use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::exchange::{Exchange, Level, Side};

/// Levels a side the synthetic maker quotes.
pub const QUOTE_LEVELS: usize = 10;
/// Standard deviation of one tick's relative move (2 bp).
const STEP_SIGMA: f64 = 0.0002;
/// Ticks between funding publications.
const FUNDING_EVERY: u64 = 50;

#[derive(Debug)]
struct Walk {
    symbol: String,
    mid: f64,
    tick: i64,
    size_step: i64,
    min_notional: i64,
}

/// Random-walk state for every market.
#[derive(Debug)]
pub struct Generator {
    walks: Vec<Walk>,
    rng: StdRng,
    ticks: u64,
}

impl Generator {
    /// Starts each walk at the market's initial price.
    #[must_use]
    pub fn new(exchange: &Exchange, seed: u64) -> Self {
        let walks = exchange
            .config()
            .markets
            .iter()
            .map(|m| Walk {
                symbol: m.symbol.clone(),
                mid: m.initial_price as f64,
                tick: m.price_tick_size.max(1),
                size_step: m.order_size_increment.max(1),
                min_notional: m.min_notional,
            })
            .collect();
        Self {
            walks,
            rng: StdRng::seed_from_u64(seed),
            ticks: 0,
        }
    }

    /// One step for every market.
    pub fn tick(&mut self, exchange: &Exchange) {
        self.ticks += 1;
        for walk in &mut self.walks {
            // Sum of uniforms ≈ normal; cheap and bounded.
            let z: f64 = (0..4).map(|_| self.rng.random::<f64>() - 0.5).sum::<f64>() * 1.7;
            walk.mid = (walk.mid * (1.0 + STEP_SIGMA * z)).max((walk.tick * 10) as f64);
            let mid = (walk.mid as i64 / walk.tick) * walk.tick;
            let half_spread = walk.tick * self.rng.random_range(1..=2);
            // Each level's size is worth at least twice the minimum notional, so aggressors
            // that clear it always find liquidity.
            let min_size = round_up(
                2 * walk.min_notional / (mid / 100_000_000).max(1),
                walk.size_step,
            );
            let mut level = |i: i64, sign: i64| Level {
                price: mid + sign * (half_spread + i * walk.tick),
                size: min_size + walk.size_step * self.rng.random_range(0..1_000),
            };
            let bids: Vec<Level> = (0..QUOTE_LEVELS as i64).map(|i| level(i, -1)).collect();
            let asks: Vec<Level> = (0..QUOTE_LEVELS as i64).map(|i| level(i, 1)).collect();
            if let Err(e) = exchange.set_maker_quotes(&walk.symbol, &bids, &asks) {
                tracing::warn!(market = %walk.symbol, error = %e, "maker quotes refused");
            }
            if self.rng.random_ratio(1, 4) {
                let side = if self.rng.random_bool(0.5) {
                    Side::Buy
                } else {
                    Side::Sell
                };
                let size = min_size / 2 / walk.size_step * walk.size_step;
                if let Err(e) =
                    exchange.submit_aggressor(&walk.symbol, side, size.max(walk.size_step))
                {
                    tracing::warn!(market = %walk.symbol, error = %e, "aggressor refused");
                }
            }
            if let Err(e) = exchange.set_mark_price(&walk.symbol, mid, Some(mid)) {
                tracing::warn!(market = %walk.symbol, error = %e, "mark refused");
            }
            if self.ticks.is_multiple_of(FUNDING_EVERY) {
                // A small rate around 1 bp per period, sign following the last move.
                let rate = (z * 10_000.0) as i64;
                if let Err(e) = exchange.apply_funding(&walk.symbol, rate, rate / 2) {
                    tracing::warn!(market = %walk.symbol, error = %e, "funding refused");
                }
            }
        }
    }
}

fn round_up(value: i64, step: i64) -> i64 {
    ((value + step - 1) / step).max(1) * step
}

/// Runs the generator at `rate` ticks per second until the task is aborted.
pub async fn run(exchange: std::sync::Arc<Exchange>, rate: f64, seed: u64) {
    let mut generator = Generator::new(&exchange, seed);
    let period = Duration::try_from_secs_f64(1.0 / rate).unwrap_or(Duration::from_secs(1));
    let mut interval = tokio::time::interval(period.max(Duration::from_micros(10)));
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        interval.tick().await;
        generator.tick(&exchange);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exchange::ExchangeConfig;

    #[test]
    fn ticks_quote_both_sides_and_print_trades() {
        let exchange = Exchange::new(ExchangeConfig::default());
        let mut generator = Generator::new(&exchange, 1);
        for _ in 0..40 {
            generator.tick(&exchange);
        }
        for symbol in exchange.market_symbols() {
            let book = exchange.book_snapshot(&symbol, 50).unwrap();
            assert!(
                !book.bids.is_empty() && !book.asks.is_empty(),
                "{symbol} one-sided"
            );
            assert!(book.bids[0].price < book.asks[0].price, "{symbol} crossed");
            assert!(
                !exchange.trades(&symbol).unwrap().is_empty(),
                "{symbol} no trades"
            );
        }
    }
}
