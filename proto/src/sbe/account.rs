//! Private account templates 20–23 (orders, fills, positions, account summary). Paradex may
//! send these as JSON even on an SBE session; both must be accepted by clients.

use super::fields::{
    AppendedStr, Byte, Bytes32, I64, MmpGatedFlags, OptI64, Since, Str, ZeroNoneI64, ZeroNoneU64,
    sbe_template,
};
use super::types::{
    AccountStatus, FillFlags, FillType, LiquiditySide, OrderFlags, OrderStatus, OrderType,
    PositionStatus, RequestStatus, RequestType, Side, StpMode, TimeInForce, template,
};

/// A Paradex account address: 32 bytes, big-endian.
pub type AccountAddress = [u8; 32];

sbe_template! {
    /// `OrderEvent` (template 20): an order state change.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct OrderEvent<'a> {
        template_id: template::ORDER,
        since_version: 0,
        // 126 bytes is also seen at version 1:2 (fields appended in place).
        block_length: 126 => 128 since 2,
        decode;
        root {
            /// Publish time (µs).
            ts_us @ 0: i64 = I64,
            /// Unique increasing (not contiguous) sequence.
            seq @ 8: i64 = I64,
            /// Status.
            status @ 16: OrderStatus = Byte<OrderStatus>,
            /// Side.
            side @ 17: Side = Byte<Side>,
            /// Order type.
            order_type @ 18: OrderType = Byte<OrderType>,
            /// Time in force.
            time_in_force @ 19: TimeInForce = Byte<TimeInForce>,
            /// Limit price; `None` for market orders.
            price @ 20: Option<i64> = OptI64,
            /// Trigger price; `None` when not conditional.
            trigger_price @ 28: Option<i64> = OptI64,
            /// Original size.
            size @ 36: i64 = I64,
            /// Remaining open size.
            size_open @ 44: i64 = I64,
            /// Average fill price; `None` when unfilled.
            avg_fill_price @ 52: Option<i64> = OptI64,
            /// Creation time (µs).
            created_at_us @ 60: i64 = I64,
            /// Last update time (µs).
            updated_at_us @ 68: i64 = I64,
            /// Account address.
            account @ 76: AccountAddress = Bytes32,
            /// When the API received the order (µs).
            received_at_us @ 108: i64 = I64,
            /// When the update was published (µs).
            published_at_us @ 116: i64 = I64,
            /// Self-trade prevention mode.
            stp @ 124: StpMode = Byte<StpMode>,
            /// Flags ([`OrderFlags::MMP`] is dropped below version 2).
            flags @ 125: OrderFlags = MmpGatedFlags,
            /// In-flight request status (version 2; `Unspecified` when absent).
            request_status @ 126: RequestStatus = Since<2, Byte<RequestStatus>>,
            /// In-flight request type (version 2; `Unspecified` when absent).
            request_type @ 127: RequestType = Since<2, Byte<RequestType>>,
        }
        var {
            /// Order id.
            order_id: &'a str = Str,
            /// Client order id.
            client_order_id: &'a str = Str,
            /// Market symbol.
            market: &'a str = Str,
            /// Cancel reason; empty when not cancelled.
            cancel_reason: &'a str = Str,
            /// Request id (version 2; `None` when absent or empty).
            request_id: Option<&'a str> = AppendedStr<2>,
            /// Request error message (version 2; `None` when absent or empty).
            request_message: Option<&'a str> = AppendedStr<2>,
        }
    }
}

sbe_template! {
    /// `FillEvent` (template 21): one fill of the account's order.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct FillEvent<'a> {
        template_id: template::FILL,
        since_version: 0,
        block_length: 107 => 116 since 2,
        decode;
        root {
            /// Publish time (µs).
            ts_us @ 0: i64 = I64,
            /// Order-book sequence; `None` for position transfers.
            seq @ 8: Option<i64> = OptI64,
            /// Fill type.
            fill_type @ 16: FillType = Byte<FillType>,
            /// Side.
            side @ 17: Side = Byte<Side>,
            /// Maker or taker.
            liquidity @ 18: LiquiditySide = Byte<LiquiditySide>,
            /// Fill price.
            price @ 19: i64 = I64,
            /// Filled size.
            size @ 27: i64 = I64,
            /// Fee (positive paid, negative rebate; Value8).
            fee @ 35: i64 = I64,
            /// Realised PnL; `None` when no position closed.
            realized_pnl @ 43: Option<i64> = OptI64,
            /// Creation time (µs).
            created_at_us @ 51: i64 = I64,
            /// Account address.
            account @ 59: AccountAddress = Bytes32,
            /// Underlying price at fill time.
            underlying_price @ 91: i64 = I64,
            /// Realised funding (Value8).
            realized_funding @ 99: i64 = I64,
            /// Flags (version 2; empty when absent).
            flags @ 107: FillFlags = Since<2, Byte<FillFlags>>,
            /// Order-book sequence after the fill (version 2; `None` when absent or 0).
            orderbook_seq_no @ 108: Option<u64> = Since<2, ZeroNoneU64>,
        }
        var {
            /// Fill id.
            fill_id: &'a str = Str,
            /// Order id.
            order_id: &'a str = Str,
            /// Client order id.
            client_order_id: &'a str = Str,
            /// Trade id.
            trade_id: &'a str = Str,
            /// Market symbol.
            market: &'a str = Str,
            /// Fee asset (version 2; `None` when absent or empty).
            fee_currency: Option<&'a str> = AppendedStr<2>,
        }
    }
}

