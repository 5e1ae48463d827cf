//! wasmtime [`Type`]s of a component's functions, read from WIT alone.
//!
//! Encoding and decoding dynamic values needs wasmtime's types, which come from a compiled
//! component. Compiling the real component can take seconds; instead the WIT (decoded
//! from the component, or written out) is turned into a component with a dummy core
//! module, which compiles in milliseconds and has the same types.

use std::collections::HashMap;

use anyhow::Context as _;
use wasmtime::component::types::ComponentItem;
use wasmtime::component::{Component, Type};
use wasmtime::Engine;

/// The types of one function.
#[derive(Clone)]
pub struct FunctionTypes {
    /// Parameters, named.
    pub params: Vec<(String, Type)>,
    /// Results.
    pub results: Vec<Type>,
}

impl FunctionTypes {
    /// The parameter types alone.
    pub fn param_types(&self) -> Vec<Type> {
        self.params.iter().map(|(_, ty)| ty.clone()).collect()
    }
}

/// A function of a fixed interface (a provider's), with its wire instance and types.
#[derive(Clone)]
pub struct Signature {
    /// The wire instance.
    pub instance: &'static str,
    /// The function name.
    pub func: &'static str,
    /// Parameter types.
    pub params: Vec<Type>,
    /// Result types.
    pub results: Vec<Type>,
}

impl Signature {
    /// The function as something to serve.
    pub fn export(&self) -> crate::Export {
        crate::Export {
            instance: self.instance.into(),
            func: self.func.into(),
            param_types: self.params.clone(),
            result_types: self.results.clone(),
        }
    }
}

/// The exported functions of a world, by wire instance (`""` for a root-level function,
/// as wRPC serves those) and function name.
pub struct ExportTypes {
    functions: HashMap<(String, String), FunctionTypes>,
}

impl ExportTypes {
    /// The exports of `component` (its WIT decoded, then compiled as a dummy).
    pub fn of_component(engine: &Engine, component: &[u8]) -> anyhow::Result<ExportTypes> {
        let decoded = wit_component::decode(component).context("reading the component's WIT")?;
        let wit_component::DecodedWasm::Component(resolve, world) = decoded else {
            anyhow::bail!("a WIT package, not a component");
        };
        Self::of_world(engine, &resolve, world)
    }

    /// The exports of `world` in `resolve`.
    pub fn of_world(
        engine: &Engine,
        resolve: &wit_parser::Resolve,
        world: wit_parser::WorldId,
    ) -> anyhow::Result<ExportTypes> {
        let mut module = wit_component::dummy_module(
            resolve,
            world,
            wit_parser::ManglingAndAbi::Legacy(wit_parser::LiftLowerAbi::Sync),
        );
        wit_component::embed_component_metadata(
            &mut module,
            resolve,
            world,
            wit_component::StringEncoding::UTF8,
            false,
        )?;
        let bytes = wit_component::ComponentEncoder::default()
            .module(&module)?
            .encode()?;
        let component = Component::new(engine, bytes)
            .map_err(|e| anyhow::anyhow!("compiling the WIT's types: {e:#}"))?;
        let mut functions = HashMap::new();
        for (name, item) in component.component_type().exports(engine) {
            match item.ty {
                ComponentItem::ComponentFunc(ty) => {
                    functions.insert((String::new(), name.to_owned()), types_of(&ty));
                }
                ComponentItem::ComponentInstance(instance) => {
                    let wire = crate::names::wire_instance(name);
                    for (func, item) in instance.exports(engine) {
                        if let ComponentItem::ComponentFunc(ty) = item.ty {
                            functions.insert((wire.clone(), func.to_owned()), types_of(&ty));
                        }
                    }
                }
                _ => {}
            }
        }
        Ok(ExportTypes { functions })
    }

    /// The types of `func` in `instance` (`""`: a root-level function), and the instance
    /// name to call it under: an instance named without a version (`ns:pkg/iface`) finds
    /// the exported one whatever its version.
    pub fn function(&self, instance: &str, func: &str) -> Option<(&str, &FunctionTypes)> {
        if let Some(((exported, _), types)) = self
            .functions
            .get_key_value(&(instance.to_owned(), func.to_owned()))
        {
            return Some((exported.as_str(), types));
        }
        if instance.contains('@') {
            return None;
        }
        self.functions
            .iter()
            .find(|((exported, name), _)| {
                name == func && exported.split_once('@').map(|(bare, _)| bare) == Some(instance)
            })
            .map(|((exported, _), types)| (exported.as_str(), types))
    }

    /// Every function: (instance, function, types).
    pub fn functions(&self) -> impl Iterator<Item = (&str, &str, &FunctionTypes)> {
        self.functions
            .iter()
            .map(|((instance, func), types)| (instance.as_str(), func.as_str(), types))
    }
}

fn types_of(ty: &wasmtime::component::types::ComponentFunc) -> FunctionTypes {
    FunctionTypes {
        params: ty
            .params()
            .map(|(name, ty)| (name.to_owned(), ty))
            .collect(),
        results: ty.results().collect(),
    }
}
