//! Calling a function of a target on the lattice over wRPC, with dynamic values.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_nats_wrpc as nats;
use bytes::BytesMut;
use futures::TryStreamExt as _;
use tokio::io::AsyncWriteExt as _;
use tokio_util::codec::FramedRead;
use wasmtime::component::{Type, Val};
use wrpc_transport::Invoke as _;

use crate::codec::{encode_values, ValuesDecoder};
use crate::names::target_prefix;

/// Header naming the calling component (as wasmCloud hosts send it).
pub const SOURCE_ID_HEADER: &str = "source-id";
/// Header naming the link the call follows.
pub const LINK_NAME_HEADER: &str = "link-name";
/// Header a Trellis host adds to a call it records for the message spy itself (a
/// Trellis extension): the serving Trellis host then leaves it out of its own records,
/// so a spy sees each call once. Other peers ignore it.
pub const SPIED_HEADER: &str = "trellis-spied";

/// The headers of a call from `source` along `link_name` (`spied`: see [`SPIED_HEADER`]).
pub(crate) fn call_headers(source: &str, link_name: &str, spied: bool) -> nats::HeaderMap {
    let mut headers = nats::HeaderMap::new();
    headers.insert(SOURCE_ID_HEADER, source);
    headers.insert(LINK_NAME_HEADER, link_name);
    if spied {
        headers.insert(SPIED_HEADER, "1");
    }
    headers
}

/// One call to make.
pub struct Call<'a> {
    /// The calling component's id (sent as `source-id`).
    pub source: &'a str,
    /// The component or provider id the link points at.
    pub target: &'a str,
    /// The link's name (sent as `link-name`).
    pub link_name: &'a str,
    /// The wire instance name (see [`crate::names::wire_instance`]).
    pub instance: &'a str,
    /// The function's name in that instance.
    pub func: &'a str,
    /// The arguments, one per parameter type.
    pub params: &'a [Val],
    /// The function's parameter types.
    pub param_types: &'a [Type],
    /// The function's result types.
    pub result_types: &'a [Type],
    /// How long the whole call may take.
    pub timeout: Duration,
    /// Whether the caller records this call for the message spy (see [`SPIED_HEADER`]).
    pub spied: bool,
}

/// Why a call over wRPC failed; each message names the target and function.
#[derive(Debug, thiserror::Error)]
pub enum CallError {
    /// Nobody serves the target on the lattice (NATS "no responders").
    #[error(
        "no responder for {target} on the lattice: nothing serves `{function}` \
         (is {target} running on a host of this lattice?)"
    )]
    NoResponder {
        /// The target id.
        target: String,
        /// The function called (`instance.function`, or a root function's name).
        function: String,
    },
    /// The call did not complete in time.
    #[error("{target} did not answer `{function}` within {} ms", timeout.as_millis())]
    Timeout {
        /// The target id.
        target: String,
        /// The function called (`instance.function`, or a root function's name).
        function: String,
        /// The deadline.
        timeout: Duration,
    },
    /// The arguments do not fit the function's parameter types.
    #[error("the arguments of `{function}` cannot be sent: {reason}")]
    Arguments {
        /// The function called (`instance.function`, or a root function's name).
        function: String,
        /// What does not fit.
        reason: String,
    },
    /// The call was accepted but ended without results: it failed on the target's side.
    #[error(
        "{target} ended `{function}` without a result: the call failed where it is served \
         (a trap, or a link or argument it refused; a Trellis host logs why, a wasmCloud 1.x \
         host sends no reason)"
    )]
    NoResult {
        /// The target id.
        target: String,
        /// The function called (`instance.function`, or a root function's name).
        function: String,
    },
    /// The results did not decode as the function's result types.
    #[error("{target} answered `{function}` with results that do not match its WIT: {reason}")]
    BadResults {
        /// The target id.
        target: String,
        /// The function called (`instance.function`, or a root function's name).
        function: String,
        /// What did not decode.
        reason: String,
    },
    /// NATS failed under the call.
    #[error("calling `{function}` on {target}: {reason}")]
    Transport {
        /// The target id.
        target: String,
        /// The function called (`instance.function`, or a root function's name).
        function: String,
        /// What NATS or the transport said.
        reason: String,
    },
}

