//! Private account templates 20–23 (orders, fills, positions, account summary). Paradex may
//! send these as JSON even on an SBE session; both must be accepted by clients.

use super::error::{DecodeError, EncodeError};
use super::types::{
    AccountStatus, FillFlags, FillType, LiquiditySide, OrderFlags, OrderStatus, OrderType,
    PositionStatus, RequestStatus, RequestType, Side, StpMode, TimeInForce, template,
};
use super::wire::{Frame, Writer};

/// A Paradex account address: 32 bytes, big-endian.
pub type AccountAddress = [u8; 32];

/// `OrderEvent` (template 20): an order state change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrderEvent<'a> {
    /// Publish time (µs).
    pub ts_us: i64,
    /// Unique increasing (not contiguous) sequence.
    pub seq: i64,
    /// Status.
    pub status: OrderStatus,
    /// Side.
    pub side: Side,
    /// Order type.
    pub order_type: OrderType,
    /// Time in force.
    pub time_in_force: TimeInForce,
    /// Limit price; `None` for market orders.
    pub price: Option<i64>,
    /// Trigger price; `None` when not conditional.
    pub trigger_price: Option<i64>,
    /// Original size.
    pub size: i64,
    /// Remaining open size.
    pub size_open: i64,
    /// Average fill price; `None` when unfilled.
    pub avg_fill_price: Option<i64>,
    /// Creation time (µs).
    pub created_at_us: i64,
    /// Last update time (µs).
    pub updated_at_us: i64,
    /// Account address.
    pub account: AccountAddress,
    /// When the API received the order (µs).
    pub received_at_us: i64,
    /// When the update was published (µs).
    pub published_at_us: i64,
    /// Self-trade prevention mode.
    pub stp: StpMode,
    /// Flags ([`OrderFlags::MMP`] is dropped below version 2).
    pub flags: OrderFlags,
    /// In-flight request status (version 2; `Unspecified` when absent).
    pub request_status: RequestStatus,
    /// In-flight request type (version 2; `Unspecified` when absent).
    pub request_type: RequestType,
    /// Order id.
    pub order_id: &'a str,
    /// Client order id.
    pub client_order_id: &'a str,
    /// Market symbol.
    pub market: &'a str,
    /// Cancel reason; empty when not cancelled.
    pub cancel_reason: &'a str,
    /// Request id (version 2; `None` when absent or empty).
    pub request_id: Option<&'a str>,
    /// Request error message (version 2; `None` when absent or empty).
    pub request_message: Option<&'a str>,
}

impl<'a> OrderEvent<'a> {
    /// Template id.
    pub const TEMPLATE_ID: u16 = template::ORDER;
    /// Root block length before version 2 (the minimum accepted, also seen at 1:2).
    pub const MIN_BLOCK_LENGTH: u16 = 126;

    /// Root block length written at `version`.
    #[must_use]
    pub const fn block_length(version: u16) -> u16 {
        if version >= 2 { 128 } else { 126 }
    }

    /// Decodes a frame carrying this template.
    ///
    /// # Errors
    /// [`DecodeError`] for another template, a short block, a truncated frame or bad UTF-8.
    pub fn decode(frame: &Frame<'a>) -> Result<Self, DecodeError> {
        let mut body = frame.body_for(Self::TEMPLATE_ID, 0, Self::MIN_BLOCK_LENGTH)?;
        let (b, v) = (body.block, body.version);
        let tail_u8 = |offset| b.tail::<1>(v, 2, offset).map_or(0, |[x]| x);
        Ok(Self {
            ts_us: b.i64(0),
            seq: b.i64(8),
            status: OrderStatus::from_u8(b.u8(16)),
            side: Side::from_u8(b.u8(17)),
            order_type: OrderType::from_u8(b.u8(18)),
            time_in_force: TimeInForce::from_u8(b.u8(19)),
            price: b.opt_i64(20),
            trigger_price: b.opt_i64(28),
            size: b.i64(36),
            size_open: b.i64(44),
            avg_fill_price: b.opt_i64(52),
            created_at_us: b.i64(60),
            updated_at_us: b.i64(68),
            account: b.bytes32(76),
            received_at_us: b.i64(108),
            published_at_us: b.i64(116),
            stp: StpMode::from_u8(b.u8(124)),
            // Bit 5 is MMP only from version 2 (the encoder drops it below), so an older
            // frame's bit 5 must not read as MMP.
            flags: OrderFlags(if v >= 2 {
                b.u8(125)
            } else {
                b.u8(125) & !OrderFlags::MMP
            }),
            request_status: RequestStatus::from_u8(tail_u8(126)),
            request_type: RequestType::from_u8(tail_u8(127)),
            order_id: body.string()?,
            client_order_id: body.string()?,
            market: body.string()?,
            cancel_reason: body.string()?,
            request_id: body.appended_string(2)?,
            request_message: body.appended_string(2)?,
        })
    }

