//! Frame layout: the 8-byte message header, bounds-checked readers over the root block,
//! repeating groups and var-strings, and the matching append-only writer.

use super::error::{DecodeError, EncodeError};
use super::types::Level;

/// Schema id of the Paradex market-data schema.
pub const SCHEMA_ID: u16 = 1;
/// Newest schema version this codec reads and writes (versions `0..=SCHEMA_VERSION`).
pub const SCHEMA_VERSION: u16 = 2;
/// The SBE null value of every `int64` field (Price8NULL and friends).
pub const NULL_I64: i64 = i64::MIN;
/// Size of the message header.
pub const HEADER_LEN: usize = 8;
/// Size of a repeating group's dimension header (`blockLength u16`, `numInGroup u16`).
pub const GROUP_HEADER_LEN: usize = 4;
/// Bytes of one book level (`price` Price8, `size` Qty8).
pub const LEVEL_LEN: u16 = 16;

/// The SBE message header that starts every frame. All fields little-endian `u16`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MessageHeader {
    /// Length of the root block that follows the header (honoured even when longer than known).
    pub block_length: u16,
    /// Which message this is (see [`super::template`]).
    pub template_id: u16,
    /// Schema id; [`SCHEMA_ID`] for Paradex.
    pub schema_id: u16,
    /// Schema version the sender encoded for.
    pub version: u16,
}

impl MessageHeader {
    /// Reads the header at the start of `frame` without validating schema or version.
    ///
    /// # Errors
    /// [`DecodeError::Truncated`] when the frame is shorter than 8 bytes.
    #[inline]
    pub fn read(frame: &[u8]) -> Result<Self, DecodeError> {
        let bytes: &[u8; HEADER_LEN] = frame.first_chunk().ok_or(DecodeError::Truncated {
            offset: 0,
            needed: HEADER_LEN,
            len: frame.len(),
        })?;
        let word = |i: usize| u16::from_le_bytes([bytes[i], bytes[i + 1]]);
        Ok(Self {
            block_length: word(0),
            template_id: word(2),
            schema_id: word(4),
            version: word(6),
        })
    }
}

/// A frame whose header has been read and whose schema id and version are supported.
#[derive(Debug, Clone, Copy)]
pub struct Frame<'a> {
    header: MessageHeader,
    bytes: &'a [u8],
}

impl<'a> Frame<'a> {
    /// Reads and checks the header of `bytes` (one whole WebSocket binary message).
    ///
    /// # Errors
    /// [`DecodeError::Truncated`] for fewer than 8 bytes; [`DecodeError::UnsupportedSchema`]
    /// for a schema id other than 1 or a version above [`SCHEMA_VERSION`].
    #[inline]
    pub fn parse(bytes: &'a [u8]) -> Result<Self, DecodeError> {
        let header = MessageHeader::read(bytes)?;
        if header.schema_id != SCHEMA_ID || header.version > SCHEMA_VERSION {
            return Err(DecodeError::UnsupportedSchema {
                schema_id: header.schema_id,
                version: header.version,
            });
        }
        Ok(Self { header, bytes })
    }

    /// The frame's header.
    #[inline]
    #[must_use]
    pub const fn header(&self) -> MessageHeader {
        self.header
    }

    /// The whole frame, header included.
    #[inline]
    #[must_use]
    pub const fn bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// The body of a frame that must carry `template_id`, which exists from version `since`.
    pub(crate) fn body_for(
        &self,
        template_id: u16,
        since: u16,
        minimum: u16,
    ) -> Result<Body<'a>, DecodeError> {
        if self.header.template_id != template_id || self.header.version < since {
            return Err(DecodeError::UnknownTemplate {
                template_id: self.header.template_id,
                version: self.header.version,
            });
        }
        self.body(minimum)
    }

    /// Splits off the root block (checked against `minimum`) and the rest of the frame.
    fn body(&self, minimum: u16) -> Result<Body<'a>, DecodeError> {
        let block_length = self.header.block_length;
        if block_length < minimum {
            return Err(DecodeError::BlockTooShort {
                template_id: self.header.template_id,
                block_length,
                minimum,
            });
        }
        let end = HEADER_LEN + usize::from(block_length);
        let block = self
            .bytes
            .get(HEADER_LEN..end)
            .ok_or_else(|| truncated(self.bytes, HEADER_LEN, usize::from(block_length)))?;
        Ok(Body {
            block: Block(block),
            frame: self.bytes,
            at: end,
            version: self.header.version,
        })
    }
}

fn truncated(frame: &[u8], offset: usize, needed: usize) -> DecodeError {
    DecodeError::Truncated {
        offset,
        needed,
        len: frame.len(),
    }
}

