//! Fast Paradex order and modify-order message hashes (the same values as
//! `paradex_proto::typed_data::AccountContext`, computed on fixed-base tables).
//!
//! Of the nine Pedersen hashes of an order, the seed `h(0, type_hash)`, the message prefix, the
//! chain lengths and the (market, side, type) members are constant: each such input is folded
//! into a precomputed point, and the timestamp, size and price (< 2^64) touch only a few table
//! windows.

use paradex_proto::typed_data::{
    AccountContext, MODIFY_ORDER_TYPE_HASH, ORDER_TYPE_HASH, OrderMessage,
};
use starknet_crypto::{Felt, pedersen_hash};

use super::curve::{Fp, to_felt, to_fp};
use super::error::{SignError, SignResult};
use super::pedersen::{ConstHalf, PedersenTables};

/// The per-(market, side, type) constants of an order hash. Build once per instrument and side
/// with [`crate::sign::Signer::order_template`].
#[derive(Debug, Clone)]
pub struct OrderTemplate {
    market: ConstHalf,
    side: ConstHalf,
    order_type: ConstHalf,
    /// `MARKET` orders sign a zero price.
    zero_price: bool,
}

/// Constants of one (chain, account) pair for order and modify-order hashes.
#[derive(Debug)]
pub(crate) struct OrderHasher {
    ctx: AccountContext,
    order_seed: ConstHalf,
    modify_seed: ConstHalf,
    prefix: ConstHalf,
    len_4: ConstHalf,
    len_7: ConstHalf,
    len_8: ConstHalf,
}

impl OrderHasher {
    pub(crate) fn new(tables: &PedersenTables, ctx: AccountContext) -> Self {
        let seed =
            |type_hash: Felt| tables.const_a(&to_fp(&pedersen_hash(&Felt::ZERO, &type_hash)));
        let len = |n: u8| tables.const_b(&Fp::from(u64::from(n)));
        Self {
            order_seed: seed(ORDER_TYPE_HASH),
            modify_seed: seed(MODIFY_ORDER_TYPE_HASH),
            prefix: tables.const_a(&to_fp(&ctx.prefix())),
            len_4: len(4),
            len_7: len(7),
            len_8: len(8),
            ctx,
        }
    }

    pub(crate) fn context(&self) -> &AccountContext {
        &self.ctx
    }

    pub(crate) fn template(
        &self,
        tables: &PedersenTables,
        market: Felt,
        side: Felt,
        order_type: Felt,
    ) -> OrderTemplate {
        OrderTemplate {
            market: tables.const_b(&to_fp(&market)),
            side: tables.const_b(&to_fp(&side)),
            order_type: tables.const_b(&to_fp(&order_type)),
            zero_price: order_type == MARKET,
        }
    }

    pub(crate) fn template_of(
        &self,
        tables: &PedersenTables,
        order: &OrderMessage,
    ) -> OrderTemplate {
        self.template(tables, order.market, order.side, order.order_type)
    }

    /// Hash chain of the members shared by Order and ModifyOrder: returns `h6` (after price).
    fn common(
        &self,
        tables: &PedersenTables,
        seed: &ConstHalf,
        t: &OrderTemplate,
        fields: &OrderFields,
    ) -> Fp {
        let h = tables.hash_const_a(seed, &fields.timestamp);
        let h = tables.hash_const_b(&h, &t.market);
        let h = tables.hash_const_b(&h, &t.side);
        let h = tables.hash_const_b(&h, &t.order_type);
        let h = tables.hash(&h, &fields.size);
        let price = if t.zero_price {
            Fp::zero()
        } else {
            fields.price
        };
        tables.hash(&h, &price)
    }

    fn finish(&self, tables: &PedersenTables, struct_hash: &Fp) -> Felt {
        let m = tables.hash_const_a(&self.prefix, struct_hash);
        to_felt(&tables.hash_const_b(&m, &self.len_4))
    }

    pub(crate) fn order_hash(
        &self,
        tables: &PedersenTables,
        t: &OrderTemplate,
        fields: &OrderFields,
    ) -> Felt {
        let h6 = self.common(tables, &self.order_seed, t, fields);
        self.finish(tables, &tables.hash_const_b(&h6, &self.len_7))
    }

    pub(crate) fn modify_order_hash(
        &self,
        tables: &PedersenTables,
        t: &OrderTemplate,
        fields: &OrderFields,
        id: Felt,
    ) -> Felt {
        let h6 = self.common(tables, &self.modify_seed, t, fields);
        let h7 = tables.hash(&h6, &to_fp(&id));
        self.finish(tables, &tables.hash_const_b(&h7, &self.len_8))
    }
}

/// `short("MARKET")`.
const MARKET: Felt = Felt::from_hex_unchecked("0x4d41524b4554");

/// The variable members of an order: timestamp (ms), size and price (× 10^8).
#[derive(Debug, Clone)]
pub(crate) struct OrderFields {
    timestamp: Fp,
    size: Fp,
    price: Fp,
}

impl OrderFields {
    pub(crate) fn new(timestamp_ms: u64, size_e8: i64, price_e8: i64) -> SignResult<Self> {
        let as_fp = |v: i64| {
            u64::try_from(v)
                .map(Fp::from)
                .map_err(|_| SignError::NegativeAmount(v))
        };
        Ok(Self {
            timestamp: Fp::from(timestamp_ms),
            size: as_fp(size_e8)?,
            price: as_fp(price_e8)?,
        })
    }

    pub(crate) fn of(order: &OrderMessage) -> Self {
        Self {
            timestamp: to_fp(&order.timestamp),
            size: to_fp(&order.size),
            price: to_fp(&order.price),
        }
    }
}
