//! The SBE decoder (`paradex_proto::sbe`): every frame either fails with an error or decodes to
//! a message that re-encodes (at the frame's version) and decodes to the same message.

use paradex_proto::sbe::{self, Message, MessageHeader};

/// Decodes `data` as one SBE frame; a decoded frame must round-trip through the encoder.
pub fn sbe_decode(data: &[u8]) {
    let Ok(message) = sbe::decode(data) else {
        return;
    };
    touch_levels(&message);
    let Ok(header) = MessageHeader::read(data) else {
        panic!("a frame decoded without a readable header");
    };
    let mut again = Vec::with_capacity(data.len());
    if message.encode(header.version, &mut again).is_err() {
        // Values the encoder refuses (e.g. a version it does not write) are not a decoder bug.
        return;
    }
    let decoded = sbe::decode(&again).expect("an encoded message decodes");
    assert_eq!(decoded, message, "SBE round trip changed the message");
}

/// Walks every book level, so a group whose declared length overruns the frame shows up.
fn touch_levels(message: &Message<'_>) {
    if let Message::Book(book) = message {
        let total: i64 = book
            .bids
            .into_iter()
            .chain(book.asks)
            .fold(0_i64, |acc, level| {
                acc.wrapping_add(level.price ^ level.size)
            });
        std::hint::black_box(total);
    }
}
