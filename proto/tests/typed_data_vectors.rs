//! Every signing vector of `../shared/paradex/vectors` reproduces bit for bit: encoded felts,
//! type and struct hashes, the message hash, and the SDK signature verifies (tampered inputs do
//! not).

use paradex_proto::test_vectors::{felt, load as vectors, text};
use paradex_proto::typed_data::{
    AccountContext, DOMAIN_TYPE, Felt, OrderMessage, OrderSide, StarkSignature, auth_struct_hash,
    domain_struct_hash, modify_order_struct_hash, onboarding_struct_hash, order_struct_hash,
    parse_felt, short_string, sn_keccak, verify_signature,
};
use serde_json::Value;

/// Checks everything common to all vectors and returns the context.
fn check_common(v: &Value) -> AccountContext {
    let inputs = &v["inputs"];
    let im = &v["intermediate"];
    let name = text(&v["name"]);
    assert_eq!(DOMAIN_TYPE, text(&im["domain_type_string"]), "{name}");
    assert_eq!(
        sn_keccak(DOMAIN_TYPE.as_bytes()),
        felt(&im["domain_type_hash"]),
        "{name}"
    );
    assert_eq!(
        sn_keccak(text(&im["primary_type_string"]).as_bytes()),
        felt(&im["primary_type_hash"]),
        "{name}"
    );
    let chain = short_string(text(&inputs["starknet_chain_id"])).unwrap();
    assert_eq!(
        chain,
        felt(&im["domain_encoded_fields"]["chainId"]),
        "{name}"
    );
    assert_eq!(
        parse_felt(text(&v["typed_data"]["domain"]["chainId"])).unwrap(),
        chain,
        "{name}"
    );
    assert_eq!(
        domain_struct_hash(chain),
        felt(&im["domain_struct_hash"]),
        "{name}"
    );
    assert_eq!(
        short_string("StarkNet Message").unwrap(),
        felt(&im["prefix_felt"]),
        "{name}"
    );
    let ctx = AccountContext::new(
        text(&inputs["starknet_chain_id"]),
        text(&inputs["account_address"]),
    )
    .unwrap();
    assert_eq!(ctx.domain_hash(), felt(&im["domain_struct_hash"]), "{name}");
    let hex_ctx = AccountContext::new(
        text(&v["typed_data"]["domain"]["chainId"]),
        text(&inputs["account_address"]),
    )
    .unwrap();
    assert_eq!(ctx, hex_ctx, "{name}");
    let private = felt(&inputs["l2_private_key"]);
    assert_eq!(
        starknet_crypto::get_public_key(&private),
        felt(&inputs["l2_public_key"]),
        "{name}"
    );
    ctx
}

/// The SDK signature parses, re-formats identically and verifies; tampered hashes and
/// signatures do not verify.
fn check_signature(v: &Value, hash: Felt) {
    let name = text(&v["name"]);
    let public_key = felt(&v["inputs"]["l2_public_key"]);
    let wire = text(&v["signature"]["signature_header_value"]);
    let sig = StarkSignature::from_wire(wire).unwrap();
    assert_eq!(sig.r, felt(&v["signature"]["r"]), "{name}");
    assert_eq!(sig.s, felt(&v["signature"]["s"]), "{name}");
    assert_eq!(sig.to_wire(), wire, "{name}");
    assert!(
        verify_signature(public_key, hash, &sig).unwrap(),
        "{name}: SDK signature"
    );
    assert!(
        !verify_signature(public_key, hash + Felt::ONE, &sig).unwrap(),
        "{name}: tampered hash"
    );
    let bad_s = StarkSignature {
        r: sig.r,
        s: sig.s + Felt::ONE,
    };
    assert!(
        !verify_signature(public_key, hash, &bad_s).unwrap(),
        "{name}: tampered s"
    );
    let other_key = starknet_crypto::get_public_key(&Felt::from(7u8));
    assert!(
        !verify_signature(other_key, hash, &sig).unwrap(),
        "{name}: other key"
    );
}

fn order_from_inputs(inputs: &Value) -> OrderMessage {
    let side = OrderSide::from_wire(text(&inputs["side"])).unwrap();
    OrderMessage::from_request(
        inputs["signature_timestamp_ms"].as_u64().unwrap(),
        text(&inputs["market"]),
        side,
        text(&inputs["type"]),
        text(&inputs["size"]),
        inputs["price"].as_str().unwrap_or(""),
    )
    .unwrap()
}

