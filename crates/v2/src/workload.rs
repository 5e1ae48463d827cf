//! Starting, querying and stopping workloads on a 2.x host.

use std::collections::HashMap;
use std::time::Duration;

use async_nats::RequestErrorKind;
use serde::de::DeserializeOwned;

use crate::proto::{
    Component, LocalResources, WitInterface, WitWorld, Workload, WorkloadStartRequest,
    WorkloadStartResponse, WorkloadState, WorkloadStatus, WorkloadStatusRequest,
    WorkloadStatusResponse, WorkloadStopRequest, WorkloadStopResponse,
};
use crate::{host_subject, V2Error};

/// How long a start may take: the host answers after pulling, compiling and linking
/// (23–28 s were seen for an 18 MB component on 2 busy cores); wasmCloud's operator
/// allows a minute too.
pub const START_TIMEOUT: Duration = Duration::from_secs(60);
/// How long a status or stop may take.
pub const STATUS_TIMEOUT: Duration = Duration::from_secs(5);

/// A workload of HTTP components behind the host's ingress: requests whose `Host`
/// header is `http_host` reach the first component. `config` and `environment` apply to
/// every component.
pub fn http_workload(
    namespace: &str,
    name: &str,
    images: &[String],
    http_host: Option<&str>,
    config: &HashMap<String, String>,
    environment: &HashMap<String, String>,
) -> Result<Workload, V2Error> {
    if images.is_empty() {
        return Err(V2Error::Invalid(
            "a workload needs at least one component image".into(),
        ));
    }
    for (what, value) in [("namespace", namespace), ("name", name)] {
        if value.is_empty() || value.contains(char::is_whitespace) {
            return Err(V2Error::Invalid(format!(
                "a workload {what} may not be empty or hold spaces: {value:?}"
            )));
        }
    }
    let components = images
        .iter()
        .enumerate()
        .map(|(i, image)| Component {
            name: if images.len() == 1 {
                name.to_owned()
            } else {
                format!("{name}-{i}")
            },
            image: image.clone(),
            local_resources: Some(LocalResources {
                config: config.clone(),
                environment: environment.clone(),
                ..LocalResources::default()
            }),
            ..Component::default()
        })
        .collect();
    let host_interfaces = http_host
        .map(|host| WitInterface {
            namespace: "wasi".into(),
            package: "http".into(),
            interfaces: vec!["incoming-handler".into()],
            config: HashMap::from([("host".to_owned(), host.to_owned())]),
            ..WitInterface::default()
        })
        .into_iter()
        .collect();
    Ok(Workload {
        namespace: namespace.to_owned(),
        name: name.to_owned(),
        wit_world: Some(WitWorld {
            components,
            host_interfaces,
        }),
        ..Workload::default()
    })
}

/// A host interface as a user writes it: `NS:PKG/IFACE[,IFACE…][@VERSION]`, then any
/// `KEY=VALUE` config words, e.g.
/// `wasmcloud:messaging/consumer,handler@0.2.0 subscriptions=demo.in,demo.in2`.
pub fn parse_interface(text: &str) -> Result<WitInterface, V2Error> {
    let bad = |why: &str| {
        V2Error::Invalid(format!(
            "host interface {text:?}: {why} (expected NS:PKG/IFACE[,IFACE][@VERSION] [KEY=VALUE …], \
             e.g. wasi:logging/logging@0.1.0-draft)"
        ))
    };
    let mut words = text.split_whitespace();
    let name = words.next().ok_or_else(|| bad("empty"))?;
    let (name, version) = match name.split_once('@') {
        Some((name, version)) if !version.is_empty() => (name, version),
        Some(_) => return Err(bad("nothing after @")),
        None => (name, ""),
    };
    let (namespace, rest) = name.split_once(':').ok_or_else(|| bad("no namespace"))?;
    let (package, interfaces) = rest.split_once('/').ok_or_else(|| bad("no interface"))?;
    let interfaces: Vec<String> = interfaces
        .split(',')
        .filter(|i| !i.is_empty())
        .map(str::to_owned)
        .collect();
    if namespace.is_empty() || package.is_empty() || interfaces.is_empty() {
        return Err(bad("a part is empty"));
    }
    let mut config = HashMap::new();
    for word in words {
        let (key, value) = word
            .split_once('=')
            .ok_or_else(|| bad(&format!("config {word:?} is not KEY=VALUE")))?;
        config.insert(key.to_owned(), value.to_owned());
    }
    Ok(WitInterface {
        namespace: namespace.to_owned(),
        package: package.to_owned(),
        version: version.to_owned(),
        interfaces,
        config,
        ..WitInterface::default()
    })
}

