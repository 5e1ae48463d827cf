//! `wasi:logging/logging@0.1.0-draft`: guest log calls become [`LogBus`](crate::LogBus)
//! records tagged with the component id, the level and the guest's context string.

use trellis_proto::LogLevel;

use super::bindings::wasi::logging::logging::{Host, Level};
use super::ProvidersCtxView;

impl Host for ProvidersCtxView<'_> {
    async fn log(
        &mut self,
        level: Level,
        context: String,
        message: String,
    ) -> wasmtime::Result<()> {
        let level = match level {
            Level::Trace => LogLevel::Trace,
            Level::Debug => LogLevel::Debug,
            Level::Info => LogLevel::Info,
            Level::Warn => LogLevel::Warn,
            Level::Error => LogLevel::Error,
            Level::Critical => LogLevel::Critical,
        };
        // An empty context carries no information; keep the record field absent then.
        let context = (!context.is_empty()).then_some(context.as_str());
        self.ctx
            .logs
            .emit(level, Some(&self.ctx.component_id), context, message);
        Ok(())
    }
}
