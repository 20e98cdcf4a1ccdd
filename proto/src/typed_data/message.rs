//! The Paradex typed-data messages: type strings, type hashes and struct hashes (protocol.md §6.4).

use starknet_crypto::{Felt, pedersen_hash};

use super::error::{TypedDataError, TypedDataResult};
use super::felt::{chain_hash, parse_felt, short_string};
use crate::decimal::{SCALE, parse_scaled_truncating};

/// Revision-0 domain type string (member order name, chainId, version).
pub const DOMAIN_TYPE: &str = "StarkNetDomain(name:felt,chainId:felt,version:felt)";
/// Order type string.
pub const ORDER_TYPE: &str =
    "Order(timestamp:felt,market:felt,side:felt,orderType:felt,size:felt,price:felt)";
/// ModifyOrder type string (Order plus the order id).
pub const MODIFY_ORDER_TYPE: &str =
    "ModifyOrder(timestamp:felt,market:felt,side:felt,orderType:felt,size:felt,price:felt,id:felt)";
/// Request (auth) type string.
pub const REQUEST_TYPE: &str =
    "Request(method:felt,path:felt,body:felt,timestamp:felt,expiration:felt)";
/// Constant (onboarding) type string.
pub const CONSTANT_TYPE: &str = "Constant(action:felt)";

/// `sn_keccak(DOMAIN_TYPE)`.
pub const DOMAIN_TYPE_HASH: Felt =
    Felt::from_hex_unchecked("0x98d1932052fc5137543de5ed85b7a88555a4cd1ff5d5bfedb62ed9b9a1f0db");
/// `sn_keccak(ORDER_TYPE)`.
pub const ORDER_TYPE_HASH: Felt =
    Felt::from_hex_unchecked("0xa56d5225b97b257c15ae2cb1cc0ea605381a886cd75463db45fd2ef9fbc255");
/// `sn_keccak(MODIFY_ORDER_TYPE)`.
pub const MODIFY_ORDER_TYPE_HASH: Felt =
    Felt::from_hex_unchecked("0x201789bb587c17b251fd38daf43b14807010ea721c2929a8c2fc33bf15c2e2c");
/// `sn_keccak(REQUEST_TYPE)`.
pub const REQUEST_TYPE_HASH: Felt =
    Felt::from_hex_unchecked("0x186cdef6b179923c411c13c11b8a825f12bf34203bdda0a984da9d6f2313c2");
/// `sn_keccak(CONSTANT_TYPE)`.
pub const CONSTANT_TYPE_HASH: Felt =
    Felt::from_hex_unchecked("0xe84bbcb68e0f7c73a9058ba82b6da9c1ffdc502efcf034e78b0c003c22ecc9");
/// `short("StarkNet Message")`, the first element of every message hash chain.
pub const STARKNET_MESSAGE_PREFIX: Felt =
    Felt::from_hex_unchecked("0x537461726b4e6574204d657373616765");

/// The signed path and method of the auth request: always the literal `/v1/auth`, even when
/// posting to `/v1/auth/{public_key}`.
const AUTH_METHOD: Felt = Felt::from_hex_unchecked("0x504f5354"); // "POST"
const AUTH_PATH: Felt = Felt::from_hex_unchecked("0x2f76312f61757468"); // "/v1/auth"
const ONBOARDING_ACTION: Felt = Felt::from_hex_unchecked("0x4f6e626f617264696e67"); // "Onboarding"

/// Order side as signed: BUY → 1, SELL → 2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OrderSide {
    /// `BUY`, signed as 1.
    Buy,
    /// `SELL`, signed as 2.
    Sell,
}

impl OrderSide {
    /// The felt the side is signed as.
    pub fn felt(self) -> Felt {
        match self {
            Self::Buy => Felt::ONE,
            Self::Sell => Felt::TWO,
        }
    }

    /// Parses the REST spelling (`"BUY"` / `"SELL"`).
    ///
    /// # Errors
    /// Any other string.
    pub fn from_wire(side: &str) -> TypedDataResult<Self> {
        match side {
            "BUY" => Ok(Self::Buy),
            "SELL" => Ok(Self::Sell),
            other => Err(TypedDataError::InvalidFelt(other.to_owned())),
        }
    }
}

