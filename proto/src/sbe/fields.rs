//! Field codecs and [`sbe_template!`], which declares a template once: one table of fields
//! (name, Rust type, wire kind, block offset) yields the struct, its constants, `decode` and
//! `encode`, and a compile-time check that the offsets tile the root block.

use core::marker::PhantomData;

use super::error::{DecodeError, EncodeError};
use super::types::{FillFlags, OrderFlags};
use super::wire::{Block, Body, Levels, NULL_I64, Writer};

/// A value stored in one byte: the schema's enums and bit sets, or a raw `u8`.
pub(crate) trait WireByte: Copy {
    fn from_byte(byte: u8) -> Self;
    fn to_byte(self) -> u8;
}

impl WireByte for u8 {
    #[inline]
    fn from_byte(byte: u8) -> Self {
        byte
    }

    #[inline]
    fn to_byte(self) -> u8 {
        self
    }
}

impl WireByte for FillFlags {
    #[inline]
    fn from_byte(byte: u8) -> Self {
        Self(byte)
    }

    #[inline]
    fn to_byte(self) -> u8 {
        self.0
    }
}

/// How one root-block field is laid out. Reads past the block's end give the field's default
/// (null, zero), as [`Block`] does; `absent` is what a version without the field decodes to.
pub(crate) trait BlockField {
    type Value;
    /// Bytes on the wire.
    const SIZE: u16;
    fn read(block: Block<'_>, offset: usize, version: u16) -> Self::Value;
    fn absent() -> Self::Value;
    fn write(value: Self::Value, w: &mut Writer<'_>);
}

/// A kind read by one [`Block`] method and written by the [`Writer`] method of the same name.
macro_rules! plain_field {
    ($(#[$doc:meta])* $kind:ident: $value:ty, $size:literal, $method:ident, absent = $absent:expr) => {
        $(#[$doc])*
        pub(crate) struct $kind;

        impl BlockField for $kind {
            type Value = $value;
            const SIZE: u16 = $size;

            #[inline]
            fn read(block: Block<'_>, offset: usize, _: u16) -> $value {
                block.$method(offset)
            }

            fn absent() -> $value {
                $absent
            }

            fn write(value: $value, w: &mut Writer<'_>) {
                w.$method(value);
            }
        }
    };
}

plain_field!(
    /// `int64`.
    I64: i64, 8, i64, absent = NULL_I64
);
plain_field!(
    /// Nullable `int64` (null = `i64::MIN` = `None`).
    OptI64: Option<i64>, 8, opt_i64, absent = None
);
plain_field!(
    /// `int16`.
    I16: i16, 2, i16, absent = 0
);

/// `int64` where 0 means "none" (no null value).
pub(crate) struct ZeroNoneI64;

impl BlockField for ZeroNoneI64 {
    type Value = Option<i64>;
    const SIZE: u16 = 8;

    #[inline]
    fn read(block: Block<'_>, offset: usize, _: u16) -> Option<i64> {
        Some(i64::from_le_bytes(block.u64(offset).to_le_bytes())).filter(|&v| v != 0)
    }

    fn absent() -> Option<i64> {
        None
    }

    fn write(value: Option<i64>, w: &mut Writer<'_>) {
        w.i64(value.unwrap_or(0));
    }
}

/// `uint64` where 0 means "none".
pub(crate) struct ZeroNoneU64;

impl BlockField for ZeroNoneU64 {
    type Value = Option<u64>;
    const SIZE: u16 = 8;

    #[inline]
    fn read(block: Block<'_>, offset: usize, _: u16) -> Option<u64> {
        Some(block.u64(offset)).filter(|&v| v != 0)
    }

    fn absent() -> Option<u64> {
        None
    }

    fn write(value: Option<u64>, w: &mut Writer<'_>) {
        w.u64(value.unwrap_or(0));
    }
}

/// One byte: an enum, a bit set or a raw `u8`.
pub(crate) struct Byte<T>(PhantomData<T>);

impl<T: WireByte> BlockField for Byte<T> {
    type Value = T;
    const SIZE: u16 = 1;

    #[inline]
    fn read(block: Block<'_>, offset: usize, _: u16) -> T {
        T::from_byte(block.u8(offset))
    }

    fn absent() -> T {
        T::from_byte(0)
    }

    fn write(value: T, w: &mut Writer<'_>) {
        w.u8(value.to_byte());
    }
}

/// An account address (32 bytes).
pub(crate) struct Bytes32;

impl BlockField for Bytes32 {
    type Value = [u8; 32];
    const SIZE: u16 = 32;

    #[inline]
    fn read(block: Block<'_>, offset: usize, _: u16) -> [u8; 32] {
        block.bytes32(offset)
    }

    fn absent() -> [u8; 32] {
        [0; 32]
    }

    fn write(value: [u8; 32], w: &mut Writer<'_>) {
        w.bytes(&value);
    }
}

/// Order flags, whose bit 5 is MMP only from version 2: an older frame's bit 5 must not read
/// as MMP, and the encoder drops it below version 2.
pub(crate) struct MmpGatedFlags;

impl MmpGatedFlags {
    const MMP_SINCE: u16 = 2;
}

impl BlockField for MmpGatedFlags {
    type Value = OrderFlags;
    const SIZE: u16 = 1;

    #[inline]
    fn read(block: Block<'_>, offset: usize, version: u16) -> OrderFlags {
        let byte = block.u8(offset);
        OrderFlags(if version >= Self::MMP_SINCE {
            byte
        } else {
            byte & !OrderFlags::MMP
        })
    }

    fn absent() -> OrderFlags {
        OrderFlags(0)
    }

    fn write(value: OrderFlags, w: &mut Writer<'_>) {
        w.u8(if w.has(Self::MMP_SINCE) {
            value.0
        } else {
            value.0 & !OrderFlags::MMP
        });
    }
}

/// A field appended to the block in version `V`: absent below it (or when the block stops
/// short of it), not written below it.
pub(crate) struct Since<const V: u16, F>(PhantomData<F>);

impl<const V: u16, F: BlockField> BlockField for Since<V, F> {
    type Value = F::Value;
    const SIZE: u16 = F::SIZE;

    #[inline]
    fn read(block: Block<'_>, offset: usize, version: u16) -> F::Value {
        if version < V {
            F::absent()
        } else {
            F::read(block, offset, version)
        }
    }

    fn absent() -> F::Value {
        F::absent()
    }

    fn write(value: F::Value, w: &mut Writer<'_>) {
        if w.has(V) {
            F::write(value, w);
        }
    }
}

/// How one field after the root block (a group or var-data) is read and written, in order.
pub(crate) trait VarField<'a> {
    type Value;
    fn read(body: &mut Body<'a>) -> Result<Self::Value, DecodeError>;
    fn write(value: Self::Value, w: &mut Writer<'_>) -> Result<(), EncodeError>;
}

/// A `varString8` every version carries.
pub(crate) struct Str;

impl<'a> VarField<'a> for Str {
    type Value = &'a str;

    #[inline]
    fn read(body: &mut Body<'a>) -> Result<&'a str, DecodeError> {
        body.string()
    }

    fn write(value: &'a str, w: &mut Writer<'_>) -> Result<(), EncodeError> {
        w.string(value)?;
        Ok(())
    }
}

/// A `varString8` appended in version `V` (`None` when absent or empty).
pub(crate) struct AppendedStr<const V: u16>;

impl<'a, const V: u16> VarField<'a> for AppendedStr<V> {
    type Value = Option<&'a str>;

    #[inline]
    fn read(body: &mut Body<'a>) -> Result<Option<&'a str>, DecodeError> {
        body.appended_string(V)
    }

    fn write(value: Option<&'a str>, w: &mut Writer<'_>) -> Result<(), EncodeError> {
        w.appended_string(V, value)?;
        Ok(())
    }
}

/// A repeating group of book levels.
pub(crate) struct LevelGroup;

impl<'a> VarField<'a> for LevelGroup {
    type Value = Levels<'a>;

    #[inline]
    fn read(body: &mut Body<'a>) -> Result<Levels<'a>, DecodeError> {
        body.levels()
    }

    fn write(value: Levels<'a>, w: &mut Writer<'_>) -> Result<(), EncodeError> {
        w.levels(value)?;
        Ok(())
    }
}

/// True when fields given as `(offset, size)` in order start at 0, leave no gap and no
/// overlap, and end at `block_length`.
pub(crate) const fn tiles_block(fields: &[(usize, u16)], block_length: u16) -> bool {
    let mut end = 0;
    let mut i = 0;
    while i < fields.len() {
        if fields[i].0 != end {
            return false;
        }
        end += fields[i].1 as usize;
        i += 1;
    }
    end == block_length as usize
}

/// Declares one template: the struct (attributes and field docs as written), `TEMPLATE_ID`,
/// `SINCE_VERSION`, the block length constants, `decode` and `encode`.
///
/// Root-block fields are `name @ offset: Type = Kind` ([`BlockField`] kinds, in wire order);
/// groups and var-data follow as `name: Type = Kind` ([`VarField`] kinds, in wire order).
/// `block_length: N` is a fixed block (`BLOCK_LENGTH`); `block_length: N => M since V` a
/// block that grows to `M` bytes in version `V` (`MIN_BLOCK_LENGTH`, `block_length(version)`).
/// A constant assertion checks that the offsets tile the block at the newest version.
macro_rules! sbe_template {
    (
        $(#[$attr:meta])*
        pub struct $name:ident $(<$lt:lifetime>)? {
            template_id: $template:expr,
            since_version: $since:literal,
            block_length: $min:literal $(=> $full:literal since $grown:literal)?,
            $(#[$decode_attr:meta])* decode;
            root {
                $(
                    $(#[$field_attr:meta])*
                    $field:ident @ $offset:literal: $field_ty:ty = $kind:ty,
                )*
            }
            var {
                $(
                    $(#[$var_attr:meta])*
                    $var:ident: $var_ty:ty = $var_kind:ty,
                )*
            }
        }
    ) => {
        $(#[$attr])*
        pub struct $name $(<$lt>)? {
            $(
                $(#[$field_attr])*
                pub $field: $field_ty,
            )*
            $(
                $(#[$var_attr])*
                pub $var: $var_ty,
            )*
        }

        const _: () = assert!(
            $crate::sbe::fields::tiles_block(
                &[$(($offset, <$kind as $crate::sbe::fields::BlockField>::SIZE)),*],
                $name::block_length($crate::sbe::SCHEMA_VERSION),
            ),
            concat!(stringify!($name), ": field offsets do not tile the root block"),
        );

        impl $(<$lt>)? $name $(<$lt>)? {
            /// Template id.
            pub const TEMPLATE_ID: u16 = $template;
            /// First schema version with this template.
            pub const SINCE_VERSION: u16 = $since;

            $crate::sbe::fields::sbe_template!(@lengths $min $(=> $full since $grown)?);

            /// Decodes a frame carrying this template.
            ///
            /// # Errors
            /// [`DecodeError`](crate::sbe::DecodeError) for another template (or a version
            /// before `SINCE_VERSION`), a short block or group entry, a truncated frame or bad
            /// UTF-8.
            $(#[$decode_attr])*
            pub fn decode(
                frame: &$crate::sbe::fields::sbe_template!(@frame $($lt)?),
            ) -> Result<Self, $crate::sbe::DecodeError> {
                #[allow(unused_mut)]
                let mut body = frame.body_for(Self::TEMPLATE_ID, $since, $min)?;
                let (block, version) = (body.block, body.version);
                Ok(Self {
                    $(
                        $field: <$kind as $crate::sbe::fields::BlockField>::read(
                            block, $offset, version,
                        ),
                    )*
                    $(
                        $var: <$var_kind as $crate::sbe::fields::VarField<'_>>::read(&mut body)?,
                    )*
                })
            }

            /// Appends this event as one frame at schema `version`; fields appended in a later
            /// version are left out.
            ///
            /// # Errors
            /// [`EncodeError`](crate::sbe::EncodeError) for an unsupported version (or one
            /// before `SINCE_VERSION`), more than 65535 group entries, or a string over 255
            /// bytes.
            pub fn encode(
                &self,
                version: u16,
                out: &mut Vec<u8>,
            ) -> Result<(), $crate::sbe::EncodeError> {
                let mut w = $crate::sbe::wire::Writer::begin(
                    out,
                    Self::TEMPLATE_ID,
                    $since,
                    Self::block_length(version),
                    version,
                )?;
                $(
                    <$kind as $crate::sbe::fields::BlockField>::write(self.$field, &mut w);
                )*
                $(
                    <$var_kind as $crate::sbe::fields::VarField<'_>>::write(self.$var, &mut w)?;
                )*
                Ok(())
            }
        }
    };
    (@frame) => { $crate::sbe::wire::Frame<'_> };
    (@frame $lt:lifetime) => { $crate::sbe::wire::Frame<$lt> };
    (@lengths $min:literal) => {
        /// Root block length (every version).
        pub const BLOCK_LENGTH: u16 = $min;

        const fn block_length(_version: u16) -> u16 {
            $min
        }
    };
    (@lengths $min:literal => $full:literal since $grown:literal) => {
        /// Root block length before version
        #[doc = concat!(stringify!($grown), " (the minimum accepted).")]
        pub const MIN_BLOCK_LENGTH: u16 = $min;

        /// Root block length written at `version`.
        #[must_use]
        pub const fn block_length(version: u16) -> u16 {
            if version >= $grown { $full } else { $min }
        }
    };
}

pub(crate) use sbe_template;
