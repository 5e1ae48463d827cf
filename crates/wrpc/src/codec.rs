//! Component values on wRPC's wire, for values wasmtime hands us as [`Val`]s.
//!
//! wRPC encodes a function's parameters (and its results) as the concatenation of each
//! value's encoding, in order. Primitives use wasm-tokio's Component Model codecs
//! (`bool` and 8-bit integers as one byte, wider integers as LEB128, floats little-endian,
//! `char` as UTF-8, strings length-prefixed); lists are a LEB128 length then the items;
//! records and tuples are their fields in order; variants and enums a LEB128 case index
//! then the payload; options and results a one-byte tag then the payload; flags a
//! little-endian bit set of `ceil(n / 8)` bytes.
//!
//! Only values that are complete in one message are carried: resources, streams,
//! futures, error contexts, maps and fixed-length lists are refused by [`carriable`]
//! when a link is checked, before any call.

use std::sync::Arc;

use anyhow::{bail, Context as _};
use bytes::{BufMut as _, BytesMut};
use tokio_util::codec::{Decoder, Encoder as _};
use wasm_tokio::cm::{
    BoolCodec, F32Codec, F64Codec, PrimValEncoder, S16Codec, S32Codec, S64Codec, S8Codec, U16Codec,
    U32Codec, U64Codec, U8Codec,
};
use wasm_tokio::{CoreNameDecoder, Leb128DecoderU32, Leb128Encoder, Utf8Codec};
use wasmtime::component::{Type, Val};

/// Why values of `ty` cannot cross hosts over wRPC, if they cannot: the reason names
/// the part of the type at fault (`None`: every value of `ty` can).
pub fn carriable(ty: &Type) -> Result<(), String> {
    match ty {
        Type::Own(_) | Type::Borrow(_) => {
            Err("resource handles cannot leave the host that owns them".into())
        }
        Type::Future(_) | Type::Stream(_) => {
            Err("streams and futures are not carried between hosts by Trellis".into())
        }
        Type::ErrorContext => Err("error contexts cannot leave their host".into()),
        Type::Map(_) => Err("maps have no wRPC encoding".into()),
        Type::FixedLengthList(_) => Err("fixed-length lists have no wRPC encoding".into()),
        Type::List(list) => carriable(&list.ty()),
        Type::Option(option) => carriable(&option.ty()),
        Type::Record(record) => record.fields().try_for_each(|field| carriable(&field.ty)),
        Type::Tuple(tuple) => tuple.types().try_for_each(|ty| carriable(&ty)),
        Type::Variant(variant) => variant
            .cases()
            .filter_map(|case| case.ty)
            .try_for_each(|ty| carriable(&ty)),
        Type::Result(result) => {
            result.ok().map_or(Ok(()), |ty| carriable(&ty))?;
            result.err().map_or(Ok(()), |ty| carriable(&ty))
        }
        _ => Ok(()),
    }
}

/// Appends the encoding of `values` (each of the type at the same place in `types`).
pub fn encode_values(types: &[Type], values: &[Val], dst: &mut BytesMut) -> anyhow::Result<()> {
    if types.len() != values.len() {
        bail!("{} values given for {} types", values.len(), types.len());
    }
    for (index, (ty, value)) in types.iter().zip(values).enumerate() {
        encode_value(ty, value, dst).with_context(|| format!("value {index}"))?;
    }
    Ok(())
}

