//! [`BuiltinProviders`]: the built-in providers running on one host.

use std::collections::BTreeMap;
use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::{Arc, RwLock};

use trellis_proto::{ConfigMap, Link, ProviderDescription};
use trellis_wit::BuiltinSpec;

use super::blobstore::BlobProvider;
use super::keyvalue::KvProvider;
use super::messaging::MessagingProvider;
use super::BrokerMessage;
use crate::GrantPolicy;
use crate::HostError;

/// The future returned by [`ComponentInvoker::handle_message`].
pub type InvokeFuture = Pin<Box<dyn Future<Output = Result<(), String>> + Send>>;

/// Calls into components on behalf of providers (implemented by the runtime).
///
/// Implementations should hold the runtime weakly: the registry keeps the invoker
/// alive, and the runtime keeps the registry alive.
pub trait ComponentInvoker: Send + Sync + 'static {
    /// Delivers `msg` to the `wasmcloud:messaging/handler` export of `component_id`.
    fn handle_message(&self, component_id: &str, msg: BrokerMessage) -> InvokeFuture;

    /// Delivers `msg`, taken by messaging provider `provider` for its link `link_name`,
    /// to `component_id`, which may run on another host (default: [`handle_message`],
    /// for components of this host only).
    ///
    /// [`handle_message`]: ComponentInvoker::handle_message
    fn deliver(
        &self,
        provider: &str,
        link_name: &str,
        component_id: &str,
        msg: BrokerMessage,
    ) -> InvokeFuture {
        let _ = (provider, link_name);
        self.handle_message(component_id, msg)
    }

    /// How many messages a subscription may have in delivery to `component_id` at
    /// once (the runtime answers its `max_instances`; default 1). Past it, the
    /// subscription stops reading, so the backlog stays in the NATS client's bounded
    /// buffer instead of becoming a task per message.
    fn max_concurrency(&self, component_id: &str) -> usize {
        let _ = component_id;
        1
    }
}

/// A built-in provider kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum BuiltinKind {
    /// Serves `wasi:http/incoming-handler` of linked components (listeners: the runtime).
    HttpServer,
    /// `wasi:http/outgoing-handler`.
    HttpClient,
    /// `wasi:keyvalue` store, atomics, batch.
    KeyValue,
    /// `wasi:blobstore`, backed by a directory.
    Blobstore,
    /// `wasmcloud:messaging` over the lattice's NATS.
    Messaging,
}

impl BuiltinKind {
    /// Every kind, in the order the names are listed in messages.
    pub const ALL: [BuiltinKind; 5] = [
        BuiltinKind::HttpServer,
        BuiltinKind::HttpClient,
        BuiltinKind::KeyValue,
        BuiltinKind::Blobstore,
        BuiltinKind::Messaging,
    ];

    /// The builtin name, e.g. `keyvalue`: this kind's row in trellis-wit's table of
    /// built-in providers.
    pub fn name(self) -> &'static str {
        match self {
            BuiltinKind::HttpServer => "http-server",
            BuiltinKind::HttpClient => "http-client",
            BuiltinKind::KeyValue => "keyvalue",
            BuiltinKind::Blobstore => "blobstore",
            BuiltinKind::Messaging => "messaging",
        }
    }

    /// What trellis-wit's table says about this provider (exports, calls, defaults).
    pub fn spec(self) -> &'static BuiltinSpec {
        trellis_wit::parse_builtin_reference(self.name())
            .expect("every BuiltinKind has a row in trellis-wit's table (tested)")
    }

    /// The inventory image reference, `builtin://NAME`.
    pub fn image_ref(self) -> String {
        self.spec().reference()
    }

    /// Parses `builtin://NAME`, `wasmcloud+builtin://NAME` or a bare `NAME`, by
    /// [`trellis_wit::builtin_reference_name`]'s rule.
    pub fn parse(reference: &str) -> Result<Self, HostError> {
        let Some(name) = trellis_wit::builtin_reference_name(reference) else {
            // A scheme or a registry path: an image this host cannot run.
            return Err(HostError::UnknownProvider {
                reference: reference.trim().to_owned(),
            });
        };
        BuiltinKind::ALL
            .into_iter()
            .find(|kind| kind.name() == name)
            .ok_or_else(|| HostError::UnknownBuiltin {
                name: name.to_owned(),
            })
    }
}

