//! Order dicts from Python into [`NewOrder`]s, and the JSON shapes the order calls return.

use paradex_exec::rest::{BatchItem, NewOrder, RestError, SentOrder};
use paradex_proto::typed_data::OrderSide;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};

use crate::errors::BindingError;
use crate::exec_runtime::json_to_py;
use crate::signer::amount_text;

/// Keys an order dict may carry.
const ORDER_KEYS: &[&str] = &[
    "market",
    "side",
    "type",
    "size",
    "price",
    "client_id",
    "instruction",
    "reduce_only",
    "trigger_price",
];

fn required<'py>(order: &Bound<'py, PyDict>, key: &str) -> PyResult<Bound<'py, PyAny>> {
    order
        .get_item(key)?
        .filter(|v| !v.is_none())
        .ok_or_else(|| BindingError::Config(format!("order dict: {key:?} is required")).into())
}

fn text(order: &Bound<'_, PyDict>, key: &str) -> PyResult<String> {
    required(order, key)?
        .cast::<PyString>()
        .map_err(|_| BindingError::Config(format!("order dict: {key:?} must be a str")))?
        .to_str()
        .map(str::to_owned)
}

fn optional_amount(order: &Bound<'_, PyDict>, key: &str) -> PyResult<Option<String>> {
    match order.get_item(key)? {
        Some(v) if !v.is_none() => amount_text(&v, key).map(Some),
        _ => Ok(None),
    }
}

/// A [`NewOrder`] from `{market, side, type, size, price, client_id, instruction, reduce_only,
/// trigger_price}`. Amounts are `str`, `int` or `Decimal` (never `float`); `instruction`
/// defaults to `GTC`; `client_id` may be left out only when `client_id_optional` (modify).
pub(crate) fn new_order(order: &Bound<'_, PyDict>, client_id_optional: bool) -> PyResult<NewOrder> {
    for key in order.keys() {
        let key = key.str()?.to_string();
        if !ORDER_KEYS.contains(&key.as_str()) {
            return Err(BindingError::Config(format!(
                "order dict: unknown key {key:?} (expected some of {ORDER_KEYS:?})"
            ))
            .into());
        }
    }
    let side_text = text(order, "side")?;
    let side = OrderSide::from_wire(&side_text.to_ascii_uppercase()).map_err(|_| {
        BindingError::Config(format!(
            "order dict: side {side_text:?}: expected \"BUY\" or \"SELL\""
        ))
    })?;
    let client_id =
        if client_id_optional && order.get_item("client_id")?.is_none_or(|v| v.is_none()) {
            String::new()
        } else {
            text(order, "client_id")?
        };
    let instruction = match order.get_item("instruction")? {
        Some(v) if !v.is_none() => text(order, "instruction")?.to_ascii_uppercase(),
        _ => "GTC".to_owned(),
    };
    let reduce_only = match order.get_item("reduce_only")? {
        Some(v) if !v.is_none() => v.is_truthy()?,
        _ => false,
    };
    Ok(NewOrder {
        market: text(order, "market")?,
        side,
        order_type: text(order, "type")?.to_ascii_uppercase(),
        size: amount_text(&required(order, "size")?, "size")?,
        price: optional_amount(order, "price")?,
        instruction,
        client_id,
        flags: if reduce_only {
            vec!["REDUCE_ONLY".to_owned()]
        } else {
            Vec::new()
        },
        trigger_price: optional_amount(order, "trigger_price")?,
    })
}

/// Converts a created order: the exchange's order JSON plus `sent_at_ns`.
pub(crate) fn sent_order_to_py(py: Python<'_>, sent: SentOrder) -> PyResult<Py<PyAny>> {
    let order = json_to_py(py, &sent.body)?;
    order.set_item("sent_at_ns", sent.sent_at_ns)?;
    Ok(order.unbind())
}

/// One JSON array for a batch: each accepted order as sent, each rejected one as
/// `{"client_id": …, "error": {"error": code, "message": …}}`.
pub(crate) fn batch_json(items: &[BatchItem], client_ids: &[String]) -> Result<String, RestError> {
    let mut out = String::from("[");
    for (n, (item, client_id)) in items.iter().zip(client_ids).enumerate() {
        if n > 0 {
            out.push(',');
        }
        match item {
            BatchItem::Accepted(raw) => out.push_str(raw.get()),
            BatchItem::Rejected(error) => {
                let id = serde_json::to_string(client_id)
                    .map_err(|e| RestError::Invalid(e.to_string()))?;
                let error = error.as_ref().map_or(
                    r#"{"error":"UNKNOWN","message":"the exchange neither accepted this order nor said why"}"#,
                    |raw| raw.get(),
                );
                out.push_str(&format!(r#"{{"client_id":{id},"error":{error}}}"#));
            }
        }
    }
    out.push(']');
    Ok(out)
}

/// Converts JSON text (built on the runtime) into Python objects.
pub(crate) fn text_to_py(py: Python<'_>, json: String) -> PyResult<Py<PyAny>> {
    json_to_py(py, json.as_bytes()).map(Bound::unbind)
}
