//! Any message of the schema: decode by template id, encode whichever variant.

use super::account::{AccountEvent, FillEvent, OrderEvent, PositionEvent};
use super::error::{DecodeError, EncodeError};
use super::market::{
    BboEvent, BookEvent, FundingDataEvent, FundingRateComparisonEvent, MarketSummaryEvent,
    TradeEvent,
};
use super::system::{HeartbeatEvent, SubscribedEvent};
use super::types::template;
use super::wire::Frame;

/// One decoded (or to-be-encoded) message. Borrowed strings and book levels point into the
/// frame, so decoding allocates nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Message<'a> {
    /// Template 1.
    Trade(TradeEvent<'a>),
    /// Template 2.
    Bbo(BboEvent<'a>),
    /// Template 3.
    Book(BookEvent<'a>),
    /// Template 4.
    MarketSummary(MarketSummaryEvent<'a>),
    /// Template 5.
    FundingData(FundingDataEvent<'a>),
    /// Template 6.
    FundingRateComparison(FundingRateComparisonEvent<'a>),
    /// Template 20.
    Order(OrderEvent<'a>),
    /// Template 21.
    Fill(FillEvent<'a>),
    /// Template 22.
    Position(PositionEvent<'a>),
    /// Template 23.
    Account(AccountEvent<'a>),
    /// Template 40.
    Heartbeat(HeartbeatEvent),
    /// Template 41.
    Subscribed(SubscribedEvent<'a>),
}

/// Decodes one whole frame (one WebSocket binary message).
///
/// # Errors
/// [`DecodeError`]; [`DecodeError::is_unknown`] tells a frame to skip (unknown template,
/// schema or version) from a corrupt one.
pub fn decode(bytes: &[u8]) -> Result<Message<'_>, DecodeError> {
    Frame::parse(bytes)?.decode()
}

impl<'a> Frame<'a> {
    /// Decodes the message this frame carries.
    ///
    /// # Errors
    /// As [`decode`].
    pub fn decode(&self) -> Result<Message<'a>, DecodeError> {
        Ok(match self.header().template_id {
            template::TRADE => Message::Trade(TradeEvent::decode(self)?),
            template::BBO => Message::Bbo(BboEvent::decode(self)?),
            template::BOOK => Message::Book(BookEvent::decode(self)?),
            template::MARKET_SUMMARY => Message::MarketSummary(MarketSummaryEvent::decode(self)?),
            template::FUNDING_DATA => Message::FundingData(FundingDataEvent::decode(self)?),
            template::FUNDING_RATE_COMPARISON => {
                Message::FundingRateComparison(FundingRateComparisonEvent::decode(self)?)
            }
            template::ORDER => Message::Order(OrderEvent::decode(self)?),
            template::FILL => Message::Fill(FillEvent::decode(self)?),
            template::POSITION => Message::Position(PositionEvent::decode(self)?),
            template::ACCOUNT => Message::Account(AccountEvent::decode(self)?),
            template::HEARTBEAT => Message::Heartbeat(HeartbeatEvent::decode(self)?),
            template::SUBSCRIBED => Message::Subscribed(SubscribedEvent::decode(self)?),
            template_id => {
                return Err(DecodeError::UnknownTemplate {
                    template_id,
                    version: self.header().version,
                });
            }
        })
    }
}

impl Message<'_> {
    /// Template id of this message.
    #[must_use]
    pub const fn template_id(&self) -> u16 {
        match self {
            Self::Trade(_) => template::TRADE,
            Self::Bbo(_) => template::BBO,
            Self::Book(_) => template::BOOK,
            Self::MarketSummary(_) => template::MARKET_SUMMARY,
            Self::FundingData(_) => template::FUNDING_DATA,
            Self::FundingRateComparison(_) => template::FUNDING_RATE_COMPARISON,
            Self::Order(_) => template::ORDER,
            Self::Fill(_) => template::FILL,
            Self::Position(_) => template::POSITION,
            Self::Account(_) => template::ACCOUNT,
            Self::Heartbeat(_) => template::HEARTBEAT,
            Self::Subscribed(_) => template::SUBSCRIBED,
        }
    }

    /// Appends this message as one frame at schema `version` (see each event's `encode`).
    ///
    /// # Errors
    /// [`EncodeError`].
    pub fn encode(&self, version: u16, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        match self {
            Self::Trade(e) => e.encode(version, out),
            Self::Bbo(e) => e.encode(version, out),
            Self::Book(e) => e.encode(version, out),
            Self::MarketSummary(e) => e.encode(version, out),
            Self::FundingData(e) => e.encode(version, out),
            Self::FundingRateComparison(e) => e.encode(version, out),
            Self::Order(e) => e.encode(version, out),
            Self::Fill(e) => e.encode(version, out),
            Self::Position(e) => e.encode(version, out),
            Self::Account(e) => e.encode(version, out),
            Self::Heartbeat(e) => e.encode(version, out),
            Self::Subscribed(e) => e.encode(version, out),
        }
    }
}
