//! Order operations: create (single and batch), modify, and every form of cancel.

use bytes::Bytes;
use http::Method;
use paradex_proto::decimal::{SCALE, parse_scaled_truncating};
use paradex_proto::typed_data::OrderMessage;

use super::auth::{unix_ms, unix_ns};
use super::client::{NewOrder, RestClient, Retry};
use super::error::{RestError, RestResult};
use super::models::{
    BatchResponse, CancelResult, ModifyRequest, OrderRequest, OrderResp, Results, decode, side_wire,
};
use super::queries::encode;
use crate::state::OrderUpdate;
use serde_json::value::RawValue;

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
        decode_order(&self.create_order_raw(order).await?.body)
    }

    /// [`Self::create_order`], returning the exchange's order JSON as sent and when the
    /// request was first written.
    ///
    /// # Errors
    /// As [`Self::create_order`].
    pub async fn create_order_raw(&self, order: &NewOrder) -> RestResult<SentOrder> {
        let request = self.sign_order(order)?;
        let body = serde_json::to_vec(&request).map_err(|e| RestError::Invalid(e.to_string()))?;
        let mut resent = false;
        let sent_at_ns = unix_ns();
        let reply = self
            .call_tracked(
                Method::POST,
                "/v1/orders",
                Some(body),
                true,
                Retry::Safe,
                &mut resent,
            )
            .await;
        let body = match reply {
            Err(e) if resent && e.api_code() == Some("DUPLICATED_CLIENT_ID") => {
                self.order_by_client_id_any_raw(&order.client_id).await?
            }
            other => other?,
        };
        Ok(SentOrder { body, sent_at_ns })
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
        let reply: BatchResponse = serde_json::from_slice(&self.create_orders_bytes(orders).await?)
            .map_err(|e| decode("batch", e.to_string()))?;
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

    /// [`Self::create_orders`] with one outcome per input order, in input order: the exchange's
    /// order JSON, or its error JSON (`{"error", "message"}`). Accepted orders are matched by
    /// client id; errors, which the exchange does not tag, are assigned to the remaining orders
    /// in order.
    ///
    /// # Errors
    /// As [`Self::create_orders`].
    pub async fn create_orders_raw(&self, orders: &[NewOrder]) -> RestResult<Vec<BatchItem>> {
        #[derive(serde::Deserialize)]
        struct RawBatch {
            #[serde(default)]
            orders: Vec<Box<RawValue>>,
            #[serde(default)]
            errors: Vec<Option<Box<RawValue>>>,
        }
        #[derive(serde::Deserialize)]
        struct ClientIdOnly {
            #[serde(default)]
            client_id: Option<String>,
        }
        let reply: RawBatch = serde_json::from_slice(&self.create_orders_bytes(orders).await?)
            .map_err(|e| decode("batch", e.to_string()))?;
        let mut accepted: Vec<(Option<String>, Box<RawValue>)> = reply
            .orders
            .into_iter()
            .map(|raw| {
                let id = serde_json::from_str::<ClientIdOnly>(raw.get())
                    .ok()
                    .and_then(|c| c.client_id);
                (id, raw)
            })
            .collect();
        let mut errors = reply.errors.into_iter().flatten();
        let mut items = Vec::with_capacity(orders.len());
        for order in orders {
            let found = accepted
                .iter()
                .position(|(id, _)| id.as_deref() == Some(order.client_id.as_str()));
            items.push(match found {
                Some(i) => BatchItem::Accepted(accepted.swap_remove(i).1),
                None => BatchItem::Rejected(errors.next()),
            });
        }
        Ok(items)
    }

    async fn create_orders_bytes(&self, orders: &[NewOrder]) -> RestResult<Bytes> {
        if orders.is_empty() || orders.len() > 10 {
            return Err(RestError::Invalid("a batch holds 1 to 10 orders".into()));
        }
        let requests = orders
            .iter()
            .map(|o| self.sign_order(o))
            .collect::<RestResult<Vec<_>>>()?;
        let body = serde_json::to_vec(&requests).map_err(|e| RestError::Invalid(e.to_string()))?;
        self.call(
            Method::POST,
            "/v1/orders/batch",
            Some(body),
            true,
            Retry::Never,
        )
        .await
    }

    /// `PUT /orders/{id}`: new size and price, signed as `ModifyOrder` (side and type must be
    /// the order's). Retried: re-sending the same modification is idempotent.
    ///
    /// # Errors
    /// Malformed fields or the exchange's rejection.
    pub async fn modify_order(&self, id: &str, order: &NewOrder) -> RestResult<OrderUpdate> {
        decode_order(&self.modify_order_raw(id, order).await?)
    }

    /// [`Self::modify_order`], returning the exchange's order JSON as sent.
    ///
    /// # Errors
    /// As [`Self::modify_order`].
    pub async fn modify_order_raw(&self, id: &str, order: &NewOrder) -> RestResult<Bytes> {
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
            trigger_price: order.trigger_price.clone(),
            signature: signed.signature.to_wire(),
            signature_timestamp: timestamp,
        };
        let body = serde_json::to_vec(&request).map_err(|e| RestError::Invalid(e.to_string()))?;
        let path = format!("/v1/orders/{}", encode(id));
        self.call(Method::PUT, &path, Some(body), true, Retry::Safe)
            .await
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
        let reply: Results<CancelResult> =
            serde_json::from_slice(&self.cancel_batch_raw(ids, client_ids).await?)
                .map_err(|e| decode("cancel batch", e.to_string()))?;
        Ok(reply.results)
    }

    /// [`Self::cancel_batch`], returning the exchange's reply (`{"results": [...]}`) as sent.
    ///
    /// # Errors
    /// The exchange's rejection.
    pub async fn cancel_batch_raw(
        &self,
        ids: &[String],
        client_ids: &[String],
    ) -> RestResult<Bytes> {
        let body = serde_json::json!({ "order_ids": ids, "client_order_ids": client_ids });
        let body = serde_json::to_vec(&body).map_err(|e| RestError::Invalid(e.to_string()))?;
        self.call(
            Method::DELETE,
            "/v1/orders/batch",
            Some(body),
            true,
            Retry::Safe,
        )
        .await
    }
}

/// An order sent with [`RestClient::create_order_raw`].
#[derive(Debug, Clone)]
pub struct SentOrder {
    /// The exchange's order JSON, as sent.
    pub body: Bytes,
    /// `CLOCK_REALTIME` nanoseconds just before the signed request was first written.
    pub sent_at_ns: u64,
}

/// One order's outcome in [`RestClient::create_orders_raw`].
#[derive(Debug, Clone)]
pub enum BatchItem {
    /// The exchange's order JSON.
    Accepted(Box<RawValue>),
    /// The exchange's error JSON (`{"error", "message"}`), if it sent one for this order.
    Rejected(Option<Box<RawValue>>),
}

fn decode_order(body: &[u8]) -> RestResult<OrderUpdate> {
    serde_json::from_slice::<OrderResp>(body)
        .map_err(|e| decode("order", e.to_string()))?
        .to_update()
}