#[test]
fn order_vectors_reproduce() {
    let all = vectors("orders.json");
    assert_eq!(all.len(), 6);
    for v in &all {
        let name = text(&v["name"]);
        let ctx = check_common(v);
        let order = order_from_inputs(&v["inputs"]);
        let enc = &v["intermediate"]["message_encoded_fields"];
        let expected = [
            felt(&enc["timestamp"]),
            felt(&enc["market"]),
            felt(&enc["side"]),
            felt(&enc["orderType"]),
            felt(&enc["size"]),
            felt(&enc["price"]),
        ];
        assert_eq!(order.fields(), expected, "{name}: encoded fields");
        // The typed-data message strings, as the SDK passes them, encode to the same felts.
        let msg = &v["typed_data"]["message"];
        for (key, want) in ["timestamp", "market", "side", "orderType", "size", "price"]
            .iter()
            .zip(expected)
        {
            assert_eq!(
                parse_felt(text(&msg[key])).unwrap(),
                want,
                "{name}: parse_felt({key})"
            );
        }
        let struct_hash = felt(&v["intermediate"]["message_struct_hash"]);
        let hash = felt(&v["message_hash"]);
        let got = match v["inputs"]["modify_order_id"].as_str() {
            Some(id) => {
                assert_eq!(parse_felt(id).unwrap(), felt(&enc["id"]), "{name}: id");
                assert_eq!(
                    modify_order_struct_hash(&order, id).unwrap(),
                    struct_hash,
                    "{name}"
                );
                ctx.modify_order_hash(&order, id).unwrap()
            }
            None => {
                assert_eq!(order_struct_hash(&order), struct_hash, "{name}");
                ctx.order_hash(&order)
            }
        };
        assert_eq!(got, hash, "{name}: message hash");
        assert_eq!(ctx.message_hash(struct_hash), hash, "{name}");
        assert_eq!(
            Felt::from_dec_str(text(&v["message_hash_dec"])).unwrap(),
            hash,
            "{name}"
        );
        check_signature(v, hash);
    }
}

#[test]
fn tampered_order_fields_change_the_hash() {
    let v = &vectors("orders.json")[0];
    let ctx = check_common(v);
    let order = order_from_inputs(&v["inputs"]);
    let hash = felt(&v["message_hash"]);
    let public_key = felt(&v["inputs"]["l2_public_key"]);
    let sig = StarkSignature::from_wire(text(&v["signature"]["signature_header_value"])).unwrap();
    let tampered = [
        OrderMessage {
            size: order.size + Felt::ONE,
            ..order
        },
        OrderMessage {
            price: order.price + Felt::ONE,
            ..order
        },
        OrderMessage {
            side: OrderSide::Sell.felt(),
            ..order
        },
        OrderMessage {
            market: short_string("BTC-USD-PERP").unwrap(),
            ..order
        },
        OrderMessage {
            timestamp: order.timestamp + Felt::ONE,
            ..order
        },
        OrderMessage {
            order_type: short_string("MARKET").unwrap(),
            ..order
        },
    ];
    for t in tampered {
        let h = ctx.order_hash(&t);
        assert_ne!(h, hash);
        assert!(!verify_signature(public_key, h, &sig).unwrap());
    }
    // Signing as Order what should be a ModifyOrder gives another hash.
    assert_ne!(ctx.modify_order_hash(&order, "1").unwrap(), hash);
    // Same order on the other chain or another account.
    let mainnet = AccountContext::new(
        "PRIVATE_SN_PARACLEAR_MAINNET",
        text(&v["inputs"]["account_address"]),
    )
    .unwrap();
    assert_ne!(mainnet.order_hash(&order), hash);
    let other = AccountContext::from_felts(ctx.chain_id(), ctx.account() + Felt::ONE);
    assert_ne!(other.order_hash(&order), hash);
}

#[test]
fn auth_vectors_reproduce() {
    let all = vectors("auth.json");
    assert_eq!(all.len(), 2);
    for v in &all {
        let name = text(&v["name"]);
        let ctx = check_common(v);
        let ts = v["inputs"]["timestamp_s"].as_u64().unwrap();
        let exp = v["inputs"]["expiration_s"].as_u64().unwrap();
        let headers = &v["http"]["headers"];
        assert_eq!(
            text(&headers["PARADEX-TIMESTAMP"]),
            ts.to_string(),
            "{name}"
        );
        assert_eq!(
            text(&headers["PARADEX-SIGNATURE-EXPIRATION"]),
            exp.to_string(),
            "{name}"
        );
        let enc = &v["intermediate"]["message_encoded_fields"];
        for (key, value) in [("method", "POST"), ("path", "/v1/auth"), ("body", "")] {
            assert_eq!(parse_felt(value).unwrap(), felt(&enc[key]), "{name}: {key}");
        }
        assert_eq!(
            auth_struct_hash(ts, exp),
            felt(&v["intermediate"]["message_struct_hash"]),
            "{name}"
        );
        let hash = felt(&v["message_hash"]);
        assert_eq!(ctx.auth_hash(ts, exp), hash, "{name}");
        assert_ne!(
            ctx.auth_hash(ts + 1, exp),
            hash,
            "{name}: tampered timestamp"
        );
        assert_ne!(
            ctx.auth_hash(ts, exp + 1),
            hash,
            "{name}: tampered expiration"
        );
        check_signature(v, hash);
        assert_eq!(
            text(&headers["PARADEX-STARKNET-SIGNATURE"]),
            text(&v["signature"]["signature_header_value"])
        );
    }
}

#[test]
fn onboarding_vectors_reproduce() {
    let all = vectors("onboarding.json");
    assert_eq!(all.len(), 2);
    for v in &all {
        let name = text(&v["name"]);
        let ctx = check_common(v);
        assert_eq!(
            parse_felt("Onboarding").unwrap(),
            felt(&v["intermediate"]["message_encoded_fields"]["action"]),
            "{name}"
        );
        assert_eq!(
            onboarding_struct_hash(),
            felt(&v["intermediate"]["message_struct_hash"]),
            "{name}"
        );
        let hash = felt(&v["message_hash"]);
        assert_eq!(ctx.onboarding_hash(), hash, "{name}");
        check_signature(v, hash);
    }
}
