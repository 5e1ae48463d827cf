//! Decoding a component's bytes into the [`ComponentWit`] model.
//!
//! `wit-parser` does the real work (validation, type reconstruction); this module
//! checks the header first so the common mistakes get a plain-language error, and
//! maps the `Resolve` arena into the flat, serialisable model.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

use wit_parser::decoding::DecodedWasm;
use wit_parser::{
    Function, Handle, InterfaceId, Resolve, Type, TypeDefKind, TypeId, TypeOwner, WorldItem,
    WorldKey,
};

use crate::model::{
    Case, ComponentWit, Field, FunctionDef, FunctionKind, InterfaceDef, Param, TypeDef, TypeKind,
    WorldEntry,
};
use crate::{InterfaceRef, WitError};

const MAGIC: &[u8; 4] = b"\0asm";

/// Decodes a component's bytes into its WIT model.
///
/// Synchronous and CPU-bound (a 50 MB component is validated in well under a
/// second per MB on a slow core); call it off the UI thread. Unknown custom
/// sections are ignored.
pub fn decode_component(bytes: &[u8]) -> Result<ComponentWit, WitError> {
    check_header(bytes)?;
    check_section_sizes(bytes)?;
    // Defence in depth: a decoder bug must become an error, not a crashed host.
    let decoded = catch_unwind(AssertUnwindSafe(|| wit_parser::decoding::decode(bytes)))
        .map_err(|_| WitError::Invalid {
            message: "the WIT decoder failed on this input".to_owned(),
        })?
        .map_err(|e| WitError::Invalid {
            message: format!("{e:#}"),
        })?;
    let (resolve, world) = match decoded {
        DecodedWasm::Component(resolve, world) => (resolve, world),
        DecodedWasm::WitPackage(..) => return Err(WitError::WitPackage),
    };
    catch_unwind(AssertUnwindSafe(|| convert(&resolve, world))).map_err(|_| WitError::Invalid {
        message: "the decoded WIT could not be read".to_owned(),
    })?
}

/// The names a component imports and exports at its top level (`ns:pkg/iface@version`
/// or a bare function name), in declaration order.
///
/// Much cheaper than [`decode_component`]: it reads only the outer component's import
/// and export sections and skips nested modules and components without looking inside,
/// so a tool can decide what a component needs before compiling it.
pub fn top_level_names(bytes: &[u8]) -> Result<(Vec<String>, Vec<String>), WitError> {
    use wasmparser::{Chunk, Parser, Payload};

    check_header(bytes)?;
    let invalid = |e: wasmparser::BinaryReaderError| WitError::Invalid {
        message: e.to_string(),
    };
    let (mut imports, mut exports) = (Vec::new(), Vec::new());
    let mut parser = Parser::new(0);
    let mut offset = 0usize;
    loop {
        let rest = bytes.get(offset..).unwrap_or_default();
        let (payload, consumed) = match parser.parse(rest, true).map_err(invalid)? {
            Chunk::Parsed { payload, consumed } => (payload, consumed),
            Chunk::NeedMoreData(_) => {
                return Err(WitError::Invalid {
                    message: "the component ends in the middle of a section".to_owned(),
                })
            }
        };
        offset += consumed;
        match payload {
            Payload::ComponentImportSection(reader) => {
                for import in reader {
                    imports.push(import.map_err(invalid)?.name.full_name().into_owned());
                }
            }
            Payload::ComponentExportSection(reader) => {
                for export in reader {
                    exports.push(export.map_err(invalid)?.name.full_name().into_owned());
                }
            }
            // The nested bytes follow the header: step over them, staying in the outer parser.
            Payload::ModuleSection {
                unchecked_range, ..
            }
            | Payload::ComponentSection {
                unchecked_range, ..
            } => {
                let len = usize::try_from(unchecked_range.end - unchecked_range.start)
                    .unwrap_or(usize::MAX);
                offset = offset.saturating_add(len);
            }
            Payload::End(_) => break,
            _ => {}
        }
    }
    Ok((imports, exports))
}

