//! Wire models of the Paradex REST API (protocol.md §5) with lenient decoding, and their
//! conversion into the state's types. Samples: `shared/paradex/samples/rest_*.json`.

use paradex_proto::typed_data::OrderSide;
use serde::{Deserialize, Serialize};

use super::error::{RestError, RestResult};
use super::lenient::{e8_or_zero, id_u128, opt_e8, opt_string, opt_u64_lenient, u64_lenient};
use crate::state::{Balance, Fill, OrderStatus, OrderUpdate, Position};

/// `{"results": [...]}`.
#[derive(Debug, Deserialize)]
pub struct Results<T> {
    /// The rows.
    pub results: Vec<T>,
}

/// `{"next": cursor, "prev": cursor, "results": [...]}`.
#[derive(Debug, Deserialize)]
pub struct Page<T> {
    /// Cursor of the next page; `None` at the end.
    #[serde(default, deserialize_with = "opt_string")]
    pub next: Option<String>,
    /// The rows.
    pub results: Vec<T>,
}

/// ApiError body.
#[derive(Debug, Deserialize, Default)]
pub struct ApiErrorBody {
    /// Error code.
    #[serde(default)]
    pub error: String,
    /// Human text.
    #[serde(default)]
    pub message: String,
}

/// `POST /auth` reply.
#[derive(Debug, Deserialize)]
pub struct AuthResponse {
    /// The JWT.
    pub jwt_token: String,
}

/// `OrderResp`.
#[derive(Debug, Clone, Deserialize)]
pub struct OrderResp {
    /// Exchange id.
    #[serde(deserialize_with = "id_u128")]
    pub id: u128,
    /// Client id (`""` = none).
    #[serde(default, deserialize_with = "opt_string")]
    pub client_id: Option<String>,
    /// Market.
    pub market: String,
    /// `BUY` / `SELL`.
    pub side: String,
    /// Order type.
    #[serde(rename = "type")]
    pub order_type: String,
    /// Size.
    #[serde(deserialize_with = "e8_or_zero")]
    pub size: i64,
    /// Remaining size.
    #[serde(default, deserialize_with = "opt_e8")]
    pub remaining_size: Option<i64>,
    /// Price (`"0"` or `""` for market orders).
    #[serde(default, deserialize_with = "e8_or_zero")]
    pub price: i64,
    /// Average fill price (`""` before any fill).
    #[serde(default, deserialize_with = "opt_e8")]
    pub avg_fill_price: Option<i64>,
    /// `NEW`, `UNTRIGGERED`, `OPEN`, `CLOSED`.
    pub status: String,
    /// Cancel reason (`""` unless closed).
    #[serde(default, deserialize_with = "opt_string")]
    pub cancel_reason: Option<String>,
    /// Sequence number (can exceed 2^53; number or string).
    #[serde(default, deserialize_with = "u64_lenient")]
    pub seq_no: u64,
    /// Last update, ms.
    #[serde(default, deserialize_with = "u64_lenient")]
    pub last_updated_at: u64,
    /// Creation, ms.
    #[serde(default, deserialize_with = "u64_lenient")]
    pub created_at: u64,
}

impl OrderResp {
    /// The state's view of this order.
    ///
    /// # Errors
    /// Unknown side or status.
    pub fn to_update(&self) -> RestResult<OrderUpdate> {
        let status = OrderStatus::from_wire(&self.status)
            .ok_or_else(|| decode("order", format!("status {:?}", self.status)))?;
        Ok(OrderUpdate {
            id: self.id,
            client_id: self.client_id.clone(),
            market: self.market.clone(),
            side: side(&self.side)?,
            order_type: self.order_type.clone(),
            size_e8: self.size,
            remaining_e8: self.remaining_size.unwrap_or(self.size),
            price_e8: self.price,
            avg_fill_price_e8: self.avg_fill_price,
            status,
            cancel_reason: self.cancel_reason.clone(),
            seq_no: self.seq_no,
            last_updated_at: self.last_updated_at.max(self.created_at),
        })
    }
}

/// `FillResult`.
#[derive(Debug, Clone, Deserialize)]
pub struct FillResp {
    /// Fill id.
    #[serde(deserialize_with = "id_u128")]
    pub id: u128,
    /// Order id.
    #[serde(deserialize_with = "id_u128")]
    pub order_id: u128,
    /// Client id.
    #[serde(default, deserialize_with = "opt_string")]
    pub client_id: Option<String>,
    /// Market.
    pub market: String,
    /// Side.
    pub side: String,
    /// `MAKER` / `TAKER`.
    #[serde(default)]
    pub liquidity: String,
    /// Price.
    #[serde(deserialize_with = "e8_or_zero")]
    pub price: i64,
    /// Size.
    #[serde(deserialize_with = "e8_or_zero")]
    pub size: i64,
    /// Order remaining size after the fill.
    #[serde(default, deserialize_with = "e8_or_zero")]
    pub remaining_size: i64,
    /// Fee.
    #[serde(default, deserialize_with = "e8_or_zero")]
    pub fee: i64,
    /// Time, ms.
    #[serde(default, deserialize_with = "u64_lenient")]
    pub created_at: u64,
}