/// The root block: fixed-offset little-endian reads. Offsets below the template's minimum
/// block length are always in bounds (checked by [`Frame::body`]); a read past the end (a
/// field appended later, which a shorter block does not carry) gives null or zero.
#[derive(Clone, Copy)]
pub(crate) struct Block<'a>(&'a [u8]);

impl Block<'_> {
    #[inline]
    fn array<const N: usize>(&self, offset: usize) -> Option<[u8; N]> {
        self.0.get(offset..)?.first_chunk::<N>().copied()
    }

    #[inline]
    pub(crate) fn i64(&self, offset: usize) -> i64 {
        self.array(offset).map_or(NULL_I64, i64::from_le_bytes)
    }

    /// A nullable `int64`: `None` for the null value.
    #[inline]
    pub(crate) fn opt_i64(&self, offset: usize) -> Option<i64> {
        Some(self.i64(offset)).filter(|&v| v != NULL_I64)
    }

    #[inline]
    pub(crate) fn u8(&self, offset: usize) -> u8 {
        self.0.get(offset).copied().unwrap_or(0)
    }

    #[inline]
    pub(crate) fn u64(&self, offset: usize) -> u64 {
        self.array(offset).map_or(0, u64::from_le_bytes)
    }

    #[inline]
    pub(crate) fn i16(&self, offset: usize) -> i16 {
        self.array(offset).map_or(0, i16::from_le_bytes)
    }

    #[inline]
    pub(crate) fn bytes32(&self, offset: usize) -> [u8; 32] {
        self.array(offset).unwrap_or([0; 32])
    }
}

/// Everything after the header: the root block, then groups and var-data read in order.
pub(crate) struct Body<'a> {
    pub(crate) block: Block<'a>,
    frame: &'a [u8],
    at: usize,
    pub(crate) version: u16,
}

impl<'a> Body<'a> {
    fn take(&mut self, len: usize) -> Result<&'a [u8], DecodeError> {
        let bytes = self
            .frame
            .get(self.at..self.at + len)
            .ok_or_else(|| truncated(self.frame, self.at, len))?;
        self.at += len;
        Ok(bytes)
    }

    /// A repeating group of book levels, honouring the group's own entry length.
    pub(crate) fn levels(&mut self) -> Result<Levels<'a>, DecodeError> {
        let dims = self.take(GROUP_HEADER_LEN)?;
        let entry_len = u16::from_le_bytes([dims[0], dims[1]]);
        let count = u16::from_le_bytes([dims[2], dims[3]]);
        if entry_len < LEVEL_LEN {
            return Err(DecodeError::GroupBlockTooShort {
                block_length: entry_len,
                minimum: LEVEL_LEN,
            });
        }
        let bytes = self.take(usize::from(entry_len) * usize::from(count))?;
        Ok(Levels(LevelsRepr::Wire {
            bytes,
            entry_len: usize::from(entry_len),
        }))
    }

    /// A `varString8` that every version carries.
    pub(crate) fn string(&mut self) -> Result<&'a str, DecodeError> {
        let len = self.take(1)?[0];
        let bytes = self.take(usize::from(len))?;
        core::str::from_utf8(bytes).map_err(|_| DecodeError::InvalidUtf8)
    }

    /// A `varString8` appended in version `since`: `None` when the version predates it, when
    /// the frame ends before it (the in-place 1:2 additions), or when it is empty.
    pub(crate) fn appended_string(&mut self, since: u16) -> Result<Option<&'a str>, DecodeError> {
        if self.version < since || self.at >= self.frame.len() {
            return Ok(None);
        }
        self.string().map(|s| Some(s).filter(|s| !s.is_empty()))
    }
}

/// Book levels: either a slice (when building an event to encode) or a decoded wire group,
/// iterated without allocation.
#[derive(Clone, Copy)]
pub struct Levels<'a>(LevelsRepr<'a>);

#[derive(Clone, Copy)]
enum LevelsRepr<'a> {
    Slice(&'a [Level]),
    Wire { bytes: &'a [u8], entry_len: usize },
}

impl<'a> Levels<'a> {
    /// Levels to encode.
    #[must_use]
    pub const fn from_slice(levels: &'a [Level]) -> Self {
        Self(LevelsRepr::Slice(levels))
    }

    /// Number of levels.
    #[must_use]
    pub fn len(&self) -> usize {
        match self.0 {
            LevelsRepr::Slice(levels) => levels.len(),
            LevelsRepr::Wire { bytes, entry_len } => bytes.len() / entry_len,
        }
    }

    /// True when there are no levels.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Iterates the levels in wire order.
    #[must_use]
    pub fn iter(&self) -> LevelIter<'a> {
        LevelIter {
            levels: *self,
            next: 0,
        }
    }

    fn get(&self, index: usize) -> Option<Level> {
        match self.0 {
            LevelsRepr::Slice(levels) => levels.get(index).copied(),
            LevelsRepr::Wire { bytes, entry_len } => {
                let entry = bytes.get(index * entry_len..)?;
                let price = entry.first_chunk::<8>()?;
                let size = entry.get(8..)?.first_chunk::<8>()?;
                Some(Level {
                    price: i64::from_le_bytes(*price),
                    size: i64::from_le_bytes(*size),
                })
            }
        }
    }
}

