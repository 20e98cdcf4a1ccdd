//! Drops oversized WebSocket data frames below tungstenite, so one huge frame costs a counter
//! increment instead of a reconnect.
//!
//! tungstenite refuses a frame above its `max_frame_size` by failing the connection: its frame
//! reader cannot skip a payload. [`FrameFilter`] sits between the socket (or TLS) stream and
//! tungstenite and parses the server's frame headers (RFC 6455 §5.2) as bytes pass through.
//! A data frame whose payload exceeds the limit is removed from the stream, header and payload,
//! and counted; if it starts a fragmented message, the message's continuation frames are
//! removed too. Everything else passes in place, so tungstenite never sees the frame and its
//! own caps never trip.
//!
//! The filter starts switched off, so the HTTP upgrade passes untouched, and is switched on once
//! the handshake is done (the venue sends nothing before a subscription).
//!
//! One case cannot be skipped: a fragmented message whose first fragment fits but whose total
//! does not. Its first fragments are already in tungstenite, which then fails the connection on
//! its `max_message_size`; the handler counts that as an oversized frame and reconnects (one
//! reconnect per such message, with the usual backoff).
//!
//! Cost on the hot path: a header parse per frame (a few compares) and no copy while nothing is
//! dropped (bytes are only moved down the buffer after a dropped frame).

use std::io::{self, Read, Write};

/// Longest frame header: 2 bytes, 8 of extended length, 4 of mask.
const MAX_HEADER: usize = 14;

const OP_CONTINUATION: u8 = 0x0;
const OP_TEXT: u8 = 0x1;
const OP_BINARY: u8 = 0x2;

/// Where the parser is in the byte stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// At a frame header.
    Header,
    /// Passing this many more payload bytes.
    Pass(u64),
    /// Dropping this many more payload bytes.
    Drop(u64),
}

/// A stream that removes data frames larger than `limit` bytes (see the module docs).
#[derive(Debug)]
pub(crate) struct FrameFilter<S> {
    inner: S,
    /// Off during the HTTP upgrade: bytes pass unparsed.
    active: bool,
    limit: u64,
    state: State,
    /// A header split across reads: its first `held_len` bytes, not yet passed on.
    held: [u8; MAX_HEADER],
    held_len: usize,
    /// Inside a fragmented message whose first frame was dropped: drop its continuations.
    dropping_message: bool,
    /// Messages dropped so far.
    dropped: u64,
}

impl<S> FrameFilter<S> {
    /// Wraps `inner`, switched off until [`FrameFilter::activate`]; then drops data frames with
    /// payloads over `limit` bytes.
    pub(crate) fn new(inner: S, limit: usize) -> Self {
        Self {
            inner,
            active: false,
            limit: limit as u64,
            state: State::Header,
            held: [0; MAX_HEADER],
            held_len: 0,
            dropping_message: false,
            dropped: 0,
        }
    }

    /// Starts filtering: call once the HTTP upgrade is complete, at a frame boundary.
    pub(crate) fn activate(&mut self) {
        self.active = true;
    }

    /// The wrapped stream.
    pub(crate) fn get_ref(&self) -> &S {
        &self.inner
    }

    /// Oversized messages dropped so far.
    pub(crate) fn dropped(&self) -> u64 {
        self.dropped
    }

    /// Filters `buf[..len]` in place; returns how many bytes remain at its front.
    fn filter(&mut self, buf: &mut [u8], len: usize) -> usize {
        let (mut read, mut kept) = (0, 0);
        while read < len {
            match self.state {
                State::Pass(left) => {
                    let n = left.min((len - read) as u64) as usize;
                    if kept != read {
                        buf.copy_within(read..read + n, kept);
                    }
                    (read, kept) = (read + n, kept + n);
                    self.state = after(left - n as u64, State::Pass);
                }
                State::Drop(left) => {
                    let n = left.min((len - read) as u64) as usize;
                    read += n;
                    self.state = after(left - n as u64, State::Drop);
                }
                State::Header => {
                    let Some((header_len, fin, opcode, payload)) = parse_header(&buf[read..len])
                    else {
                        // Incomplete: keep the bytes for the next read.
                        self.held_len = len - read;
                        self.held[..self.held_len].copy_from_slice(&buf[read..len]);
                        break;
                    };
                    let is_data = opcode == OP_TEXT || opcode == OP_BINARY;
                    let drop = if self.dropping_message && opcode == OP_CONTINUATION {
                        self.dropping_message = !fin;
                        true
                    } else if is_data && payload > self.limit {
                        self.dropped += 1;
                        self.dropping_message = !fin;
                        true
                    } else {
                        false
                    };
                    if drop {
                        read += header_len;
                        self.state = after(payload, State::Drop);
                    } else {
                        if kept != read {
                            buf.copy_within(read..read + header_len, kept);
                        }
                        (read, kept) = (read + header_len, kept + header_len);
                        self.state = after(payload, State::Pass);
                    }
                }
            }
        }
        kept
    }
}

/// The state after a payload part: more of the same, or the next header.
fn after(left: u64, state: fn(u64) -> State) -> State {
    if left == 0 {
        State::Header
    } else {
        state(left)
    }
}

