"""`ParadexExecutionClient`: NautilusTrader orders on Paradex through the Rust exec client.

Orders are signed and sent by `paradex_core.ExecClient` (Rust: STARK signing, keep-alive
REST, JWT refresh); its private stream (orders, fills, account) calls back from a Rust thread,
and every event hops onto the node's event loop before it touches the cache. Each (re)connect
of the stream is followed by a REST snapshot (fills, open orders, orders that closed meanwhile,
account) so nothing that happened while disconnected is lost. The reports
(`generate_*_reports`) answer Nautilus's own reconciliation at start-up and after a restart.

Ids: the Nautilus `ClientOrderId` is Paradex's `client_id`; the `VenueOrderId` is the Paradex
order id (a ~28-digit decimal string); a fill's `TradeId` is the Paradex fill id.
"""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import Any

import pandas as pd
from nautilus_trader.cache.cache import Cache
from nautilus_trader.common.component import LiveClock, MessageBus
from nautilus_trader.common.providers import InstrumentProvider
from nautilus_trader.execution.messages import (
    BatchCancelOrders,
    CancelAllOrders,
    CancelOrder,
    GenerateFillReports,
    GenerateOrderStatusReport,
    GenerateOrderStatusReports,
    GeneratePositionStatusReports,
    ModifyOrder,
    QueryAccount,
    SubmitOrder,
    SubmitOrderList,
)
from nautilus_trader.execution.reports import FillReport, OrderStatusReport, PositionStatusReport
from nautilus_trader.live.execution_client import LiveExecutionClient
from nautilus_trader.model.enums import AccountType, OmsType, OrderSide, PositionSide
from nautilus_trader.model.identifiers import AccountId, VenueOrderId
from nautilus_trader.model.orders import Order

from paradex_core._native import ExecError, ExecTimeoutError, ExecTransportError
from paradex_core.nautilus.common import PARADEX, PARADEX_CLIENT_ID, PARADEX_VENUE
from paradex_core.nautilus.config import ParadexExecClientConfig
from paradex_core.nautilus.execution_events import OrderEventTranslator
from paradex_core.nautilus.execution_parsing import (
    ParseError,
    UnsupportedOrderError,
    account_balances,
    decimal_or_none,
    fill_report,
    modify_request,
    ms_to_ns,
    order_request,
    order_status_report,
    position_status_report,
)

BATCH_LIMIT = 10
"""Orders per `POST /orders/batch` (Paradex accepts 1-10)."""
DISCONNECT_DRAIN_SECS = 2.0
"""How long a disconnect waits for commands under way before closing the client."""
RECONCILE_ATTEMPTS = 6
"""Tries of the post-reconnect REST snapshot (backoff 0.5 s doubling to 8 s)."""
POSITION_CHECK_DELAY_SECS = 1.0
"""Pause before the post-reconnect position check, so the engine has applied the events."""
RECONNECT_OVERLAP_MS = 60_000
"""How far before the disconnect the post-reconnect fill snapshot starts (clock skew margin)."""


