//! Recorded frames: the file format, the recorder and the loader.
//!
//! A recording is the 8-byte magic `PDXREC01`, then frames, each:
//!
//! | bytes | field |
//! |---|---|
//! | 8 | `delay_us`, u64 little-endian: time since the previous frame (the first frame: since the session's first `subscribe` was answered) |
//! | 1 | `kind`: 1 = text (JSON), 2 = binary (SBE) |
//! | 4 | `len`, u32 little-endian, at most [`MAX_FRAME_LEN`] |
//! | len | the frame's payload, exactly as sent |
//!
//! `paradex-mock --record FILE` writes the data frames sent to the first WebSocket session;
//! `paradex-mock --replay FILE` sends them to each session after its first subscribe.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use axum::body::Bytes;

use super::MarketDataError;

/// The file's first 8 bytes.
pub const MAGIC: &[u8; 8] = b"PDXREC01";
/// Largest frame a recording may hold (16 MiB, tungstenite's default frame limit).
pub const MAX_FRAME_LEN: u32 = 16 << 20;
const FRAME_HEADER_LEN: usize = 13;

/// Whether a frame is text or binary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrameKind {
    /// JSON text.
    Text,
    /// SBE binary.
    Binary,
}

impl FrameKind {
    fn code(self) -> u8 {
        match self {
            Self::Text => 1,
            Self::Binary => 2,
        }
    }
}

/// One recorded frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedFrame {
    /// Time since the previous frame.
    pub delay: Duration,
    /// Text or binary.
    pub kind: FrameKind,
    /// Payload (valid UTF-8 for text frames: checked at load).
    pub payload: Bytes,
}

/// A loaded recording.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recording {
    /// The frames in order.
    pub frames: Vec<RecordedFrame>,
}

impl Recording {
    /// Reads and validates a recording.
    ///
    /// # Errors
    /// [`MarketDataError::Io`] if unreadable, [`MarketDataError::Corrupt`] on a bad magic,
    /// a truncated frame, an unknown kind, an oversized length or a non-UTF-8 text frame.
    pub fn load(path: &Path) -> Result<Self, MarketDataError> {
        let bytes = std::fs::read(path).map_err(|e| MarketDataError::Io {
            path: path.to_owned(),
            source: e,
        })?;
        Self::parse(&bytes).map_err(|reason| MarketDataError::Corrupt {
            path: path.to_owned(),
            reason,
        })
    }

    /// Parses a recording held in memory; the error says what is wrong and where.
    ///
    /// # Errors
    /// A description of the first problem.
    pub fn parse(bytes: &[u8]) -> Result<Self, String> {
        let body = bytes
            .strip_prefix(MAGIC.as_slice())
            .ok_or("missing PDXREC01 magic")?;
        let mut frames = Vec::new();
        let mut at = 0;
        while at < body.len() {
            let offset = at + MAGIC.len();
            let header = body
                .get(at..at + FRAME_HEADER_LEN)
                .ok_or_else(|| format!("truncated frame header at byte {offset}"))?;
            let delay_us = u64::from_le_bytes(header[0..8].try_into().map_err(|_| "header")?);
            let kind = match header[8] {
                1 => FrameKind::Text,
                2 => FrameKind::Binary,
                other => return Err(format!("unknown frame kind {other} at byte {offset}")),
            };
            let len = u32::from_le_bytes(header[9..13].try_into().map_err(|_| "header")?);
            if len > MAX_FRAME_LEN {
                return Err(format!(
                    "frame of {len} bytes at byte {offset} exceeds {MAX_FRAME_LEN}"
                ));
            }
            let start = at + FRAME_HEADER_LEN;
            let payload = body
                .get(start..start + len as usize)
                .ok_or_else(|| format!("truncated frame payload at byte {offset}"))?;
            if kind == FrameKind::Text && std::str::from_utf8(payload).is_err() {
                return Err(format!("text frame at byte {offset} is not UTF-8"));
            }
            frames.push(RecordedFrame {
                delay: Duration::from_micros(delay_us),
                kind,
                payload: Bytes::copy_from_slice(payload),
            });
            at = start + len as usize;
        }
        Ok(Self { frames })
    }
}

/// Appends frames to a recording file as they are sent.
#[derive(Debug)]
pub struct Recorder {
    out: BufWriter<std::fs::File>,
    path: PathBuf,
    last: Option<Instant>,
}

