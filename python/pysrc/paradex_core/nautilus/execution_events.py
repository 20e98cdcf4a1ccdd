"""Turning the venue's view of orders and fills into Nautilus order events, exactly once.

The same Paradex rows reach the exec client from three places: REST responses to our own
commands, the private stream, and the REST snapshots taken after a reconnect. They can arrive
out of order (the stream and the REST reply race) and twice (a fill seen on the stream is
listed again by `/fills`). `OrderEventTranslator` makes that safe:

- order rows are applied in `seq_no` order per venue order id (older rows are dropped);
- every order has a `_Track` of what the client has already emitted (accepted, updated,
  filled quantity, terminal): the cache lags behind emitted events (the engine processes them
  on its queue), so decisions never read the cache for what was just sent;
- fills are deduplicated by their Paradex fill id (the Nautilus `TradeId`), also against the
  trade ids an order already holds after a restart's reconciliation;
- a CLOSED row that reports more executed size than the fills seen so far is held until the
  fills arrive (or are fetched over REST), so a cancel never overtakes its last fill.

Rows of orders the cache does not know (placed elsewhere, or before a restart) go to the
engine as reports, which reconciles them.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from nautilus_trader.model.enums import OrderStatus, OrderType
from nautilus_trader.model.identifiers import ClientOrderId, VenueOrderId
from nautilus_trader.model.orders import Order

from paradex_core.nautilus.execution_parsing import (
    POST_ONLY_REJECT,
    cancel_reason,
    client_order_id_of,
    decimal_or_none,
    fill_commission,
    fill_report,
    filled_size,
    instrument_id_of,
    liquidity_side_of,
    ms_to_ns,
    order_status_of,
    order_status_report,
    price,
    quantity,
    required_decimal,
    trade_id_of,
)

MAX_REMEMBERED = 100_000
"""Bound on remembered fill ids and order sequence numbers (oldest forgotten first)."""
CLOSE_FILL_WAIT_SECS = 1.0
"""How long a CLOSED row waits for its missing fills before they are fetched over REST."""

_NOT_ACCEPTED = frozenset({
    OrderStatus.INITIALIZED, OrderStatus.SUBMITTED, OrderStatus.DENIED,
    OrderStatus.EMULATED, OrderStatus.RELEASED,
})
_TRIGGER_STAGE_TYPES = frozenset({OrderType.STOP_LIMIT, OrderType.LIMIT_IF_TOUCHED})
_PRICED_TYPES = frozenset({OrderType.LIMIT, OrderType.STOP_LIMIT, OrderType.LIMIT_IF_TOUCHED})
_TRIGGER_TYPES = frozenset({OrderType.STOP_LIMIT, OrderType.STOP_MARKET,
                            OrderType.LIMIT_IF_TOUCHED, OrderType.MARKET_IF_TOUCHED})


@dataclass
class _Track:
    """What the client has told Nautilus about one order so far."""

    venue_order_id: VenueOrderId | None
    accepted: bool
    triggered: bool
    terminal: bool
    filled: Decimal
    quantity: Decimal
    price: Decimal | None
    trigger: Decimal | None
    modify_pending: bool = False
    waiting_trigger: bool = False
    pending_close: dict[str, Any] | None = None
    sent_at_ns: int | None = None


class _Bounded(OrderedDict):
    """An insertion-ordered dict that forgets its oldest entries beyond `MAX_REMEMBERED`."""

    def remember(self, key: Any, value: Any) -> None:
        self[key] = value
        if len(self) > MAX_REMEMBERED:
            self.popitem(last=False)


class OrderEventTranslator:
    """Mixin of `ParadexExecutionClient` (listed before `LiveExecutionClient`): applies venue
    order and fill rows as Nautilus events. Runs on the event loop only."""

    def _init_translator(self) -> None:
        self._tracks: dict[ClientOrderId, _Track] = {}
        self._venue_to_client: _Bounded = _Bounded()
        self._order_seq: _Bounded = _Bounded()
        self._seen_trades: _Bounded = _Bounded()

    # --- lookups ------------------------------------------------------------------------------

    def _track_of(self, order: Order) -> _Track:
        track = self._tracks.get(order.client_order_id)
        if track is None:
            track = _Track(
                venue_order_id=order.venue_order_id,
                accepted=order.status not in _NOT_ACCEPTED,
                triggered=order.status == OrderStatus.TRIGGERED,
                terminal=order.is_closed,
                filled=order.filled_qty.as_decimal(),
                quantity=order.quantity.as_decimal(),
                price=order.price.as_decimal() if order.has_price else None,
                trigger=order.trigger_price.as_decimal() if order.has_trigger_price else None,
            )
            if len(self._tracks) >= MAX_REMEMBERED:
                self._prune_tracks()
            self._tracks[order.client_order_id] = track
        return track

    def _prune_tracks(self) -> None:
        """Forgets finished orders (a late row of one is recognised again from the cache,
        where it is closed, so nothing is emitted twice); live orders are always kept."""
        for client_order_id in [c for c, t in self._tracks.items() if t.terminal]:
            del self._tracks[client_order_id]

    def _order_for_row(self, venue_id: str, row: dict[str, Any]) -> Order | None:
        client_order_id = client_order_id_of(row) or self._venue_to_client.get(venue_id) \
            or self._cache.client_order_id(VenueOrderId(venue_id))
        if client_order_id is None:
            return None
        return self._cache.order(client_order_id)

    def _instrument_of_row(self, row: dict[str, Any]):
        market = row.get("market")
        return self._cache.instrument(instrument_id_of(market)) if market else None

    # --- order rows ---------------------------------------------------------------------------

    def _apply_order_row(self, row: dict[str, Any]) -> None:
        """Applies one Paradex order row (REST reply, stream event or snapshot)."""
        venue_id = str(row["id"])
        seq = int(row.get("seq_no") or 0)
        last = self._order_seq.get(venue_id)
        if last is not None and seq <= last:
            return  # stale or duplicate: a newer state of this order was applied already
        self._order_seq.remember(venue_id, seq)
        order = self._order_for_row(venue_id, row)
        if order is None:
            self._report_external_order(row)
            return
        track = self._track_of(order)
        if track.terminal:
            return
        venue_order_id = VenueOrderId(venue_id)
        track.venue_order_id = venue_order_id
        self._venue_to_client.remember(venue_id, order.client_order_id)
        ts_event = ms_to_ns(row.get("last_updated_at")) or self._clock.timestamp_ns()
        status = order_status_of(row)

        if status == OrderStatus.REJECTED:
            reason = cancel_reason(row)
            self.generate_order_rejected(order.strategy_id, order.instrument_id,
                                         order.client_order_id, reason, ts_event,
                                         due_post_only=reason == POST_ONLY_REJECT)
            track.terminal = True
            return
        self._ensure_accepted(order, track, ts_event)
        if row.get("status") == "CLOSED":
            self._close_when_filled(order, track, row)
            return
        venue_status = row.get("status")
        if venue_status == "UNTRIGGERED":
            track.waiting_trigger = True
        elif (order.order_type in _TRIGGER_STAGE_TYPES and not track.triggered
              and (venue_status == "OPEN" or track.waiting_trigger)):
            # A stop-limit rests (OPEN) only once triggered; NEW before UNTRIGGERED is the
            # order's first, pre-trigger state.
            self.generate_order_triggered(order.strategy_id, order.instrument_id,
                                          order.client_order_id, venue_order_id, ts_event)
            track.triggered = True
        self._update_if_changed(order, track, row, ts_event)

    def _ensure_accepted(self, order: Order, track: _Track, ts_event: int) -> None:
        if not track.accepted:
            self.generate_order_accepted(order.strategy_id, order.instrument_id,
                                         order.client_order_id, track.venue_order_id, ts_event)
            track.accepted = True

    def _update_if_changed(self, order: Order, track: _Track, row: dict[str, Any],
                           ts_event: int) -> None:
        size = required_decimal(row, "size")
        new_price = decimal_or_none(row.get("price")) if order.order_type in _PRICED_TYPES \
            else None
        new_trigger = decimal_or_none(row.get("trigger_price")) \
            if order.order_type in _TRIGGER_TYPES else None
        if new_trigger == 0:
            new_trigger = None
        changed = (size != track.quantity
                   or (new_price is not None and new_price != track.price)
                   or (new_trigger is not None and new_trigger != track.trigger))
        if not changed and not track.modify_pending:
            return
        instrument = self._cache.instrument(order.instrument_id)
        track.quantity = size
        track.price = new_price if new_price is not None else track.price
        track.trigger = new_trigger if new_trigger is not None else track.trigger
        track.modify_pending = False
        self.generate_order_updated(
            order.strategy_id, order.instrument_id, order.client_order_id, track.venue_order_id,
            quantity(size, instrument.size_precision),
            price(track.price, instrument.price_precision) if track.price is not None else None,
            price(track.trigger, instrument.price_precision) if track.trigger is not None
            else None,
            ts_event,
        )

    def _close_when_filled(self, order: Order, track: _Track, row: dict[str, Any]) -> None:
        """A CLOSED row: emit the cancel once every fill the venue counted has been applied."""
        if track.filled < filled_size(row):
            if track.pending_close is None:
                self.create_task(self._fetch_missing_fills(order.client_order_id),
                                 log_msg=f"fetch fills of {order.client_order_id}")
            track.pending_close = row
            return
        self._finish_close(order, track, row)

    def _finish_close(self, order: Order, track: _Track, row: dict[str, Any]) -> None:
        track.pending_close = None
        track.terminal = True
        if order_status_of(row) == OrderStatus.FILLED:
            return  # the fills already closed it
        ts_event = ms_to_ns(row.get("last_updated_at")) or self._clock.timestamp_ns()
        self.generate_order_canceled(order.strategy_id, order.instrument_id,
                                     order.client_order_id, track.venue_order_id, ts_event)

    async def _fetch_missing_fills(self, client_order_id: ClientOrderId) -> None:
        """Gives the stream `CLOSE_FILL_WAIT_SECS` to deliver the fills a CLOSED row counted,
        then asks REST for them; whatever is still missing after that is logged and the order
        closed (the open-check / restart reconciliation infers the rest)."""
        await asyncio.sleep(CLOSE_FILL_WAIT_SECS)
        track = self._tracks.get(client_order_id)
        order = self._cache.order(client_order_id)
        if track is None or order is None or track.pending_close is None:
            return
        row = track.pending_close
        since_ms = max(int(row.get("created_at") or 0) - 1_000, 0)
        try:
            fills = await self._client.fills_async(row.get("market"), since_ms, None)
        except Exception as e:
            self._log.error(f"Could not fetch the fills of {client_order_id}: {e}")
            fills = []
        for fill in sorted(fills, key=lambda f: int(f.get("created_at") or 0)):
            if str(fill.get("order_id")) == str(row["id"]):
                self._apply_fill_row(fill)
        if track.pending_close is not None:
            self._log.warning(
                f"{client_order_id} closed at the venue with {filled_size(row)} executed but "
                f"only {track.filled} in fills; closing it without the missing fills")
            self._finish_close(order, track, row)

    # --- fills --------------------------------------------------------------------------------

    def _apply_fill_row(self, row: dict[str, Any]) -> None:
        """Applies one Paradex fill row; a fill id already applied is ignored."""
        trade_id = trade_id_of(row)
        if trade_id.value in self._seen_trades:
            return
        venue_id = str(row["order_id"])
        order = self._order_for_row(venue_id, row)
        if order is None:
            self._seen_trades.remember(trade_id.value, True)
            self._report_external_fill(row)
            return
        self._seen_trades.remember(trade_id.value, True)
        if trade_id in order.trade_ids:
            return  # applied before a restart and reconciled from the mass status
        instrument = self._cache.instrument(order.instrument_id)
        track = self._track_of(order)
        ts_event = ms_to_ns(row.get("created_at")) or self._clock.timestamp_ns()
        if track.venue_order_id is None:
            track.venue_order_id = VenueOrderId(venue_id)
            self._venue_to_client.remember(venue_id, order.client_order_id)
        self._ensure_accepted(order, track, ts_event)
        last_qty = required_decimal(row, "size")
        self.generate_order_filled(
            strategy_id=order.strategy_id,
            instrument_id=order.instrument_id,
            client_order_id=order.client_order_id,
            venue_order_id=track.venue_order_id,
            venue_position_id=None,
            trade_id=trade_id,
            order_side=order.side,
            order_type=order.order_type,
            last_qty=quantity(last_qty, instrument.size_precision),
            last_px=price(required_decimal(row, "price"), instrument.price_precision),
            quote_currency=instrument.quote_currency,
            commission=fill_commission(row),
            liquidity_side=liquidity_side_of(row),
            ts_event=ts_event,
        )
        track.filled += last_qty
        if track.filled >= track.quantity:
            track.terminal = True
        pending = track.pending_close
        if pending is not None and track.filled >= filled_size(pending):
            self._finish_close(order, track, pending)

    # --- orders the cache does not know -------------------------------------------------------

    def _report_external_order(self, row: dict[str, Any]) -> None:
        instrument = self._instrument_of_row(row)
        if instrument is None:
            self._log.warning(f"Order {row.get('id')} on unknown market {row.get('market')}")
            return
        self._send_order_status_report(order_status_report(
            row, instrument, self.account_id, self._clock.timestamp_ns()))

    def _report_external_fill(self, row: dict[str, Any]) -> None:
        instrument = self._instrument_of_row(row)
        if instrument is None:
            self._log.warning(f"Fill {row.get('id')} on unknown market {row.get('market')}")
            return
        self._send_fill_report(fill_report(row, instrument, self.account_id,
                                           self._clock.timestamp_ns()))