/// Reads a file and decodes it (see [`decode_component`]).
pub fn decode_file(path: impl AsRef<Path>) -> Result<ComponentWit, WitError> {
    let path = path.as_ref();
    let bytes = std::fs::read(path).map_err(|source| WitError::Io {
        path: path.to_owned(),
        source,
    })?;
    decode_component(&bytes)
}

/// Tells "not wasm", "core module" and "component" apart from the 8-byte preamble.
fn check_header(bytes: &[u8]) -> Result<(), WitError> {
    if bytes.len() < 8 {
        return if MAGIC.starts_with(&bytes[..bytes.len().min(4)]) && !bytes.is_empty() {
            Err(WitError::Invalid {
                message: format!(
                    "truncated: {} bytes, shorter than the 8-byte header",
                    bytes.len()
                ),
            })
        } else {
            Err(WitError::NotWasm)
        };
    }
    if &bytes[..4] != MAGIC {
        return Err(WitError::NotWasm);
    }
    let version = u16::from_le_bytes([bytes[4], bytes[5]]);
    let layer = u16::from_le_bytes([bytes[6], bytes[7]]);
    match (version, layer) {
        (1, 0) => Err(WitError::CoreModule),
        (0x0d, 1) => Ok(()),
        _ => Err(WitError::UnsupportedVersion { version, layer }),
    }
}

/// Checks that every top-level section fits in the input.
///
/// The streaming decoder preallocates whatever size a section header claims, so a
/// few bytes claiming a 4 GiB section would allocate 4 GiB before failing. Nested
/// sections are bounded by their parent, so the top level is enough.
fn check_section_sizes(bytes: &[u8]) -> Result<(), WitError> {
    let mut at = 8;
    while at < bytes.len() {
        let id = bytes[at];
        let (size, leb_len) = read_leb_u32(&bytes[at + 1..]).ok_or_else(|| WitError::Invalid {
            message: format!("truncated or malformed section header at offset {at}"),
        })?;
        let start = at + 1 + leb_len;
        let end = start.saturating_add(size as usize);
        if end > bytes.len() {
            return Err(WitError::Invalid {
                message: format!(
                    "truncated: section {id} at offset {at} declares {size} bytes, only {} remain",
                    bytes.len() - start
                ),
            });
        }
        at = end;
    }
    Ok(())
}

/// Reads an unsigned LEB128 `u32`; returns the value and its encoded length.
fn read_leb_u32(bytes: &[u8]) -> Option<(u32, usize)> {
    let mut value: u64 = 0;
    for (i, byte) in bytes.iter().take(5).enumerate() {
        value |= u64::from(byte & 0x7f) << (7 * i);
        if byte & 0x80 == 0 {
            return u32::try_from(value).ok().map(|v| (v, i + 1));
        }
    }
    None
}

/// Maps a decoded world into the model.
fn convert(resolve: &Resolve, world_id: wit_parser::WorldId) -> Result<ComponentWit, WitError> {
    let world = &resolve.worlds[world_id];
    let cx = Cx { resolve };
    let entries = |items: &wit_parser::IndexMap<WorldKey, WorldItem>| {
        let mut out = Vec::new();
        let mut funcs = Vec::new();
        for (key, item) in items {
            match item {
                WorldItem::Interface { id, .. } => {
                    out.push(WorldEntry::Interface(cx.interface(key, *id)))
                }
                WorldItem::Function(f) => funcs.push(cx.function(f)),
                WorldItem::Type { id, .. } => {
                    let name = cx.key_name(key);
                    out.push(WorldEntry::Type(cx.type_def(&name, *id)));
                }
            }
        }
        // World-level resource functions go under their resource, like in interfaces.
        let mut types: Vec<TypeDef> = Vec::new();
        let mut rest = Vec::new();
        for entry in out {
            match entry {
                WorldEntry::Type(t) => types.push(t),
                other => rest.push(other),
            }
        }
        let funcs = attach_methods(&mut types, funcs);
        rest.into_iter()
            .chain(types.into_iter().map(WorldEntry::Type))
            .chain(funcs.into_iter().map(WorldEntry::Function))
            .collect::<Vec<_>>()
    };
    let imports = entries(&world.imports);
    let exports = entries(&world.exports);
    let package = world.package.map(|p| resolve.packages[p].name.to_string());
    Ok(ComponentWit {
        world: world.name.clone(),
        package,
        docs: world.docs.contents.clone(),
        imports,
        exports,
        wit: wit_text(resolve, world.package)?,
    })
}

