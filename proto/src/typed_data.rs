//! StarkNet typed data revision 0 (Pedersen) message hashes for Paradex orders, auth and
//! onboarding (protocol.md §6).
//!
//! The API the mock exchange and the execution path call:
//!
//! * [`AccountContext::new`]`(chain_id, account)`: the constant part of every hash for one
//!   (chain, account) pair, computed once (type hashes, domain hash, the
//!   `h(h(h(0, "StarkNet Message"), domain), account)` prefix).
//! * [`AccountContext::order_hash`], [`AccountContext::modify_order_hash`],
//!   [`AccountContext::auth_hash`], [`AccountContext::onboarding_hash`]: the message hash that
//!   gets signed.
//! * [`OrderMessage::from_request`]: an order message from REST strings (`"0.1"`, `"LIMIT"`, …),
//!   scaled the way the official SDK does (`int(Decimal(x).scaleb(8))`, truncating, via
//!   [`crate::decimal::parse_scaled_truncating`]).
//! * [`StarkSignature::from_wire`] / [`StarkSignature::to_wire`]: the `["r","s"]` decimal wire
//!   format; [`verify_signature`]`(public_key, hash, &signature)`.
//! * Primitives: [`parse_felt`], [`short_string`], [`sn_keccak`], [`chain_hash`],
//!   [`domain_struct_hash`].
//!
//! ```
//! use paradex_proto::typed_data::{AccountContext, OrderMessage, OrderSide};
//!
//! let ctx = AccountContext::new("PRIVATE_SN_POTC_SEPOLIA", "0x3a5e6ca3f7d55722bfb79595c96bd41dba9980fe2abf5c0577591a135ec6dc4")?;
//! let order = OrderMessage::from_request(1_700_000_000_000, "ETH-USD-PERP", OrderSide::Buy, "LIMIT", "0.1", "1500")?;
//! let hash = ctx.order_hash(&order);
//! assert_eq!(format!("{hash:#x}"), "0x5c13ff9667aaf15a46b61e55a94874d666f5dfd7c7a5b428ec3a0cc8d0bdafe");
//! # Ok::<(), paradex_proto::typed_data::TypedDataError>(())
//! ```

mod context;
mod error;
mod felt;
mod message;
mod signature;

pub use context::{AccountContext, domain_struct_hash};
pub use error::{TypedDataError, TypedDataResult};
pub use felt::{chain_hash, parse_felt, short_string, sn_keccak};
pub use message::{
    CONSTANT_TYPE, CONSTANT_TYPE_HASH, DOMAIN_TYPE, DOMAIN_TYPE_HASH, MODIFY_ORDER_TYPE,
    MODIFY_ORDER_TYPE_HASH, ORDER_TYPE, ORDER_TYPE_HASH, OrderMessage, OrderSide, REQUEST_TYPE,
    REQUEST_TYPE_HASH, STARKNET_MESSAGE_PREFIX, auth_struct_hash, modify_order_struct_hash,
    onboarding_struct_hash, order_struct_hash,
};
pub use signature::{StarkSignature, verify_signature};

/// The field element type of every hash and signature (re-exported from `starknet-crypto`).
pub use starknet_crypto::Felt;