impl FillResp {
    /// The state's fill.
    ///
    /// # Errors
    /// Unknown side.
    pub fn to_fill(&self) -> RestResult<Fill> {
        Ok(Fill {
            id: self.id,
            order_id: self.order_id,
            client_id: self.client_id.clone(),
            market: self.market.clone(),
            side: side(&self.side)?,
            price_e8: self.price,
            size_e8: self.size,
            remaining_e8: self.remaining_size,
            fee_e8: self.fee,
            is_maker: self.liquidity == "MAKER",
            created_at: self.created_at,
        })
    }
}

/// `PositionResp`.
#[derive(Debug, Clone, Deserialize)]
pub struct PositionResp {
    /// Market.
    pub market: String,
    /// `OPEN` / `CLOSED`.
    #[serde(default)]
    pub status: String,
    /// Signed size (negative = short).
    #[serde(deserialize_with = "e8_or_zero")]
    pub size: i64,
    /// Average entry price.
    #[serde(default, deserialize_with = "e8_or_zero")]
    pub average_entry_price: i64,
    /// Sequence number.
    #[serde(default, deserialize_with = "u64_lenient")]
    pub seq_no: u64,
    /// Last update, ms.
    #[serde(default, deserialize_with = "u64_lenient")]
    pub last_updated_at: u64,
}

impl PositionResp {
    /// The state's position (a `CLOSED` position is flat).
    pub fn to_position(&self) -> Position {
        Position {
            market: self.market.clone(),
            size_e8: if self.status == "CLOSED" {
                0
            } else {
                self.size
            },
            avg_entry_price_e8: self.average_entry_price,
            seq_no: self.seq_no,
            last_updated_at: self.last_updated_at,
        }
    }
}

/// `/balance` row.
#[derive(Debug, Clone, Deserialize)]
pub struct BalanceResp {
    /// Token.
    pub token: String,
    /// Size.
    #[serde(deserialize_with = "e8_or_zero")]
    pub size: i64,
    /// Last update, ms.
    #[serde(default, deserialize_with = "u64_lenient")]
    pub last_updated_at: u64,
}

impl BalanceResp {
    /// The state's balance.
    pub fn to_balance(&self) -> Balance {
        Balance {
            token: self.token.clone(),
            size_e8: self.size,
            last_updated_at: self.last_updated_at,
        }
    }
}

/// `GET /account`.
#[derive(Debug, Clone, Deserialize)]
pub struct AccountResp {
    /// Account address.
    pub account: String,
    /// Account value.
    #[serde(default, deserialize_with = "opt_e8")]
    pub account_value: Option<i64>,
    /// Free collateral.
    #[serde(default, deserialize_with = "opt_e8")]
    pub free_collateral: Option<i64>,
    /// Total collateral.
    #[serde(default, deserialize_with = "opt_e8")]
    pub total_collateral: Option<i64>,
    /// `ACTIVE`, …
    #[serde(default)]
    pub status: String,
    /// Sequence number.
    #[serde(default, deserialize_with = "u64_lenient")]
    pub seq_no: u64,
}

/// `GET /markets` row (the fields a trading client needs).
#[derive(Debug, Clone, Deserialize)]
pub struct MarketResp {
    /// Symbol.
    pub symbol: String,
    /// Size step.
    #[serde(default, deserialize_with = "opt_e8")]
    pub order_size_increment: Option<i64>,
    /// Price step.
    #[serde(default, deserialize_with = "opt_e8")]
    pub price_tick_size: Option<i64>,
    /// Minimum notional.
    #[serde(default, deserialize_with = "opt_e8")]
    pub min_notional: Option<i64>,
    /// Maximum open orders.
    #[serde(default, deserialize_with = "opt_u64_lenient")]
    pub max_open_orders: Option<u64>,
    /// `PERP`, `OPTION`, …
    #[serde(default)]
    pub asset_kind: String,
}

/// `DELETE /orders/batch` row.
#[derive(Debug, Clone, Deserialize)]
pub struct CancelResult {
    /// Order id, when known.
    #[serde(default, deserialize_with = "opt_string")]
    pub id: Option<String>,
    /// Client id, when given.
    #[serde(default, deserialize_with = "opt_string")]
    pub client_id: Option<String>,
    /// `QUEUED_FOR_CANCELLATION`, `ALREADY_CLOSED`, `NOT_FOUND`.
    pub status: String,
}

/// `POST /orders/batch` reply.
#[derive(Debug, Deserialize)]
pub struct BatchResponse {
    /// Accepted orders.
    #[serde(default)]
    pub orders: Vec<OrderResp>,
    /// Per-order errors.
    #[serde(default)]
    pub errors: Vec<Option<ApiErrorBody>>,
}