sbe_template! {
    /// `PositionEvent` (template 22): one market's position.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct PositionEvent<'a> {
        template_id: template::POSITION,
        since_version: 0,
        block_length: 154,
        decode;
        root {
            /// Publish time (µs).
            ts_us @ 0: i64 = I64,
            /// Unique increasing sequence.
            seq @ 8: i64 = I64,
            /// Buy = long, sell = short.
            side @ 16: Side = Byte<Side>,
            /// Absolute size.
            size @ 17: i64 = I64,
            /// Average entry price.
            avg_entry_price @ 25: i64 = I64,
            /// Unrealised PnL.
            unrealized_pnl @ 33: i64 = I64,
            /// Realised PnL.
            realized_pnl @ 41: i64 = I64,
            /// Mark price (always `None` in practice).
            mark_price @ 49: Option<i64> = OptI64,
            /// Estimated liquidation price.
            liquidation_price @ 57: Option<i64> = OptI64,
            /// Effective leverage (Rate8).
            leverage @ 65: i64 = I64,
            /// Last update time (µs).
            updated_at_us @ 73: i64 = I64,
            /// Account address.
            account @ 81: AccountAddress = Bytes32,
            /// Average entry price in USD.
            avg_entry_price_usd @ 113: i64 = I64,
            /// Signed position cost.
            cost @ 121: i64 = I64,
            /// Signed position cost in USD.
            cost_usd @ 129: i64 = I64,
            /// Cached funding index.
            cached_funding_index @ 137: i64 = I64,
            /// Unrealised funding PnL.
            unrealized_funding_pnl @ 145: i64 = I64,
            /// Status.
            status @ 153: PositionStatus = Byte<PositionStatus>,
        }
        var {
            /// Market symbol.
            market: &'a str = Str,
            /// Last fill id.
            last_fill_id: &'a str = Str,
        }
    }
}

sbe_template! {
    /// `AccountEvent` (template 23): balance and margin summary.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct AccountEvent<'a> {
        template_id: template::ACCOUNT,
        since_version: 0,
        // 113 bytes is also seen at version 1:2 (fields appended in place).
        block_length: 113 => 121 since 2,
        decode;
        root {
            /// Publish time (µs).
            ts_us @ 0: i64 = I64,
            /// Unique increasing sequence.
            seq @ 8: i64 = I64,
            /// Total collateral (USD).
            total_collateral @ 16: i64 = I64,
            /// Free collateral.
            free_collateral @ 24: i64 = I64,
            /// Initial margin requirement.
            initial_margin_req @ 32: i64 = I64,
            /// Maintenance margin requirement.
            maintenance_margin_req @ 40: i64 = I64,
            /// Account value incl. unrealised PnL.
            account_value @ 48: i64 = I64,
            /// Unrealised PnL (always `None` in practice).
            unrealized_pnl @ 56: Option<i64> = OptI64,
            /// Last update time (µs).
            updated_at_us @ 64: i64 = I64,
            /// Account address.
            account @ 72: AccountAddress = Bytes32,
            /// Account value above maintenance margin.
            margin_cushion @ 104: i64 = I64,
            /// Status.
            status @ 112: AccountStatus = Byte<AccountStatus>,
            /// Last acknowledged notification (µs; version 2; `None` when absent or 0).
            last_seen_notification_us @ 113: Option<i64> = Since<2, ZeroNoneI64>,
        }
        var {
            /// Settlement asset, e.g. `USDC`.
            settlement_asset: &'a str = Str,
        }
    }
}