/// Appends the encoding of one `value` of type `ty`.
pub fn encode_value(ty: &Type, value: &Val, dst: &mut BytesMut) -> anyhow::Result<()> {
    let mut prim = PrimValEncoder;
    match (ty, value) {
        (Type::Bool, Val::Bool(v)) => prim.encode(*v, dst)?,
        (Type::S8, Val::S8(v)) => prim.encode(*v, dst)?,
        (Type::U8, Val::U8(v)) => prim.encode(*v, dst)?,
        (Type::S16, Val::S16(v)) => prim.encode(*v, dst)?,
        (Type::U16, Val::U16(v)) => prim.encode(*v, dst)?,
        (Type::S32, Val::S32(v)) => prim.encode(*v, dst)?,
        (Type::U32, Val::U32(v)) => prim.encode(*v, dst)?,
        (Type::S64, Val::S64(v)) => prim.encode(*v, dst)?,
        (Type::U64, Val::U64(v)) => prim.encode(*v, dst)?,
        (Type::Float32, Val::Float32(v)) => prim.encode(*v, dst)?,
        (Type::Float64, Val::Float64(v)) => prim.encode(*v, dst)?,
        (Type::Char, Val::Char(v)) => prim.encode(*v, dst)?,
        (Type::String, Val::String(v)) => prim.encode(v.as_str(), dst)?,
        (Type::List(list), Val::List(items)) => {
            encode_len(items.len(), dst)?;
            let item = list.ty();
            for (index, value) in items.iter().enumerate() {
                encode_value(&item, value, dst).with_context(|| format!("list item {index}"))?;
            }
        }
        (Type::Record(record), Val::Record(fields)) => {
            for field in record.fields() {
                let Some((_, value)) = fields.iter().find(|(name, _)| name == field.name) else {
                    bail!("record field `{}` is missing", field.name);
                };
                encode_value(&field.ty, value, dst)
                    .with_context(|| format!("record field `{}`", field.name))?;
            }
        }
        (Type::Tuple(tuple), Val::Tuple(items)) => {
            if tuple.types().len() != items.len() {
                bail!(
                    "a tuple of {} items given for one of {}",
                    items.len(),
                    tuple.types().len()
                );
            }
            for (index, (ty, value)) in tuple.types().zip(items).enumerate() {
                encode_value(&ty, value, dst).with_context(|| format!("tuple item {index}"))?;
            }
        }
        (Type::Variant(variant), Val::Variant(name, payload)) => {
            let Some((index, case)) = variant.cases().enumerate().find(|(_, c)| c.name == name)
            else {
                bail!("variant has no case `{name}`");
            };
            encode_index(index, dst)?;
            match (case.ty, payload) {
                (Some(ty), Some(value)) => {
                    encode_value(&ty, value, dst).with_context(|| format!("case `{name}`"))?
                }
                (None, None) => {}
                _ => bail!("case `{name}`: payload does not match its type"),
            }
        }
        (Type::Enum(cases), Val::Enum(name)) => {
            let Some(index) = cases.names().position(|case| case == name) else {
                bail!("enum has no case `{name}`");
            };
            encode_index(index, dst)?;
        }
        (Type::Option(option), Val::Option(value)) => match value {
            None => dst.put_u8(0),
            Some(value) => {
                dst.put_u8(1);
                encode_value(&option.ty(), value, dst).context("option payload")?;
            }
        },
        (Type::Result(result), Val::Result(value)) => {
            let (tag, ty, payload) = match value {
                Ok(payload) => (0, result.ok(), payload),
                Err(payload) => (1, result.err(), payload),
            };
            dst.put_u8(tag);
            match (ty, payload) {
                (Some(ty), Some(value)) => {
                    encode_value(&ty, value, dst).context("result payload")?
                }
                (None, None) => {}
                _ => bail!("result payload does not match its type"),
            }
        }
        (Type::Flags(flags), Val::Flags(set)) => {
            let names: Vec<&str> = flags.names().collect();
            let mut bits = vec![0u8; names.len().div_ceil(8)];
            for name in set {
                let Some(index) = names.iter().position(|flag| flag == name) else {
                    bail!("flags have no flag `{name}`");
                };
                bits[index / 8] |= 1 << (index % 8);
            }
            dst.extend_from_slice(&bits);
        }
        (ty, _) => {
            carriable(ty).map_err(anyhow::Error::msg)?;
            bail!("a value does not match its type {}", type_name(ty));
        }
    }
    Ok(())
}

fn encode_len(len: usize, dst: &mut BytesMut) -> anyhow::Result<()> {
    let len = u32::try_from(len).context("a list longer than 2^32 items")?;
    Leb128Encoder.encode(len, dst)?;
    Ok(())
}