/// Starts `workload` on host `host_id` under `workload_id`, waiting for the host to
/// pull, compile and link it. A state other than running is an error naming it.
pub async fn start_workload(
    client: &async_nats::Client,
    host_id: &str,
    workload_id: &str,
    workload: Workload,
    timeout: Duration,
) -> Result<WorkloadStatus, V2Error> {
    let body = WorkloadStartRequest {
        workload_id: workload_id.to_owned(),
        workload: Some(workload),
    };
    let reply: WorkloadStartResponse =
        command(client, host_id, "workload.start", &body, timeout).await?;
    let status = checked(host_id, workload_id, reply.workload_status)?;
    match status.workload_state() {
        WorkloadState::Running | WorkloadState::Starting | WorkloadState::Completed => Ok(status),
        _ => Err(failure(host_id, &status)),
    }
}

/// The status of workload `workload_id` on host `host_id` (not-found is a status, not
/// an error: the workload may have been stopped).
pub async fn workload_status(
    client: &async_nats::Client,
    host_id: &str,
    workload_id: &str,
) -> Result<WorkloadStatus, V2Error> {
    let body = WorkloadStatusRequest {
        workload_id: workload_id.to_owned(),
    };
    let reply: WorkloadStatusResponse =
        command(client, host_id, "workload.status", &body, STATUS_TIMEOUT).await?;
    checked(host_id, workload_id, reply.workload_status)
}

/// Stops workload `workload_id` on host `host_id`; one the host does not know is an
/// error naming it.
pub async fn stop_workload(
    client: &async_nats::Client,
    host_id: &str,
    workload_id: &str,
) -> Result<WorkloadStatus, V2Error> {
    let body = WorkloadStopRequest {
        workload_id: workload_id.to_owned(),
    };
    let reply: WorkloadStopResponse =
        command(client, host_id, "workload.stop", &body, STATUS_TIMEOUT).await?;
    let status = checked(host_id, workload_id, reply.workload_status)?;
    match status.workload_state() {
        WorkloadState::NotFound | WorkloadState::Error => Err(failure(host_id, &status)),
        _ => Ok(status),
    }
}

fn checked(
    host_id: &str,
    workload_id: &str,
    status: Option<WorkloadStatus>,
) -> Result<WorkloadStatus, V2Error> {
    status.ok_or_else(|| V2Error::BadReply {
        host: host_id.to_owned(),
        command: format!("workload {workload_id}"),
        reason: "the reply has no workloadStatus".into(),
    })
}

fn failure(host_id: &str, status: &WorkloadStatus) -> V2Error {
    V2Error::Workload {
        host: host_id.to_owned(),
        workload: status.workload_id.clone(),
        state: status.workload_state().as_str_name().to_owned(),
        message: with_hint(&status.message),
    }
}

/// A host links only the interfaces a workload asks for: when it says a component's
/// import found no implementation, say how to ask for it.
fn with_hint(message: &str) -> String {
    let missing = message
        .split_once("imports instance `")
        .and_then(|(_, rest)| rest.split_once('`'))
        .map(|(name, _)| name)
        .filter(|_| message.contains("not found in the linker"));
    match missing {
        Some(name) if !name.starts_with("wasi:cli") && !name.starts_with("wasi:io") => format!(
            "{message} — if the host offers it, ask for it as a host interface of the \
             workload (`--interface {name}`, or the Interfaces field in the app)"
        ),
        _ => message.to_owned(),
    }
}