/// The world's package plus every package it uses, as one WIT document.
fn wit_text(resolve: &Resolve, main: Option<wit_parser::PackageId>) -> Result<String, WitError> {
    let Some(main) = main else {
        return Ok(String::new());
    };
    let nested: Vec<_> = resolve
        .packages
        .iter()
        .map(|(id, _)| id)
        .filter(|id| *id != main)
        .collect();
    let mut printer = wit_component::WitPrinter::default();
    printer
        .print(resolve, main, &nested)
        .map_err(|e| WitError::Print {
            message: format!("{e:#}"),
        })?;
    Ok(printer.output.to_string())
}

/// Every named interface of the packages in `resolve`, in the model (used for
/// WIT parsed from text, e.g. the built-in providers' packages).
pub(crate) fn named_interfaces(resolve: &Resolve) -> Vec<InterfaceDef> {
    let cx = Cx { resolve };
    resolve
        .interfaces
        .iter()
        .filter(|(_, iface)| iface.name.is_some() && iface.package.is_some())
        .map(|(id, _)| cx.interface(&WorldKey::Interface(id), id))
        .collect()
}

/// Moves resource functions into their resource's `methods`; returns the others.
fn attach_methods(types: &mut [TypeDef], funcs: Vec<FunctionDef>) -> Vec<FunctionDef> {
    let mut free = Vec::new();
    for f in funcs {
        let target = f.resource.as_deref().and_then(|r| {
            types.iter_mut().find_map(|t| match &mut t.def {
                TypeKind::Resource { methods } if t.name == r => Some(methods),
                _ => None,
            })
        });
        match target {
            Some(methods) => methods.push(f),
            None => free.push(f),
        }
    }
    free
}

/// Conversion context: the arena everything points into.
struct Cx<'a> {
    resolve: &'a Resolve,
}

