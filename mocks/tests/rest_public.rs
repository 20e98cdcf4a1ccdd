//! Public REST endpoints, onboarding and auth against the samples; token rejection; 429.

mod rest_common;

use axum::http::{Method, StatusCode};
use base64::Engine as _;
use paradex_mock::exchange::Side;
use paradex_mock::exchange::num::parse;
use paradex_mock::rest::RestSettings;
use rest_common::*;
use serde_json::{Value, json};

#[tokio::test]
async fn public_endpoints_match_the_samples() {
    let m = mock(false, RestSettings::default());
    let btc = "BTC-USD-PERP";
    m.exchange
        .set_maker_quotes(
            btc,
            &[lvl("64990", "0.5"), lvl("64980", "1")],
            &[lvl("65010", "0.4")],
        )
        .unwrap();
    m.exchange
        .submit_aggressor(btc, Side::Buy, parse("0.1").unwrap())
        .unwrap();
    m.exchange
        .apply_funding(btc, parse("0.0001").unwrap(), parse("0.00005").unwrap())
        .unwrap();

    let cases = [
        ("/v1/system/time", "rest_system_time.json"),
        ("/v1/system/state", "rest_system_state.json"),
        ("/v1/system/config", "rest_system_config_testnet.json"),
        ("/v1/markets", "rest_markets.json"),
        ("/v1/markets?market=BTC-USD-PERP", "rest_markets.json"),
        (
            "/v1/markets/summary?market=ALL",
            "rest_markets_summary.json",
        ),
        ("/v1/orderbook/BTC-USD-PERP?depth=5", "rest_orderbook.json"),
        ("/v1/bbo/BTC-USD-PERP", "rest_bbo.json"),
        ("/v1/trades?market=BTC-USD-PERP", "rest_trades.json"),
        (
            "/v1/funding/data?market=BTC-USD-PERP",
            "rest_funding_data.json",
        ),
        (
            &format!("/v1/onboarding?account_signer_type=starknet&public_key={PUBLIC_KEY}"),
            "rest_onboarding_get.json",
        ),
    ];
    for (uri, file) in cases {
        let (status, body) = get(&m.app, uri, None).await;
        expect(status, &body, StatusCode::OK);
        assert_shape(&sample(file), &body, uri);
    }

    let (_, book) = get(&m.app, "/v1/orderbook/BTC-USD-PERP", None).await;
    assert_eq!(book["bids"], json!([["64990", "0.5"], ["64980", "1"]]));
    assert_eq!(book["asks"], json!([["65010", "0.3"]]));
    let (_, bbo) = get(&m.app, "/v1/bbo/BTC-USD-PERP", None).await;
    assert_eq!(
        (bbo["bid"].as_str(), bbo["ask_size"].as_str()),
        (Some("64990"), Some("0.3"))
    );
    assert_eq!(bbo["seq_no"], book["seq_no"]);
    let (_, trades) = get(&m.app, "/v1/trades?market=BTC-USD-PERP", None).await;
    assert_eq!(trades["results"][0]["price"], "65010");
    assert_eq!(trades["results"][0]["side"], "BUY");
    let (_, time) = get(&m.app, "/v1/system/time", None).await;
    assert!(
        time["server_time"]
            .as_str()
            .unwrap()
            .parse::<u64>()
            .unwrap()
            > 1_700_000_000_000
    );
    let (_, onboarding) = get(
        &m.app,
        &format!("/v1/onboarding?public_key={PUBLIC_KEY}"),
        None,
    )
    .await;
    assert_eq!(
        (
            onboarding["address"].as_str(),
            onboarding["exists"].as_bool()
        ),
        (Some(ADDRESS), Some(false))
    );
}

#[tokio::test]
async fn public_errors_have_the_api_error_shape() {
    let m = mock(false, RestSettings::default());
    let cases = [
        (
            "/v1/orderbook/NOPE-USD-PERP",
            StatusCode::NOT_FOUND,
            "MARKET_NOT_FOUND",
        ),
        (
            "/v1/markets?market=NOPE",
            StatusCode::NOT_FOUND,
            "MARKET_NOT_FOUND",
        ),
        (
            "/v1/markets/summary",
            StatusCode::BAD_REQUEST,
            "INVALID_REQUEST_PARAMETER",
        ),
        (
            "/v1/trades?market=BTC-USD-PERP&page_size=1001",
            StatusCode::BAD_REQUEST,
            "INVALID_REQUEST_PARAMETER",
        ),
        (
            "/v1/trades?market=BTC-USD-PERP&cursor=%25%25",
            StatusCode::BAD_REQUEST,
            "INVALID_REQUEST_PARAMETER",
        ),
        (
            "/v1/orderbook/BTC-USD-PERP?depth=x",
            StatusCode::BAD_REQUEST,
            "INVALID_REQUEST_PARAMETER",
        ),
    ];
    for (uri, status, code) in cases {
        let (got, body) = get(&m.app, uri, None).await;
        assert_eq!(got, status, "{uri}: {body}");
        assert_eq!(body["error"], code, "{uri}");
        assert_shape(&sample("rest_error_not_onboarded.json"), &body, uri);
    }
}