/// Parses a frame header at the front of `bytes`: `(header length, FIN, opcode, payload
/// length)`, or `None` if `bytes` does not hold the whole header yet.
fn parse_header(bytes: &[u8]) -> Option<(usize, bool, u8, u64)> {
    let (&first, &second) = (bytes.first()?, bytes.get(1)?);
    let mask_len = if second & 0x80 == 0 { 0 } else { 4 };
    let (ext_len, payload) = match second & 0x7f {
        126 => (
            2,
            u64::from(u16::from_be_bytes(bytes.get(2..4)?.try_into().ok()?)),
        ),
        127 => (8, u64::from_be_bytes(bytes.get(2..10)?.try_into().ok()?)),
        short => (0, u64::from(short)),
    };
    let header_len = 2 + ext_len + mask_len;
    (bytes.len() >= header_len).then_some((header_len, first & 0x80 != 0, first & 0x0f, payload))
}

impl<S: Read> Read for FrameFilter<S> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if !self.active {
            return self.inner.read(buf);
        }
        if buf.len() < 2 * MAX_HEADER {
            // tungstenite reads in large chunks; a tiny buffer could not hold a held header
            // plus progress, so refuse rather than loop.
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "frame filter needs a read buffer of at least 28 bytes",
            ));
        }
        loop {
            // A header split by the previous read goes back in front of the new bytes, so the
            // filter always sees whole headers and never writes past what it has read.
            let held = self.held_len;
            buf[..held].copy_from_slice(&self.held[..held]);
            self.held_len = 0;
            let n = match self.inner.read(&mut buf[held..]) {
                Ok(n) => n,
                Err(e) => {
                    self.held_len = held;
                    return Err(e);
                }
            };
            if n == 0 {
                return Ok(0);
            }
            let kept = self.filter(buf, held + n);
            if kept > 0 {
                return Ok(kept);
            }
            // Everything read was dropped or held: read again (a non-blocking socket ends the
            // loop with `WouldBlock`).
        }
    }
}

impl<S: Write> Write for FrameFilter<S> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.inner.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(fin: bool, opcode: u8, payload: &[u8]) -> Vec<u8> {
        let mut out = vec![u8::from(fin) << 7 | opcode];
        match payload.len() {
            n @ 0..=125 => out.push(n as u8),
            n @ 126..=0xffff => {
                out.push(126);
                out.extend_from_slice(&(n as u16).to_be_bytes());
            }
            n => {
                out.push(127);
                out.extend_from_slice(&(n as u64).to_be_bytes());
            }
        }
        out.extend_from_slice(payload);
        out
    }

    /// Feeds `input` through a filter in reads of at most `chunk` bytes, collecting the output.
    fn run(input: &[u8], limit: usize, chunk: usize) -> (Vec<u8>, u64) {
        struct Chunks<'a>(&'a [u8], usize);
        impl Read for Chunks<'_> {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                let n = self.0.len().min(self.1).min(buf.len());
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let mut filter = FrameFilter::new(Chunks(input, chunk), limit);
        filter.activate();
        let mut out = Vec::new();
        let mut buf = [0u8; 64];
        loop {
            match filter.read(&mut buf).unwrap() {
                0 => return (out, filter.dropped()),
                n => out.extend_from_slice(&buf[..n]),
            }
        }
    }

    #[test]
    fn drops_oversized_frames_and_fragmented_messages_at_any_split() {
        let small = frame(true, OP_BINARY, &[7; 20]);
        let ping = frame(true, 0x9, b"hi");
        let text = frame(true, OP_TEXT, b"{\"a\":1}");
        let mut input = Vec::new();
        let mut expected = Vec::new();
        for part in [&small, &ping] {
            input.extend_from_slice(part);
            expected.extend_from_slice(part);
        }
        input.extend(frame(true, OP_BINARY, &[1; 300])); // dropped (16-bit length)
        input.extend_from_slice(&text);
        expected.extend_from_slice(&text);
        // A fragmented message starting oversized: every fragment goes; a ping inside stays.
        input.extend(frame(false, OP_TEXT, &[2; 200]));
        input.extend_from_slice(&ping);
        expected.extend_from_slice(&ping);
        input.extend(frame(false, OP_CONTINUATION, &[3; 10]));
        input.extend(frame(true, OP_CONTINUATION, &[4; 10]));
        input.extend(frame(true, OP_BINARY, &vec![5; 70_000])); // dropped (64-bit length)
        input.extend_from_slice(&small);
        expected.extend_from_slice(&small);
        // A small fragmented message passes whole.
        let first = frame(false, OP_BINARY, &[6; 30]);
        let last = frame(true, OP_CONTINUATION, &[6; 30]);
        for part in [&first, &last] {
            input.extend_from_slice(part);
            expected.extend_from_slice(part);
        }
        for chunk in [1, 2, 3, 5, 13, 64, 4096] {
            let (out, dropped) = run(&input, 100, chunk);
            assert_eq!(out, expected, "chunk {chunk}");
            assert_eq!(dropped, 3, "chunk {chunk}");
        }
    }

    #[test]
    fn frames_at_the_limit_and_masked_headers_pass() {
        let mut at_limit = frame(true, OP_BINARY, &[9; 100]);
        let (out, dropped) = run(&at_limit, 100, 7);
        assert_eq!((out, dropped), (at_limit.clone(), 0));
        // A masked header (servers must not mask, but the parser must still frame it right).
        at_limit[1] |= 0x80;
        at_limit.splice(2..2, [1, 2, 3, 4]);
        let (out, dropped) = run(&at_limit, 100, 3);
        assert_eq!((out, dropped), (at_limit, 0));
    }
}