/// Sends `body` as JSON to `runtime.host.<host_id>.<command>` and parses the reply: any
/// command, for probing a host. No responders means no such host; silence means the
/// host ignored it (2.x hosts do not answer what they cannot parse).
pub async fn command<B: serde::Serialize, R: DeserializeOwned>(
    client: &async_nats::Client,
    host_id: &str,
    command: &str,
    body: &B,
    timeout: Duration,
) -> Result<R, V2Error> {
    let payload = serde_json::to_vec(body).map_err(|e| V2Error::Invalid(e.to_string()))?;
    let request = async_nats::Request::new()
        .payload(payload.into())
        .timeout(Some(timeout));
    let reply = client
        .send_request(host_subject(host_id, command), request)
        .await
        .map_err(|error| match error.kind() {
            RequestErrorKind::NoResponders => V2Error::NoSuchHost {
                host: host_id.to_owned(),
            },
            RequestErrorKind::TimedOut => V2Error::NoReply {
                host: host_id.to_owned(),
                command: command.to_owned(),
                waited: timeout,
            },
            _ => V2Error::Nats(error.to_string()),
        })?;
    serde_json::from_slice(&reply.payload).map_err(|e| V2Error::BadReply {
        host: host_id.to_owned(),
        command: command.to_owned(),
        reason: e.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_start_request_is_the_json_a_2x_host_took() {
        let workload = http_workload(
            "demo",
            "hello",
            &["127.0.0.1:15000/demo/hello:0.1.0".into()],
            Some("hello.local"),
            &HashMap::from([("k".into(), "v".into())]),
            &HashMap::from([("GREETING".into(), "hi".into())]),
        )
        .unwrap();
        let body = WorkloadStartRequest {
            workload_id: "wl-1".into(),
            workload: Some(workload),
        };
        let json = serde_json::to_value(&body).unwrap();
        let expected = serde_json::json!({"workloadId":"wl-1",
         "workload":{"namespace":"demo","name":"hello",
           "witWorld":{
             "components":[{"name":"hello","image":"127.0.0.1:15000/demo/hello:0.1.0",
                            "localResources":{"environment":{"GREETING":"hi"},"config":{"k":"v"}}}],
             "hostInterfaces":[{"namespace":"wasi","package":"http","interfaces":["incoming-handler"],
                                "config":{"host":"hello.local"}}]}}});
        assert_eq!(json, expected);
    }

    #[test]
    fn replies_parse_with_their_state_names() {
        let reply: WorkloadStartResponse = serde_json::from_str(
            r#"{"workloadStatus":{"workloadId":"wl-1","workloadState":"WORKLOAD_STATE_RUNNING","message":"Workload started successfully"}}"#,
        )
        .unwrap();
        let status = reply.workload_status.unwrap();
        assert_eq!(status.workload_state(), WorkloadState::Running);
        let err = failure(
            "h",
            &WorkloadStatus {
                workload_id: "wl-2".into(),
                workload_state: WorkloadState::Error as i32,
                message: "manifest unknown".into(),
            },
        )
        .to_string();
        assert_eq!(
            err,
            "workload wl-2 on host h: WORKLOAD_STATE_ERROR: manifest unknown"
        );
    }
}

#[cfg(test)]
mod interface_tests {
    use super::*;

    #[test]
    fn interfaces_read_as_written() {
        let messaging =
            parse_interface("wasmcloud:messaging/consumer,handler@0.2.0 subscriptions=a.b,c.d")
                .unwrap();
        assert_eq!(messaging.namespace, "wasmcloud");
        assert_eq!(messaging.package, "messaging");
        assert_eq!(messaging.version, "0.2.0");
        assert_eq!(messaging.interfaces, ["consumer", "handler"]);
        assert_eq!(messaging.config["subscriptions"], "a.b,c.d");
        let logging = parse_interface("wasi:logging/logging").unwrap();
        assert_eq!(logging.version, "");
        for bad in [
            "",
            "logging",
            "wasi:logging",
            "wasi:/x",
            "wasi:logging/x@",
            "wasi:l/x k",
        ] {
            let err = parse_interface(bad).unwrap_err().to_string();
            assert!(err.contains("expected NS:PKG/IFACE"), "{bad}: {err}");
        }
    }

    #[test]
    fn a_missing_import_says_how_to_ask_for_it() {
        let message = "component imports instance `wasi:logging/logging@0.1.0-draft`, but a \
                       matching implementation was not found in the linker: …";
        assert!(with_hint(message).contains("--interface wasi:logging/logging@0.1.0-draft"));
        assert_eq!(with_hint("something else"), "something else");
    }
}