/// An order ready to post: the signed body of `POST /orders` (and of batch elements).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct OrderRequest {
    /// Market.
    pub market: String,
    /// `BUY` / `SELL`.
    pub side: &'static str,
    /// Order type.
    #[serde(rename = "type")]
    pub order_type: String,
    /// Size, decimal string.
    pub size: String,
    /// Price, decimal string (absent for market orders).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub price: Option<String>,
    /// `GTC`, `IOC`, `POST_ONLY`, `RPI`.
    pub instruction: String,
    /// Client id: always set, so a timed-out create can be retried without a duplicate.
    pub client_id: String,
    /// `["r","s"]`.
    pub signature: String,
    /// Signing time, ms.
    pub signature_timestamp: u64,
    /// Flags (`REDUCE_ONLY`, …).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub flags: Vec<String>,
    /// Trigger price for stop orders (not signed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trigger_price: Option<String>,
    /// Receive window, ms.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recv_window: Option<u64>,
}

/// `PUT /orders/{id}` body.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ModifyRequest {
    /// Order id (decimal string).
    pub id: String,
    /// Market.
    pub market: String,
    /// Side (must be the order's).
    pub side: &'static str,
    /// Type (must be the order's).
    #[serde(rename = "type")]
    pub order_type: String,
    /// New size.
    pub size: String,
    /// New price.
    pub price: String,
    /// New trigger price of a stop / take-profit order (not part of the signed message).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trigger_price: Option<String>,
    /// `["r","s"]` over `ModifyOrder`.
    pub signature: String,
    /// Signing time, ms.
    pub signature_timestamp: u64,
}

/// The REST spelling of a side.
pub fn side_wire(side: OrderSide) -> &'static str {
    match side {
        OrderSide::Buy => "BUY",
        OrderSide::Sell => "SELL",
    }
}

fn side(s: &str) -> RestResult<OrderSide> {
    OrderSide::from_wire(s).map_err(|_| decode("side", format!("{s:?}")))
}

pub(crate) fn decode(what: &'static str, detail: String) -> RestError {
    RestError::Decode { what, detail }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(name: &str) -> String {
        let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../shared/paradex/samples")
            .join(name);
        std::fs::read_to_string(path).expect("sample")
    }

    fn body(name: &str) -> serde_json::Value {
        let v: serde_json::Value = serde_json::from_str(&sample(name)).expect("json");
        // Samples wrap the body with provenance notes in some files.
        v.get("body").cloned().unwrap_or(v)
    }

    #[test]
    fn samples_decode() {
        let created: OrderResp =
            serde_json::from_value(body("rest_order_create_response.json")).expect("order");
        created.to_update().expect("update");
        let open: Results<OrderResp> =
            serde_json::from_value(body("rest_orders_open.json")).expect("open");
        for o in &open.results {
            o.to_update().expect("update");
        }
        let history: Page<OrderResp> =
            serde_json::from_value(body("rest_orders_history.json")).expect("history");
        assert!(!history.results.is_empty());
        let fills: Page<FillResp> = serde_json::from_value(body("rest_fills.json")).expect("fills");
        for f in &fills.results {
            f.to_fill().expect("fill");
        }
        let _: Results<PositionResp> =
            serde_json::from_value(body("rest_positions.json")).expect("positions");
        let _: Results<BalanceResp> =
            serde_json::from_value(body("rest_balance.json")).expect("balance");
        let _: AccountResp = serde_json::from_value(body("rest_account.json")).expect("account");
        let _: Results<MarketResp> =
            serde_json::from_value(body("rest_markets.json")).expect("markets");
        let _: AuthResponse =
            serde_json::from_value(body("rest_auth_response.json")).expect("auth");
    }

    #[test]
    fn real_world_quirks_decode() {
        let row = r#"{"id":"1718154353750201703989430001","client_id":"","market":"BTC-USD-PERP","side":"BUY",
            "type":"MARKET","size":"0.1","remaining_size":"0","price":"","avg_fill_price":"","status":"CLOSED",
            "cancel_reason":"","seq_no":"18446744073709551615","last_updated_at":0,"created_at":"1681493415023"}"#;
        let o: OrderResp = serde_json::from_str(row).expect("quirky order");
        let u = o.to_update().expect("update");
        assert_eq!(
            (u.id, u.client_id, u.seq_no, u.price_e8),
            (1_718_154_353_750_201_703_989_430_001, None, u64::MAX, 0)
        );
        let bad = row.replace("\"BUY\"", "\"HOLD\"");
        assert!(
            serde_json::from_str::<OrderResp>(&bad)
                .expect("decodes")
                .to_update()
                .is_err()
        );
        assert!(
            serde_json::from_str::<OrderResp>(
                &row.replace("1718154353750201703989430001", "0xabc")
            )
            .is_err()
        );
    }
}