/// The six encoded members of an `Order` (and the first six of a `ModifyOrder`), in declaration
/// order. Build it with [`OrderMessage::new`] or [`OrderMessage::from_request`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrderMessage {
    /// `signature_timestamp` in milliseconds.
    pub timestamp: Felt,
    /// Market symbol as a short string.
    pub market: Felt,
    /// 1 (BUY) or 2 (SELL).
    pub side: Felt,
    /// Order type (`"LIMIT"`, `"MARKET"`, …) as a short string.
    pub order_type: Felt,
    /// Size × 10^8.
    pub size: Felt,
    /// Price × 10^8; 0 for `MARKET` orders.
    pub price: Felt,
}

impl OrderMessage {
    /// Builds the message from amounts already scaled by 10^8. The price is zeroed when the type is
    /// exactly `MARKET`, as the SDK does (a `STOP_MARKET` signs its given price).
    ///
    /// # Errors
    /// A market or type that is not a valid short string.
    pub fn new(
        timestamp_ms: u64,
        market: &str,
        side: OrderSide,
        order_type: &str,
        size_e8: i64,
        price_e8: i64,
    ) -> TypedDataResult<Self> {
        let price_e8 = if order_type == "MARKET" { 0 } else { price_e8 };
        if size_e8 < 0 || price_e8 < 0 {
            return Err(TypedDataError::InvalidDecimal(format!(
                "negative amount {size_e8} / {price_e8}"
            )));
        }
        Ok(Self {
            timestamp: Felt::from(timestamp_ms),
            market: short_string(market)?,
            side: side.felt(),
            order_type: short_string(order_type)?,
            size: Felt::from(size_e8),
            price: Felt::from(price_e8),
        })
    }

    /// Builds the message from the REST body strings. An empty `price` counts as 0 (market
    /// orders may omit it).
    ///
    /// # Errors
    /// Malformed or negative decimals, or a market/type that is not a valid short string.
    pub fn from_request(
        timestamp_ms: u64,
        market: &str,
        side: OrderSide,
        order_type: &str,
        size: &str,
        price: &str,
    ) -> TypedDataResult<Self> {
        let price_e8 = if price.is_empty() {
            0
        } else {
            scale_e8(price)?
        };
        Self::new(
            timestamp_ms,
            market,
            side,
            order_type,
            scale_e8(size)?,
            price_e8,
        )
    }

    /// The members in declaration order.
    pub fn fields(&self) -> [Felt; 6] {
        [
            self.timestamp,
            self.market,
            self.side,
            self.order_type,
            self.size,
            self.price,
        ]
    }
}

/// The SDK's `int(Decimal(x).scaleb(8))`: digits below 10^-8 are truncated.
fn scale_e8(value: &str) -> TypedDataResult<i64> {
    parse_scaled_truncating(value, SCALE)
        .map_err(|e| TypedDataError::InvalidDecimal(format!("{value:?}: {e}")))
}

/// Hashes a struct whose chain starts with the precomputed `seed = h(0, type_hash)`.
pub(crate) fn struct_hash_seeded(seed: Felt, fields: &[Felt]) -> Felt {
    let folded = fields.iter().fold(seed, |acc, x| pedersen_hash(&acc, x));
    pedersen_hash(&folded, &Felt::from(fields.len() + 1))
}

/// `struct_hash(Order, order)`.
pub fn order_struct_hash(order: &OrderMessage) -> Felt {
    let [t, m, s, ty, sz, p] = order.fields();
    chain_hash(&[ORDER_TYPE_HASH, t, m, s, ty, sz, p])
}

/// `struct_hash(ModifyOrder, order + id)`; `order_id` is the decimal order id string.
///
/// # Errors
/// An order id that is not a decimal felt.
pub fn modify_order_struct_hash(order: &OrderMessage, order_id: &str) -> TypedDataResult<Felt> {
    let [t, m, s, ty, sz, p] = order.fields();
    Ok(chain_hash(&[
        MODIFY_ORDER_TYPE_HASH,
        t,
        m,
        s,
        ty,
        sz,
        p,
        parse_order_id(order_id)?,
    ]))
}

