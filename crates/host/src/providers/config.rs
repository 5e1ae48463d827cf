//! `wasi:config/store` (`@0.2.0-draft`, wasmCloud's name, and `@0.2.0-rc.1`, wasmtime's)
//! and the legacy `wasi:config/runtime@0.2.0-draft`: all read the component's merged
//! named config ([`ProviderCtx::config`](super::ProviderCtx)). Lookups cannot fail.

use super::bindings::wasi::{config0_2_0_draft as draft, config0_2_0_rc_1 as rc1};
use super::ProvidersCtxView;

impl ProvidersCtxView<'_> {
    fn config_get(&self, key: &str) -> Option<String> {
        self.ctx.config.get(key).cloned()
    }

    fn config_all(&self) -> Vec<(String, String)> {
        self.ctx
            .config
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    }
}

impl draft::store::Host for ProvidersCtxView<'_> {
    async fn get(
        &mut self,
        key: String,
    ) -> wasmtime::Result<Result<Option<String>, draft::store::Error>> {
        Ok(Ok(self.config_get(&key)))
    }

    async fn get_all(
        &mut self,
    ) -> wasmtime::Result<Result<Vec<(String, String)>, draft::store::Error>> {
        Ok(Ok(self.config_all()))
    }
}

impl draft::runtime::Host for ProvidersCtxView<'_> {
    async fn get(
        &mut self,
        key: String,
    ) -> wasmtime::Result<Result<Option<String>, draft::runtime::ConfigError>> {
        Ok(Ok(self.config_get(&key)))
    }

    async fn get_all(
        &mut self,
    ) -> wasmtime::Result<Result<Vec<(String, String)>, draft::runtime::ConfigError>> {
        Ok(Ok(self.config_all()))
    }
}

impl rc1::store::Host for ProvidersCtxView<'_> {
    async fn get(
        &mut self,
        key: String,
    ) -> wasmtime::Result<Result<Option<String>, rc1::store::Error>> {
        Ok(Ok(self.config_get(&key)))
    }

    async fn get_all(
        &mut self,
    ) -> wasmtime::Result<Result<Vec<(String, String)>, rc1::store::Error>> {
        Ok(Ok(self.config_all()))
    }
}
