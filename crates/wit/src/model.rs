//! The serialisable model of a component's WIT: what the UI draws and what the
//! compatibility and satisfaction checks read.
//!
//! Types are referred to by their WIT spelling (`list<u8>`, `option<string>`,
//! `borrow<descriptor>`, `error`), so the JSON stays flat and a TypeScript port can
//! compare signatures as strings. Named types are described once, in the `types` list
//! of the interface (or world) that declares them.

use serde::{Deserialize, Serialize};

use crate::InterfaceRef;

/// The WIT of one component: its world, imports and exports, and the world as WIT text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ComponentWit {
    /// Name of the world (a decoded component's world is usually `root`).
    pub world: String,
    /// Package that owns the world, e.g. `root:component`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package: Option<String>,
    /// Doc comment of the world.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub docs: Option<String>,
    /// What the component needs, in declaration order.
    pub imports: Vec<WorldEntry>,
    /// What the component offers, in declaration order.
    pub exports: Vec<WorldEntry>,
    /// The world (and the packages it uses) as WIT text.
    pub wit: String,
}

impl ComponentWit {
    /// The world as WIT text (same as the `wit` field).
    pub fn to_wit_text(&self) -> &str {
        &self.wit
    }

    /// The imported interfaces (bare function and type imports left out).
    pub fn imported_interfaces(&self) -> impl Iterator<Item = &InterfaceDef> {
        self.imports.iter().filter_map(WorldEntry::as_interface)
    }

    /// The exported interfaces (bare function and type exports left out).
    pub fn exported_interfaces(&self) -> impl Iterator<Item = &InterfaceDef> {
        self.exports.iter().filter_map(WorldEntry::as_interface)
    }
}

/// One import or export of a world; serialised with an `item` tag
/// (`interface`, `function`, `type`) next to the entry's own fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "item", rename_all = "kebab-case")]
pub enum WorldEntry {
    /// An interface: `wasi:http/types@0.2.0`, or an inline one with a plain name.
    Interface(InterfaceDef),
    /// A bare function of the world, e.g. `import log: func(msg: string);`.
    Function(FunctionDef),
    /// A type of the world (used by its bare functions).
    Type(TypeDef),
}

impl WorldEntry {
    /// The entry's name as WIT spells it in the world.
    pub fn name(&self) -> &str {
        match self {
            WorldEntry::Interface(i) => &i.name,
            WorldEntry::Function(f) => &f.name,
            WorldEntry::Type(t) => &t.name,
        }
    }

    /// The interface, when this entry is one.
    pub fn as_interface(&self) -> Option<&InterfaceDef> {
        match self {
            WorldEntry::Interface(i) => Some(i),
            _ => None,
        }
    }
}

/// An interface with its functions and types.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct InterfaceDef {
    /// Full name: `ns:pkg/iface@version` for a packaged interface, the plain
    /// kebab name for an inline interface of a world.
    pub name: String,
    /// The parsed name; `None` for inline interfaces (those cannot be linked).
    #[serde(default, rename = "ref", skip_serializing_if = "Option::is_none")]
    pub reference: Option<InterfaceRef>,
    /// Doc comment of the interface.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub docs: Option<String>,
    /// Free functions; resource methods live under their resource in `types`.
    #[serde(default)]
    pub functions: Vec<FunctionDef>,
    /// Named types declared in (or `use`d into) the interface.
    #[serde(default)]
    pub types: Vec<TypeDef>,
}

impl InterfaceDef {
    /// An interface known only by name, with no functions or types.
    pub fn from_ref(reference: InterfaceRef) -> InterfaceDef {
        InterfaceDef {
            name: reference.to_string(),
            reference: Some(reference),
            docs: None,
            functions: Vec::new(),
            types: Vec::new(),
        }
    }

    /// A function by name; `resource.method` finds a resource method or static
    /// function, `resource.constructor` a constructor.
    pub fn function(&self, name: &str) -> Option<&FunctionDef> {
        self.all_functions().find(|f| f.qualified_name() == name)
    }

    /// Free functions followed by every resource's methods.
    pub fn all_functions(&self) -> impl Iterator<Item = &FunctionDef> {
        self.functions
            .iter()
            .chain(self.types.iter().flat_map(|t| match &t.def {
                TypeKind::Resource { methods } => methods.as_slice(),
                _ => &[],
            }))
    }