#[tokio::test]
async fn onboarding_with_the_sdk_vector_then_auth() {
    let m = mock(false, RestSettings::default());
    let vector = &serde_json::from_str::<Value>(
        &std::fs::read_to_string(
            std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../../shared/paradex/vectors/onboarding.json"),
        )
        .unwrap(),
    )
    .unwrap()["vectors"][0]["http"];
    let headers: Vec<(String, String)> = vector["headers"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
        .collect();

    // Before onboarding, auth is refused.
    let (status, _, body) = call(
        &m.app,
        Method::POST,
        "/v1/auth",
        None,
        &auth_headers(),
        None,
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("NOT_ONBOARDED"))
    );

    // A tampered signature is refused.
    let mut bad = headers.clone();
    for (name, value) in &mut bad {
        if name == "PARADEX-STARKNET-SIGNATURE" {
            let parts: Vec<String> = serde_json::from_str(value).unwrap();
            *value = format!("[\"{}\",\"{}\"]", parts[1], parts[0]);
        }
    }
    let (status, _, body) = call(
        &m.app,
        Method::POST,
        "/v1/onboarding",
        None,
        &bad,
        Some(&vector["body"]),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    assert_eq!(body["error"], "STARKNET_SIGNATURE_VERIFICATION_FAILED");

    let (status, _, body) = call(
        &m.app,
        Method::POST,
        "/v1/onboarding",
        None,
        &headers,
        Some(&vector["body"]),
    )
    .await;
    expect(status, &body, StatusCode::OK);
    assert_eq!(body, Value::Null, "empty body");
    let (_, _, again) = call(
        &m.app,
        Method::POST,
        "/v1/onboarding",
        None,
        &headers,
        Some(&vector["body"]),
    )
    .await;
    assert_eq!(again, Value::Null, "idempotent");
    let (_, onboarding) = get(
        &m.app,
        &format!("/v1/onboarding?public_key={PUBLIC_KEY}"),
        None,
    )
    .await;
    assert_eq!(onboarding["exists"], true);

    // Both auth paths issue a 5-minute JWT for the account.
    let (status, _, body) = call(
        &m.app,
        Method::POST,
        "/v1/auth",
        None,
        &auth_headers(),
        None,
    )
    .await;
    expect(status, &body, StatusCode::OK);
    assert_shape(&sample("rest_auth_response.json"), &body, "auth");
    let token = login(&m.app).await;
    let payload = token.split('.').nth(1).unwrap();
    let claims: Value = serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload)
            .unwrap(),
    )
    .unwrap();
    assert_eq!(
        claims["exp"].as_u64().unwrap() - claims["iat"].as_u64().unwrap(),
        300
    );
    assert_eq!(
        (claims["sub"].as_str(), claims["typ"].as_str()),
        (Some(ADDRESS), Some("at+JWT"))
    );
    let (status, account) = get(&m.app, "/v1/account", Some(&token)).await;
    expect(status, &account, StatusCode::OK);
    assert_eq!(account["total_collateral"], "100000");
}

