//! Order operations: create (single and batch), modify, and every form of cancel.

use http::Method;
use paradex_proto::decimal::{SCALE, parse_scaled_truncating};
use paradex_proto::typed_data::OrderMessage;

use super::auth::unix_ms;
use super::client::{NewOrder, RestClient, Retry};
use super::error::{RestError, RestResult};
use super::models::{
    BatchResponse, CancelResult, ModifyRequest, OrderRequest, OrderResp, Results, side_wire,
};
use super::queries::encode;
use crate::state::OrderUpdate;

fn scaled(value: &str, what: &str) -> RestResult<i64> {
    parse_scaled_truncating(value, SCALE)
        .map_err(|e| RestError::Invalid(format!("{what} {value:?}: {e}")))
}

impl RestClient {
    /// Signs an order (fast path: a per-(market, side, type) template is cached).
    ///
    /// # Errors
    /// Malformed size/price, a market or type that is not a short string, or a client id over
    /// 64 characters.
    pub fn sign_order(&self, order: &NewOrder) -> RestResult<OrderRequest> {
        if order.client_id.is_empty() || order.client_id.len() > 64 {
            return Err(RestError::Invalid(
                "client_id must be 1..=64 characters".into(),
            ));
        }
        let size = scaled(&order.size, "size")?;
        let price = order
            .price
            .as_deref()
            .map(|p| scaled(p, "price"))
            .transpose()?
            .unwrap_or(0);
        let key = (order.market.clone(), order.side, order.order_type.clone());
        let template = {
            let mut cache = self
                .templates
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            match cache.get(&key) {
                Some(t) => t.clone(),
                None => {
                    let t = self.creds.signer.order_template(
                        &order.market,
                        order.side,
                        &order.order_type,
                    )?;
                    cache.insert(key, t.clone());
                    t
                }
            }
        };
        let timestamp = unix_ms();
        let signed = self
            .creds
            .signer
            .sign_order_with(&template, timestamp, size, price)?;
        Ok(OrderRequest {
            market: order.market.clone(),
            side: side_wire(order.side),
            order_type: order.order_type.clone(),
            size: order.size.clone(),
            price: order.price.clone(),
            instruction: order.instruction.clone(),
            client_id: order.client_id.clone(),
            signature: signed.signature.to_wire(),
            signature_timestamp: timestamp,
            flags: order.flags.clone(),
            trigger_price: order.trigger_price.clone(),
            recv_window: self.config.recv_window_ms,
        })
    }