    /// A named type by name.
    pub fn type_def(&self, name: &str) -> Option<&TypeDef> {
        self.types.iter().find(|t| t.name == name)
    }
}

/// How a function is attached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum FunctionKind {
    /// A free function of an interface or world.
    #[default]
    Freestanding,
    /// A resource method (`self` is an implicit `borrow<resource>`, not listed in `params`).
    Method,
    /// A static function of a resource.
    Static,
    /// A resource constructor; its result is the resource itself.
    Constructor,
    /// A property getter (newer WIT).
    Getter,
    /// A property setter (newer WIT).
    Setter,
}

/// A function with named, typed parameters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FunctionDef {
    /// The function's own name (for a method: `read`, not `[method]descriptor.read`).
    pub name: String,
    /// Free function, method, static or constructor.
    #[serde(default)]
    pub kind: FunctionKind,
    /// The resource a method, static or constructor belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    /// `true` for `async func`.
    #[serde(default, rename = "async", skip_serializing_if = "std::ops::Not::not")]
    pub is_async: bool,
    /// Parameters in order (for methods, without `self`).
    #[serde(default)]
    pub params: Vec<Param>,
    /// Result type in WIT spelling, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<String>,
    /// Doc comment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub docs: Option<String>,
}

impl FunctionDef {
    /// `name` for free functions, `resource.name` for resource functions.
    pub fn qualified_name(&self) -> String {
        match &self.resource {
            Some(resource) => format!("{resource}.{}", self.name),
            None => self.name.clone(),
        }
    }

    /// The signature in WIT spelling: `func(key: string) -> option<list<u8>>`
    /// (`static func(...)`, `constructor(...)` for resource functions).
    pub fn signature(&self) -> String {
        let params = self
            .params
            .iter()
            .map(|p| format!("{}: {}", p.name, p.ty))
            .collect::<Vec<_>>()
            .join(", ");
        let keyword = match (self.kind, self.is_async) {
            (FunctionKind::Constructor, _) => return format!("constructor({params})"),
            (FunctionKind::Static, false) => "static func",
            (FunctionKind::Static, true) => "static async func",
            (FunctionKind::Getter, _) => "get",
            (FunctionKind::Setter, _) => "set",
            (_, false) => "func",
            (_, true) => "async func",
        };
        match &self.result {
            Some(result) => format!("{keyword}({params}) -> {result}"),
            None => format!("{keyword}({params})"),
        }
    }
}

/// A named, typed parameter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Param {
    /// Parameter name.
    pub name: String,
    /// Type in WIT spelling.
    #[serde(rename = "type")]
    pub ty: String,
}

/// A named type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TypeDef {
    /// The type's name in its interface.
    pub name: String,
    /// Doc comment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub docs: Option<String>,
    /// What the type is.
    #[serde(flatten)]
    pub def: TypeKind,
}

/// The shape of a named type; serialised with a `kind` tag next to the type's name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum TypeKind {
    /// `record { fields }`.
    Record {
        /// Fields in order.
        fields: Vec<Field>,
    },
    /// `variant { cases }`.
    Variant {
        /// Cases in order; a case may carry a payload.
        cases: Vec<Case>,
    },
    /// `enum { cases }`.
    Enum {
        /// Case names in order.
        cases: Vec<Case>,
    },
    /// `flags { flags }`.
    Flags {
        /// Flag names in order.
        flags: Vec<Case>,
    },
    /// `resource { methods }`.
    Resource {
        /// Constructor, methods and static functions.
        #[serde(default)]
        methods: Vec<FunctionDef>,
    },
    /// `type name = target`, e.g. `type key = list<u8>`.
    Alias {
        /// The aliased type in WIT spelling.
        target: String,
    },
    /// `use iface.{name}`: a type declared by another interface.
    Use {
        /// Interface that declares the type (`wasi:io/streams@0.2.0`, or a plain name).
        from: String,
        /// The type's name there (differs from ours for `use x.{a as b}`).
        original: String,
    },
}

/// A field of a record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Field {
    /// Field name.
    pub name: String,
    /// Type in WIT spelling.
    #[serde(rename = "type")]
    pub ty: String,
    /// Doc comment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub docs: Option<String>,
}

/// A case of a variant or enum, or a flag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Case {
    /// Case name.
    pub name: String,
    /// Payload type of a variant case, in WIT spelling.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub ty: Option<String>,
    /// Doc comment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub docs: Option<String>,
}