impl Default for Levels<'_> {
    fn default() -> Self {
        Self::from_slice(&[])
    }
}

impl PartialEq for Levels<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl Eq for Levels<'_> {}

impl core::fmt::Debug for Levels<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<'a> IntoIterator for Levels<'a> {
    type Item = Level;
    type IntoIter = LevelIter<'a>;

    fn into_iter(self) -> LevelIter<'a> {
        self.iter()
    }
}

/// Iterator over [`Levels`].
#[derive(Debug, Clone)]
pub struct LevelIter<'a> {
    levels: Levels<'a>,
    next: usize,
}

impl Iterator for LevelIter<'_> {
    type Item = Level;

    #[inline]
    fn next(&mut self) -> Option<Level> {
        let level = self.levels.get(self.next)?;
        self.next += 1;
        Some(level)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.levels.len().saturating_sub(self.next);
        (left, Some(left))
    }
}

impl ExactSizeIterator for LevelIter<'_> {}

/// Appends one frame to a caller-owned buffer. On error the buffer is cut back to where the
/// frame started, so a failed encode leaves no partial frame behind.
pub(crate) struct Writer<'b> {
    out: &'b mut Vec<u8>,
    start: usize,
    pub(crate) version: u16,
}

impl<'b> Writer<'b> {
    /// Checks the version, writes the header and returns the writer positioned at the block.
    pub(crate) fn begin(
        out: &'b mut Vec<u8>,
        template_id: u16,
        since: u16,
        block_length: u16,
        version: u16,
    ) -> Result<Self, EncodeError> {
        if version > SCHEMA_VERSION {
            return Err(EncodeError::UnsupportedVersion(version));
        }
        if version < since {
            return Err(EncodeError::NotInVersion {
                template_id,
                version,
            });
        }
        let start = out.len();
        for word in [block_length, template_id, SCHEMA_ID, version] {
            out.extend_from_slice(&word.to_le_bytes());
        }
        Ok(Self {
            out,
            start,
            version,
        })
    }

    pub(crate) fn i64(&mut self, value: i64) -> &mut Self {
        self.out.extend_from_slice(&value.to_le_bytes());
        self
    }

    pub(crate) fn opt_i64(&mut self, value: Option<i64>) -> &mut Self {
        self.i64(value.unwrap_or(NULL_I64))
    }

    pub(crate) fn u64(&mut self, value: u64) -> &mut Self {
        self.out.extend_from_slice(&value.to_le_bytes());
        self
    }

    pub(crate) fn i16(&mut self, value: i16) -> &mut Self {
        self.out.extend_from_slice(&value.to_le_bytes());
        self
    }

    pub(crate) fn u8(&mut self, value: u8) -> &mut Self {
        self.out.push(value);
        self
    }

    pub(crate) fn bytes(&mut self, value: &[u8]) -> &mut Self {
        self.out.extend_from_slice(value);
        self
    }

    /// Writes a group of levels.
    pub(crate) fn levels(&mut self, levels: Levels<'_>) -> Result<&mut Self, EncodeError> {
        let count = u16::try_from(levels.len()).map_err(|_| self.fail_entries(levels.len()))?;
        self.out.extend_from_slice(&LEVEL_LEN.to_le_bytes());
        self.out.extend_from_slice(&count.to_le_bytes());
        for level in levels {
            self.i64(level.price).i64(level.size);
        }
        Ok(self)
    }

    fn fail_entries(&mut self, count: usize) -> EncodeError {
        self.out.truncate(self.start);
        EncodeError::TooManyEntries { count }
    }

    /// Writes a `varString8`.
    pub(crate) fn string(&mut self, value: &str) -> Result<&mut Self, EncodeError> {
        let Ok(len) = u8::try_from(value.len()) else {
            self.out.truncate(self.start);
            return Err(EncodeError::StringTooLong { len: value.len() });
        };
        self.out.push(len);
        self.out.extend_from_slice(value.as_bytes());
        Ok(self)
    }

    /// Writes a `varString8` appended in version `since` (empty for `None`), or nothing when
    /// the version predates it.
    pub(crate) fn appended_string(
        &mut self,
        since: u16,
        value: Option<&str>,
    ) -> Result<&mut Self, EncodeError> {
        if self.version < since {
            return Ok(self);
        }
        self.string(value.unwrap_or_default())
    }

    /// True when fields appended in version `since` are written.
    pub(crate) const fn has(&self, since: u16) -> bool {
        self.version >= since
    }
}
