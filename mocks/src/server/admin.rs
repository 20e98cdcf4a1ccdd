//! `/admin`: fault injection and restart over HTTP, for tests in other processes.
//!
//! * `GET /admin/faults` → `{"faults":[{"id":1,"kind":…},…]}`
//! * `POST /admin/faults` with one fault object or an array → `{"ids":[…]}` (400 on a bad spec)
//! * `DELETE /admin/faults` → clears all; `DELETE /admin/faults/{id}` → one (404 if unknown)
//! * `POST /admin/restart` with optional `{"down_ms":N}` → 202; the server closes every
//!   connection, waits `down_ms`, and serves again on the same port with the same state.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};
use tokio::sync::mpsc;

use super::Control;
use crate::faults::{FaultSpec, Faults};

#[derive(Clone)]
struct AdminState {
    faults: Arc<Faults>,
    control: mpsc::Sender<Control>,
}

/// The admin routes.
pub(crate) fn router(faults: Arc<Faults>, control: mpsc::Sender<Control>) -> Router {
    Router::new()
        .route("/admin/faults", get(list).post(install).delete(clear))
        .route("/admin/faults/{id}", delete(remove))
        .route("/admin/restart", post(restart))
        .with_state(AdminState { faults, control })
}

async fn list(State(state): State<AdminState>) -> Json<Value> {
    Json(json!({ "faults": state.faults.list() }))
}

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    Many(Vec<FaultSpec>),
    One(FaultSpec),
}

async fn install(State(state): State<AdminState>, body: axum::body::Bytes) -> Response {
    let specs = match serde_json::from_slice::<OneOrMany>(&body) {
        Ok(OneOrMany::Many(specs)) => specs,
        Ok(OneOrMany::One(spec)) => vec![spec],
        Err(e) => return bad_request(&format!("not a fault spec: {e}")),
    };
    let mut ids = Vec::with_capacity(specs.len());
    for spec in specs {
        match state.faults.install(spec) {
            Ok(id) => ids.push(id),
            Err(e) => return bad_request(&e.to_string()),
        }
    }
    Json(json!({ "ids": ids })).into_response()
}

async fn clear(State(state): State<AdminState>) -> Json<Value> {
    state.faults.clear();
    Json(json!({ "cleared": true }))
}

async fn remove(State(state): State<AdminState>, Path(id): Path<u64>) -> Response {
    if state.faults.remove(id) {
        Json(json!({ "removed": id })).into_response()
    } else {
        (
            StatusCode::NOT_FOUND,
            Json(json!({ "error": "NOT_FOUND", "message": "no such fault" })),
        )
            .into_response()
    }
}

#[derive(Deserialize, Default)]
struct RestartRequest {
    #[serde(default)]
    down_ms: u64,
}

async fn restart(State(state): State<AdminState>, body: axum::body::Bytes) -> Response {
    let request = if body.is_empty() {
        RestartRequest::default()
    } else {
        match serde_json::from_slice::<RestartRequest>(&body) {
            Ok(request) => request,
            Err(e) => return bad_request(&format!("not a restart request: {e}")),
        }
    };
    let down = Duration::from_millis(request.down_ms);
    // Not awaited: this request is served by the generation the restart stops.
    let sent = state
        .control
        .try_send(Control::Restart { down, done: None });
    if sent.is_err() {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({ "error": "SERVICE_UNAVAILABLE", "message": "server is stopping" })),
        )
            .into_response();
    }
    (
        StatusCode::ACCEPTED,
        Json(json!({ "restarting": true, "down_ms": request.down_ms })),
    )
        .into_response()
}

fn bad_request(message: &str) -> Response {
    (
        StatusCode::BAD_REQUEST,
        Json(json!({ "error": "VALIDATION_ERROR", "message": message })),
    )
        .into_response()
}
