//! The process-wide wasmtime engine, its epoch ticker and the compile cache.
//!
//! One [`Engine`] serves every [`crate::Runtime`] in the process: compiled code is
//! tied to an engine, so sharing it lets tests and the desktop app reuse one compile
//! of a large (Python/JS, 8–11 s of Cranelift) component. Settings:
//! - component model, async host calls;
//! - pooling allocator sized for a small dev box, falling back to on-demand
//!   allocation where the address space cannot be reserved;
//! - epoch interruption, ticked every [`EPOCH_TICK`] by a background thread; each
//!   store turns the ticks into a wall-clock deadline (see `state.rs`);
//! - a compile cache: compiled artifacts are stored as `<sha256>.cwasm` under the
//!   cache dir and memory-mapped on the next start, plus an in-process map so the same
//!   bytes are never compiled twice.

use std::collections::HashMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use sha2::{Digest, Sha256};
use wasmtime::component::Component;
use wasmtime::{Config, Engine, InstanceAllocationStrategy, PoolingAllocationConfig};

use crate::HostError;

/// How often the epoch advances: the granularity of deadlines and of the
/// cooperative yields of long-running guests.
pub(crate) const EPOCH_TICK: Duration = Duration::from_millis(10);

/// Concurrent component instances the pooling allocator reserves slots for.
const POOL_INSTANCES: u32 = 1000;

/// The shared engine plus the compile cache.
pub(crate) struct SharedEngine {
    pub(crate) engine: Engine,
    /// Compiled components by the SHA-256 of their bytes, for this process.
    compiled: Mutex<HashMap<[u8; 32], Component>>,
}

static SHARED: OnceLock<Result<Arc<SharedEngine>, String>> = OnceLock::new();

/// The process-wide engine, created (and its epoch ticker started) on first use.
pub(crate) fn shared() -> Result<Arc<SharedEngine>, HostError> {
    SHARED
        .get_or_init(|| {
            let engine = build_engine().map_err(|e| format!("{e:#}"))?;
            start_epoch_ticker(engine.weak());
            Ok(Arc::new(SharedEngine {
                engine,
                compiled: Mutex::new(HashMap::new()),
            }))
        })
        .clone()
        .map_err(HostError::Engine)
}

fn base_config() -> Config {
    let mut config = Config::new();
    config.wasm_component_model(true);
    config.epoch_interruption(true);
    config
}

fn build_engine() -> wasmtime::Result<Engine> {
    let mut pooled = base_config();
    let mut pool = PoolingAllocationConfig::new();
    pool.total_component_instances(POOL_INSTANCES);
    // Python and JS components hold several core instances, memories and tables each.
    pool.total_core_instances(POOL_INSTANCES * 4);
    pool.total_memories(POOL_INSTANCES * 2);
    pool.total_tables(POOL_INSTANCES * 4);
    pool.total_stacks(POOL_INSTANCES);
    pool.max_core_instances_per_component(64);
    pool.max_memories_per_component(16);
    // Multi-memory modules (the default of 1 refuses them); the instance's memory cap
    // sums them all (see `limits.rs`).
    pool.max_memories_per_module(4);
    pool.max_tables_per_component(64);
    // CPython's and SpiderMonkey's function tables exceed the 20k default.
    pool.table_elements(200_000);
    pool.max_component_instance_size(4 << 20);
    pool.max_core_instance_size(4 << 20);
    // Keep a little of each released memory resident: cheap reuse for hot paths.
    pool.linear_memory_keep_resident(64 << 10);
    pool.table_keep_resident(64 << 10);
    pooled.allocation_strategy(InstanceAllocationStrategy::Pooling(pool));
    match Engine::new(&pooled) {
        Ok(engine) => Ok(engine),
        Err(err) => {
            // e.g. a `ulimit -v` too small for the pool's reservations.
            tracing::warn!("pooling allocator unavailable ({err:#}); using on-demand allocation");
            Engine::new(&base_config())
        }
    }
}

fn start_epoch_ticker(engine: wasmtime::EngineWeak) {
    let spawned = std::thread::Builder::new()
        .name("trellis-epoch".into())
        .spawn(move || {
            while let Some(engine) = engine.upgrade() {
                engine.increment_epoch();
                drop(engine);
                std::thread::sleep(EPOCH_TICK);
            }
        });
    if let Err(err) = spawned {
        tracing::error!("cannot start the epoch ticker, deadlines are not enforced: {err}");
    }
}

