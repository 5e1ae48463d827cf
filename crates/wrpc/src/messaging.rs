//! `wasmcloud:messaging@0.2.0` over wRPC, as wasmCloud 1.x carries it.
//!
//! A messaging provider serves `consumer` (`request`, `publish`) to the components linked
//! to it, and delivers each message of a subscription by calling the linked component's
//! `handler.handle-message`. Both travel under the interface's own name (no `wrpc:`
//! renaming, unlike keyvalue). The types are read from this WIT once per engine, so
//! values go through the same codec as every other call.

use wasmtime::component::Val;
use wasmtime::Engine;

use crate::keyvalue::{bytes_of, list_of};
use crate::types::ExportTypes;
pub use crate::types::Signature;

/// The instance of `request` and `publish`, served by messaging providers.
pub const CONSUMER: &str = "wasmcloud:messaging/consumer@0.2.0";
/// The instance of `handle-message`, served by components that take messages.
pub const HANDLER: &str = "wasmcloud:messaging/handler@0.2.0";
/// The function a provider calls to deliver a message.
pub const HANDLE_MESSAGE: &str = "handle-message";

const WIT: &str = r#"
package wasmcloud:messaging@0.2.0;

interface types {
  record broker-message { subject: string, body: list<u8>, reply-to: option<string> }
}

interface handler {
  use types.{broker-message};
  handle-message: func(msg: broker-message) -> result<_, string>;
}

interface consumer {
  use types.{broker-message};
  request: func(subject: string, body: list<u8>, timeout-ms: u32) -> result<broker-message, string>;
  publish: func(msg: broker-message) -> result<_, string>;
}

world both-sides {
  export consumer;
  export handler;
}
"#;

/// The types of `request`, `publish` and `handle-message`.
pub struct MessagingTypes {
    request: Signature,
    publish: Signature,
    handle_message: Signature,
}

impl MessagingTypes {
    /// Reads the types from the WIT compiled for `engine` (a few milliseconds; keep the
    /// result).
    pub fn load(engine: &Engine) -> anyhow::Result<MessagingTypes> {
        let mut resolve = wit_parser::Resolve::default();
        let package = resolve.push_str("wasmcloud-messaging.wit", WIT)?;
        let world = resolve.select_world(&[package], Some("both-sides"))?;
        let exports = ExportTypes::of_world(engine, &resolve, world)?;
        let signature = |instance: &'static str, func: &'static str| {
            let (_, types) = exports
                .function(instance, func)
                .ok_or_else(|| anyhow::anyhow!("the messaging WIT has no {instance}.{func}"))?;
            anyhow::Ok(Signature {
                instance,
                func,
                params: types.param_types(),
                results: types.results.clone(),
            })
        };
        Ok(MessagingTypes {
            request: signature(CONSUMER, "request")?,
            publish: signature(CONSUMER, "publish")?,
            handle_message: signature(HANDLER, HANDLE_MESSAGE)?,
        })
    }

    /// `consumer.request(subject, body, timeout-ms)`.
    pub fn request(&self) -> &Signature {
        &self.request
    }

    /// `consumer.publish(msg)`.
    pub fn publish(&self) -> &Signature {
        &self.publish
    }

    /// `handler.handle-message(msg)`.
    pub fn handle_message(&self) -> &Signature {
        &self.handle_message
    }

    /// The functions a messaging provider serves.
    pub fn consumer(&self) -> [&Signature; 2] {
        [&self.request, &self.publish]
    }
}

/// A broker message, as plain data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    /// The subject it was (or is to be) published on.
    pub subject: String,
    /// Its payload.
    pub body: Vec<u8>,
    /// Where an answer goes, if anywhere.
    pub reply_to: Option<String>,
}

impl Message {
    /// The `broker-message` record.
    pub fn to_val(&self) -> Val {
        Val::Record(vec![
            ("subject".into(), Val::String(self.subject.clone())),
            ("body".into(), list_of(&self.body)),
            (
                "reply-to".into(),
                Val::Option(self.reply_to.clone().map(|r| Box::new(Val::String(r)))),
            ),
        ])
    }

    /// Reads a `broker-message` record.
    pub fn from_val(value: &Val) -> Result<Message, String> {
        let Val::Record(fields) = value else {
            return Err(format!(
                "a broker-message record was expected, not {value:?}"
            ));
        };
        let field = |name: &str| {
            fields
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v)
                .ok_or_else(|| format!("the broker-message has no {name}"))
        };
        let Val::String(subject) = field("subject")? else {
            return Err("the broker-message's subject is not a string".into());
        };
        let body = bytes_of(field("body")?)
            .ok_or_else(|| "the broker-message's body is not bytes".to_owned())?;
        let reply_to = match field("reply-to")? {
            Val::Option(None) => None,
            Val::Option(Some(reply)) => match &**reply {
                Val::String(reply) => Some(reply.clone()),
                _ => return Err("the broker-message's reply-to is not a string".into()),
            },
            _ => return Err("the broker-message's reply-to is not an option".into()),
        };
        Ok(Message {
            subject: subject.clone(),
            body,
            reply_to,
        })
    }
}

/// `result<T, string>` as a value: `Ok(payload)` or `Err(text)`.
pub fn result_val(outcome: Result<Option<Val>, String>) -> Val {
    Val::Result(match outcome {
        Ok(payload) => Ok(payload.map(Box::new)),
        Err(text) => Err(Some(Box::new(Val::String(text)))),
    })
}

/// The payload of a `result<T, string>` value, or its error text.
pub fn into_result(value: Val) -> Result<Option<Val>, String> {
    match value {
        Val::Result(Ok(payload)) => Ok(payload.map(|v| *v)),
        Val::Result(Err(Some(error))) => Err(match *error {
            Val::String(text) => text,
            other => format!("{other:?}"),
        }),
        Val::Result(Err(None)) => Err("the messaging call failed".into()),
        other => Err(format!("a result was expected, not {other:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_round_trip_through_their_record() {
        let types = MessagingTypes::load(&Engine::default()).unwrap();
        assert_eq!(types.request().params.len(), 3);
        assert_eq!(types.handle_message().instance, HANDLER);
        for sig in types.consumer().into_iter().chain([types.handle_message()]) {
            for ty in sig.params.iter().chain(&sig.results) {
                assert_eq!(crate::carriable(ty), Ok(()), "{}", sig.func);
            }
        }
        let msg = Message {
            subject: "orders.new".into(),
            body: b"o-1".to_vec(),
            reply_to: Some("_INBOX.x".into()),
        };
        assert_eq!(Message::from_val(&msg.to_val()), Ok(msg));
        let err = Message::from_val(&Val::String("x".into())).unwrap_err();
        assert!(err.contains("broker-message record"), "{err}");
        assert_eq!(
            into_result(result_val(Err("full".into()))),
            Err("full".into())
        );
        assert_eq!(into_result(result_val(Ok(None))), Ok(None));
    }

    #[test]
    fn encoded_values_match_the_wire_types() {
        let types = MessagingTypes::load(&Engine::default()).unwrap();
        let msg = Message {
            subject: "s".into(),
            body: vec![1, 2],
            reply_to: None,
        };
        let sig = types.publish();
        let mut bytes = bytes::BytesMut::new();
        crate::encode_values(&sig.params, &[msg.to_val()], &mut bytes).unwrap();
        // subject "s", body [1, 2], reply-to none: length-prefixed, as wRPC frames them.
        assert_eq!(&bytes[..], &[1, b's', 2, 1, 2, 0]);
    }
}
