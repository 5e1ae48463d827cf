//! NATS subject builders for ctl v1, events, provider RPC and the Trellis extensions
//! (host logs, component WIT).
//!
//! Ctl subjects are `<prefix>.v1.<lattice>.<noun>.<verb>[.<arg>]`. Builders
//! take the prefix and lattice as given; validate them with
//! [`crate::validate_lattice_name`] at the edge.

/// The default ctl subject prefix.
pub const DEFAULT_CTL_PREFIX: &str = "wasmbus.ctl";
/// The default lattice name.
pub const DEFAULT_LATTICE: &str = "default";
/// The default link name.
pub const DEFAULT_LINK_NAME: &str = "default";
/// The fixed prefix of lattice event subjects.
pub const EVENT_PREFIX: &str = "wasmbus.evt";
/// The fixed prefix of provider RPC subjects.
pub const RPC_PREFIX: &str = "wasmbus.rpc";
/// The prefix of Trellis host log subjects.
pub const LOGS_PREFIX: &str = "trellis.logs";
/// The prefix of the Trellis subjects that answer with a running component's WIT.
pub const WIT_PREFIX: &str = "trellis.wit";
/// Prefix of the typed-call subjects (a Trellis extension).
pub const CALL_PREFIX: &str = "trellis.call";
/// Prefix of the message-spy subjects (a Trellis extension).
pub const SPY_PREFIX: &str = "trellis.spy";

/// Subject spaces the lattice owns, which guests may not publish, request or subscribe
/// on: the control interface and events (`wasmbus`), wadm, the JetStream, KV and object
/// store APIs, the server's system account, and Trellis's own subjects. (A lattice's
/// wRPC data plane, `<lattice>.*.wrpc.>`, is theirs too; each user adds it its way.)
pub const LATTICE_OWNED_SUBJECTS: [&str; 7] = [
    "wasmbus.>",
    "wadm.>",
    "$JS.>",
    "$KV.>",
    "$O.>",
    "$SYS.>",
    "trellis.>",
];

/// `<prefix>.v1.<lattice>`, the root of every ctl subject.
pub fn ctl_root(prefix: &str, lattice: &str) -> String {
    format!("{prefix}.v1.{lattice}")
}

fn ctl(prefix: &str, lattice: &str, rest: &str) -> String {
    format!("{prefix}.v1.{lattice}.{rest}")
}

/// `host.ping`: every host answers.
pub fn host_ping(prefix: &str, lattice: &str) -> String {
    ctl(prefix, lattice, "host.ping")
}
/// `host.get.<host_id>`: the host's inventory.
pub fn host_get(prefix: &str, lattice: &str, host_id: &str) -> String {
    ctl(prefix, lattice, &format!("host.get.{host_id}"))
}
/// `host.stop.<host_id>`.
pub fn host_stop(prefix: &str, lattice: &str, host_id: &str) -> String {
    ctl(prefix, lattice, &format!("host.stop.{host_id}"))
}
/// `claims.get` (queue group `claims`).
pub fn claims_get(prefix: &str, lattice: &str) -> String {
    ctl(prefix, lattice, "claims.get")
}
/// `component.auction`: qualifying hosts answer.
pub fn component_auction(prefix: &str, lattice: &str) -> String {
    ctl(prefix, lattice, "component.auction")
}
/// `component.scale.<host_id>`.
pub fn component_scale(prefix: &str, lattice: &str, host_id: &str) -> String {
    ctl(prefix, lattice, &format!("component.scale.{host_id}"))
}
/// `component.update.<host_id>`.
pub fn component_update(prefix: &str, lattice: &str, host_id: &str) -> String {
    ctl(prefix, lattice, &format!("component.update.{host_id}"))
}
/// `provider.auction`: qualifying hosts answer.
pub fn provider_auction(prefix: &str, lattice: &str) -> String {
    ctl(prefix, lattice, "provider.auction")
}
/// `provider.start.<host_id>`.
pub fn provider_start(prefix: &str, lattice: &str, host_id: &str) -> String {
    ctl(prefix, lattice, &format!("provider.start.{host_id}"))
}
/// `provider.stop.<host_id>`.
pub fn provider_stop(prefix: &str, lattice: &str, host_id: &str) -> String {
    ctl(prefix, lattice, &format!("provider.stop.{host_id}"))
}
/// `link.put` (queue group `link`).
pub fn link_put(prefix: &str, lattice: &str) -> String {
    ctl(prefix, lattice, "link.put")
}
/// `link.del` (queue group `link`).
pub fn link_del(prefix: &str, lattice: &str) -> String {
    ctl(prefix, lattice, "link.del")
}
/// `link.get` (queue group `link`): every link in the lattice.
pub fn link_get(prefix: &str, lattice: &str) -> String {
    ctl(prefix, lattice, "link.get")
}
/// `config.put.<name>` (queue group `config`).
pub fn config_put(prefix: &str, lattice: &str, name: &str) -> String {
    ctl(prefix, lattice, &format!("config.put.{name}"))
}
/// `config.get.<name>` (queue group `config`).
pub fn config_get(prefix: &str, lattice: &str, name: &str) -> String {
    ctl(prefix, lattice, &format!("config.get.{name}"))
}
/// `config.del.<name>` (queue group `config`).
pub fn config_del(prefix: &str, lattice: &str, name: &str) -> String {
    ctl(prefix, lattice, &format!("config.del.{name}"))
}
/// `label.put.<host_id>`.
pub fn label_put(prefix: &str, lattice: &str, host_id: &str) -> String {
    ctl(prefix, lattice, &format!("label.put.{host_id}"))
}
/// `label.del.<host_id>`.
pub fn label_del(prefix: &str, lattice: &str, host_id: &str) -> String {
    ctl(prefix, lattice, &format!("label.del.{host_id}"))
}
/// `registry.put`: published to all hosts, no reply.
pub fn registry_put(prefix: &str, lattice: &str) -> String {
    ctl(prefix, lattice, "registry.put")
}

