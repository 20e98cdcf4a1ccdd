//! The official SDK's signing vectors (`../shared/paradex/vectors`) are accepted by the mock's
//! checks, and every tampered variant is rejected.

use std::path::PathBuf;

use paradex_mock::auth::{AuthError, AuthService, derive_account_address};
use paradex_mock::exchange::ExchangeConfig;
use paradex_proto::typed_data::{OrderMessage, OrderSide};
use serde_json::Value;

fn vectors(name: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/paradex/vectors")
        .join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    serde_json::from_str(&text).expect("vector file is JSON")
}

fn service(chain_id: &str) -> AuthService {
    AuthService::new(&ExchangeConfig {
        chain_id: chain_id.to_owned(),
        ..ExchangeConfig::default()
    })
}

fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key} is not a string in {v}"))
}

/// Swaps r and s, or changes the last digit of r: both must fail.
fn tampered_signatures(signature: &Value) -> Vec<String> {
    let (r, s_) = (s(signature, "r"), s(signature, "s"));
    let mut bumped = r.to_owned();
    let last = bumped.pop().unwrap();
    bumped.push(if last == '1' { '2' } else { '1' });
    vec![
        format!("[\"{s_}\",\"{r}\"]"),
        format!("[\"{bumped}\",\"{s_}\"]"),
    ]
}

fn order_message(body: &Value) -> OrderMessage {
    OrderMessage::from_request(
        body["signature_timestamp"].as_u64().unwrap(),
        s(body, "market"),
        OrderSide::from_wire(s(body, "side")).unwrap(),
        s(body, "type"),
        s(body, "size"),
        body["price"].as_str().unwrap_or(""),
    )
    .unwrap()
}

#[test]
fn order_vectors_verify_and_tampering_fails() {
    let file = vectors("orders.json");
    let all = file["vectors"].as_array().unwrap();
    assert_eq!(all.len(), 6);
    for vector in all {
        let inputs = &vector["inputs"];
        let auth = service(s(inputs, "starknet_chain_id"));
        let (account, key) = (s(inputs, "account_address"), s(inputs, "l2_public_key"));
        let body = &vector["rest_body_as_sdk_sends"];
        let message = order_message(body);
        let wire = s(body, "signature");
        let alt = &vector["signature"]["alt_seed_none"];
        let alt_wire = format!("[\"{}\",\"{}\"]", s(alt, "r"), s(alt, "s"));
        let check = |sig: &str, msg: &OrderMessage| match body["id"].as_str() {
            Some(id) => auth.verify_modify_signature(account, key, msg, id, sig),
            None => auth.verify_order_signature(account, key, msg, sig),
        };
        let name = s(vector, "name");
        check(wire, &message).unwrap_or_else(|e| panic!("{name}: {e}"));
        check(&alt_wire, &message).unwrap_or_else(|e| panic!("{name} (seed None): {e}"));
        for bad in tampered_signatures(&vector["signature"]) {
            assert_eq!(
                check(&bad, &message),
                Err(AuthError::InvalidOrderSignature),
                "{name}"
            );
        }
        // A different size or a wrong chain must not verify either.
        let mut other = body.clone();
        other["size"] = Value::from("7");
        assert_eq!(
            check(wire, &order_message(&other)),
            Err(AuthError::InvalidOrderSignature),
            "{name}"
        );
        let other_chain = if s(inputs, "chain") == "mainnet" {
            "PRIVATE_SN_POTC_SEPOLIA"
        } else {
            "PRIVATE_SN_PARACLEAR_MAINNET"
        };
        let wrong = service(other_chain);
        assert!(
            wrong
                .verify_order_signature(account, key, &message, wire)
                .is_err(),
            "{name}"
        );
        assert_eq!(
            check("not a signature", &message),
            Err(AuthError::InvalidOrderSignature)
        );
    }
}