    /// Appends this event as one frame at schema `version`.
    ///
    /// # Errors
    /// [`EncodeError`] for an unsupported version or a string over 255 bytes.
    pub fn encode(&self, version: u16, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        let block = Self::block_length(version);
        let mut w = Writer::begin(out, Self::TEMPLATE_ID, 0, block, version)?;
        let flags = if w.has(2) {
            self.flags.0
        } else {
            self.flags.0 & !OrderFlags::MMP
        };
        w.i64(self.ts_us).i64(self.seq);
        w.u8(self.status.to_u8()).u8(self.side.to_u8());
        w.u8(self.order_type.to_u8()).u8(self.time_in_force.to_u8());
        w.opt_i64(self.price).opt_i64(self.trigger_price);
        w.i64(self.size)
            .i64(self.size_open)
            .opt_i64(self.avg_fill_price);
        w.i64(self.created_at_us).i64(self.updated_at_us);
        w.bytes(&self.account);
        w.i64(self.received_at_us).i64(self.published_at_us);
        w.u8(self.stp.to_u8()).u8(flags);
        if w.has(2) {
            w.u8(self.request_status.to_u8())
                .u8(self.request_type.to_u8());
        }
        w.string(self.order_id)?
            .string(self.client_order_id)?
            .string(self.market)?
            .string(self.cancel_reason)?
            .appended_string(2, self.request_id)?
            .appended_string(2, self.request_message)?;
        Ok(())
    }
}

/// `FillEvent` (template 21): one fill of the account's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FillEvent<'a> {
    /// Publish time (µs).
    pub ts_us: i64,
    /// Order-book sequence; `None` for position transfers.
    pub seq: Option<i64>,
    /// Fill type.
    pub fill_type: FillType,
    /// Side.
    pub side: Side,
    /// Maker or taker.
    pub liquidity: LiquiditySide,
    /// Fill price.
    pub price: i64,
    /// Filled size.
    pub size: i64,
    /// Fee (positive paid, negative rebate; Value8).
    pub fee: i64,
    /// Realised PnL; `None` when no position closed.
    pub realized_pnl: Option<i64>,
    /// Creation time (µs).
    pub created_at_us: i64,
    /// Account address.
    pub account: AccountAddress,
    /// Underlying price at fill time.
    pub underlying_price: i64,
    /// Realised funding (Value8).
    pub realized_funding: i64,
    /// Flags (version 2; empty when absent).
    pub flags: FillFlags,
    /// Order-book sequence after the fill (version 2; `None` when absent or 0).
    pub orderbook_seq_no: Option<u64>,
    /// Fill id.
    pub fill_id: &'a str,
    /// Order id.
    pub order_id: &'a str,
    /// Client order id.
    pub client_order_id: &'a str,
    /// Trade id.
    pub trade_id: &'a str,
    /// Market symbol.
    pub market: &'a str,
    /// Fee asset (version 2; `None` when absent or empty).
    pub fee_currency: Option<&'a str>,
}

impl<'a> FillEvent<'a> {
    /// Template id.
    pub const TEMPLATE_ID: u16 = template::FILL;
    /// Root block length before version 2 (the minimum accepted).
    pub const MIN_BLOCK_LENGTH: u16 = 107;

    /// Root block length written at `version`.
    #[must_use]
    pub const fn block_length(version: u16) -> u16 {
        if version >= 2 { 116 } else { 107 }
    }

    /// Decodes a frame carrying this template.
    ///
    /// # Errors
    /// [`DecodeError`] for another template, a short block, a truncated frame or bad UTF-8.
    pub fn decode(frame: &Frame<'a>) -> Result<Self, DecodeError> {
        let mut body = frame.body_for(Self::TEMPLATE_ID, 0, Self::MIN_BLOCK_LENGTH)?;
        let (b, v) = (body.block, body.version);
        Ok(Self {
            ts_us: b.i64(0),
            seq: b.opt_i64(8),
            fill_type: FillType::from_u8(b.u8(16)),
            side: Side::from_u8(b.u8(17)),
            liquidity: LiquiditySide::from_u8(b.u8(18)),
            price: b.i64(19),
            size: b.i64(27),
            fee: b.i64(35),
            realized_pnl: b.opt_i64(43),
            created_at_us: b.i64(51),
            account: b.bytes32(59),
            underlying_price: b.i64(91),
            realized_funding: b.i64(99),
            flags: FillFlags(b.tail::<1>(v, 2, 107).map_or(0, |[x]| x)),
            orderbook_seq_no: b
                .tail::<8>(v, 2, 108)
                .map(u64::from_le_bytes)
                .filter(|&n| n != 0),
            fill_id: body.string()?,
            order_id: body.string()?,
            client_order_id: body.string()?,
            trade_id: body.string()?,
            market: body.string()?,
            fee_currency: body.appended_string(2)?,
        })
    }