impl Cx<'_> {
    fn key_name(&self, key: &WorldKey) -> String {
        match key {
            WorldKey::Name(name) => name.clone(),
            WorldKey::Interface(id) => self.interface_name(*id),
        }
    }

    fn interface_name(&self, id: InterfaceId) -> String {
        self.resolve
            .id_of(id)
            .or_else(|| self.resolve.interfaces.get(id).and_then(|i| i.name.clone()))
            .unwrap_or_else(|| format!("interface-{}", id.index()))
    }

    fn interface(&self, key: &WorldKey, id: InterfaceId) -> InterfaceDef {
        let name = self.key_name(key);
        let reference = match key {
            WorldKey::Interface(_) => InterfaceRef::parse(&name).ok(),
            WorldKey::Name(_) => None,
        };
        let iface = &self.resolve.interfaces[id];
        let mut types: Vec<TypeDef> = iface
            .types
            .iter()
            .map(|(name, tid)| self.type_def(name, *tid))
            .collect();
        let funcs = iface.functions.values().map(|f| self.function(f)).collect();
        let functions = attach_methods(&mut types, funcs);
        InterfaceDef {
            name,
            reference,
            docs: iface.docs.contents.clone(),
            functions,
            types,
        }
    }

    fn owner_name(&self, owner: TypeOwner) -> String {
        match owner {
            TypeOwner::Interface(id) => self.interface_name(id),
            TypeOwner::World(id) => self.resolve.worlds[id].name.clone(),
            TypeOwner::None => String::new(),
        }
    }

    fn type_def(&self, name: &str, id: TypeId) -> TypeDef {
        let def = &self.resolve.types[id];
        let cases = |cases: Vec<(String, Option<Type>, Option<String>)>| {
            cases
                .into_iter()
                .map(|(name, ty, docs)| Case {
                    name,
                    ty: ty.map(|t| self.ty(&t)),
                    docs,
                })
                .collect()
        };
        let kind = match &def.kind {
            TypeDefKind::Record(r) => TypeKind::Record {
                fields: r
                    .fields
                    .iter()
                    .map(|f| Field {
                        name: f.name.clone(),
                        ty: self.ty(&f.ty),
                        docs: f.docs.contents.clone(),
                    })
                    .collect(),
            },
            TypeDefKind::Variant(v) => TypeKind::Variant {
                cases: cases(
                    v.cases
                        .iter()
                        .map(|c| (c.name.clone(), c.ty, c.docs.contents.clone()))
                        .collect(),
                ),
            },
            TypeDefKind::Enum(e) => TypeKind::Enum {
                cases: cases(
                    e.cases
                        .iter()
                        .map(|c| (c.name.clone(), None, c.docs.contents.clone()))
                        .collect(),
                ),
            },
            TypeDefKind::Flags(f) => TypeKind::Flags {
                flags: cases(
                    f.flags
                        .iter()
                        .map(|c| (c.name.clone(), None, c.docs.contents.clone()))
                        .collect(),
                ),
            },
            TypeDefKind::Resource => TypeKind::Resource {
                methods: Vec::new(),
            },
            TypeDefKind::Type(Type::Id(other))
                if self.resolve.types[*other].owner != def.owner
                    && self.resolve.types[*other].name.is_some() =>
            {
                let other = &self.resolve.types[*other];
                TypeKind::Use {
                    from: self.owner_name(other.owner),
                    original: other.name.clone().unwrap_or_default(),
                }
            }
            _ => TypeKind::Alias {
                target: self.anonymous(&def.kind),
            },
        };
        TypeDef {
            name: name.to_owned(),
            docs: def.docs.contents.clone(),
            def: kind,
        }
    }

    /// A type in WIT spelling.
    fn ty(&self, ty: &Type) -> String {
        match ty {
            Type::Bool => "bool".into(),
            Type::U8 => "u8".into(),
            Type::U16 => "u16".into(),
            Type::U32 => "u32".into(),
            Type::U64 => "u64".into(),
            Type::S8 => "s8".into(),
            Type::S16 => "s16".into(),
            Type::S32 => "s32".into(),
            Type::S64 => "s64".into(),
            Type::F32 => "f32".into(),
            Type::F64 => "f64".into(),
            Type::Char => "char".into(),
            Type::String => "string".into(),
            Type::ErrorContext => "error-context".into(),
            Type::Id(id) => {
                let def = &self.resolve.types[*id];
                match &def.name {
                    Some(name) => name.clone(),
                    None => self.anonymous(&def.kind),
                }
            }
        }
    }

    /// The structure of a type, ignoring any name it has.
    fn anonymous(&self, kind: &TypeDefKind) -> String {
        let opt = |t: &Option<Type>| t.as_ref().map(|t| self.ty(t));
        match kind {
            TypeDefKind::List(t) => format!("list<{}>", self.ty(t)),
            TypeDefKind::FixedLengthList(t, n) => format!("list<{}, {n}>", self.ty(t)),
            TypeDefKind::Map(k, v) => format!("map<{}, {}>", self.ty(k), self.ty(v)),
            TypeDefKind::Option(t) => format!("option<{}>", self.ty(t)),
            TypeDefKind::Result(r) => match (opt(&r.ok), opt(&r.err)) {
                (None, None) => "result".into(),
                (Some(ok), None) => format!("result<{ok}>"),
                (None, Some(err)) => format!("result<_, {err}>"),
                (Some(ok), Some(err)) => format!("result<{ok}, {err}>"),
            },
            TypeDefKind::Tuple(t) => format!(
                "tuple<{}>",
                t.types
                    .iter()
                    .map(|t| self.ty(t))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            TypeDefKind::Handle(Handle::Own(r)) => self.ty(&Type::Id(*r)),
            TypeDefKind::Handle(Handle::Borrow(r)) => format!("borrow<{}>", self.ty(&Type::Id(*r))),
            TypeDefKind::Future(t) => match opt(t) {
                Some(t) => format!("future<{t}>"),
                None => "future".into(),
            },
            TypeDefKind::Stream(t) => match opt(t) {
                Some(t) => format!("stream<{t}>"),
                None => "stream".into(),
            },
            TypeDefKind::Type(t) => self.ty(t),
            other => other.as_str().to_owned(),
        }
    }

    fn function(&self, f: &Function) -> FunctionDef {
        use wit_parser::FunctionKind as K;
        let (kind, takes_self) = match f.kind {
            K::Freestanding | K::AsyncFreestanding => (FunctionKind::Freestanding, false),
            K::Method(_) | K::AsyncMethod(_) => (FunctionKind::Method, true),
            K::MethodGetter(_) => (FunctionKind::Getter, true),
            K::MethodSetter(_) => (FunctionKind::Setter, true),
            K::Static(_) | K::AsyncStatic(_) => (FunctionKind::Static, false),
            K::StaticGetter(_) | K::Getter => (FunctionKind::Getter, false),
            K::StaticSetter(_) | K::Setter => (FunctionKind::Setter, false),
            K::Constructor(_) => (FunctionKind::Constructor, false),
        };
        let resource = f
            .kind
            .resource()
            .and_then(|r| self.resolve.types[r].name.clone());
        // Mangled names: `[method]res.name`, `[static]res.name`, `[constructor]res`, `[get]name`.
        let name = match kind {
            FunctionKind::Constructor => "constructor".to_owned(),
            _ if resource.is_some() => f
                .name
                .split_once('.')
                .map_or(&*f.name, |(_, n)| n)
                .to_owned(),
            _ => f
                .name
                .split_once(']')
                .map_or(&*f.name, |(_, n)| n)
                .to_owned(),
        };
        let params = f
            .params
            .iter()
            .skip(usize::from(takes_self))
            .map(|p| Param {
                name: p.name.clone(),
                ty: self.ty(&p.ty),
            })
            .collect();
        FunctionDef {
            name,
            kind,
            resource,
            is_async: f.kind.is_async(),
            params,
            result: match kind {
                // WIT leaves a constructor's result (the resource) implicit.
                FunctionKind::Constructor => None,
                _ => f.result.as_ref().map(|t| self.ty(t)),
            },
            docs: f.docs.contents.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_errors_are_specific() {
        assert!(matches!(decode_component(b""), Err(WitError::NotWasm)));
        assert!(matches!(
            decode_component(b"hello world"),
            Err(WitError::NotWasm)
        ));
        assert!(matches!(
            decode_component(b"\0asm\x01\0\0\0"),
            Err(WitError::CoreModule)
        ));
        assert!(matches!(
            decode_component(b"\0as"),
            Err(WitError::Invalid { .. })
        ));
        assert!(matches!(
            decode_component(b"\0asm\x02\0\0\0"),
            Err(WitError::UnsupportedVersion {
                version: 2,
                layer: 0
            })
        ));
    }

    #[test]
    fn huge_section_claim_is_refused_without_allocating() {
        // A custom section header claiming ~4 GiB after an otherwise valid preamble.
        let bytes = b"\0asm\x0d\0\x01\0\0\xff\xff\xff\xff\x0f";
        let err = decode_component(bytes).unwrap_err().to_string();
        assert!(err.contains("truncated"), "{err}");
    }

    #[test]
    fn leb() {
        assert_eq!(read_leb_u32(&[0x05]), Some((5, 1)));
        assert_eq!(read_leb_u32(&[0xe5, 0x8e, 0x26]), Some((624_485, 3)));
        assert_eq!(read_leb_u32(&[0x80]), None);
        assert_eq!(read_leb_u32(&[0xff, 0xff, 0xff, 0xff, 0x7f]), None);
    }
}
