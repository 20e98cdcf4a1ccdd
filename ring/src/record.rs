//! What may live in a ring: the [`ShmRecord`] contract and a run-time description of each layout.

use core::mem::{align_of, size_of};

use crate::layout::RECORD_NAME_BYTES;

/// Primitive type of one record field; all little-endian.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FieldType {
    /// `i64`
    I64,
    /// `u64`
    U64,
    /// `u32`
    U32,
    /// `u16`
    U16,
}

impl FieldType {
    /// Size in bytes.
    #[must_use]
    pub const fn size(self) -> usize {
        match self {
            Self::I64 | Self::U64 => 8,
            Self::U32 => 4,
            Self::U16 => 2,
        }
    }

    /// The numpy type string (`np.dtype(...)` accepts it).
    #[must_use]
    pub const fn numpy(self) -> &'static str {
        match self {
            Self::I64 => "<i8",
            Self::U64 => "<u8",
            Self::U32 => "<u4",
            Self::U16 => "<u2",
        }
    }

    /// The Rust type name.
    #[must_use]
    pub const fn rust(self) -> &'static str {
        match self {
            Self::I64 => "i64",
            Self::U64 => "u64",
            Self::U32 => "u32",
            Self::U16 => "u16",
        }
    }
}

/// Maps a Rust primitive to its [`FieldType`]; used by the record definitions.
pub trait FieldPrimitive {
    /// The matching field type.
    const TYPE: FieldType;
}

impl FieldPrimitive for i64 {
    const TYPE: FieldType = FieldType::I64;
}
impl FieldPrimitive for u64 {
    const TYPE: FieldType = FieldType::U64;
}
impl FieldPrimitive for u32 {
    const TYPE: FieldType = FieldType::U32;
}
impl FieldPrimitive for u16 {
    const TYPE: FieldType = FieldType::U16;
}

/// One field of a record layout.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Field {
    /// Field name (also the numpy field name).
    pub name: &'static str,
    /// Byte offset inside the record.
    pub offset: usize,
    /// Primitive type.
    pub ty: FieldType,
}

/// A plain-old-data record that may be copied through a shared-memory ring.
///
/// # Safety
///
/// Implementors guarantee that the type:
/// - is `#[repr(C)]` with alignment exactly 8 and a size that is a non-zero multiple of 8;
/// - has no padding: `FIELDS` lists every field in offset order and they tile `0..size` exactly
///   (checked at compile time by the crate's record definitions with [`is_dense`]);
/// - contains only integers, so every bit pattern is a valid value, and has no pointers, handles
///   or `Drop` glue (the bytes are read by other processes and other languages).
pub unsafe trait ShmRecord: Copy + Default + Send + Sync + 'static {
    /// Stable, language-neutral name of the layout, at most 32 ASCII bytes.
    const NAME: &'static str;
    /// Number stored in the header to identify the kind (see [`crate::RecordKind`]).
    const KIND_ID: u64;
    /// Every field, in offset order.
    const FIELDS: &'static [Field];
    /// Hash of name, size and fields; a segment holding another layout is refused.
    const LAYOUT_HASH: u64 = layout_hash(Self::NAME, size_of::<Self>(), Self::FIELDS);
    /// Number of 8-byte words in the record.
    const WORDS: usize = size_of::<Self>() / 8;
}

/// FNV-1a (64-bit) over the name, the size and each field's name, offset and type.
#[must_use]
pub const fn layout_hash(name: &str, size: usize, fields: &[Field]) -> u64 {
    let mut hash = fnv(FNV_OFFSET, name.as_bytes());
    hash = fnv(hash, &(size as u64).to_le_bytes());
    let mut i = 0;
    while i < fields.len() {
        hash = fnv(hash, fields[i].name.as_bytes());
        hash = fnv(hash, &(fields[i].offset as u64).to_le_bytes());
        hash = fnv(hash, fields[i].ty.numpy().as_bytes());
        i += 1;
    }
    hash
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

const fn fnv(mut hash: u64, bytes: &[u8]) -> u64 {
    let mut i = 0;
    while i < bytes.len() {
        hash ^= bytes[i] as u64;
        hash = hash.wrapping_mul(FNV_PRIME);
        i += 1;
    }
    hash
}

/// True when `fields` tile `0..size` in order with every field naturally aligned, the type has
/// alignment 8 and a size that is a non-zero multiple of 8, and the name fits the header.
#[must_use]
pub const fn is_dense(name: &str, size: usize, align: usize, fields: &[Field]) -> bool {
    if align != 8 || size == 0 || !size.is_multiple_of(8) || name.is_empty() {
        return false;
    }
    if name.len() > RECORD_NAME_BYTES {
        return false;
    }
    let mut next = 0;
    let mut i = 0;
    while i < fields.len() {
        let f = fields[i];
        if f.offset != next || !f.offset.is_multiple_of(f.ty.size()) {
            return false;
        }
        next = f.offset + f.ty.size();
        i += 1;
    }
    next == size
}

/// The record's bytes as 8-byte words.
#[inline]
pub(crate) fn as_words<R: ShmRecord>(record: &R) -> &[u64] {
    debug_assert!(align_of::<R>() == 8 && size_of::<R>() == R::WORDS * 8);
    // SAFETY: `ShmRecord` guarantees alignment 8, a size of `WORDS * 8` bytes and no padding, so
    // the record is `WORDS` initialised, aligned `u64`s borrowed for the record's lifetime.
    unsafe { core::slice::from_raw_parts((record as *const R).cast::<u64>(), R::WORDS) }
}

/// The record's bytes as mutable 8-byte words.
#[inline]
pub(crate) fn as_words_mut<R: ShmRecord>(record: &mut R) -> &mut [u64] {
    debug_assert!(align_of::<R>() == 8 && size_of::<R>() == R::WORDS * 8);
    // SAFETY: as in `as_words`; in addition every bit pattern is a valid `R` (integers only), so
    // any `u64` written through the slice leaves a valid record.
    unsafe { core::slice::from_raw_parts_mut((record as *mut R).cast::<u64>(), R::WORDS) }
}

/// Defines a record struct, its `ShmRecord` impl and the compile-time layout checks.
macro_rules! shm_record {
    (
        $(#[$meta:meta])*
        pub struct $name:ident (kind = $kind:expr, name = $sname:literal) {
            $( $(#[$fmeta:meta])* pub $field:ident : $ty:ty ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[repr(C, align(8))]
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
        pub struct $name {
            $( $(#[$fmeta])* pub $field: $ty ),*
        }

        // SAFETY: repr(C, align(8)) with integer fields only; the assertion below proves the
        // fields tile the struct with no padding, as the trait requires.
        unsafe impl $crate::record::ShmRecord for $name {
            const NAME: &'static str = $sname;
            const KIND_ID: u64 = $kind;
            const FIELDS: &'static [$crate::record::Field] = &[
                $( $crate::record::Field {
                    name: stringify!($field),
                    offset: ::core::mem::offset_of!($name, $field),
                    ty: <$ty as $crate::record::FieldPrimitive>::TYPE,
                } ),*
            ];
        }

        const _: () = assert!($crate::record::is_dense(
            $sname,
            ::core::mem::size_of::<$name>(),
            ::core::mem::align_of::<$name>(),
            <$name as $crate::record::ShmRecord>::FIELDS,
        ));
    };
}
pub(crate) use shm_record;