impl Recorder {
    /// Creates (truncates) the file and writes the magic.
    ///
    /// # Errors
    /// [`MarketDataError::Io`] if the file cannot be written.
    pub fn create(path: &Path) -> Result<Self, MarketDataError> {
        let io = |e| MarketDataError::Io {
            path: path.to_owned(),
            source: e,
        };
        let mut out = BufWriter::new(std::fs::File::create(path).map_err(io)?);
        out.write_all(MAGIC).map_err(io)?;
        Ok(Self {
            out,
            path: path.to_owned(),
            last: None,
        })
    }

    /// Starts the clock (the first frame's delay counts from here).
    pub fn start(&mut self) {
        self.last.get_or_insert_with(Instant::now);
    }

    /// Appends one frame stamped with the time since the previous one.
    ///
    /// # Errors
    /// [`MarketDataError::Io`] on a write failure; [`MarketDataError::Corrupt`] for a frame
    /// over [`MAX_FRAME_LEN`] (it is not written).
    pub fn append(&mut self, kind: FrameKind, payload: &[u8]) -> Result<(), MarketDataError> {
        let len = u32::try_from(payload.len())
            .ok()
            .filter(|len| *len <= MAX_FRAME_LEN)
            .ok_or_else(|| MarketDataError::Corrupt {
                path: self.path.clone(),
                reason: format!("refusing to record a {} byte frame", payload.len()),
            })?;
        let now = Instant::now();
        let delay = now.duration_since(*self.last.get_or_insert(now));
        self.last = Some(now);
        let delay_us = u64::try_from(delay.as_micros()).unwrap_or(u64::MAX);
        let mut header = [0_u8; FRAME_HEADER_LEN];
        header[0..8].copy_from_slice(&delay_us.to_le_bytes());
        header[8] = kind.code();
        header[9..13].copy_from_slice(&len.to_le_bytes());
        let io = |e| MarketDataError::Io {
            path: self.path.clone(),
            source: e,
        };
        self.out.write_all(&header).map_err(io)?;
        self.out.write_all(payload).map_err(io)
    }

    /// Flushes buffered frames to the file.
    ///
    /// # Errors
    /// [`MarketDataError::Io`] on a write failure.
    pub fn flush(&mut self) -> Result<(), MarketDataError> {
        self.out.flush().map_err(|e| MarketDataError::Io {
            path: self.path.clone(),
            source: e,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recorder_output_loads_back() {
        let path =
            std::env::temp_dir().join(format!("paradex-mock-rec-{}-1.bin", std::process::id()));
        let mut recorder = Recorder::create(&path).unwrap();
        recorder.start();
        recorder.append(FrameKind::Text, br#"{"a":1}"#).unwrap();
        recorder.append(FrameKind::Binary, &[1, 2, 3]).unwrap();
        recorder.flush().unwrap();
        drop(recorder);
        let recording = Recording::load(&path).unwrap();
        std::fs::remove_file(&path).unwrap();
        assert_eq!(recording.frames.len(), 2);
        assert_eq!(recording.frames[0].kind, FrameKind::Text);
        assert_eq!(&recording.frames[1].payload[..], &[1, 2, 3]);
    }

    #[test]
    fn corrupt_recordings_are_rejected_with_a_reason() {
        let mut good = MAGIC.to_vec();
        good.extend_from_slice(&5_u64.to_le_bytes());
        good.push(2);
        good.extend_from_slice(&2_u32.to_le_bytes());
        good.extend_from_slice(&[9, 9]);
        assert_eq!(Recording::parse(&good).unwrap().frames.len(), 1);
        // TC0 bad magic, TC1 truncated header, TC2 truncated payload, TC3 bad kind,
        // TC4 oversized, TC5 non-UTF-8 text.
        let mut bad_kind = good.clone();
        bad_kind[MAGIC.len() + 8] = 7;
        let mut oversized = good.clone();
        oversized[MAGIC.len() + 9..MAGIC.len() + 13].copy_from_slice(&u32::MAX.to_le_bytes());
        let mut bad_text = good.clone();
        bad_text[MAGIC.len() + 8] = 1;
        bad_text[MAGIC.len() + 13] = 0xff;
        let cases = [
            b"NOTMAGIC".to_vec(),
            good[..MAGIC.len() + 5].to_vec(),
            good[..good.len() - 1].to_vec(),
            bad_kind,
            oversized,
            bad_text,
        ];
        for (i, case) in cases.iter().enumerate() {
            assert!(Recording::parse(case).is_err(), "TC{i} accepted");
        }
    }
}
