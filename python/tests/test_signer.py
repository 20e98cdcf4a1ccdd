"""The signer reproduces the official SDK's vectors (../shared/paradex/vectors)."""

import json
from decimal import Decimal

import pytest

import paradex_core as pc
from conftest import SHARED

VECTORS = SHARED / "paradex" / "vectors"


def load(name):
    path = VECTORS / name
    if not path.exists():
        pytest.skip(f"{path} not present")
    return json.loads(path.read_text())["vectors"]


def signer_for(inputs):
    return pc.Signer(inputs["l2_private_key"], inputs["account_address"],
                     inputs["starknet_chain_id"])


@pytest.mark.parametrize("vector", load("orders.json"), ids=lambda v: v["name"])
def test_order_vectors(vector):
    i = vector["inputs"]
    signer = signer_for(i)
    assert signer.public_key == i["l2_public_key"]
    args = (i["market"], i["side"], i["type"], i["size"], i["price"],
            i["signature_timestamp_ms"])
    expected = (vector["signature"]["r"], vector["signature"]["s"])
    if "modify_order_id" in i:
        assert signer.sign_modify_order(*args, i["modify_order_id"]) == expected
        return
    assert signer.order_hash(*args) == vector["message_hash"]
    assert signer.sign_order(*args) == expected
    # Decimal amounts sign the same as strings.
    dec = (i["market"], i["side"], i["type"], Decimal(i["size"]),
           None if i["price"] is None else Decimal(i["price"]), i["signature_timestamp_ms"])
    assert signer.sign_order(*dec) == expected


@pytest.mark.parametrize("vector", load("auth.json"), ids=lambda v: v["name"])
def test_auth_vectors(vector):
    i = vector["inputs"]
    r, s = signer_for(i).sign_auth(i["timestamp_s"], i["expiration_s"])
    assert (r, s) == (vector["signature"]["r"], vector["signature"]["s"])


@pytest.mark.parametrize("vector", load("onboarding.json"), ids=lambda v: v["name"])
def test_onboarding_vectors(vector):
    r, s = signer_for(vector["inputs"]).sign_onboarding()
    assert (r, s) == (vector["signature"]["r"], vector["signature"]["s"])


def test_bad_inputs_raise_clear_errors_without_the_key():
    key = "0x1234567890abcdef1234567890abcdef1234567890abcdef1234567890abcde"
    account = "0x3a5e6ca3f7d55722bfb79595c96bd41dba9980fe2abf5c0577591a135ec6dc4"
    with pytest.raises(pc.SignError) as err:
        pc.Signer("0xnot-a-key", account, "PRIVATE_SN_POTC_SEPOLIA")
    assert "not-a-key" not in str(err.value)
    with pytest.raises(pc.ConfigError, match="account"):
        pc.Signer(key, "nope", "PRIVATE_SN_POTC_SEPOLIA")
    signer = pc.Signer(key, account, "PRIVATE_SN_POTC_SEPOLIA")
    assert key[2:] not in repr(signer) and "redacted" in repr(signer)
    with pytest.raises(pc.ConfigError, match="side"):
        signer.sign_order("ETH-USD-PERP", "HOLD", "LIMIT", "1", "1", 1)
    with pytest.raises(pc.ConfigError, match="float"):
        signer.sign_order("ETH-USD-PERP", "BUY", "LIMIT", 0.1, "1500", 1)
    with pytest.raises(pc.ConfigError):
        signer.sign_order("ETH-USD-PERP", "BUY", "LIMIT", "-1", "1500", 1)
    with pytest.raises(pc.ConfigError, match="31 bytes"):
        signer.order_hash("X" * 40, "BUY", "LIMIT", "1", "1", 1)