fn encode_index(index: usize, dst: &mut BytesMut) -> anyhow::Result<()> {
    encode_index_u32(u32::try_from(index).context("a case index past 2^32")?, dst)
}

fn encode_index_u32(index: u32, dst: &mut BytesMut) -> anyhow::Result<()> {
    Leb128Encoder.encode(index, dst)?;
    Ok(())
}

fn type_name(ty: &Type) -> &'static str {
    match ty {
        Type::Bool => "bool",
        Type::S8 => "s8",
        Type::U8 => "u8",
        Type::S16 => "s16",
        Type::U16 => "u16",
        Type::S32 => "s32",
        Type::U32 => "u32",
        Type::S64 => "s64",
        Type::U64 => "u64",
        Type::Float32 => "f32",
        Type::Float64 => "f64",
        Type::Char => "char",
        Type::String => "string",
        Type::List(_) => "list",
        Type::Map(_) => "map",
        Type::Record(_) => "record",
        Type::Tuple(_) => "tuple",
        Type::Variant(_) => "variant",
        Type::Enum(_) => "enum",
        Type::Option(_) => "option",
        Type::Result(_) => "result",
        Type::Flags(_) => "flags",
        Type::Own(_) => "own resource",
        Type::Borrow(_) => "borrowed resource",
        Type::Future(_) => "future",
        Type::Stream(_) => "stream",
        Type::ErrorContext => "error-context",
        Type::FixedLengthList(_) => "fixed-length list",
    }
}

/// Decodes a function's parameters or results: one value of each type, in order.
///
/// A `tokio_util` [`Decoder`]: it answers `None` until the whole sequence has arrived
/// (wRPC may split a large value over several messages), then consumes exactly its bytes.
#[derive(Clone)]
pub struct ValuesDecoder {
    types: Arc<[Type]>,
}

impl ValuesDecoder {
    /// A decoder for one value of each of `types`.
    pub fn new(types: impl Into<Arc<[Type]>>) -> Self {
        ValuesDecoder {
            types: types.into(),
        }
    }
}

/// Bytes ran out before the value did: wait for more.
struct Incomplete;

enum DecodeFail {
    Incomplete,
    Invalid(anyhow::Error),
}

impl From<Incomplete> for DecodeFail {
    fn from(_: Incomplete) -> Self {
        DecodeFail::Incomplete
    }
}

impl From<anyhow::Error> for DecodeFail {
    fn from(err: anyhow::Error) -> Self {
        DecodeFail::Invalid(err)
    }
}

impl From<std::io::Error> for DecodeFail {
    fn from(err: std::io::Error) -> Self {
        DecodeFail::Invalid(err.into())
    }
}

impl Decoder for ValuesDecoder {
    type Item = Vec<Val>;
    type Error = std::io::Error;

    fn decode(&mut self, src: &mut BytesMut) -> Result<Option<Vec<Val>>, std::io::Error> {
        // Decoded from a copy so that an incomplete sequence leaves `src` untouched.
        let mut scratch = src.clone();
        let mut values = Vec::with_capacity(self.types.len());
        for (index, ty) in self.types.iter().enumerate() {
            match decode_value(ty, &mut scratch) {
                Ok(value) => values.push(value),
                Err(DecodeFail::Incomplete) => return Ok(None),
                Err(DecodeFail::Invalid(err)) => {
                    return Err(std::io::Error::new(
                        std::io::ErrorKind::InvalidData,
                        format!("value {index}: {err:#}"),
                    ))
                }
            }
        }
        let consumed = src.len() - scratch.len();
        let _ = src.split_to(consumed);
        Ok(Some(values))
    }
}

/// Runs one of wasm-tokio's decoders, which answer `None` when bytes are missing.
fn take<D: Decoder>(mut decoder: D, src: &mut BytesMut) -> Result<D::Item, DecodeFail>
where
    DecodeFail: From<D::Error>,
{
    decoder.decode(src)?.ok_or(DecodeFail::Incomplete)
}

fn take_u8(src: &mut BytesMut) -> Result<u8, DecodeFail> {
    take(U8Codec, src)
}