#[test]
fn modify_vector_does_not_verify_as_a_plain_order() {
    let file = vectors("orders.json");
    let vector = file["vectors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["rest_body_as_sdk_sends"]["id"].is_string())
        .unwrap();
    let inputs = &vector["inputs"];
    let auth = service(s(inputs, "starknet_chain_id"));
    let body = &vector["rest_body_as_sdk_sends"];
    let result = auth.verify_order_signature(
        s(inputs, "account_address"),
        s(inputs, "l2_public_key"),
        &order_message(body),
        s(body, "signature"),
    );
    assert_eq!(result, Err(AuthError::InvalidOrderSignature));
}

#[test]
fn auth_vectors_verify_and_tampering_fails() {
    let file = vectors("auth.json");
    for vector in file["vectors"].as_array().unwrap() {
        let inputs = &vector["inputs"];
        let auth = service(s(inputs, "starknet_chain_id"));
        let headers = &vector["http"]["headers"];
        let (account, key) = (
            s(headers, "PARADEX-STARKNET-ACCOUNT"),
            s(inputs, "l2_public_key"),
        );
        let ts: u64 = s(headers, "PARADEX-TIMESTAMP").parse().unwrap();
        let exp: u64 = s(headers, "PARADEX-SIGNATURE-EXPIRATION").parse().unwrap();
        let wire = s(headers, "PARADEX-STARKNET-SIGNATURE");
        auth.verify_auth_signature(account, key, wire, ts, exp)
            .unwrap();
        // The window rule accepts the vector at its own signing time.
        assert_eq!(AuthService::check_auth_window(ts, Some(exp), ts), Ok(exp));
        for bad in tampered_signatures(&vector["signature"]) {
            assert_eq!(
                auth.verify_auth_signature(account, key, &bad, ts, exp),
                Err(AuthError::SignatureMismatch)
            );
        }
        assert_eq!(
            auth.verify_auth_signature(account, key, wire, ts + 1, exp),
            Err(AuthError::SignatureMismatch)
        );
        assert_eq!(
            auth.verify_auth_signature(account, key, wire, ts, exp + 1),
            Err(AuthError::SignatureMismatch)
        );
        assert_eq!(
            auth.verify_auth_signature(account, key, "[1,2", ts, exp),
            Err(AuthError::MalformedSignature)
        );
        // Signed today, the same headers are stale.
        assert!(AuthService::check_auth_window(ts, Some(exp), exp + 1).is_err());
    }
}

#[test]
fn onboarding_vectors_verify_and_tampering_fails() {
    let file = vectors("onboarding.json");
    for vector in file["vectors"].as_array().unwrap() {
        let inputs = &vector["inputs"];
        let auth = service(s(inputs, "starknet_chain_id"));
        let headers = &vector["http"]["headers"];
        let account = s(headers, "PARADEX-STARKNET-ACCOUNT");
        let key = s(&vector["http"]["body"], "public_key");
        let wire = s(headers, "PARADEX-STARKNET-SIGNATURE");
        auth.verify_onboarding_signature(account, key, wire)
            .unwrap();
        for bad in tampered_signatures(&vector["signature"]) {
            assert_eq!(
                auth.verify_onboarding_signature(account, key, &bad),
                Err(AuthError::SignatureMismatch)
            );
        }
        assert!(
            auth.verify_onboarding_signature("0x1234", key, wire)
                .is_err(),
            "other account"
        );
    }
}

#[test]
fn account_address_derivation_matches_the_sdk() {
    let keys = vectors("keys.json");
    let l2 = &keys["l2_key"];
    let derivation = &l2["address_derivation"];
    let class = derivation["paraclear_account_hash (implementation passed to initialize)"]
        .as_str()
        .unwrap();
    let proxy = derivation["paraclear_account_proxy_hash (class_hash deployed)"]
        .as_str()
        .unwrap();
    let address = derive_account_address(s(l2, "l2_public_key"), class, proxy).unwrap();
    assert_eq!(format!("{address:#x}"), s(l2, "l2_address"));
    let other = derive_account_address("0x1234", class, proxy).unwrap();
    assert_ne!(format!("{other:#x}"), s(l2, "l2_address"));
}

#[test]
fn configured_token_lifetime_bounds_validity() {
    let auth = service("PRIVATE_SN_POTC_SEPOLIA").with_token_ttl(2);
    let account = "0x1234";
    let now = paradex_mock::auth::unix_now_secs();
    let fresh = auth.issue_token_at(account, now);
    assert!(auth.verify_bearer_at(&fresh, now + 1).is_ok());
    assert!(
        auth.verify_bearer_at(&fresh, now + 3).is_err(),
        "a 2 s token must be refused 3 s later"
    );
}