/// `struct_hash(Request, {POST, /v1/auth, "", timestamp, expiration})`, times in seconds.
pub fn auth_struct_hash(timestamp_s: u64, expiration_s: u64) -> Felt {
    chain_hash(&auth_fields(timestamp_s, expiration_s, REQUEST_TYPE_HASH)[..])
}

/// `struct_hash(Constant, {action: "Onboarding"})`.
pub fn onboarding_struct_hash() -> Felt {
    chain_hash(&[CONSTANT_TYPE_HASH, ONBOARDING_ACTION])
}

/// The Request members preceded by `head` (the type hash, or nothing for seeded hashing).
pub(crate) fn auth_fields(timestamp_s: u64, expiration_s: u64, head: Felt) -> [Felt; 6] {
    [
        head,
        AUTH_METHOD,
        AUTH_PATH,
        Felt::ZERO,
        Felt::from(timestamp_s),
        Felt::from(expiration_s),
    ]
}

/// Order ids are decimal strings of about 28 digits; they are signed as integers.
pub(crate) fn parse_order_id(order_id: &str) -> TypedDataResult<Felt> {
    if order_id.is_empty() || !order_id.bytes().all(|b| b.is_ascii_digit()) {
        return Err(TypedDataError::InvalidFelt(order_id.to_owned()));
    }
    parse_felt(order_id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::typed_data::sn_keccak;

    #[test]
    fn type_hash_constants_match_their_type_strings() {
        for (ty, hash) in [
            (DOMAIN_TYPE, DOMAIN_TYPE_HASH),
            (ORDER_TYPE, ORDER_TYPE_HASH),
            (MODIFY_ORDER_TYPE, MODIFY_ORDER_TYPE_HASH),
            (REQUEST_TYPE, REQUEST_TYPE_HASH),
            (CONSTANT_TYPE, CONSTANT_TYPE_HASH),
        ] {
            assert_eq!(sn_keccak(ty.as_bytes()), hash, "{ty}");
        }
    }

    #[test]
    fn constant_felts_match_their_strings() {
        assert_eq!(
            short_string("StarkNet Message").unwrap(),
            STARKNET_MESSAGE_PREFIX
        );
        assert_eq!(short_string("POST").unwrap(), AUTH_METHOD);
        assert_eq!(short_string("/v1/auth").unwrap(), AUTH_PATH);
        assert_eq!(short_string("Onboarding").unwrap(), ONBOARDING_ACTION);
    }

    #[test]
    fn market_orders_sign_a_zero_price() {
        let m = OrderMessage::from_request(1, "BTC-USD-PERP", OrderSide::Sell, "MARKET", "1", "5")
            .unwrap();
        assert_eq!(m.price, Felt::ZERO);
        let s =
            OrderMessage::from_request(1, "BTC-USD-PERP", OrderSide::Sell, "STOP_MARKET", "1", "5")
                .unwrap();
        assert_eq!(s.price, Felt::from(500_000_000u64));
    }

    #[test]
    fn amounts_truncate_like_the_sdk() {
        let o =
            OrderMessage::from_request(1, "X", OrderSide::Buy, "LIMIT", "0.123456789", "187.6543")
                .unwrap();
        assert_eq!(o.size, Felt::from(12_345_678u32));
        assert_eq!(o.price, Felt::from(18_765_430_000u64));
        assert!(OrderMessage::from_request(1, "X", OrderSide::Buy, "LIMIT", "-1", "1").is_err());
        assert!(OrderMessage::from_request(1, "X", OrderSide::Buy, "LIMIT", "1", "abc").is_err());
        assert!(OrderMessage::new(1, "X", OrderSide::Buy, "LIMIT", 1, -1).is_err());
    }

    #[test]
    fn order_ids_must_be_decimal() {
        assert!(parse_order_id("1700000000000101699438490000").is_ok());
        assert!(parse_order_id("0x12").is_err());
        assert!(parse_order_id("").is_err());
        assert!(OrderSide::from_wire("buy").is_err());
    }
}