impl SharedEngine {
    /// Compiles `bytes` (named `what` in errors), using the in-process map and the
    /// on-disk cache under `cache_dir` when given.
    pub(crate) fn compile(
        &self,
        what: &str,
        bytes: &[u8],
        cache_dir: Option<&Path>,
    ) -> Result<Component, HostError> {
        check_header(what, bytes)?;
        let digest: [u8; 32] = Sha256::digest(bytes).into();
        if let Some(component) = self.compiled_get(&digest) {
            return Ok(component);
        }
        let cached_file = cache_dir.map(|dir| self.cache_file(dir, &digest));
        if let Some(file) = cached_file.as_deref().filter(|f| f.exists()) {
            // SAFETY: the file was written by `Component::serialize` of this engine
            // configuration (its name includes the engine's compatibility hash) into
            // the user's own cache directory; wasmtime re-checks the header.
            match unsafe { Component::deserialize_file(&self.engine, file) } {
                Ok(component) => {
                    self.compiled_put(digest, &component);
                    return Ok(component);
                }
                Err(err) => {
                    tracing::debug!("ignoring unusable cache entry {}: {err:#}", file.display());
                    let _ = std::fs::remove_file(file);
                }
            }
        }
        let component = Component::from_binary(&self.engine, bytes).map_err(|err| {
            HostError::InvalidComponent {
                what: what.to_owned(),
                reason: format!("{err:#}"),
            }
        })?;
        if let Some(file) = cached_file {
            if let Err(err) = write_cache_file(&file, &component) {
                tracing::debug!("cannot write compile cache {}: {err}", file.display());
            }
        }
        self.compiled_put(digest, &component);
        Ok(component)
    }

    fn compiled_get(&self, digest: &[u8; 32]) -> Option<Component> {
        let map = self.compiled.lock().unwrap_or_else(|p| p.into_inner());
        map.get(digest).cloned()
    }

    fn compiled_put(&self, digest: [u8; 32], component: &Component) {
        let mut map = self.compiled.lock().unwrap_or_else(|p| p.into_inner());
        map.insert(digest, component.clone());
    }

    fn cache_file(&self, dir: &Path, digest: &[u8; 32]) -> PathBuf {
        use std::hash::{Hash as _, Hasher as _};
        // Artifacts of another wasmtime version or configuration must never be loaded.
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        self.engine
            .precompile_compatibility_hash()
            .hash(&mut hasher);
        let engine_tag = hasher.finish();
        let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        dir.join(format!("{engine_tag:016x}-{hex}.cwasm"))
    }
}

fn write_cache_file(file: &Path, component: &Component) -> std::io::Result<()> {
    let bytes = component.serialize().map_err(std::io::Error::other)?;
    let dir = file.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    // Write then rename, so a concurrent reader never maps a half-written file.
    let mut tmp = tempfile_in(dir)?;
    tmp.1.write_all(&bytes)?;
    tmp.1.sync_all()?;
    std::fs::rename(&tmp.0, file)
}

fn tempfile_in(dir: &Path) -> std::io::Result<(PathBuf, std::fs::File)> {
    let name = format!(".tmp-{}-{}", std::process::id(), rand::random::<u64>());
    let path = dir.join(name);
    let file = std::fs::File::create(&path)?;
    Ok((path, file))
}

/// Tells a component apart from a core module or non-wasm bytes before compiling.
pub(crate) fn check_header(what: &str, bytes: &[u8]) -> Result<(), HostError> {
    if bytes.len() < 8 || &bytes[..4] != b"\0asm" {
        return Err(HostError::NotWasm {
            what: what.to_owned(),
        });
    }
    match bytes[4..8] {
        [0x01, 0x00, 0x00, 0x00] => Err(HostError::CoreModule {
            what: what.to_owned(),
        }),
        [_, _, 0x01, 0x00] => Ok(()),
        _ => Err(HostError::InvalidComponent {
            what: what.to_owned(),
            reason: "unknown WebAssembly version or layer".into(),
        }),
    }
}

/// The default compile cache: `$TRELLIS_CACHE_DIR/compiled`, else
/// `<user cache dir>/trellis/compiled`.
pub(crate) fn default_cache_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os(trellis_oci::CACHE_DIR_ENV).filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir).join("compiled"));
    }
    directories::ProjectDirs::from("dev", "trellis", "trellis")
        .map(|dirs| dirs.cache_dir().join("compiled"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_check_names_the_problem() {
        assert!(matches!(
            check_header("x", b"hello world"),
            Err(HostError::NotWasm { .. })
        ));
        let core = b"\0asm\x01\0\0\0";
        assert!(matches!(
            check_header("x", core),
            Err(HostError::CoreModule { .. })
        ));
        let component = b"\0asm\x0d\0\x01\0";
        assert!(check_header("x", component).is_ok());
    }
}
