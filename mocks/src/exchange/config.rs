//! What the exchange trades and who trades on it: markets, chain id, pre-seeded accounts.

use super::num::ONE;

/// Testnet's Starknet chain id, the default for the mock.
pub const TESTNET_CHAIN_ID: &str = "PRIVATE_SN_POTC_SEPOLIA";

/// One perpetual market, with the fields Paradex's `/markets` reports. Decimals are i64
/// mantissas at exponent -8; rates are fractions (0.0005 = 50_000).
#[derive(Debug, Clone, PartialEq)]
pub struct MarketSpec {
    /// `BTC-USD-PERP`.
    pub symbol: String,
    /// `BTC`.
    pub base_currency: String,
    /// `USD`.
    pub quote_currency: String,
    /// `USDC`.
    pub settlement_currency: String,
    /// Price step.
    pub price_tick_size: i64,
    /// Size step.
    pub order_size_increment: i64,
    /// Smallest `price × size` accepted.
    pub min_notional: i64,
    /// Largest size of one order.
    pub max_order_size: i64,
    /// Largest absolute position.
    pub position_limit: i64,
    /// Open orders per account in this market.
    pub max_open_orders: u32,
    /// Limit prices must lie within `mark × (1 ± width)`; 0 disables the check.
    pub price_bands_width: i64,
    /// The mark, index and last price at start.
    pub initial_price: i64,
    /// Fee rate charged to the resting side (negative = rebate).
    pub maker_fee_rate: i64,
    /// Fee rate charged to the aggressor.
    pub taker_fee_rate: i64,
    /// Initial margin fraction (Paradex `imf_base`).
    pub imf_base: i64,
    /// Paradex `imf_factor` (reported; the mock's margin uses `imf_base`).
    pub imf_factor: i64,
    /// Paradex `imf_shift` (reported).
    pub imf_shift: i64,
    /// Maintenance margin as a fraction of initial margin (Paradex `mmf_factor`).
    pub mmf_factor: i64,
    /// Hours per funding period.
    pub funding_period_hours: u32,
    /// Largest funding rate per period.
    pub max_funding_rate: i64,
    /// Paradex `max_funding_rate_change`.
    pub max_funding_rate_change: i64,
    /// Paradex `interest_rate`.
    pub interest_rate: i64,
    /// Paradex `clamp_rate`.
    pub clamp_rate: i64,
    /// Paradex `max_slippage`.
    pub max_slippage: i64,
    /// Paradex `max_tob_spread`.
    pub max_tob_spread: i64,
    /// Listing time, ms.
    pub open_at: u64,
}

impl MarketSpec {
    /// A perpetual with Paradex-like defaults around `initial_price`.
    #[must_use]
    pub fn perp(
        base: &str,
        initial_price: i64,
        price_tick_size: i64,
        order_size_increment: i64,
    ) -> Self {
        Self {
            symbol: format!("{base}-USD-PERP"),
            base_currency: base.to_owned(),
            quote_currency: "USD".to_owned(),
            settlement_currency: "USDC".to_owned(),
            price_tick_size,
            order_size_increment,
            min_notional: 10 * ONE,
            max_order_size: 1_000_000 * ONE,
            position_limit: 10_000_000 * ONE,
            max_open_orders: 100,
            price_bands_width: ONE / 20,
            initial_price,
            maker_fee_rate: 2_000,
            taker_fee_rate: 30_000,
            imf_base: ONE / 10,
            imf_factor: 0,
            imf_shift: 0,
            mmf_factor: ONE / 2,
            funding_period_hours: 8,
            max_funding_rate: ONE / 20,
            max_funding_rate_change: 50_000,
            interest_rate: ONE / 100,
            clamp_rate: ONE / 20,
            max_slippage: ONE / 20,
            max_tob_spread: ONE / 5,
            open_at: 1_698_756_879_745,
        }
    }
}

/// An account that exists from the start, as if already onboarded and funded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedAccount {
    /// Starknet account address, `0x…` hex.
    pub address: String,
    /// Stark public key, `0x…` hex.
    pub public_key: String,
    /// USDC collateral at start, mantissa at -8.
    pub usdc_balance: i64,
}

/// Everything the exchange core needs to start.
#[derive(Debug, Clone, PartialEq)]
pub struct ExchangeConfig {
    /// Markets, in `/markets` order.
    pub markets: Vec<MarketSpec>,
    /// Starknet chain id short string (signatures are over it).
    pub chain_id: String,
    /// Accounts known before any onboarding.
    pub accounts: Vec<SeedAccount>,
    /// USDC credited to an account at onboarding, mantissa at -8.
    pub onboarding_balance: i64,
    /// Capacity of the event broadcast channel; a receiver that lags further is told so.
    pub event_capacity: usize,
}

impl Default for ExchangeConfig {
    fn default() -> Self {
        Self {
            markets: vec![
                MarketSpec::perp("BTC", 65_000 * ONE, ONE / 10, ONE / 100_000),
                MarketSpec::perp("ETH", 3_000 * ONE, ONE / 100, ONE / 10_000),
            ],
            chain_id: TESTNET_CHAIN_ID.to_owned(),
            accounts: Vec::new(),
            onboarding_balance: 100_000 * ONE,
            event_capacity: 1 << 16,
        }
    }
}