class ParadexExecutionClient(OrderEventTranslator, LiveExecutionClient):
    """Paradex execution client: NETTING, MARGIN (USDC), account `PARADEX-<address>`.

    Built by `ParadexLiveExecClientFactory` around a `paradex_core.ExecClient`.

    Orders: LIMIT, MARKET, STOP_MARKET, STOP_LIMIT, and MARKET_IF_TOUCHED / LIMIT_IF_TOUCHED
    (Paradex take-profit orders); time in force GTC or IOC; post-only (GTC limit-priced);
    reduce-only; triggers on the mark price (`TriggerType.DEFAULT` or `MARK_PRICE`). What
    Paradex lacks is denied before it is sent (`OrderDenied` with the reason): FOK, GTD, DAY,
    at-the-open/close, trailing stops, iceberg, quote quantity, other trigger sources.
    `cancel_all_orders` cancels only the calling strategy's orders when others share the
    instrument. Strategies should claim their instruments (`external_order_claims`) so that
    orders and positions reconciled after a restart stay theirs.
    """

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        client: Any,
        msgbus: MessageBus,
        cache: Cache,
        clock: LiveClock,
        instrument_provider: InstrumentProvider,
        config: ParadexExecClientConfig,
    ) -> None:
        super().__init__(
            loop=loop,
            client_id=PARADEX_CLIENT_ID,
            venue=PARADEX_VENUE,
            oms_type=OmsType.NETTING,
            account_type=AccountType.MARGIN,
            base_currency=None,
            instrument_provider=instrument_provider,
            msgbus=msgbus,
            cache=cache,
            clock=clock,
            config=config,
        )
        self._client = client
        self._config = config
        self._lookback_ms = config.reconcile_lookback_mins * 60_000
        self._set_account_id(AccountId(f"{PARADEX}-{client.account}"))
        self._init_translator()
        self._stream_connections = 0
        self._disconnected_at_ms: int | None = None
        self._reconcile_lock = asyncio.Lock()

    # --- connection ---------------------------------------------------------------------------

    async def _connect(self) -> None:
        await self._client.connect_async()
        await self._instrument_provider.initialize()
        # Reconciliation silently skips reports of instruments missing from the cache, so the
        # exec client puts them there itself rather than relying on the data client.
        for instrument in self._instrument_provider.list_all():
            if self._cache.instrument(instrument.id) is None:
                self._cache.add_instrument(instrument)
        await self._update_account_state()
        await self._await_account_registered()
        self._client.start_stream(self._on_stream_event)
        self._log.info(f"Connected as {self.account_id}")

    async def _disconnect(self) -> None:
        # Commands already under way (e.g. the cancels strategies send when they stop) finish
        # before the client closes; the base class cancels whatever is left afterwards.
        current = asyncio.current_task()
        pending = [t for t in self._tasks if not t.done() and t is not current]
        if pending:
            await asyncio.wait(pending, timeout=DISCONNECT_DRAIN_SECS)
        self._client.stop_stream()
        self._client.close()

    def _on_stream_event(self, kind: str, data: dict[str, Any]) -> None:
        """Called from the Rust stream thread: hop onto the event loop, touch nothing here."""
        try:
            self._loop.call_soon_threadsafe(self._handle_stream_event, kind, data)
        except RuntimeError:
            pass  # the loop is closed: the node is shutting down

    def _handle_stream_event(self, kind: str, data: dict[str, Any]) -> None:
        try:
            if kind == "order":
                self._apply_order_row(data)
            elif kind == "fill":
                self._apply_fill_row(data)
            elif kind == "account":
                self._emit_account_state(data)
            elif kind == "connected":
                self._stream_connections += 1
                # The first connection at start-up has nothing to catch up (Nautilus's own
                # reconciliation follows); any later one, or a first one that comes after
                # failures or orders, closes the gap.
                if self._stream_connections > 1 or self._disconnected_at_ms is not None \
                        or self._tracks:
                    self._log.info("Private stream reconnected: reconciling with REST")
                    self.create_task(self._reconcile_after_reconnect(),
                                     log_msg="reconcile after reconnect")
            elif kind == "disconnected":
                if self._disconnected_at_ms is None:
                    self._disconnected_at_ms = self._clock.timestamp_ms()
                self._log.warning(f"Private stream disconnected: {data.get('reason', '')}")
        except Exception as e:  # one bad row must not stop the stream
            self._log.exception(f"Cannot apply Paradex {kind} event {data!r}", e)

    async def _reconcile_after_reconnect(self) -> None:
        """Closes the gap of a stream outage; a REST failure (the venue may still be coming
        back) is retried with backoff, since giving up would leave the gap open."""
        delay = 0.5
        for attempt in range(1, RECONCILE_ATTEMPTS + 1):
            try:
                await self._reconcile_gap()
                return
            except ExecError as e:
                if attempt == RECONCILE_ATTEMPTS:
                    self._log.error(f"Reconciliation after the reconnect failed {attempt} "
                                    f"times ({e}): state may be missing events until the next "
                                    "reconnect or restart")
                    return
                self._log.warning(f"Reconciliation after the reconnect failed ({e}); "
                                  f"retrying in {delay:.1f} s")
                await asyncio.sleep(delay)
                delay = min(delay * 2, 8.0)

    async def _reconcile_gap(self) -> None:
        """Fills since the disconnect, the open orders, the final state of cached open orders
        the venue no longer lists, the account."""
        async with self._reconcile_lock:
            now_ms = self._clock.timestamp_ms()
            since_ms = (self._disconnected_at_ms or now_ms) - RECONNECT_OVERLAP_MS
            fills = await self._client.fills_async(None, since_ms, None)
            for row in sorted(fills, key=lambda f: int(f.get("created_at") or 0)):
                self._apply_row_safely(self._apply_fill_row, row)
            open_rows = await self._client.open_orders_async(None)
            open_ids = set()
            for row in open_rows:
                open_ids.add(str(row["id"]))
                self._apply_row_safely(self._apply_order_row, row)
            for order in self._cache.orders_open(venue=PARADEX_VENUE):
                track = self._tracks.get(order.client_order_id)
                venue_id = track.venue_order_id if track else order.venue_order_id
                if venue_id is not None and venue_id.value in open_ids:
                    continue
                row = await self._find_order_row(order.instrument_id.symbol.value,
                                                 venue_id.value if venue_id else None,
                                                 order.client_order_id.value,
                                                 order.ts_init // 1_000_000)
                if row is not None:
                    self._apply_row_safely(self._apply_order_row, row)
            await self._update_account_state()
            self._disconnected_at_ms = None  # only once the gap is closed
            self.create_task(self._check_positions(), log_msg="position check after reconnect")

    async def _check_positions(self) -> None:
        """After the gap is closed (and the engine has applied the events), compares the
        venue's net positions with the cache's; a difference is logged as an error (the fills
        that explain it were not found)."""
        await asyncio.sleep(POSITION_CHECK_DELAY_SECS)
        for row in await self._client.positions_async():
            instrument = self._instrument_of_row(row)
            if instrument is None:
                continue
            report = position_status_report(row, instrument, self.account_id,
                                            self._clock.timestamp_ns())
            venue_net = report.signed_decimal_qty
            cached = sum((p.signed_decimal_qty() for p in
                          self._cache.positions_open(instrument_id=instrument.id)), Decimal(0))
            if cached != venue_net:
                self._log.error(f"Position of {instrument.id} differs after the reconnect: "
                                f"venue {venue_net}, cache {cached}")

    def _apply_row_safely(self, apply, row: dict[str, Any]) -> None:
        try:
            apply(row)
        except Exception as e:
            self._log.exception(f"Cannot apply Paradex row {row!r}", e)

    # --- account ------------------------------------------------------------------------------

    async def _update_account_state(self) -> None:
        summary = await self._client.account_summary_async()
        self._emit_account_state(summary)

    def _emit_account_state(self, summary: dict[str, Any]) -> None:
        balances, margins = account_balances(summary, None)
        self.generate_account_state(
            balances=balances,
            margins=margins,
            reported=True,
            ts_event=ms_to_ns(summary.get("updated_at")) or self._clock.timestamp_ns(),
            info={key: summary.get(key) for key in (
                "initial_margin_requirement", "maintenance_margin_requirement",
                "free_collateral", "margin_cushion", "status") if key in summary},
        )

    async def _query_account(self, command: QueryAccount) -> None:
        await self._update_account_state()

    # --- orders -------------------------------------------------------------------------------

    async def _submit_order(self, command: SubmitOrder) -> None:
        order = command.order
        if order.is_closed:
            self._log.warning(f"Not submitting closed order {order.client_order_id}")
            return
        request = self._request_or_deny(command.strategy_id, order)
        if request is None:
            return
        self.generate_order_submitted(command.strategy_id, order.instrument_id,
                                      order.client_order_id, self._clock.timestamp_ns())
        track = self._track_of(order)
        try:
            row = await self._client.submit_order_async(request)
        except (ExecTimeoutError, ExecTransportError) as e:
            self._log.warning(f"Submit of {order.client_order_id} failed with no answer ({e}): "
                              "querying it by client id")
            await self._resolve_unknown_submit(order, isinstance(e, ExecTransportError))
            return
        except ExecError as e:
            self._reject(order, str(e))
            return
        track.sent_at_ns = row.get("sent_at_ns")
        self._apply_row_safely(self._apply_order_row, row)

    def order_sent_at_ns(self, client_order_id) -> int | None:
        """When the signed create request of an order went on the wire (CLOCK_REALTIME ns, as
        `ExecClient.submit_order` reports it), for latency tracing; None if unknown."""
        track = self._tracks.get(client_order_id)
        return track.sent_at_ns if track is not None else None

    async def _submit_order_list(self, command: SubmitOrderList) -> None:
        pending: list[tuple[Order, dict[str, Any]]] = []
        for order in command.order_list.orders:
            if order.is_closed:
                continue
            request = self._request_or_deny(command.strategy_id, order)
            if request is None:
                continue
            self.generate_order_submitted(command.strategy_id, order.instrument_id,
                                          order.client_order_id, self._clock.timestamp_ns())
            self._track_of(order)
            pending.append((order, request))
        for start in range(0, len(pending), BATCH_LIMIT):
            chunk = pending[start:start + BATCH_LIMIT]
            try:
                results = await self._client.submit_orders_async([req for _, req in chunk])
            except (ExecTimeoutError, ExecTransportError) as e:
                self._log.warning(f"Batch submit failed with no answer ({e}): querying its "
                                  "orders by client id")
                for order, _ in chunk:
                    await self._resolve_unknown_submit(order, isinstance(e, ExecTransportError))
                continue
            except ExecError as e:
                for order, _ in chunk:
                    self._reject(order, str(e))
                continue
            for (order, _), result in zip(chunk, results, strict=False):
                error = result.get("error") if isinstance(result, dict) else None
                if error is not None:
                    reason = error if isinstance(error, str) else \
                        f"{error.get('error', '')}: {error.get('message', '')}"
                    self._reject(order, reason)
                else:
                    self._apply_row_safely(self._apply_order_row, result)
            for order, _ in chunk[len(results):]:
                self._log.warning(f"No batch result for {order.client_order_id}: querying it")
                await self._resolve_unknown_submit(order, False)

    def _request_or_deny(self, strategy_id, order: Order) -> dict[str, Any] | None:
        try:
            return order_request(order, order.instrument_id.symbol.value)
        except UnsupportedOrderError as e:
            self.generate_order_denied(strategy_id, order.instrument_id, order.client_order_id,
                                       str(e), self._clock.timestamp_ns())
            return None

    def _reject(self, order: Order, reason: str) -> None:
        track = self._track_of(order)
        if track.terminal or track.accepted:
            self._log.warning(f"Submit of {order.client_order_id} errored after the venue "
                              f"accepted it ({reason}); keeping the venue's state")
            return
        track.terminal = True
        self.generate_order_rejected(order.strategy_id, order.instrument_id,
                                     order.client_order_id, reason, self._clock.timestamp_ns(),
                                     due_post_only="POST_ONLY" in reason)

    async def _resolve_unknown_submit(self, order: Order, reject_if_missing: bool) -> None:
        """After a create without an answer the order may or may not exist: look it up by
        client id (live, then history) and apply what the venue says. Never resubmit: that
        could duplicate it. Not found: after a failed connection (`reject_if_missing`) it is
        rejected; after a timeout the request may still be queued at the venue, so it stays
        SUBMITTED and the in-flight check (QueryOrder) keeps asking."""
        try:
            row = await self._find_order_row(order.instrument_id.symbol.value, None,
                                             order.client_order_id.value,
                                             order.ts_init // 1_000_000)
        except ExecError as e:
            self._log.error(f"Cannot query {order.client_order_id} after a timeout: {e}")
            return
        if row is None:
            if reject_if_missing:
                self._reject(order, "connection failed and the venue does not know the order")
            else:
                self._log.warning(f"{order.client_order_id} not found at the venue yet; "
                                  "left SUBMITTED for the in-flight check")
            return
        self._apply_row_safely(self._apply_order_row, row)

    def _order_of(self, command, verb: str) -> tuple[Order | None, VenueOrderId | None]:
        """The cached order a modify/cancel command is about, and its venue id if known."""
        order = self._cache.order(command.client_order_id)
        if order is None:
            self._log.error(f"Cannot {verb} {command.client_order_id}: not in the cache")
            return None, None
        track = self._track_of(order)
        return order, command.venue_order_id or track.venue_order_id or order.venue_order_id

    def _modify_rejected(self, order: Order, venue_order_id, reason: str) -> None:
        self._track_of(order).modify_pending = False
        self.generate_order_modify_rejected(order.strategy_id, order.instrument_id,
                                            order.client_order_id, venue_order_id, reason,
                                            self._clock.timestamp_ns())

    async def _modify_order(self, command: ModifyOrder) -> None:
        order, venue_order_id = self._order_of(command, "modify")
        if order is None:
            return
        if venue_order_id is None:
            self._modify_rejected(order, None, "the venue has not acknowledged the order yet")
            return
        try:
            request = modify_request(order, order.instrument_id.symbol.value, command.quantity,
                                     command.price, command.trigger_price)
        except UnsupportedOrderError as e:
            self._modify_rejected(order, venue_order_id, str(e))
            return
        self._track_of(order).modify_pending = True
        try:
            row = await self._client.modify_order_async(venue_order_id.value, request)
        except ExecError as e:
            self._modify_rejected(order, venue_order_id, str(e))
            return
        wanted = request.get("trigger_price")
        if command.trigger_price is not None and wanted and \
                decimal_or_none(row.get("trigger_price")) != Decimal(wanted):
            self._log.warning(f"Modify of {order.client_order_id}: the venue kept trigger "
                              f"{row.get('trigger_price')} (asked {wanted}); the order "
                              "reflects the venue")
        self._apply_row_safely(self._apply_order_row, row)

    async def _cancel_order(self, command: CancelOrder) -> None:
        order, venue_order_id = self._order_of(command, "cancel")
        if order is None:
            return
        try:
            if venue_order_id is not None:
                await self._client.cancel_order_async(venue_order_id.value)
            else:
                await self._client.cancel_by_client_id_async(order.instrument_id.symbol.value,
                                                             order.client_order_id.value)
        except ExecError as e:
            self.generate_order_cancel_rejected(order.strategy_id, order.instrument_id,
                                                order.client_order_id, venue_order_id, str(e),
                                                self._clock.timestamp_ns())
        # The CLOSED row (USER_CANCELED) arrives on the stream and emits OrderCanceled.

    async def _cancel_all_orders(self, command: CancelAllOrders) -> None:
        """Cancels the strategy's open orders on the instrument (of one side, if given): one
        `DELETE /orders?market=` when the strategy owns every open order there, else a batch
        cancel of its own orders, so other strategies' orders stay."""
        market = command.instrument_id.symbol.value
        everything = self._cache.orders_open(venue=PARADEX_VENUE,
                                             instrument_id=command.instrument_id)
        mine = [o for o in everything if o.strategy_id == command.strategy_id
                and command.order_side in (OrderSide.NO_ORDER_SIDE, o.side)]
        if len(mine) < len(everything):
            await self._cancel_many(mine)
            return
        try:
            await self._client.cancel_all_async(market)
        except ExecError as e:
            self._log.error(f"Cancel all on {market} failed: {e}")
            for order in mine:
                self._cancel_rejected(order, str(e))

    async def _batch_cancel_orders(self, command: BatchCancelOrders) -> None:
        orders = [self._cache.order(c.client_order_id) for c in command.cancels]
        await self._cancel_many([o for o in orders if o is not None])

    async def _cancel_many(self, orders: list[Order]) -> None:
        if not orders:
            return
        by_venue: dict[str, Order] = {}
        by_client: dict[str, Order] = {}
        for order in orders:
            track = self._track_of(order)
            venue_order_id = track.venue_order_id or order.venue_order_id
            if venue_order_id is not None:
                by_venue[venue_order_id.value] = order
            else:
                by_client[order.client_order_id.value] = order
        try:
            results = await self._client.cancel_batch_async(list(by_venue), list(by_client))
        except ExecError as e:
            for order in orders:
                self._cancel_rejected(order, str(e))
            return
        for result in results or ():
            if result.get("status") != "NOT_FOUND":
                continue  # queued, or already closed: the stream / snapshot says how it ended
            order = by_venue.get(str(result.get("id") or "")) or \
                by_client.get(str(result.get("client_id") or ""))
            if order is not None:
                self._cancel_rejected(order, "NOT_FOUND: the venue does not know this order")

    def _cancel_rejected(self, order: Order, reason: str) -> None:
        track = self._track_of(order)
        self.generate_order_cancel_rejected(order.strategy_id, order.instrument_id,
                                            order.client_order_id,
                                            track.venue_order_id or order.venue_order_id,
                                            reason, self._clock.timestamp_ns())

    # --- reports ------------------------------------------------------------------------------

    async def _find_order_row(self, market: str, venue_id: str | None, client_id: str | None,
                              since_ms: int | None) -> dict[str, Any] | None:
        """One order's current row, by venue id or client id: the live lookup first, then the
        order history (closed orders) from `since_ms` (default: the reconcile lookback)."""
        try:
            if venue_id:
                return await self._client.order_async(venue_id)
            if client_id:
                return await self._client.order_by_client_id_async(client_id)
        except ExecError:
            pass  # not live (closed, or unknown): look in the history
        start_ms = (since_ms - RECONNECT_OVERLAP_MS) if since_ms else \
            self._clock.timestamp_ms() - self._lookback_ms
        best: dict[str, Any] | None = None
        for row in await self._client.orders_history_async(market, max(start_ms, 0), None):
            if (venue_id and str(row.get("id")) == venue_id) or \
                    (client_id and row.get("client_id") == client_id):
                if best is None or int(row.get("seq_no") or 0) > int(best.get("seq_no") or 0):
                    best = row
        return best

    async def generate_order_status_report(
        self,
        command: GenerateOrderStatusReport,
    ) -> OrderStatusReport | None:
        try:
            market = command.instrument_id.symbol.value if command.instrument_id else None
            client_id = command.client_order_id.value if command.client_order_id else None
            venue_id = command.venue_order_id.value if command.venue_order_id else None
            if venue_id is None and command.client_order_id is not None:
                known = self._cache.venue_order_id(command.client_order_id)
                venue_id = known.value if known else None
            since_ms = None
            cached = self._cache.order(command.client_order_id) \
                if command.client_order_id else None
            if cached is not None:
                since_ms = cached.ts_init // 1_000_000
                market = market or cached.instrument_id.symbol.value
            row = await self._find_order_row(market, venue_id, client_id, since_ms)
            if row is None and venue_id and client_id:
                row = await self._find_order_row(market, None, client_id, since_ms)
            if row is None:
                return None
            instrument = self._instrument_of_row(row)
            if instrument is None:
                return None
            return order_status_report(row, instrument, self.account_id,
                                       self._clock.timestamp_ns())
        except Exception as e:
            self._log.exception(f"Cannot generate the order status report for {command}", e)
            return None

    async def generate_order_status_reports(
        self,
        command: GenerateOrderStatusReports,
    ) -> list[OrderStatusReport]:
        try:
            market = command.instrument_id.symbol.value if command.instrument_id else None
            rows: dict[str, dict[str, Any]] = {}
            for row in await self._client.open_orders_async(market):
                rows[str(row["id"])] = row
            if not command.open_only:
                start_ms = self._start_ms(command.start)
                end_ms = _to_ms(command.end)
                for row in await self._client.orders_history_async(market, start_ms, end_ms):
                    key = str(row["id"])
                    known = rows.get(key)
                    if known is None or int(row.get("seq_no") or 0) > \
                            int(known.get("seq_no") or 0):
                        rows[key] = row
            return self._parse_rows(rows.values(), order_status_report)
        except Exception as e:
            self._log.exception("Cannot generate order status reports", e)
            return []

    async def generate_fill_reports(self, command: GenerateFillReports) -> list[FillReport]:
        try:
            market = command.instrument_id.symbol.value if command.instrument_id else None
            rows = await self._client.fills_async(market, self._start_ms(command.start),
                                                  _to_ms(command.end))
            if command.venue_order_id is not None:
                wanted = command.venue_order_id.value
                rows = [r for r in rows if str(r.get("order_id")) == wanted]
            unique = {str(r.get("id")): r for r in rows}
            return self._parse_rows(unique.values(), fill_report)
        except Exception as e:
            self._log.exception("Cannot generate fill reports", e)
            return []

    async def generate_position_status_reports(
        self,
        command: GeneratePositionStatusReports,
    ) -> list[PositionStatusReport]:
        try:
            rows = await self._client.positions_async()
            if command.instrument_id is not None:
                market = command.instrument_id.symbol.value
                rows = [r for r in rows if r.get("market") == market]
            reports = [r for r in self._parse_rows(rows, position_status_report)
                       if r.position_side != PositionSide.FLAT
                       or command.instrument_id is not None]
            if command.instrument_id is not None and not reports:
                instrument = self._cache.instrument(command.instrument_id)
                if instrument is not None:
                    reports.append(PositionStatusReport.create_flat(
                        account_id=self.account_id, instrument_id=command.instrument_id,
                        size_precision=instrument.size_precision,
                        ts_init=self._clock.timestamp_ns()))
            return reports
        except Exception as e:
            self._log.exception("Cannot generate position status reports", e)
            return []

    def _parse_rows(self, rows, parse) -> list:
        """Parses exchange rows into reports; a row on an unknown market or a malformed row is
        logged (never silently dropped) and skipped."""
        reports = []
        ts_init = self._clock.timestamp_ns()
        for row in rows:
            instrument = self._instrument_of_row(row)
            if instrument is None:
                self._log.warning(f"Skipping a row of unknown market {row.get('market')!r}")
                continue
            try:
                reports.append(parse(row, instrument, self.account_id, ts_init))
            except (ParseError, KeyError, ValueError) as e:
                self._log.error(f"Skipping malformed Paradex row ({e}): {row!r}")
        return reports

    def _start_ms(self, start: pd.Timestamp | None) -> int:
        if start is not None:
            return _to_ms(start)
        return max(self._clock.timestamp_ms() - self._lookback_ms, 0)

def _to_ms(ts: pd.Timestamp | None) -> int | None:
    return None if ts is None else int(pd.Timestamp(ts).value // 1_000_000)

