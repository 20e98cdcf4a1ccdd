//! `paradex_core.Signer`: Paradex STARK signatures, identical to the official SDK's.

use paradex_exec::sign::{PrivateKey, Signed, Signer as RustSigner};
use paradex_proto::typed_data::{AccountContext, OrderMessage, OrderSide};
use pyo3::prelude::*;
use pyo3::types::{PyFloat, PyInt, PyString};

use crate::errors::{BindingError, BindingResult};

/// Signs orders, modify-orders, auth requests and onboarding for one account.
///
/// Signing runs with the GIL released (~0.3 ms each). The key never appears in `repr`, errors
/// or logs.
#[pyclass(module = "paradex_core._native", name = "Signer", frozen)]
#[derive(Debug)]
pub(crate) struct Signer {
    inner: RustSigner,
    account: String,
}

fn parse_side(side: &str) -> BindingResult<OrderSide> {
    OrderSide::from_wire(&side.to_ascii_uppercase())
        .map_err(|_| BindingError::Config(format!("side {side:?}: expected \"BUY\" or \"SELL\"")))
}

/// A decimal amount as text: `str`, `int` or `decimal.Decimal` (never `float`, which cannot
/// represent most prices exactly).
pub(crate) fn amount_text(value: &Bound<'_, PyAny>, what: &str) -> PyResult<String> {
    if let Ok(text) = value.cast::<PyString>() {
        return Ok(text.to_str()?.to_owned());
    }
    if value.is_instance_of::<PyFloat>() {
        return Err(BindingError::Config(format!(
            "{what} is a float ({value}); pass a str or decimal.Decimal so the signed amount is exact"
        ))
        .into());
    }
    if value.is_instance_of::<PyInt>() {
        return Ok(value.str()?.to_str()?.to_owned());
    }
    // decimal.Decimal and friends: fixed-point notation, never exponent notation.
    value
        .call_method1("__format__", ("f",))?
        .extract::<String>()
}

/// Refuses an account that is not `0x`-prefixed hex (the short-string encoding would accept
/// it and sign for a different account).
pub(crate) fn check_account(account: &str) -> PyResult<()> {
    let is_hex = account
        .strip_prefix("0x")
        .is_some_and(|h| !h.is_empty() && h.bytes().all(|b| b.is_ascii_hexdigit()));
    if is_hex {
        Ok(())
    } else {
        Err(BindingError::Config(format!(
            "account {account:?}: expected the L2 account address as 0x-prefixed hex"
        ))
        .into())
    }
}

fn order(
    market: &str,
    side: &str,
    order_type: &str,
    size: &Bound<'_, PyAny>,
    price: &Bound<'_, PyAny>,
    timestamp_ms: u64,
) -> PyResult<OrderMessage> {
    let size = amount_text(size, "size")?;
    let price = if price.is_none() {
        String::new()
    } else {
        amount_text(price, "price")?
    };
    Ok(OrderMessage::from_request(
        timestamp_ms,
        market,
        parse_side(side)?,
        order_type,
        &size,
        &price,
    )
    .map_err(BindingError::from)?)
}

fn decimal_pair(signed: &Signed) -> (String, String) {
    (
        signed.signature.r.to_string(),
        signed.signature.s.to_string(),
    )
}

#[pymethods]
impl Signer {
    /// `private_key`: the L2 STARK key (`0x…` hex); `account`: the L2 account address (hex);
    /// `chain_id`: e.g. `"PRIVATE_SN_POTC_SEPOLIA"` (testnet) or
    /// `"PRIVATE_SN_PARACLEAR_MAINNET"`, or its `0x` hex form.
    #[new]
    fn py_new(py: Python<'_>, private_key: &str, account: &str, chain_id: &str) -> PyResult<Self> {
        let key = PrivateKey::from_str_secret(private_key).map_err(BindingError::from)?;
        check_account(account)?;
        let context = AccountContext::new(chain_id, account).map_err(|e| {
            BindingError::Config(format!(
                "account {account:?} / chain_id {chain_id:?}: {e}; the account is a 0x hex address \
                 and the chain id a short string such as PRIVATE_SN_PARACLEAR_MAINNET"
            ))
        })?;
        let inner = py.detach(|| RustSigner::new(key, context));
        Ok(Self {
            inner,
            account: account.to_owned(),
        })
    }

