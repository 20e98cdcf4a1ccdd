//! The signer: one private key bound to one (chain, account) pair.

use std::sync::{Arc, OnceLock};

use paradex_proto::typed_data::{
    AccountContext, OrderMessage, OrderSide, StarkSignature, short_string,
};
use starknet_crypto::Felt;

use super::curve::{FixedBaseTable, from_affine};
use super::ecdsa;
use super::error::SignResult;
use super::hasher::{OrderFields, OrderHasher, OrderTemplate};
use super::key::PrivateKey;
use super::pedersen::PedersenTables;

/// Process-wide fixed-base tables (Pedersen points and the generator; a few MB, built on first
/// use in tens of milliseconds).
#[derive(Debug)]
struct Tables {
    pedersen: PedersenTables,
    generator: FixedBaseTable,
}

/// Window of the generator table: 32 additions per `k·G`, 520 KB.
const GENERATOR_WINDOW: usize = 8;

fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(|| Tables {
        pedersen: PedersenTables::new(),
        generator: FixedBaseTable::new(
            &from_affine(&starknet_curve::curve_params::GENERATOR),
            252,
            GENERATOR_WINDOW,
        ),
    })
}

/// A message hash together with its signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Signed {
    /// The typed-data message hash.
    pub hash: Felt,
    /// Its signature; `signature.to_wire()` is what goes on the wire.
    pub signature: StarkSignature,
}

/// Signs Paradex orders, modify-orders, auth requests and onboarding for one account.
///
/// Signatures equal the official SDK's bit for bit (RFC 6979 nonce with extra entropy 32). Cheap
/// to clone (the key is shared).
#[derive(Debug, Clone)]
pub struct Signer {
    key: Arc<PrivateKey>,
    public_key: Felt,
    hasher: Arc<OrderHasher>,
}

impl Signer {
    /// Binds `key` to the account's hashing context.
    pub fn new(key: PrivateKey, ctx: AccountContext) -> Self {
        let t = tables();
        Self {
            public_key: key.public_key(),
            key: Arc::new(key),
            hasher: Arc::new(OrderHasher::new(&t.pedersen, ctx)),
        }
    }

    /// Warms the process-wide tables (call at start-up so the first order does not pay for it).
    pub fn warm_up() {
        let _ = tables();
    }

    /// The STARK public key.
    pub fn public_key(&self) -> Felt {
        self.public_key
    }

    /// The (chain, account) context.
    pub fn context(&self) -> &AccountContext {
        self.hasher.context()
    }

    /// Precomputes the constant part of orders for one (market, side, type).
    ///
    /// # Errors
    /// A market or type that is not a short string.
    pub fn order_template(
        &self,
        market: &str,
        side: OrderSide,
        order_type: &str,
    ) -> SignResult<OrderTemplate> {
        Ok(self.hasher.template(
            &tables().pedersen,
            short_string(market)?,
            side.felt(),
            short_string(order_type)?,
        ))
    }

    /// Signs an order from a template: the fast path. Size and price are × 10^8 (the price is
    /// ignored for `MARKET` templates, as the SDK signs 0).
    ///
    /// # Errors
    /// Negative amounts.
    pub fn sign_order_with(
        &self,
        template: &OrderTemplate,
        timestamp_ms: u64,
        size_e8: i64,
        price_e8: i64,
    ) -> SignResult<Signed> {
        let t = tables();
        let hash = self.hasher.order_hash(
            &t.pedersen,
            template,
            &OrderFields::new(timestamp_ms, size_e8, price_e8)?,
        );
        self.sign_hash(hash)
    }

    /// Signs an `Order` message (builds the template on the fly).
    ///
    /// # Errors
    /// As [`Self::sign_hash`].
    pub fn sign_order(&self, order: &OrderMessage) -> SignResult<Signed> {
        let t = tables();
        let template = self.hasher.template_of(&t.pedersen, order);
        self.sign_hash(
            self.hasher
                .order_hash(&t.pedersen, &template, &OrderFields::of(order)),
        )
    }

    /// Signs a `ModifyOrder` (`PUT /orders/{id}`); `order_id` is the decimal exchange id.
    ///
    /// # Errors
    /// A malformed order id, or as [`Self::sign_hash`].
    pub fn sign_modify_order(&self, order: &OrderMessage, order_id: &str) -> SignResult<Signed> {
        if order_id.is_empty() || !order_id.bytes().all(|b| b.is_ascii_digit()) {
            return Err(paradex_proto::typed_data::TypedDataError::InvalidFelt(
                order_id.to_owned(),
            )
            .into());
        }
        let id = paradex_proto::typed_data::parse_felt(order_id)?;
        let t = tables();
        let template = self.hasher.template_of(&t.pedersen, order);
        self.sign_hash(self.hasher.modify_order_hash(
            &t.pedersen,
            &template,
            &OrderFields::of(order),
            id,
        ))
    }

    /// Signs the `POST /v1/auth` request; times in unix seconds.
    ///
    /// # Errors
    /// As [`Self::sign_hash`].
    pub fn sign_auth(&self, timestamp_s: u64, expiration_s: u64) -> SignResult<Signed> {
        self.sign_hash(self.context().auth_hash(timestamp_s, expiration_s))
    }

    /// Signs the onboarding `Constant{action: "Onboarding"}`.
    ///
    /// # Errors
    /// As [`Self::sign_hash`].
    pub fn sign_onboarding(&self) -> SignResult<Signed> {
        self.sign_hash(self.context().onboarding_hash())
    }

    /// Signs any message hash.
    ///
    /// # Errors
    /// A hash ≥ 2^251, or a nonce giving an out-of-range signature (never seen in practice).
    pub fn sign_hash(&self, hash: Felt) -> SignResult<Signed> {
        let signature = ecdsa::sign(
            &tables().generator,
            self.key.felt(),
            self.key.scalar(),
            &hash,
        )?;
        Ok(Signed { hash, signature })
    }
}
