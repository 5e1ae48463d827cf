//! The names wasmCloud 1.x hosts put on the wire for interfaces.

/// The wRPC instance name a call to `interface` (`ns:pkg/iface@version` as a component
/// imports it) travels under. wasmCloud renames its first-party WASI interfaces to their
/// `wrpc:` counterparts (keyvalue, blobstore, http); custom interfaces go verbatim.
pub fn wire_instance(interface: &str) -> String {
    let (name, version) = match interface.split_once('@') {
        Some((name, version)) => (name, Some(version)),
        None => (interface, None),
    };
    match name {
        "wasi:keyvalue/store" | "wasi:keyvalue/atomics" | "wasi:keyvalue/batch" => {
            format!("wrpc:{}@0.2.0-draft", &name["wasi:".len()..])
        }
        name if name.starts_with("wasi:blobstore/") => "wrpc:blobstore/blobstore@0.2.0".into(),
        "wasi:http/outgoing-handler" => "wrpc:http/outgoing-handler@0.1.0".into(),
        "wasi:http/incoming-handler" => "wrpc:http/incoming-handler@0.1.0".into(),
        _ => match version {
            Some(version) => format!("{name}@{version}"),
            None => name.to_owned(),
        },
    }
}

/// The interface a component imports for calls that arrive as wire instance `instance`
/// (`ns:pkg/iface`, without a version): the inverse of [`wire_instance`] for
/// wasmCloud's renamed first-party interfaces (blobstore's one wire instance maps to
/// `wasi:blobstore/blobstore`), the instance itself otherwise. Spy records name
/// interfaces this way, wherever the call came from.
pub fn guest_interface(instance: &str) -> String {
    let name = instance.split_once('@').map_or(instance, |(name, _)| name);
    match name {
        "wrpc:keyvalue/store" | "wrpc:keyvalue/atomics" | "wrpc:keyvalue/batch" => {
            format!("wasi:{}", &name["wrpc:".len()..])
        }
        "wrpc:blobstore/blobstore" => "wasi:blobstore/blobstore".into(),
        "wrpc:http/outgoing-handler" => "wasi:http/outgoing-handler".into(),
        "wrpc:http/incoming-handler" => "wasi:http/incoming-handler".into(),
        other => other.to_owned(),
    }
}

/// The prefix (and queue group) under which `target` serves on `lattice`.
pub fn target_prefix(lattice: &str, target: &str) -> String {
    format!("{lattice}.{target}")
}

/// The subject a call of `func` in `instance` on `target` is published to.
pub fn invocation_subject(lattice: &str, target: &str, instance: &str, func: &str) -> String {
    wrpc_transport_nats::invocation_subject(&target_prefix(lattice, target), instance, func)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_party_interfaces_take_their_wrpc_names() {
        assert_eq!(
            wire_instance("wasi:keyvalue/atomics@0.2.0-draft"),
            "wrpc:keyvalue/atomics@0.2.0-draft"
        );
        assert_eq!(
            wire_instance("wasi:blobstore/container@0.2.0-draft"),
            "wrpc:blobstore/blobstore@0.2.0"
        );
        assert_eq!(
            wire_instance("wasi:http/incoming-handler@0.2.12"),
            "wrpc:http/incoming-handler@0.1.0"
        );
        assert_eq!(
            wire_instance("trellis:fwd/greeter@0.1.0"),
            "trellis:fwd/greeter@0.1.0"
        );
    }

    #[test]
    fn wire_instances_read_back_as_what_components_import() {
        for import in ["wasi:keyvalue/atomics", "wasi:http/outgoing-handler"] {
            assert_eq!(guest_interface(&wire_instance(import)), import);
        }
        assert_eq!(
            guest_interface("wasmcloud:messaging/consumer@0.2.0"),
            "wasmcloud:messaging/consumer"
        );
        assert_eq!(
            guest_interface("trellis:fwd/greeter@0.1.0"),
            "trellis:fwd/greeter"
        );
    }

    #[test]
    fn subjects_follow_wasmcloud() {
        assert_eq!(
            invocation_subject(
                "default",
                "hello-http_component",
                "wrpc:http/incoming-handler@0.1.0",
                "handle"
            ),
            "default.hello-http_component.wrpc.0.0.1.wrpc:http/incoming-handler@0.1.0.handle"
        );
    }
}
