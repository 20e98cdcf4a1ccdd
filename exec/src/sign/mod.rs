//! STARK signing for Paradex: what to sign comes from `paradex_proto::typed_data`; how to sign
//! (fixed-base tables, precomputed constant Pedersen halves, RFC 6979 nonce) lives here.

mod curve;
mod ecdsa;
mod error;
mod hasher;
mod inverse;
mod key;
mod pedersen;
mod signer;

pub use error::{SignError, SignResult};
pub use hasher::OrderTemplate;
pub use key::PrivateKey;
pub use signer::{Signed, Signer};
