//! Errors of the SBE codec.

/// Why a frame could not be decoded. Hot-path friendly: `Copy`, never allocates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// The frame ends before a header, block, group or string it announces.
    #[error("truncated SBE frame: needed {needed} bytes at offset {offset}, frame has {len}")]
    Truncated {
        /// Offset of the part that does not fit.
        offset: usize,
        /// Bytes that part needs.
        needed: usize,
        /// Total frame length.
        len: usize,
    },
    /// The header names a schema id or version this codec does not speak.
    #[error("unsupported SBE schema {schema_id} version {version}")]
    UnsupportedSchema {
        /// Schema id from the header.
        schema_id: u16,
        /// Schema version from the header.
        version: u16,
    },
    /// A template id this codec does not know at the header's version (skip and count it).
    #[error("unknown SBE template {template_id} at version {version}")]
    UnknownTemplate {
        /// Template id from the header.
        template_id: u16,
        /// Schema version from the header.
        version: u16,
    },
    /// The header's block length is shorter than the oldest layout of this template.
    #[error("SBE template {template_id}: block length {block_length} below minimum {minimum}")]
    BlockTooShort {
        /// Template id from the header.
        template_id: u16,
        /// Block length from the header.
        block_length: u16,
        /// Smallest block length this template was ever sent with.
        minimum: u16,
    },
    /// A repeating group's entries are shorter than the fields they must hold.
    #[error("SBE group block length {block_length} below minimum {minimum}")]
    GroupBlockTooShort {
        /// Entry length from the group header.
        block_length: u16,
        /// Bytes the known entry fields need.
        minimum: u16,
    },
    /// A variable-length string is not valid UTF-8.
    #[error("SBE string is not valid UTF-8")]
    InvalidUtf8,
}

impl DecodeError {
    /// True for frames that are well-formed but not ours to read (unknown template, schema or
    /// version): callers count and skip them. Everything else is a corrupt frame.
    #[must_use]
    pub const fn is_unknown(&self) -> bool {
        matches!(
            self,
            Self::UnknownTemplate { .. } | Self::UnsupportedSchema { .. }
        )
    }
}

/// Why an event could not be encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum EncodeError {
    /// A string is longer than the 255 bytes a `varString8` holds.
    #[error("string of {len} bytes exceeds the 255-byte varString8 limit")]
    StringTooLong {
        /// Length of the string in bytes.
        len: usize,
    },
    /// A repeating group has more entries than its `u16` count holds.
    #[error("group of {count} entries exceeds the u16 limit")]
    TooManyEntries {
        /// Number of entries requested.
        count: usize,
    },
    /// The template does not exist at the requested schema version.
    #[error("SBE template {template_id} does not exist at schema version {version}")]
    NotInVersion {
        /// Template id.
        template_id: u16,
        /// Requested schema version.
        version: u16,
    },
    /// The requested schema version is above [`super::SCHEMA_VERSION`].
    #[error("unsupported SBE schema version {0}")]
    UnsupportedVersion(u16),
}