/// Settings shared by every builtin provider of a host.
#[derive(Debug, Clone, Default)]
pub struct BuiltinProvidersConfig {
    /// The lattice connection: enables JetStream keyvalue and messaging.
    pub nats: Option<async_nats::Client>,
    /// The connection messaging carries components' traffic on, when it is not `nats`:
    /// on the local lattice, one authenticated as a guest user whose server-side
    /// permissions deny the lattice's subjects. Default `None`: `nats`.
    pub guest_nats: Option<async_nats::Client>,
    /// Whether that server has JetStream, so keyvalue may default to it.
    pub jetstream: bool,
    /// Where file-backed providers keep data by default (blobstore: `<dir>/blobstore/<id>`).
    /// Default: the user's data dir for Trellis, else the temp dir.
    pub data_dir: Option<PathBuf>,
    /// The lattice this host serves, so messaging can keep guests off its wRPC subjects
    /// (`<lattice>.*.wrpc.>`). Default `None`: every lattice's wRPC subjects
    /// (`*.*.wrpc.>`) are kept off.
    pub lattice: Option<String>,
    /// What provider config may ask for: blobstore roots outside `data_dir`, http-server
    /// addresses off loopback. Default: neither.
    pub policy: GrantPolicy,
}

/// The built-in providers of one host. Cheap to clone.
#[derive(Clone)]
pub struct BuiltinProviders {
    inner: Arc<Inner>,
}

struct Inner {
    nats: Option<async_nats::Client>,
    guest_nats: Option<async_nats::Client>,
    jetstream: bool,
    data_dir: PathBuf,
    lattice: Option<String>,
    policy: GrantPolicy,
    running: RwLock<BTreeMap<String, RunningProvider>>,
    invoker: RwLock<Option<Arc<dyn ComponentInvoker>>>,
    /// Calls to providers on other hosts, when the host makes them.
    wrpc: RwLock<Option<trellis_wrpc::Invoker>>,
    /// The runtime's message spy, which records calls into these providers.
    spy: std::sync::OnceLock<Arc<crate::runtime::SpyTap>>,
}

impl std::fmt::Debug for BuiltinProviders {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BuiltinProviders")
            .field("nats", &self.inner.nats.is_some())
            .field("data_dir", &self.inner.data_dir)
            .field("running", &self.list())
            .finish()
    }
}

impl Default for BuiltinProviders {
    fn default() -> Self {
        Self::new(BuiltinProvidersConfig::default())
    }
}

impl BuiltinProviders {
    /// An empty registry.
    pub fn new(config: BuiltinProvidersConfig) -> Self {
        let data_dir = config.data_dir.unwrap_or_else(|| {
            directories::ProjectDirs::from("", "", "trellis")
                .map(|dirs| dirs.data_dir().to_owned())
                .unwrap_or_else(|| std::env::temp_dir().join("trellis"))
        });
        BuiltinProviders {
            inner: Arc::new(Inner {
                nats: config.nats,
                guest_nats: config.guest_nats,
                jetstream: config.jetstream,
                data_dir,
                lattice: config.lattice,
                policy: config.policy,
                running: RwLock::default(),
                invoker: RwLock::default(),
                wrpc: RwLock::default(),
                spy: std::sync::OnceLock::new(),
            }),
        }
    }

    /// Sets who messaging deliveries go to.
    pub fn set_invoker(&self, invoker: Arc<dyn ComponentInvoker>) {
        *self
            .inner
            .invoker
            .write()
            .unwrap_or_else(|p| p.into_inner()) = Some(invoker);
    }

    /// Sets how components reach providers on other hosts (over wRPC).
    pub(crate) fn set_wrpc(&self, invoker: trellis_wrpc::Invoker) {
        *self.inner.wrpc.write().unwrap_or_else(|p| p.into_inner()) = Some(invoker);
    }

    /// Sets the message spy that records calls into these providers (once).
    pub(crate) fn set_spy(&self, spy: Arc<crate::runtime::SpyTap>) {
        let _ = self.inner.spy.set(spy);
    }

    /// The message spy, once the runtime set it.
    pub(crate) fn spy(&self) -> Option<&Arc<crate::runtime::SpyTap>> {
        self.inner.spy.get()
    }

