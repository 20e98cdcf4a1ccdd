//! The REST fault middleware layered around the REST router.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::{Faults, RestAction};

/// `axum::middleware::from_fn_with_state(faults, rest_fault_layer)`: applies the first
/// matching REST fault to each request.
pub async fn rest_fault_layer(
    State(faults): State<Arc<Faults>>,
    request: Request,
    next: Next,
) -> Response {
    match faults.take_rest(request.uri().path()) {
        None => next.run(request).await,
        Some(RestAction::Delay(delay)) => {
            tokio::time::sleep(delay).await;
            next.run(request).await
        }
        Some(RestAction::DelayResponse(delay)) => {
            // Run the handler to completion in its own task, so a client that gives up (and
            // closes the connection) cannot cancel the execution, only miss the answer.
            let served = tokio::spawn(next.run(request));
            tokio::time::sleep(delay).await;
            served
                .await
                .unwrap_or_else(|_| error_response(StatusCode::INTERNAL_SERVER_ERROR))
        }
        Some(RestAction::Timeout(hang)) => {
            tokio::time::sleep(hang).await;
            error_response(StatusCode::SERVICE_UNAVAILABLE)
        }
        Some(RestAction::Status(status)) => {
            error_response(StatusCode::from_u16(status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE))
        }
    }
}

/// A Paradex-shaped error body (`{"error","message"}`); 429 also carries the rate-limit
/// headers the SDK reads.
fn error_response(status: StatusCode) -> Response {
    let code = match status {
        StatusCode::TOO_MANY_REQUESTS => "RATE_LIMIT_EXCEEDED",
        StatusCode::SERVICE_UNAVAILABLE => "SERVICE_UNAVAILABLE",
        _ => "INTERNAL_ERROR",
    };
    let body =
        json!({ "error": code, "message": format!("injected fault: HTTP {}", status.as_u16()) });
    let mut response = (status, axum::Json(body)).into_response();
    if status == StatusCode::TOO_MANY_REQUESTS {
        let headers = response.headers_mut();
        for (name, value) in [
            ("x-ratelimit-limit", "0"),
            ("x-ratelimit-remaining", "0"),
            ("x-ratelimit-reset", "1"),
            ("x-ratelimit-window", "1s"),
        ] {
            headers.insert(name, HeaderValue::from_static(value));
        }
    }
    response
}