    /// The STARK public key, `0x…` hex.
    #[getter]
    #[pyo3(name = "public_key")]
    fn py_public_key(&self) -> String {
        format!("{:#x}", self.inner.public_key())
    }

    /// The account address this signer signs for, as given.
    #[getter]
    #[pyo3(name = "account")]
    fn py_account(&self) -> &str {
        &self.account
    }

    /// The typed-data message hash of an order, `0x…` hex (what `sign_order` signs).
    /// `size` and `price` are `str`, `int` or `Decimal`; `price` is ignored for MARKET orders.
    #[pyo3(name = "order_hash", signature = (market, side, order_type, size, price, timestamp_ms))]
    fn py_order_hash(
        &self,
        market: &str,
        side: &str,
        order_type: &str,
        size: &Bound<'_, PyAny>,
        price: &Bound<'_, PyAny>,
        timestamp_ms: u64,
    ) -> PyResult<String> {
        let message = order(market, side, order_type, size, price, timestamp_ms)?;
        Ok(format!("{:#x}", self.inner.context().order_hash(&message)))
    }

    /// Signs an order; returns `(r, s)` as decimal strings (the SDK's `signature` is
    /// `f'["{r}","{s}"]'`).
    #[pyo3(name = "sign_order", signature = (market, side, order_type, size, price, timestamp_ms))]
    #[allow(clippy::too_many_arguments)]
    fn py_sign_order(
        &self,
        py: Python<'_>,
        market: &str,
        side: &str,
        order_type: &str,
        size: &Bound<'_, PyAny>,
        price: &Bound<'_, PyAny>,
        timestamp_ms: u64,
    ) -> PyResult<(String, String)> {
        let message = order(market, side, order_type, size, price, timestamp_ms)?;
        let signed = py
            .detach(|| self.inner.sign_order(&message))
            .map_err(BindingError::from)?;
        Ok(decimal_pair(&signed))
    }

    /// Signs a modify-order (`PUT /orders/{order_id}`); `order_id` is the decimal exchange id.
    #[pyo3(name = "sign_modify_order", signature = (market, side, order_type, size, price, timestamp_ms, order_id))]
    #[allow(clippy::too_many_arguments)]
    fn py_sign_modify_order(
        &self,
        py: Python<'_>,
        market: &str,
        side: &str,
        order_type: &str,
        size: &Bound<'_, PyAny>,
        price: &Bound<'_, PyAny>,
        timestamp_ms: u64,
        order_id: &str,
    ) -> PyResult<(String, String)> {
        let message = order(market, side, order_type, size, price, timestamp_ms)?;
        let signed = py
            .detach(|| self.inner.sign_modify_order(&message, order_id))
            .map_err(BindingError::from)?;
        Ok(decimal_pair(&signed))
    }

    /// Signs the `POST /v1/auth` request (unix seconds); returns `(r, s)` decimal strings.
    #[pyo3(name = "sign_auth")]
    fn py_sign_auth(
        &self,
        py: Python<'_>,
        timestamp: u64,
        expiration: u64,
    ) -> PyResult<(String, String)> {
        let signed = py
            .detach(|| self.inner.sign_auth(timestamp, expiration))
            .map_err(BindingError::from)?;
        Ok(decimal_pair(&signed))
    }

    /// Signs the onboarding message; returns `(r, s)` decimal strings.
    #[pyo3(name = "sign_onboarding")]
    fn py_sign_onboarding(&self, py: Python<'_>) -> PyResult<(String, String)> {
        let signed = py
            .detach(|| self.inner.sign_onboarding())
            .map_err(BindingError::from)?;
        Ok(decimal_pair(&signed))
    }

    fn __repr__(&self) -> String {
        format!(
            "Signer(public_key={:#x}, account={:?}, private_key=<redacted>)",
            self.inner.public_key(),
            self.account
        )
    }
}