/// Calls functions on a lattice's targets over one NATS connection.
///
/// wRPC's NATS client binds one target prefix per client; clients are made on first use
/// and kept per target (each holds one inbox subscription).
#[derive(Clone)]
pub struct Invoker {
    nats: Arc<nats::Client>,
    lattice: Arc<str>,
    clients: Arc<Mutex<HashMap<String, Arc<wrpc_transport_nats::Client>>>>,
}

impl Invoker {
    /// An invoker for `lattice` over `nats`.
    pub fn new(nats: nats::Client, lattice: &str) -> Invoker {
        Invoker {
            nats: Arc::new(nats),
            lattice: lattice.into(),
            clients: Arc::default(),
        }
    }

    /// The NATS connection calls go over.
    pub fn nats(&self) -> &nats::Client {
        &self.nats
    }

    /// The lattice calls are made on.
    pub fn lattice(&self) -> &str {
        &self.lattice
    }

    pub(crate) async fn client_for(
        &self,
        target: &str,
    ) -> anyhow::Result<Arc<wrpc_transport_nats::Client>> {
        if let Some(client) = self.clients_locked().get(target) {
            return Ok(Arc::clone(client));
        }
        let client = Arc::new(
            wrpc_transport_nats::Client::new(
                Arc::clone(&self.nats),
                target_prefix(&self.lattice, target),
                None,
            )
            .await?,
        );
        Ok(Arc::clone(
            self.clients_locked()
                .entry(target.to_owned())
                .or_insert(client),
        ))
    }

    fn clients_locked(
        &self,
    ) -> std::sync::MutexGuard<'_, HashMap<String, Arc<wrpc_transport_nats::Client>>> {
        self.clients.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Forgets the client kept for `target` (its component stopped, or it never answers).
    pub fn forget(&self, target: &str) {
        self.clients_locked().remove(target);
    }

    /// Makes `call` and returns its results.
    pub async fn call(&self, call: Call<'_>) -> Result<Vec<Val>, CallError> {
        let mut params = BytesMut::new();
        encode_values(call.param_types, call.params, &mut params).map_err(|err| {
            CallError::Arguments {
                function: qualified(call.instance, call.func),
                reason: format!("{err:#}"),
            }
        })?;
        let outcome = tokio::time::timeout(call.timeout, self.exchange(&call, params)).await;
        match outcome {
            Ok(result) => result,
            Err(_) => Err(CallError::Timeout {
                target: call.target.into(),
                function: qualified(call.instance, call.func),
                timeout: call.timeout,
            }),
        }
    }

    async fn exchange(&self, call: &Call<'_>, params: BytesMut) -> Result<Vec<Val>, CallError> {
        let transport = |reason: String| CallError::Transport {
            target: call.target.into(),
            function: qualified(call.instance, call.func),
            reason,
        };
        let client = self
            .client_for(call.target)
            .await
            .map_err(|e| transport(format!("{e:#}")))?;
        let headers = call_headers(call.source, call.link_name, call.spied);
        let no_paths: [&[Option<usize>]; 0] = [];
        let (mut outgoing, incoming) = client
            .invoke(
                Some(headers),
                call.instance,
                call.func,
                params.freeze(),
                no_paths,
            )
            .await
            .map_err(|e| transport(format!("{e:#}")))?;
        // Closing the parameter stream waits for the server's handshake: that is where
        // "no responders" shows.
        if let Err(err) = outgoing.shutdown().await {
            return Err(match err.kind() {
                std::io::ErrorKind::NotConnected => CallError::NoResponder {
                    target: call.target.into(),
                    function: qualified(call.instance, call.func),
                },
                _ => transport(err.to_string()),
            });
        }
        let mut results = FramedRead::new(incoming, ValuesDecoder::new(call.result_types.to_vec()));
        match results.try_next().await {
            Ok(Some(values)) => Ok(values),
            Ok(None) => Err(CallError::NoResult {
                target: call.target.into(),
                function: qualified(call.instance, call.func),
            }),
            Err(err) if err.kind() == std::io::ErrorKind::InvalidData => {
                Err(CallError::BadResults {
                    target: call.target.into(),
                    function: qualified(call.instance, call.func),
                    reason: err.to_string(),
                })
            }
            Err(err) => Err(transport(err.to_string())),
        }
    }
}

/// `instance.func`, or `func` alone for a root-level function (empty instance).
fn qualified(instance: &str, func: &str) -> String {
    if instance.is_empty() {
        func.to_owned()
    } else {
        format!("{instance}.{func}")
    }
}
