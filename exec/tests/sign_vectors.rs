//! The fast signer reproduces every SDK vector bit for bit (hash, r, s), and agrees with the
//! reference path (`paradex_proto` hashes + `starknet_crypto::sign`) on many other inputs.

use paradex_exec::sign::{PrivateKey, Signer};
use paradex_proto::test_vectors::{felt, load as vectors, text as s};
use paradex_proto::typed_data::{
    AccountContext, Felt, OrderMessage, OrderSide, StarkSignature, verify_signature,
};
use serde_json::Value;

fn signer_for(v: &Value) -> Signer {
    let i = &v["inputs"];
    let key = PrivateKey::from_str_secret(s(&i["l2_private_key"])).unwrap();
    let ctx = AccountContext::new(s(&i["starknet_chain_id"]), s(&i["account_address"])).unwrap();
    let signer = Signer::new(key, ctx);
    assert_eq!(signer.public_key(), felt(&i["l2_public_key"]));
    signer
}

fn check(v: &Value, hash: Felt, signature: StarkSignature) {
    let name = s(&v["name"]);
    assert_eq!(hash, felt(&v["message_hash"]), "{name}: hash");
    assert_eq!(signature.r, felt(&v["signature"]["r"]), "{name}: r");
    assert_eq!(signature.s, felt(&v["signature"]["s"]), "{name}: s");
    assert_eq!(
        signature.to_wire(),
        s(&v["signature"]["signature_header_value"]),
        "{name}: wire"
    );
}

#[test]
fn order_vectors_sign_bit_for_bit() {
    for v in vectors("orders.json") {
        let i = &v["inputs"];
        let signer = signer_for(&v);
        let side = OrderSide::from_wire(s(&i["side"])).unwrap();
        let ts = i["signature_timestamp_ms"].as_u64().unwrap();
        let price = i["price"].as_str().unwrap_or("");
        let order = OrderMessage::from_request(
            ts,
            s(&i["market"]),
            side,
            s(&i["type"]),
            s(&i["size"]),
            price,
        )
        .unwrap();
        let signed = match i["modify_order_id"].as_str() {
            Some(id) => signer.sign_modify_order(&order, id).unwrap(),
            None => {
                // The template fast path gives the same result as the one-shot path.
                let template = signer
                    .order_template(s(&i["market"]), side, s(&i["type"]))
                    .unwrap();
                let size =
                    paradex_proto::decimal::parse_scaled_truncating(s(&i["size"]), 8).unwrap();
                let price = if price.is_empty() {
                    0
                } else {
                    paradex_proto::decimal::parse_scaled_truncating(price, 8).unwrap()
                };
                let fast = signer.sign_order_with(&template, ts, size, price).unwrap();
                let one_shot = signer.sign_order(&order).unwrap();
                assert_eq!(fast, one_shot);
                fast
            }
        };
        check(&v, signed.hash, signed.signature);
        // The body field the SDK sends is exactly the wire form.
        assert_eq!(
            signed.signature.to_wire(),
            s(&v["rest_body_as_sdk_sends"]["signature"])
        );
    }
}

#[test]
fn auth_and_onboarding_vectors_sign_bit_for_bit() {
    for v in vectors("auth.json") {
        let i = &v["inputs"];
        let signed = signer_for(&v)
            .sign_auth(
                i["timestamp_s"].as_u64().unwrap(),
                i["expiration_s"].as_u64().unwrap(),
            )
            .unwrap();
        check(&v, signed.hash, signed.signature);
    }
    for v in vectors("onboarding.json") {
        let signed = signer_for(&v).sign_onboarding().unwrap();
        check(&v, signed.hash, signed.signature);
    }
}

/// A small deterministic generator (xorshift) so the cross-check covers many inputs without a
/// dependency.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn fast_path_agrees_with_the_reference_path() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let markets = [
        "BTC-USD-PERP",
        "ETH-USD-PERP",
        "SOL-USD-PERP",
        "A-VERY-LONG-MARKET-NAME-31CHARS",
    ];
    let types = [
        "LIMIT",
        "MARKET",
        "STOP_LIMIT",
        "STOP_MARKET",
        "TAKE_PROFIT_LIMIT",
    ];
    for round in 0..24 {
        let d =
            Felt::from(rng.next()) * Felt::from(rng.next()) * Felt::from(rng.next()) + Felt::ONE;
        let d = Felt::from_bytes_be(&{
            let mut b = d.to_bytes_be();
            b[0] &= 0x03; // below 2^250 < n
            b
        });
        let account = Felt::from(rng.next()) * Felt::from(rng.next());
        let chain = if round % 2 == 0 {
            "PRIVATE_SN_POTC_SEPOLIA"
        } else {
            "PRIVATE_SN_PARACLEAR_MAINNET"
        };
        let ctx = AccountContext::from_felts(
            paradex_proto::typed_data::short_string(chain).unwrap(),
            account,
        );
        let signer = Signer::new(PrivateKey::from_felt(d).unwrap(), ctx.clone());
        let side = if rng.next().is_multiple_of(2) {
            OrderSide::Buy
        } else {
            OrderSide::Sell
        };
        let market = markets[(rng.next() % 4) as usize];
        let ty = types[(rng.next() % 5) as usize];
        let size = (rng.next() >> 1) as i64;
        let price = (rng.next() >> (rng.next() % 40 + 1)) as i64;
        let ts = rng.next() >> 20;
        let order = OrderMessage::new(ts, market, side, ty, size, price).unwrap();
        let reference_hash = ctx.order_hash(&order);
        let template = signer.order_template(market, side, ty).unwrap();
        let signed = signer.sign_order_with(&template, ts, size, price).unwrap();
        assert_eq!(signed.hash, reference_hash, "round {round}");
        let k = starknet_crypto::rfc6979_generate_k(&reference_hash, &d, Some(&Felt::from(32u8)));
        let reference = starknet_crypto::sign(&d, &reference_hash, &k).unwrap();
        assert_eq!(
            (signed.signature.r, signed.signature.s),
            (reference.r, reference.s),
            "round {round}"
        );
        assert!(verify_signature(signer.public_key(), signed.hash, &signed.signature).unwrap());
        let id = format!("{}{:012}", rng.next(), rng.next() % 1_000_000_000_000);
        let modify = signer.sign_modify_order(&order, &id).unwrap();
        assert_eq!(
            modify.hash,
            ctx.modify_order_hash(&order, &id).unwrap(),
            "round {round}"
        );
    }
}

#[test]
fn bad_inputs_are_errors() {
    let v = &vectors("orders.json")[0];
    let signer = signer_for(v);
    let template = signer
        .order_template("ETH-USD-PERP", OrderSide::Buy, "LIMIT")
        .unwrap();
    assert!(signer.sign_order_with(&template, 1, -1, 1).is_err());
    assert!(
        signer
            .order_template(
                "THIS-MARKET-NAME-IS-LONGER-THAN-31",
                OrderSide::Buy,
                "LIMIT"
            )
            .is_err()
    );
    let order = OrderMessage::new(1, "ETH-USD-PERP", OrderSide::Buy, "LIMIT", 1, 1).unwrap();
    assert!(signer.sign_modify_order(&order, "0x12").is_err());
    assert!(signer.sign_hash(Felt::MAX).is_err());
    assert!(!format!("{signer:?}").contains("1234567890abcdef1234"));
}
