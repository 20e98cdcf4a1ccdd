//! The execution client's parsers: private-stream frames (`paradex_exec::stream::parse_frame`)
//! applied to an order book, and the REST models (`paradex_exec::rest::models`) with their
//! conversions into state types.

use paradex_exec::rest::models::{
    AccountResp, ApiErrorBody, AuthResponse, BalanceResp, BatchResponse, CancelResult, FillResp,
    MarketResp, OrderResp, Page, PositionResp, Results,
};
use paradex_exec::state::OrderBook;
use paradex_exec::stream::{StreamEvent, parse_frame};
use serde::de::DeserializeOwned;

/// Parses each line of `data` as a private-stream frame and applies the events, in order, to
/// one order book (the state machine must take any sequence the venue could send).
pub fn exec_stream(data: &[u8]) {
    let mut book = OrderBook::new();
    for line in data.split(|b| *b == b'\n') {
        let mut frame = line.to_vec();
        match parse_frame(&mut frame) {
            Ok(StreamEvent::Order(update)) => {
                std::hint::black_box(book.apply_order(&update));
            }
            Ok(StreamEvent::Fill(fill)) => {
                std::hint::black_box(book.apply_fill(&fill));
            }
            Ok(StreamEvent::Position(position)) => {
                std::hint::black_box(book.apply_position(&position));
            }
            Ok(_) | Err(_) => {}
        }
    }
    std::hint::black_box(book.live_orders().count());
}

fn parse<T: DeserializeOwned>(data: &[u8]) -> Option<T> {
    serde_json::from_slice(data).ok()
}

/// Parses `data` as every REST reply model and converts what parses into state types.
pub fn rest_models(data: &[u8]) {
    if let Some(order) = parse::<OrderResp>(data) {
        std::hint::black_box(order.to_update().ok());
    }
    if let Some(page) = parse::<Page<OrderResp>>(data) {
        page.results.iter().for_each(|o| {
            std::hint::black_box(o.to_update().ok());
        });
    }
    if let Some(fills) = parse::<Page<FillResp>>(data) {
        fills.results.iter().for_each(|f| {
            std::hint::black_box(f.to_fill().ok());
        });
    }
    if let Some(positions) = parse::<Results<PositionResp>>(data) {
        positions.results.iter().for_each(|p| {
            std::hint::black_box(p.to_position());
        });
    }
    if let Some(balances) = parse::<Results<BalanceResp>>(data) {
        balances.results.iter().for_each(|b| {
            std::hint::black_box(b.to_balance());
        });
    }
    std::hint::black_box(parse::<AccountResp>(data));
    std::hint::black_box(parse::<Results<MarketResp>>(data));
    std::hint::black_box(parse::<Results<CancelResult>>(data));
    std::hint::black_box(parse::<BatchResponse>(data));
    std::hint::black_box(parse::<ApiErrorBody>(data));
    std::hint::black_box(parse::<AuthResponse>(data));
}
