//! Per-(chain, account) hashing context: every constant part of a message hash computed once.

use starknet_crypto::{Felt, pedersen_hash};

use super::error::TypedDataResult;
use super::felt::{chain_hash, parse_felt, short_string};
use super::message::{
    DOMAIN_TYPE_HASH, MODIFY_ORDER_TYPE_HASH, ORDER_TYPE_HASH, OrderMessage, REQUEST_TYPE_HASH,
    STARKNET_MESSAGE_PREFIX, auth_fields, onboarding_struct_hash, parse_order_id,
    struct_hash_seeded,
};

/// Number of elements of the message chain: prefix, domain hash, account, struct hash.
const MESSAGE_CHAIN_LEN: Felt = Felt::from_hex_unchecked("0x4");

/// `struct_hash(StarkNetDomain, {name: "Paradex", chainId, version: 1})`.
///
/// `chain_id` is the felt of the Starknet chain id short string (e.g.
/// `short("PRIVATE_SN_POTC_SEPOLIA")`).
pub fn domain_struct_hash(chain_id: Felt) -> Felt {
    let name = Felt::from_hex_unchecked("0x50617261646578"); // "Paradex"
    chain_hash(&[DOMAIN_TYPE_HASH, name, chain_id, Felt::ONE])
}

/// Hashing context for one (chain, account) pair. Building it costs ~11 Pedersen hashes; each
/// message hash then costs only its own members plus two.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountContext {
    chain_id: Felt,
    account: Felt,
    domain_hash: Felt,
    /// `h(h(h(0, "StarkNet Message"), domain_hash), account)`.
    prefix: Felt,
    /// `h(0, type_hash)` for Order, ModifyOrder and Request.
    order_seed: Felt,
    modify_seed: Felt,
    request_seed: Felt,
}

impl AccountContext {
    /// Context from the chain id string (`"PRIVATE_SN_POTC_SEPOLIA"`,
    /// `"PRIVATE_SN_PARACLEAR_MAINNET"`, or its `0x` hex form) and the account address (hex).
    ///
    /// # Errors
    /// A chain id that is not a short string, or an address that is not a felt.
    pub fn new(chain_id: &str, account: &str) -> TypedDataResult<Self> {
        let chain = if chain_id.starts_with("0x") {
            parse_felt(chain_id)?
        } else {
            short_string(chain_id)?
        };
        Ok(Self::from_felts(chain, parse_felt(account)?))
    }

    /// Context from already encoded felts.
    pub fn from_felts(chain_id: Felt, account: Felt) -> Self {
        let domain_hash = domain_struct_hash(chain_id);
        let prefix = pedersen_hash(
            &pedersen_hash(
                &pedersen_hash(&Felt::ZERO, &STARKNET_MESSAGE_PREFIX),
                &domain_hash,
            ),
            &account,
        );
        Self {
            chain_id,
            account,
            domain_hash,
            prefix,
            order_seed: pedersen_hash(&Felt::ZERO, &ORDER_TYPE_HASH),
            modify_seed: pedersen_hash(&Felt::ZERO, &MODIFY_ORDER_TYPE_HASH),
            request_seed: pedersen_hash(&Felt::ZERO, &REQUEST_TYPE_HASH),
        }
    }

    /// The chain id felt.
    pub fn chain_id(&self) -> Felt {
        self.chain_id
    }

    /// The account address felt.
    pub fn account(&self) -> Felt {
        self.account
    }

    /// The domain struct hash.
    pub fn domain_hash(&self) -> Felt {
        self.domain_hash
    }

    /// The constant message prefix `h(h(h(0, "StarkNet Message"), domain_hash), account)`.
    pub fn prefix(&self) -> Felt {
        self.prefix
    }

    /// The message hash of any primary struct hash: `h(h(prefix, struct_hash), 4)`.
    pub fn message_hash(&self, struct_hash: Felt) -> Felt {
        pedersen_hash(
            &pedersen_hash(&self.prefix, &struct_hash),
            &MESSAGE_CHAIN_LEN,
        )
    }

    /// The message hash of an `Order` (`POST /orders`, batch, WS `order.create`).
    pub fn order_hash(&self, order: &OrderMessage) -> Felt {
        self.message_hash(struct_hash_seeded(self.order_seed, &order.fields()))
    }

    /// The message hash of a `ModifyOrder` (`PUT /orders/{id}`); `order_id` is the decimal id.
    ///
    /// # Errors
    /// An order id that is not a decimal felt.
    pub fn modify_order_hash(&self, order: &OrderMessage, order_id: &str) -> TypedDataResult<Felt> {
        let [t, m, s, ty, sz, p] = order.fields();
        let fields = [t, m, s, ty, sz, p, parse_order_id(order_id)?];
        Ok(self.message_hash(struct_hash_seeded(self.modify_seed, &fields)))
    }

    /// The message hash of the `POST /v1/auth` request; both times in unix **seconds**.
    pub fn auth_hash(&self, timestamp_s: u64, expiration_s: u64) -> Felt {
        let fields = auth_fields(timestamp_s, expiration_s, Felt::ZERO);
        self.message_hash(struct_hash_seeded(self.request_seed, &fields[1..]))
    }

    /// The message hash of the onboarding `Constant{action: "Onboarding"}`.
    pub fn onboarding_hash(&self) -> Felt {
        self.message_hash(onboarding_struct_hash())
    }
}
