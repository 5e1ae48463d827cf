//! `wasmcloud:bus/lattice@1.0.0`: a component picks the link name its imports resolve
//! under, for the rest of the invocation (wasmCloud's `set-link-name`).
//!
//! `set-link-name(name, interfaces)` routes each listed interface by link `name`;
//! an empty list changes the name for every interface. Only the calling store is
//! affected: every invocation starts at `default` again.

use wasmtime::component::Resource;

use super::ProvidersCtxView;

mod generated {
    #![allow(missing_docs)]
    wasmtime::component::bindgen!({
        inline: "
            package wasmcloud:bus@1.0.0;

            interface lattice {
                resource call-target-interface {
                    constructor(namespace: string, %package: string, %interface: string);
                }
                set-link-name: func(name: string, interfaces: list<call-target-interface>);
            }

            world bus {
                import lattice;
            }
        ",
        imports: { default: async | trappable },
        require_store_data_send: true,
        with: {
            "wasmcloud:bus/lattice.call-target-interface": super::CallTargetInterface,
        },
    });
}

pub(crate) use generated::wasmcloud::bus::lattice;

/// A `call-target-interface`: the `ns:pkg/iface` it names.
#[derive(Debug)]
pub struct CallTargetInterface {
    interface: String,
}

impl lattice::HostCallTargetInterface for ProvidersCtxView<'_> {
    async fn new(
        &mut self,
        namespace: String,
        package: String,
        interface: String,
    ) -> wasmtime::Result<Resource<CallTargetInterface>> {
        let interface = format!("{namespace}:{package}/{interface}");
        Ok(self.table.push(CallTargetInterface { interface })?)
    }

    async fn drop(&mut self, target: Resource<CallTargetInterface>) -> wasmtime::Result<()> {
        self.table.delete(target)?;
        Ok(())
    }
}

impl lattice::Host for ProvidersCtxView<'_> {
    async fn set_link_name(
        &mut self,
        name: String,
        interfaces: Vec<Resource<CallTargetInterface>>,
    ) -> wasmtime::Result<()> {
        if interfaces.is_empty() {
            self.ctx.link_names.clear();
            self.ctx.link_name = name;
            return Ok(());
        }
        for handle in interfaces {
            let interface = self.table.delete(handle)?.interface;
            self.ctx.link_names.retain(|(i, _)| *i != interface);
            self.ctx.link_names.push((interface, name.clone()));
        }
        Ok(())
    }
}