/// Queue group `<prefix>.v1.<lattice>.<kind>`, `kind` one of `link`, `claims`, `config`.
pub fn queue_group(prefix: &str, lattice: &str, kind: &str) -> String {
    ctl(prefix, lattice, kind)
}

/// Subscription pattern `<prefix>.v1.<lattice>.link.*` (served in queue group `link`).
pub fn link_all(prefix: &str, lattice: &str) -> String {
    ctl(prefix, lattice, "link.*")
}
/// Subscription pattern `<prefix>.v1.<lattice>.config.>` (served in queue group `config`).
pub fn config_all(prefix: &str, lattice: &str) -> String {
    ctl(prefix, lattice, "config.>")
}
/// Subscription pattern `<prefix>.v1.<lattice>.<noun>.*.<host_id>` for the
/// per-host nouns `component`, `provider`, `label` and `host`.
pub fn host_scoped(prefix: &str, lattice: &str, noun: &str, host_id: &str) -> String {
    ctl(prefix, lattice, &format!("{noun}.*.{host_id}"))
}

/// `wasmbus.evt.<lattice>.<event_type>`.
pub fn event(lattice: &str, event_type: &str) -> String {
    format!("{EVENT_PREFIX}.{lattice}.{event_type}")
}
/// `wasmbus.evt.<lattice>.>`: every event of a lattice.
pub fn events_all(lattice: &str) -> String {
    format!("{EVENT_PREFIX}.{lattice}.>")
}

/// `trellis.logs.<lattice>.<host_id>`.
pub fn logs(lattice: &str, host_id: &str) -> String {
    format!("{LOGS_PREFIX}.{lattice}.{host_id}")
}
/// `trellis.logs.<lattice>.*`: logs of every host in a lattice.
pub fn logs_all(lattice: &str) -> String {
    format!("{LOGS_PREFIX}.{lattice}.*")
}

/// `trellis.wit.<lattice>.<host_id>`: the WIT of a component running on that host.
pub fn component_wit(lattice: &str, host_id: &str) -> String {
    format!("{WIT_PREFIX}.{lattice}.{host_id}")
}

/// `trellis.call.<lattice>.<host_id>`: call an export of a component running there.
pub fn component_call(lattice: &str, host_id: &str) -> String {
    format!("{CALL_PREFIX}.{lattice}.{host_id}")
}

/// `trellis.spy.<lattice>.<component_id>`: records of calls into that component.
pub fn spy(lattice: &str, component_id: &str) -> String {
    format!("{SPY_PREFIX}.{lattice}.{component_id}")
}

/// `trellis.spy.<lattice>.<component_id>.lease`: ask hosts to publish those records.
pub fn spy_lease(lattice: &str, component_id: &str) -> String {
    format!("{SPY_PREFIX}.{lattice}.{component_id}.lease")
}

/// `trellis.spy.<lattice>.*.lease`: every lease request of a lattice (hosts serve it).
pub fn spy_lease_all(lattice: &str) -> String {
    format!("{SPY_PREFIX}.{lattice}.*.lease")
}

/// `wasmbus.rpc.<lattice>.<target>.linkdefs.put` (`target` = provider id, provider xkey or component id).
pub fn rpc_linkdefs_put(lattice: &str, target: &str) -> String {
    format!("{RPC_PREFIX}.{lattice}.{target}.linkdefs.put")
}
/// `wasmbus.rpc.<lattice>.<id>.linkdefs.del`.
pub fn rpc_linkdefs_del(lattice: &str, id: &str) -> String {
    format!("{RPC_PREFIX}.{lattice}.{id}.linkdefs.del")
}
/// `wasmbus.rpc.<lattice>.<provider_id>.health`.
pub fn rpc_health(lattice: &str, provider_id: &str) -> String {
    format!("{RPC_PREFIX}.{lattice}.{provider_id}.health")
}
/// `wasmbus.rpc.<lattice>.<provider_id>.config.update`.
pub fn rpc_config_update(lattice: &str, provider_id: &str) -> String {
    format!("{RPC_PREFIX}.{lattice}.{provider_id}.config.update")
}
/// `wasmbus.rpc.<lattice>.<provider_id>.default.shutdown`.
pub fn rpc_shutdown(lattice: &str, provider_id: &str) -> String {
    format!("{RPC_PREFIX}.{lattice}.{provider_id}.default.shutdown")
}

/// wRPC invocation subject `<lattice>.<target>.wrpc.0.0.1.<instance>.<func>`,
/// e.g. instance `wrpc:http/incoming-handler@0.1.0`, func `handle`.
pub fn wrpc(lattice: &str, target: &str, instance: &str, func: &str) -> String {
    format!("{lattice}.{target}.wrpc.0.0.1.{instance}.{func}")
}
/// wRPC serving queue group `<lattice>.<id>`, shared by replicas.
pub fn wrpc_queue_group(lattice: &str, id: &str) -> String {
    format!("{lattice}.{id}")
}
