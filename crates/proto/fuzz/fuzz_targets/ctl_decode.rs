//! Fuzz target: decoding of everything a host or client reads off NATS.
//!
//! The first byte picks the message kind, the rest is the body. Decoding must
//! never panic, errors must render, and whatever decodes must survive a
//! serialise/decode round trip unchanged.
#![no_main]

use std::fmt::Debug;

use libfuzzer_sys::fuzz_target;
use serde::de::DeserializeOwned;
use serde::Serialize;
use trellis_proto::*;

fn check<T: DeserializeOwned + Serialize + PartialEq + Debug>(what: &'static str, body: &[u8]) {
    match decode_request::<T>(what, body) {
        Ok(value) => {
            let bytes = serde_json::to_vec(&value).expect("serialise");
            let back: T = serde_json::from_slice(&bytes).expect("re-decode");
            assert_eq!(value, back, "{what} changed in a round trip");
        }
        Err(err) => assert!(!err.to_string().is_empty()),
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&kind, body)) = data.split_first() else {
        return;
    };
    match kind % 16 {
        0 => check::<ScaleComponentCommand>("component.scale", body),
        1 => check::<UpdateComponentCommand>("component.update", body),
        2 => check::<StartProviderCommand>("provider.start", body),
        3 => check::<StopProviderCommand>("provider.stop", body),
        4 => check::<StopHostCommand>("host.stop", body),
        5 => check::<Link>("link.put", body),
        6 => check::<DeleteLinkRequest>("link.del", body),
        7 => check::<HostLabel>("label.put", body),
        8 => check::<HostLabelKey>("label.del", body),
        9 => check::<ComponentAuctionRequest>("component.auction", body),
        10 => check::<ProviderAuctionRequest>("provider.auction", body),
        11 => check::<RegistryCredentials>("registry.put", body),
        12 => {
            if let Ok(map) = parse_config_map(body) {
                let again = serde_json::to_vec(&map).expect("serialise");
                assert_eq!(parse_config_map(&again).expect("re-parse"), map);
            }
        }
        13 => check::<CtlResponse<HostInventory>>("host.get reply", body),
        14 => check::<ComponentSpec>("LATTICEDATA entry", body),
        _ => {
            if let Ok(event) = serde_json::from_slice::<CloudEvent>(body) {
                if let Ok(typed) = LatticeEvent::from_cloud_event(&event) {
                    // Re-wrapping keeps the type and the data.
                    let again = CloudEvent::from_event(&event.source, &typed);
                    assert_eq!(
                        LatticeEvent::from_cloud_event(&again).expect("re-decode"),
                        typed
                    );
                }
            }
        }
    }
});