fn take_index(src: &mut BytesMut) -> Result<usize, DecodeFail> {
    let index = take(Leb128DecoderU32, src)?;
    Ok(usize::try_from(index).map_err(anyhow::Error::from)?)
}

fn decode_value(ty: &Type, src: &mut BytesMut) -> Result<Val, DecodeFail> {
    Ok(match ty {
        Type::Bool => Val::Bool(take(BoolCodec, src)?),
        Type::S8 => Val::S8(take(S8Codec, src)?),
        Type::U8 => Val::U8(take_u8(src)?),
        Type::S16 => Val::S16(take(S16Codec, src)?),
        Type::U16 => Val::U16(take(U16Codec, src)?),
        Type::S32 => Val::S32(take(S32Codec, src)?),
        Type::U32 => Val::U32(take(U32Codec, src)?),
        Type::S64 => Val::S64(take(S64Codec, src)?),
        Type::U64 => Val::U64(take(U64Codec, src)?),
        Type::Float32 => Val::Float32(take(F32Codec, src)?),
        Type::Float64 => Val::Float64(take(F64Codec, src)?),
        Type::Char => Val::Char(take(Utf8Codec, src)?),
        Type::String => Val::String(take(CoreNameDecoder::default(), src)?),
        Type::List(list) => {
            let len = take_index(src)?;
            let item = list.ty();
            // Every item takes at least one byte: a length past what is here waits.
            let mut items = Vec::with_capacity(len.min(src.len()));
            for _ in 0..len {
                items.push(decode_value(&item, src)?);
            }
            Val::List(items)
        }
        Type::Record(record) => {
            let mut fields = Vec::with_capacity(record.fields().len());
            for field in record.fields() {
                fields.push((field.name.to_owned(), decode_value(&field.ty, src)?));
            }
            Val::Record(fields)
        }
        Type::Tuple(tuple) => {
            let mut items = Vec::with_capacity(tuple.types().len());
            for ty in tuple.types() {
                items.push(decode_value(&ty, src)?);
            }
            Val::Tuple(items)
        }
        Type::Variant(variant) => {
            let index = take_index(src)?;
            let Some(case) = variant.cases().nth(index) else {
                return Err(anyhow::anyhow!("variant case {index} does not exist").into());
            };
            let payload = match case.ty {
                Some(ty) => Some(Box::new(decode_value(&ty, src)?)),
                None => None,
            };
            Val::Variant(case.name.to_owned(), payload)
        }
        Type::Enum(cases) => {
            let index = take_index(src)?;
            let Some(name) = cases.names().nth(index) else {
                return Err(anyhow::anyhow!("enum case {index} does not exist").into());
            };
            Val::Enum(name.to_owned())
        }
        Type::Option(option) => match take_u8(src)? {
            0 => Val::Option(None),
            1 => Val::Option(Some(Box::new(decode_value(&option.ty(), src)?))),
            tag => return Err(anyhow::anyhow!("option tag {tag} is neither 0 nor 1").into()),
        },
        Type::Result(result) => {
            let (ok, ty) = match take_u8(src)? {
                0 => (true, result.ok()),
                1 => (false, result.err()),
                tag => return Err(anyhow::anyhow!("result tag {tag} is neither 0 nor 1").into()),
            };
            let payload = match ty {
                Some(ty) => Some(Box::new(decode_value(&ty, src)?)),
                None => None,
            };
            Val::Result(if ok { Ok(payload) } else { Err(payload) })
        }
        Type::Flags(flags) => {
            let names: Vec<&str> = flags.names().collect();
            let len = names.len().div_ceil(8);
            if src.len() < len {
                return Err(Incomplete.into());
            }
            let bits = src.split_to(len);
            let set = names
                .iter()
                .enumerate()
                .filter(|(index, _)| bits[index / 8] & (1 << (index % 8)) != 0)
                .map(|(_, name)| (*name).to_owned())
                .collect();
            Val::Flags(set)
        }
        other => {
            let reason = carriable(other).err().unwrap_or_default();
            return Err(anyhow::anyhow!("{}: {reason}", type_name(other)).into());
        }
    })
}

#[cfg(test)]
mod tests;