    /// Appends this event as one frame at schema `version`.
    ///
    /// # Errors
    /// [`EncodeError`] for an unsupported version or a string over 255 bytes.
    pub fn encode(&self, version: u16, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        let block = Self::block_length(version);
        let mut w = Writer::begin(out, Self::TEMPLATE_ID, 0, block, version)?;
        w.i64(self.ts_us).opt_i64(self.seq);
        w.u8(self.fill_type.to_u8()).u8(self.side.to_u8());
        w.u8(self.liquidity.to_u8());
        w.i64(self.price).i64(self.size).i64(self.fee);
        w.opt_i64(self.realized_pnl).i64(self.created_at_us);
        w.bytes(&self.account);
        w.i64(self.underlying_price).i64(self.realized_funding);
        if w.has(2) {
            w.u8(self.flags.0).u64(self.orderbook_seq_no.unwrap_or(0));
        }
        w.string(self.fill_id)?
            .string(self.order_id)?
            .string(self.client_order_id)?
            .string(self.trade_id)?
            .string(self.market)?
            .appended_string(2, self.fee_currency)?;
        Ok(())
    }
}

/// `PositionEvent` (template 22): one market's position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PositionEvent<'a> {
    /// Publish time (µs).
    pub ts_us: i64,
    /// Unique increasing sequence.
    pub seq: i64,
    /// Buy = long, sell = short.
    pub side: Side,
    /// Absolute size.
    pub size: i64,
    /// Average entry price.
    pub avg_entry_price: i64,
    /// Unrealised PnL.
    pub unrealized_pnl: i64,
    /// Realised PnL.
    pub realized_pnl: i64,
    /// Mark price (always `None` in practice).
    pub mark_price: Option<i64>,
    /// Estimated liquidation price.
    pub liquidation_price: Option<i64>,
    /// Effective leverage (Rate8).
    pub leverage: i64,
    /// Last update time (µs).
    pub updated_at_us: i64,
    /// Account address.
    pub account: AccountAddress,
    /// Average entry price in USD.
    pub avg_entry_price_usd: i64,
    /// Signed position cost.
    pub cost: i64,
    /// Signed position cost in USD.
    pub cost_usd: i64,
    /// Cached funding index.
    pub cached_funding_index: i64,
    /// Unrealised funding PnL.
    pub unrealized_funding_pnl: i64,
    /// Status.
    pub status: PositionStatus,
    /// Market symbol.
    pub market: &'a str,
    /// Last fill id.
    pub last_fill_id: &'a str,
}

impl<'a> PositionEvent<'a> {
    /// Template id.
    pub const TEMPLATE_ID: u16 = template::POSITION;
    /// Root block length (every version).
    pub const BLOCK_LENGTH: u16 = 154;

    /// Decodes a frame carrying this template.
    ///
    /// # Errors
    /// [`DecodeError`] for another template, a short block, a truncated frame or bad UTF-8.
    pub fn decode(frame: &Frame<'a>) -> Result<Self, DecodeError> {
        let mut body = frame.body_for(Self::TEMPLATE_ID, 0, Self::BLOCK_LENGTH)?;
        let b = body.block;
        Ok(Self {
            ts_us: b.i64(0),
            seq: b.i64(8),
            side: Side::from_u8(b.u8(16)),
            size: b.i64(17),
            avg_entry_price: b.i64(25),
            unrealized_pnl: b.i64(33),
            realized_pnl: b.i64(41),
            mark_price: b.opt_i64(49),
            liquidation_price: b.opt_i64(57),
            leverage: b.i64(65),
            updated_at_us: b.i64(73),
            account: b.bytes32(81),
            avg_entry_price_usd: b.i64(113),
            cost: b.i64(121),
            cost_usd: b.i64(129),
            cached_funding_index: b.i64(137),
            unrealized_funding_pnl: b.i64(145),
            status: PositionStatus::from_u8(b.u8(153)),
            market: body.string()?,
            last_fill_id: body.string()?,
        })
    }