    /// `POST /orders`. A timeout, 5xx or 429 is retried with the same signed body (same client
    /// id); if the first attempt had in fact gone through, the exchange answers
    /// `DUPLICATED_CLIENT_ID` and the order is fetched by client id instead. A timeout can
    /// therefore never create two orders.
    ///
    /// # Errors
    /// The exchange's rejection, or the last failure once retries are exhausted (the order's
    /// fate is then unknown: reconcile).
    pub async fn create_order(&self, order: &NewOrder) -> RestResult<OrderUpdate> {
        let request = self.sign_order(order)?;
        let body = serde_json::to_vec(&request).map_err(|e| RestError::Invalid(e.to_string()))?;
        let mut ambiguous = false;
        let mut attempt = 0;
        loop {
            match self
                .call_json::<OrderResp>(
                    "order",
                    Method::POST,
                    "/v1/orders",
                    Some(body.clone()),
                    Retry::Never,
                )
                .await
            {
                Ok(resp) => return resp.to_update(),
                Err(e) if ambiguous && e.api_code() == Some("DUPLICATED_CLIENT_ID") => {
                    return self.order_by_client_id_any(&order.client_id).await;
                }
                Err(e) if e.is_retryable() && attempt < self.config.max_retries => {
                    ambiguous = true;
                    tokio::time::sleep(self.backoff(attempt)).await;
                    attempt += 1;
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// `POST /orders/batch` (1–10 orders). Not retried: on an ambiguous failure, reconcile
    /// (the client ids make the outcome findable). Returns accepted orders and per-order errors.
    ///
    /// # Errors
    /// Signing, transport or whole-batch rejection.
    pub async fn create_orders(
        &self,
        orders: &[NewOrder],
    ) -> RestResult<(Vec<OrderUpdate>, Vec<String>)> {
        if orders.is_empty() || orders.len() > 10 {
            return Err(RestError::Invalid("a batch holds 1 to 10 orders".into()));
        }
        let requests = orders
            .iter()
            .map(|o| self.sign_order(o))
            .collect::<RestResult<Vec<_>>>()?;
        let body = serde_json::to_vec(&requests).map_err(|e| RestError::Invalid(e.to_string()))?;
        let reply: BatchResponse = self
            .call_json(
                "batch",
                Method::POST,
                "/v1/orders/batch",
                Some(body),
                Retry::Never,
            )
            .await?;
        let accepted = reply
            .orders
            .iter()
            .map(OrderResp::to_update)
            .collect::<RestResult<Vec<_>>>()?;
        let errors = reply
            .errors
            .into_iter()
            .flatten()
            .map(|e| format!("{}: {}", e.error, e.message))
            .collect();
        Ok((accepted, errors))
    }

    /// `PUT /orders/{id}`: new size and price, signed as `ModifyOrder` (side and type must be
    /// the order's). Retried: re-sending the same modification is idempotent.
    ///
    /// # Errors
    /// Malformed fields or the exchange's rejection.
    pub async fn modify_order(&self, id: &str, order: &NewOrder) -> RestResult<OrderUpdate> {
        let size = scaled(&order.size, "size")?;
        let price_text = order.price.clone().unwrap_or_else(|| "0".into());
        let price = scaled(&price_text, "price")?;
        let timestamp = unix_ms();
        let message = OrderMessage::new(
            timestamp,
            &order.market,
            order.side,
            &order.order_type,
            size,
            price,
        )
        .map_err(|e| RestError::Invalid(e.to_string()))?;
        let signed = self.creds.signer.sign_modify_order(&message, id)?;
        let request = ModifyRequest {
            id: id.to_owned(),
            market: order.market.clone(),
            side: side_wire(order.side),
            order_type: order.order_type.clone(),
            size: order.size.clone(),
            price: price_text,
            signature: signed.signature.to_wire(),
            signature_timestamp: timestamp,
        };
        let body = serde_json::to_vec(&request).map_err(|e| RestError::Invalid(e.to_string()))?;
        let path = format!("/v1/orders/{}", encode(id));
        let resp: OrderResp = self
            .call_json("modify", Method::PUT, &path, Some(body), Retry::Safe)
            .await?;
        resp.to_update()
    }

    /// `DELETE /orders/{id}` (queued; confirmation comes from the stream or a query).
    ///
    /// # Errors
    /// The exchange's rejection (e.g. `ORDER_IS_CLOSED`).
    pub async fn cancel_order(&self, id: &str) -> RestResult<()> {
        let path = format!("/v1/orders/{}", encode(id));
        self.call(Method::DELETE, &path, None, true, Retry::Safe)
            .await
            .map(drop)
    }

    /// `DELETE /orders/by_client_id/{client_id}?market=…`.
    ///
    /// # Errors
    /// The exchange's rejection.
    pub async fn cancel_by_client_id(
        &self,
        client_id: &str,
        market: Option<&str>,
    ) -> RestResult<()> {
        let mut path = format!("/v1/orders/by_client_id/{}", encode(client_id));
        if let Some(m) = market {
            path.push_str(&format!("?market={}", encode(m)));
        }
        self.call(Method::DELETE, &path, None, true, Retry::Safe)
            .await
            .map(drop)
    }

    /// `DELETE /orders?market=…`: cancel all (of one market, or everything).
    ///
    /// # Errors
    /// The exchange's rejection.
    pub async fn cancel_all(&self, market: Option<&str>) -> RestResult<()> {
        let path = market.map_or_else(
            || "/v1/orders".to_owned(),
            |m| format!("/v1/orders?market={}", encode(m)),
        );
        self.call(Method::DELETE, &path, None, true, Retry::Safe)
            .await
            .map(drop)
    }

    /// `DELETE /orders/batch` by exchange ids and/or client ids.
    ///
    /// # Errors
    /// The exchange's rejection.
    pub async fn cancel_batch(
        &self,
        ids: &[String],
        client_ids: &[String],
    ) -> RestResult<Vec<CancelResult>> {
        let body = serde_json::json!({ "order_ids": ids, "client_order_ids": client_ids });
        let body = serde_json::to_vec(&body).map_err(|e| RestError::Invalid(e.to_string()))?;
        let reply: Results<CancelResult> = self
            .call_json(
                "cancel batch",
                Method::DELETE,
                "/v1/orders/batch",
                Some(body),
                Retry::Safe,
            )
            .await?;
        Ok(reply.results)
    }
}