#[tokio::test]
async fn auth_rejects_bad_headers_and_signatures() {
    let m = mock(true, RestSettings::default());
    let with = |name: &str, value: Option<&str>| {
        let mut headers = auth_headers();
        headers.retain(|(n, _)| n != name);
        if let Some(value) = value {
            headers.push((name.to_owned(), value.to_owned()));
        }
        headers
    };
    let now = paradex_mock::auth::unix_now_secs();
    let cases = [
        (
            with("PARADEX-STARKNET-SIGNATURE", None),
            StatusCode::BAD_REQUEST,
            "INVALID_REQUEST_PARAMETER",
        ),
        (
            with("PARADEX-TIMESTAMP", Some("soon")),
            StatusCode::BAD_REQUEST,
            "INVALID_REQUEST_PARAMETER",
        ),
        (
            with("PARADEX-STARKNET-SIGNATURE", Some("[\"1\"]")),
            StatusCode::BAD_REQUEST,
            "INVALID_STARKNET_SIGNATURE",
        ),
        (
            with("PARADEX-STARKNET-SIGNATURE", Some("[\"1\",\"2\"]")),
            StatusCode::UNAUTHORIZED,
            "STARKNET_SIGNATURE_VERIFICATION_FAILED",
        ),
        // The signature covers the timestamp: moving it breaks the signature.
        (
            with("PARADEX-TIMESTAMP", Some(&(now - 1).to_string())),
            StatusCode::UNAUTHORIZED,
            "STARKNET_SIGNATURE_VERIFICATION_FAILED",
        ),
        (
            with("PARADEX-TIMESTAMP", Some(&(now + 3600).to_string())),
            StatusCode::BAD_REQUEST,
            "INVALID_TIMESTAMP",
        ),
        (
            with("PARADEX-SIGNATURE-EXPIRATION", Some(&(now - 1).to_string())),
            StatusCode::BAD_REQUEST,
            "INVALID_SIGNATURE_EXPIRATION",
        ),
        (
            with("PARADEX-STARKNET-ACCOUNT", Some("0x1234")),
            StatusCode::UNAUTHORIZED,
            "NOT_ONBOARDED",
        ),
    ];
    for (headers, status, code) in cases {
        let (got, _, body) = call(&m.app, Method::POST, "/v1/auth", None, &headers, None).await;
        assert_eq!(
            (got, body["error"].as_str()),
            (status, Some(code)),
            "{body}"
        );
    }
    let (status, _, body) = call(
        &m.app,
        Method::POST,
        "/v1/auth/0x1234",
        None,
        &auth_headers(),
        None,
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("PUBLIC_KEY_INVALID"))
    );
}

#[tokio::test]
async fn private_endpoints_reject_missing_bad_and_expired_tokens() {
    let m = mock(true, RestSettings::default());
    let (status, body) = get(&m.app, "/v1/account", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        body,
        sample("rest_error_invalid_token.json"),
        "the exact observed body"
    );

    let good = login(&m.app).await;
    let expired = m
        .auth
        .issue_token_at(ADDRESS, paradex_mock::auth::unix_now_secs() - 301);
    let foreign = {
        let other = mock(true, RestSettings::default());
        other.auth.issue_token(ADDRESS)
    };
    let tampered = format!("{good}x");
    for token in [expired.as_str(), foreign.as_str(), tampered.as_str(), "abc"] {
        for uri in ["/v1/account", "/v1/orders", "/v1/fills", "/v1/positions"] {
            let (status, body) = get(&m.app, uri, Some(token)).await;
            assert_eq!(
                (status, body["error"].as_str()),
                (StatusCode::UNAUTHORIZED, Some("INVALID_TOKEN")),
                "{uri}"
            );
        }
    }
    // Like Paradex, the token is checked before routing.
    let (status, body) = get(&m.app, "/v1/nothing/here", None).await;
    assert_eq!(
        (status, body),
        (
            StatusCode::UNAUTHORIZED,
            sample("rest_error_invalid_token.json")
        )
    );
    let (status, body) = get(&m.app, "/v1/nothing/here", Some(&good)).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::NOT_FOUND, Some("NOT_FOUND"))
    );
    // Signed for an account the exchange does not know.
    let stranger = m.auth.issue_token("0x99");
    let (status, body) = get(&m.app, "/v1/account", Some(&stranger)).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("NOT_ONBOARDED"))
    );
    let (status, _) = get(&m.app, "/v1/account", Some(&good)).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn rate_limit_answers_429_with_headers() {
    let m = mock(
        true,
        RestSettings {
            rate_limit_per_min: 3,
        },
    );
    for remaining in ["2", "1", "0"] {
        let (status, headers, _) =
            call(&m.app, Method::GET, "/v1/system/state", None, &[], None).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(headers["x-ratelimit-remaining"], remaining);
        assert_eq!(headers["x-ratelimit-limit"], "3");
    }
    let (status, headers, body) =
        call(&m.app, Method::GET, "/v1/system/state", None, &[], None).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(body["error"], "RATE_LIMIT_EXCEEDED");
    for name in [
        "x-ratelimit-limit",
        "x-ratelimit-remaining",
        "x-ratelimit-reset",
        "x-ratelimit-window",
        "retry-after",
    ] {
        assert!(headers.contains_key(name), "{name}");
    }
    // An account has its own bucket, whichever of its JWTs it sends.
    let first = m.auth.issue_token(ADDRESS);
    let second = m
        .auth
        .issue_token_at(ADDRESS, paradex_mock::auth::unix_now_secs() - 1);
    for token in [&first, &second, &first] {
        let (status, _) = get(&m.app, "/v1/account", Some(token)).await;
        assert_eq!(status, StatusCode::OK);
    }
    let (status, _) = get(&m.app, "/v1/account", Some(&second)).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
}