    /// Appends this event as one frame at schema `version`.
    ///
    /// # Errors
    /// [`EncodeError`] for an unsupported version or a string over 255 bytes.
    pub fn encode(&self, version: u16, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        let mut w = Writer::begin(out, Self::TEMPLATE_ID, 0, Self::BLOCK_LENGTH, version)?;
        w.i64(self.ts_us).i64(self.seq).u8(self.side.to_u8());
        w.i64(self.size).i64(self.avg_entry_price);
        w.i64(self.unrealized_pnl).i64(self.realized_pnl);
        w.opt_i64(self.mark_price).opt_i64(self.liquidation_price);
        w.i64(self.leverage)
            .i64(self.updated_at_us)
            .bytes(&self.account);
        w.i64(self.avg_entry_price_usd)
            .i64(self.cost)
            .i64(self.cost_usd);
        w.i64(self.cached_funding_index)
            .i64(self.unrealized_funding_pnl);
        w.u8(self.status.to_u8());
        w.string(self.market)?.string(self.last_fill_id)?;
        Ok(())
    }
}

/// `AccountEvent` (template 23): balance and margin summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccountEvent<'a> {
    /// Publish time (µs).
    pub ts_us: i64,
    /// Unique increasing sequence.
    pub seq: i64,
    /// Total collateral (USD).
    pub total_collateral: i64,
    /// Free collateral.
    pub free_collateral: i64,
    /// Initial margin requirement.
    pub initial_margin_req: i64,
    /// Maintenance margin requirement.
    pub maintenance_margin_req: i64,
    /// Account value incl. unrealised PnL.
    pub account_value: i64,
    /// Unrealised PnL (always `None` in practice).
    pub unrealized_pnl: Option<i64>,
    /// Last update time (µs).
    pub updated_at_us: i64,
    /// Account address.
    pub account: AccountAddress,
    /// Account value above maintenance margin.
    pub margin_cushion: i64,
    /// Status.
    pub status: AccountStatus,
    /// Last acknowledged notification (µs; version 2; `None` when absent or 0).
    pub last_seen_notification_us: Option<i64>,
    /// Settlement asset, e.g. `USDC`.
    pub settlement_asset: &'a str,
}

impl<'a> AccountEvent<'a> {
    /// Template id.
    pub const TEMPLATE_ID: u16 = template::ACCOUNT;
    /// Root block length before version 2 (the minimum accepted, also seen at 1:2).
    pub const MIN_BLOCK_LENGTH: u16 = 113;

    /// Root block length written at `version`.
    #[must_use]
    pub const fn block_length(version: u16) -> u16 {
        if version >= 2 { 121 } else { 113 }
    }

    /// Decodes a frame carrying this template.
    ///
    /// # Errors
    /// [`DecodeError`] for another template, a short block, a truncated frame or bad UTF-8.
    pub fn decode(frame: &Frame<'a>) -> Result<Self, DecodeError> {
        let mut body = frame.body_for(Self::TEMPLATE_ID, 0, Self::MIN_BLOCK_LENGTH)?;
        let (b, v) = (body.block, body.version);
        Ok(Self {
            ts_us: b.i64(0),
            seq: b.i64(8),
            total_collateral: b.i64(16),
            free_collateral: b.i64(24),
            initial_margin_req: b.i64(32),
            maintenance_margin_req: b.i64(40),
            account_value: b.i64(48),
            unrealized_pnl: b.opt_i64(56),
            updated_at_us: b.i64(64),
            account: b.bytes32(72),
            margin_cushion: b.i64(104),
            status: AccountStatus::from_u8(b.u8(112)),
            last_seen_notification_us: b
                .tail::<8>(v, 2, 113)
                .map(i64::from_le_bytes)
                .filter(|&t| t != 0),
            settlement_asset: body.string()?,
        })
    }

    /// Appends this event as one frame at schema `version`.
    ///
    /// # Errors
    /// [`EncodeError`] for an unsupported version or a string over 255 bytes.
    pub fn encode(&self, version: u16, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        let block = Self::block_length(version);
        let mut w = Writer::begin(out, Self::TEMPLATE_ID, 0, block, version)?;
        w.i64(self.ts_us).i64(self.seq);
        w.i64(self.total_collateral).i64(self.free_collateral);
        w.i64(self.initial_margin_req)
            .i64(self.maintenance_margin_req);
        w.i64(self.account_value).opt_i64(self.unrealized_pnl);
        w.i64(self.updated_at_us).bytes(&self.account);
        w.i64(self.margin_cushion).u8(self.status.to_u8());
        if w.has(2) {
            w.i64(self.last_seen_notification_us.unwrap_or(0));
        }
        w.string(self.settlement_asset)?;
        Ok(())
    }
}
