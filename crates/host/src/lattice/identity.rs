//! Who this host is: its nkey id, a friendly name and the `hostcore.*` labels.

use std::collections::BTreeMap;

use rand::Rng as _;

/// Label keys the host sets itself; ctl `label.put`/`label.del` refuse them.
pub(crate) const RESERVED_LABEL_PREFIX: &str = "hostcore.";

/// A fresh host id: the public key of a random nkey server pair (`N…`, 56 chars).
pub(crate) fn new_host_id() -> String {
    nkeys::KeyPair::new_server().public_key()
}

/// A readable name such as `quiet-harbor-0421`; random, not derived from the id.
pub(crate) fn friendly_name() -> String {
    let mut rng = rand::rng();
    let adjective = ADJECTIVES[rng.random_range(0..ADJECTIVES.len())];
    let noun = NOUNS[rng.random_range(0..NOUNS.len())];
    let number: u16 = rng.random_range(0..10_000);
    format!("{adjective}-{noun}-{number:04}")
}

/// The labels every host carries, as a wasmCloud 1.x host reports them.
pub(crate) fn hostcore_labels() -> BTreeMap<String, String> {
    BTreeMap::from([
        (
            "hostcore.arch".to_owned(),
            std::env::consts::ARCH.to_owned(),
        ),
        ("hostcore.os".to_owned(), std::env::consts::OS.to_owned()),
        (
            "hostcore.osfamily".to_owned(),
            std::env::consts::FAMILY.to_owned(),
        ),
    ])
}

/// Whether a label key belongs to the host (`hostcore.*`), compared case-insensitively
/// so `HostCore.os` cannot shadow the real one.
pub(crate) fn is_reserved_label(key: &str) -> bool {
    key.len() >= RESERVED_LABEL_PREFIX.len()
        && key[..RESERVED_LABEL_PREFIX.len()].eq_ignore_ascii_case(RESERVED_LABEL_PREFIX)
}

const ADJECTIVES: &[&str] = &[
    "amber",
    "brave",
    "calm",
    "crisp",
    "dusky",
    "eager",
    "fabled",
    "gentle",
    "hidden",
    "icy",
    "jolly",
    "keen",
    "lucid",
    "mellow",
    "nimble",
    "odd",
    "patient",
    "quiet",
    "rapid",
    "rustic",
    "silent",
    "tidy",
    "urban",
    "vivid",
    "wandering",
    "young",
    "zesty",
    "bold",
    "cosmic",
    "dry",
];

const NOUNS: &[&str] = &[
    "anchor", "badger", "canyon", "delta", "ember", "fjord", "glacier", "harbor", "island",
    "juniper", "kestrel", "lagoon", "meadow", "nebula", "orchard", "prairie", "quarry", "river",
    "summit", "thicket", "upland", "valley", "willow", "yarrow", "zephyr", "beacon", "cove",
    "dune", "falcon", "grove",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_id_is_a_server_nkey() {
        let id = new_host_id();
        assert_eq!(id.len(), 56);
        assert!(id.starts_with('N'), "{id}");
        assert!(nkeys::KeyPair::from_public_key(&id).is_ok());
        assert_ne!(id, new_host_id());
    }

    #[test]
    fn friendly_name_has_three_parts() {
        let name = friendly_name();
        let parts: Vec<&str> = name.split('-').collect();
        assert_eq!(parts.len(), 3, "{name}");
        assert!(ADJECTIVES.contains(&parts[0]));
        assert!(NOUNS.contains(&parts[1]));
        assert_eq!(parts[2].len(), 4);
        assert!(parts[2].chars().all(|c| c.is_ascii_digit()));
    }

    #[test]
    fn hostcore_labels_are_present_and_reserved() {
        let labels = hostcore_labels();
        assert_eq!(labels.len(), 3);
        assert!(labels.keys().all(|k| is_reserved_label(k)));
        assert!(is_reserved_label("HostCore.os"));
        assert!(!is_reserved_label("zone"));
        assert!(!is_reserved_label("hostcore"));
    }
}