    /// How components reach providers on other hosts, if they can.
    pub(crate) fn wrpc(&self) -> Option<trellis_wrpc::Invoker> {
        self.inner
            .wrpc
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    pub(crate) fn invoker(&self) -> Option<Arc<dyn ComponentInvoker>> {
        self.inner
            .invoker
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// The connection for components' messaging traffic: the guest connection when the
    /// host was given one, else the lattice connection.
    pub(crate) fn guest_nats(&self) -> Option<&async_nats::Client> {
        self.inner.guest_nats.as_ref().or(self.inner.nats.as_ref())
    }

    /// The lattice this host serves, if the registry was told.
    pub(crate) fn lattice(&self) -> Option<&str> {
        self.inner.lattice.as_deref()
    }

    /// Starts builtin `reference` (`builtin://NAME`, `wasmcloud+builtin://NAME` or `NAME`)
    /// under `id` with provider `config`.
    pub fn start(
        &self,
        id: &str,
        reference: &str,
        config: ConfigMap,
    ) -> Result<ProviderDescription, HostError> {
        self.start_with_annotations(id, reference, config, BTreeMap::new())
    }

    /// [`BuiltinProviders::start`] with inventory annotations.
    pub fn start_with_annotations(
        &self,
        id: &str,
        reference: &str,
        config: ConfigMap,
        annotations: BTreeMap<String, String>,
    ) -> Result<ProviderDescription, HostError> {
        let kind = BuiltinKind::parse(reference)?;
        if id.trim().is_empty() {
            return Err(HostError::InvalidConfig(
                "a provider id must not be empty".into(),
            ));
        }
        if self.get(id).is_some() {
            return Err(HostError::ProviderExists(id.to_owned()));
        }
        let state = match kind {
            BuiltinKind::KeyValue => ProviderState::KeyValue(Box::new(KvProvider::new(
                id,
                &config,
                self.inner.nats.clone().filter(|_| self.inner.jetstream),
            )?)),
            BuiltinKind::Blobstore => ProviderState::Blobstore(BlobProvider::new(
                id,
                &config,
                &self.inner.data_dir,
                &self.inner.policy,
            )?),
            BuiltinKind::Messaging => ProviderState::Messaging(MessagingProvider::new(id)),
            BuiltinKind::HttpServer => {
                if let Some(address) = config.get("address") {
                    let address = crate::runtime::parse_address(address)?;
                    self.inner.policy.check_http_address(address)?;
                }
                ProviderState::Plain
            }
            BuiltinKind::HttpClient => ProviderState::Plain,
        };
        let description = ProviderDescription {
            id: id.to_owned(),
            image_ref: Some(kind.image_ref()),
            name: Some(kind.name().to_owned()),
            annotations,
            revision: 0,
        };
        let provider = RunningProvider {
            inner: Arc::new(ProviderInner {
                kind,
                config,
                description: description.clone(),
                state,
            }),
        };
        let mut running = self
            .inner
            .running
            .write()
            .unwrap_or_else(|p| p.into_inner());
        if running.contains_key(id) {
            return Err(HostError::ProviderExists(id.to_owned()));
        }
        running.insert(id.to_owned(), provider);
        Ok(description)
    }

    /// Stops provider `id` (ending its messaging subscriptions) and returns its description.
    pub fn stop(&self, id: &str) -> Result<ProviderDescription, HostError> {
        let removed = self
            .inner
            .running
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .remove(id);
        let provider = removed.ok_or_else(|| HostError::ProviderNotFound(id.to_owned()))?;
        if let ProviderState::Messaging(messaging) = &provider.inner.state {
            messaging.unsubscribe_all();
        }
        Ok(provider.description())
    }

    /// The running provider `id`.
    pub fn get(&self, id: &str) -> Option<RunningProvider> {
        self.inner
            .running
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(id)
            .cloned()
    }

    /// Every running provider's inventory entry.
    pub fn list(&self) -> Vec<ProviderDescription> {
        self.inner
            .running
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .values()
            .map(RunningProvider::description)
            .collect()
    }

    /// Applies a link whose source may be a builtin provider.
    ///
    /// Only messaging acts on it: a link from a messaging provider to a component with
    /// (source or target) config `subscriptions` = comma-separated subjects subscribes to
    /// them and delivers each message to the component. Optional `queue_group` config makes
    /// the subscriptions queue subscriptions. Links from other sources are ignored.
    pub async fn put_link(
        &self,
        link: &Link,
        source_config: &ConfigMap,
        target_config: &ConfigMap,
    ) -> Result<(), HostError> {
        let Some(provider) = self.get(&link.source_id) else {
            return Ok(());
        };
        let ProviderState::Messaging(messaging) = &provider.inner.state else {
            return Ok(());
        };
        if link.wit_namespace != "wasmcloud" || link.wit_package != "messaging" {
            return Err(HostError::InvalidLink(format!(
                "messaging provider {:?} can only link wasmcloud:messaging, not {}:{}",
                link.source_id, link.wit_namespace, link.wit_package
            )));
        }
        messaging
            .subscribe(self.clone(), link, source_config, target_config)
            .await
    }

    /// Removes the link with this key (ending its messaging subscriptions, if any).
    pub fn delete_link(&self, source_id: &str, target: &str, name: &str) {
        if let Some(provider) = self.get(source_id) {
            if let ProviderState::Messaging(messaging) = &provider.inner.state {
                messaging.unsubscribe(target, name);
            }
        }
    }
}

/// A running builtin provider. Cheap to clone.
#[derive(Clone, Debug)]
pub struct RunningProvider {
    inner: Arc<ProviderInner>,
}

#[derive(Debug)]
struct ProviderInner {
    kind: BuiltinKind,
    config: ConfigMap,
    description: ProviderDescription,
    state: ProviderState,
}

#[derive(Debug)]
enum ProviderState {
    Plain,
    // Boxed: the JetStream state is much larger than the other variants.
    KeyValue(Box<KvProvider>),
    Blobstore(BlobProvider),
    Messaging(MessagingProvider),
}

impl RunningProvider {
    /// The provider id.
    pub fn id(&self) -> &str {
        &self.inner.description.id
    }

    /// Which builtin this is.
    pub fn kind(&self) -> BuiltinKind {
        self.inner.kind
    }

    /// The provider config it was started with.
    pub fn config(&self) -> &ConfigMap {
        &self.inner.config
    }

    /// Its inventory entry.
    pub fn description(&self) -> ProviderDescription {
        self.inner.description.clone()
    }

    pub(crate) fn keyvalue(&self) -> Option<&KvProvider> {
        match &self.inner.state {
            ProviderState::KeyValue(kv) => Some(kv),
            _ => None,
        }
    }

    pub(crate) fn blobstore(&self) -> Option<&BlobProvider> {
        match &self.inner.state {
            ProviderState::Blobstore(blob) => Some(blob),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_parse_in_both_spellings_and_unknown_names_are_named() {
        assert_eq!(
            BuiltinKind::parse("builtin://keyvalue").unwrap(),
            BuiltinKind::KeyValue
        );
        assert_eq!(
            BuiltinKind::parse("wasmcloud+builtin://http-server").unwrap(),
            BuiltinKind::HttpServer
        );
        assert_eq!(
            BuiltinKind::parse("messaging").unwrap(),
            BuiltinKind::Messaging
        );
        let err = BuiltinKind::parse("builtin://nope").unwrap_err();
        assert!(
            err.to_string().starts_with("unknown builtin name: nope"),
            "{err}"
        );
        assert!(matches!(
            BuiltinKind::parse("ghcr.io/wasmcloud/http-server:0.27").unwrap_err(),
            HostError::UnknownProvider { .. }
        ));
    }

    #[test]
    fn every_kind_is_one_row_of_the_builtin_table() {
        let names: Vec<&str> = BuiltinKind::ALL.iter().map(|k| k.name()).collect();
        assert_eq!(names, trellis_wit::builtin_names());
        for kind in BuiltinKind::ALL {
            assert_eq!(kind.spec().name(), kind.name());
            assert_eq!(
                BuiltinKind::parse(&kind.spec().wire_reference()).unwrap(),
                kind
            );
        }
        let err = BuiltinKind::parse("builtin://nope")
            .unwrap_err()
            .to_string();
        let known = format!("(known: {})", trellis_wit::builtin_names().join(", "));
        assert!(err.ends_with(&known), "{err}");
    }

    #[test]
    fn start_list_stop() {
        let registry = BuiltinProviders::new(BuiltinProvidersConfig {
            nats: None,
            jetstream: false,
            data_dir: Some(std::env::temp_dir().join("trellis-registry-test")),
            lattice: None,
            ..BuiltinProvidersConfig::default()
        });
        let desc = registry
            .start("kv", "builtin://keyvalue", ConfigMap::new())
            .unwrap();
        assert_eq!(desc.image_ref.as_deref(), Some("builtin://keyvalue"));
        assert!(matches!(
            registry.start("kv", "builtin://blobstore", ConfigMap::new()),
            Err(HostError::ProviderExists(_))
        ));
        registry
            .start("http", "builtin://http-server", ConfigMap::new())
            .unwrap();
        assert_eq!(registry.list().len(), 2);
        assert_eq!(
            registry.get("http").unwrap().kind(),
            BuiltinKind::HttpServer
        );
        registry.stop("kv").unwrap();
        assert!(registry.get("kv").is_none());
        assert!(matches!(
            registry.stop("kv"),
            Err(HostError::ProviderNotFound(_))
        ));
    }
}
