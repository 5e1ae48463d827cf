//! Applications over wadm's NATS API (`wadm.api.<lattice>.model.*`), through the
//! official `wadm-client`.
//!
//! [`Apps`] works with any wadm that serves the lattice: the one `trellis up` embeds or
//! one running beside a remote lattice. Manifests are validated locally (see
//! [`crate::manifest`]) before they are put.

use std::time::{Duration, Instant};

use async_nats_wasmcloud::RequestErrorKind;
use trellis_lattice::Context;
use wadm_client::error::ClientError;
use wadm_types::api::{
    GetResult, ListModelsResponse, ModelSummary, Status, StatusType, VersionInfo,
};
use wadm_types::Manifest;

use crate::{Error, Result};

/// A client of one lattice's wadm.
#[derive(Clone)]
pub struct Apps {
    client: wadm_client::Client,
    /// The same connection, for the one call wadm-client makes on a deprecated subject.
    nats: async_nats_wasmcloud::Client,
    lattice: String,
}

impl std::fmt::Debug for Apps {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Apps")
            .field("lattice", &self.lattice)
            .finish_non_exhaustive()
    }
}

impl Apps {
    /// Connects to NATS the way `ctx` says and talks to the wadm of `ctx.lattice` (API
    /// prefix `wadm.api`).
    pub async fn connect(ctx: &Context) -> Result<Apps> {
        let nats = trellis_lattice::connect_legacy_nats(ctx, "trellis wadm client")
            .await
            .map_err(|err| match err {
                trellis_lattice::LatticeError::Unreachable { url, reason } => {
                    crate::Error::Connect { url, reason }
                }
                other => crate::Error::Connect {
                    url: ctx.url(),
                    reason: other.to_string(),
                },
            })?;
        // `from_nats_client` is hidden in wadm-client because its async-nats is not 1.0;
        // the workspace pins that async-nats (0.39) to the one wadm-client uses.
        let client = wadm_client::Client::from_nats_client(&ctx.lattice, None, nats.clone());
        Ok(Apps {
            client,
            nats,
            lattice: ctx.lattice.clone(),
        })
    }

    /// The lattice.
    pub fn lattice(&self) -> &str {
        &self.lattice
    }

    /// Every application: name, latest version, deployed version, status.
    ///
    /// Asks `model.get` with no name, as wadm 0.21 wants: wadm-client 0.10 still uses
    /// `model.list`, which wadm answers with a deprecation warning in its log.
    pub async fn list(&self) -> Result<Vec<ModelSummary>> {
        let topics = wadm_client::topics::TopicGenerator::new(&self.lattice, None);
        let subject = format!("{}.get", topics.model_prefix());
        let reply = self
            .nats
            .request(subject, Vec::new().into())
            .await
            .map_err(|e| self.error(e.into(), ""))?;
        let body: ListModelsResponse = serde_json::from_slice(&reply.payload)
            .map_err(|e| Error::Other(format!("wadm's list of applications: {e}")))?;
        match body.result {
            GetResult::Success => Ok(body.models),
            _ => Err(Error::Api(body.message)),
        }
    }

    /// Stores `manifest` as a new version (not deployed). Returns (name, version).
    pub async fn put(&self, manifest: &Manifest) -> Result<(String, String)> {
        self.client
            .put_manifest(manifest.clone())
            .await
            .map_err(|e| self.error(e, &manifest.metadata.name))
    }

    /// Deploys `version` (default: the latest) of application `name`. wadm only
    /// acknowledges: see [`status`](Self::status) and [`wait_for`](Self::wait_for).
    pub async fn deploy(&self, name: &str, version: Option<&str>) -> Result<Option<String>> {
        self.client
            .deploy_manifest(name, version)
            .await
            .map(|(_, version)| version)
            .map_err(|e| self.error(e, name))
    }

    /// Puts `manifest` and deploys that version. Returns (name, version).
    pub async fn put_and_deploy(&self, manifest: &Manifest) -> Result<(String, String)> {
        let (name, version) = self.put(manifest).await?;
        self.deploy(&name, Some(&version)).await?;
        Ok((name, version))
    }

    /// Undeploys application `name`: wadm removes what it started for it.
    pub async fn undeploy(&self, name: &str) -> Result<()> {
        self.client
            .undeploy_manifest(name)
            .await
            .map(drop)
            .map_err(|e| self.error(e, name))
    }

    /// Deletes `version` of application `name`, or every version. Returns whether
    /// anything was deleted.
    pub async fn delete(&self, name: &str, version: Option<&str>) -> Result<bool> {
        self.client
            .delete_manifest(name, version)
            .await
            .map_err(|e| self.error(e, name))
    }

    /// The status of application `name`, with wadm's reason per scaler.
    ///
    /// wadm answers "undeployed" for a name it has never seen, so an undeployed status
    /// is checked against the stored versions: an unknown name is [`Error::NotFound`].
    pub async fn status(&self, name: &str) -> Result<Status> {
        let status = self
            .client
            .get_manifest_status(name)
            .await
            .map_err(|e| self.error(e, name))?;
        if status.info.status_type == StatusType::Undeployed && status.scalers.is_empty() {
            self.history(name).await?;
        }
        Ok(status)
    }

    /// `version` (default: the latest) of application `name`'s manifest.
    pub async fn get(&self, name: &str, version: Option<&str>) -> Result<Manifest> {
        self.client
            .get_manifest(name, version)
            .await
            .map_err(|e| self.error(e, name))
    }

    /// Every stored version of application `name`, oldest first, with the deployed one
    /// marked.
    pub async fn history(&self, name: &str) -> Result<Vec<VersionInfo>> {
        self.client
            .list_versions(name)
            .await
            .map_err(|e| self.error(e, name))
    }

    /// Polls the status of `name` until `done` says so or `timeout` passes; returns the
    /// last status seen and whether `done` was reached. A `Failed` status ends the wait
    /// early (returned, not an error).
    pub async fn wait_for(
        &self,
        name: &str,
        timeout: Duration,
        done: impl Fn(&StatusType) -> bool,
    ) -> Result<(Status, bool)> {
        let deadline = Instant::now() + timeout;
        loop {
            let status = self.status(name).await?;
            let kind = &status.info.status_type;
            if done(kind) {
                return Ok((status, true));
            }
            if *kind == StatusType::Failed || Instant::now() >= deadline {
                return Ok((status, false));
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }

    fn error(&self, err: ClientError, name: &str) -> Error {
        match err {
            ClientError::NatsError(err) => match err.kind() {
                RequestErrorKind::NoResponders => Error::NoWadm {
                    lattice: self.lattice.clone(),
                },
                RequestErrorKind::TimedOut => Error::Other(format!(
                    "wadm (lattice {:?}) did not answer in time",
                    self.lattice
                )),
                RequestErrorKind::Other => Error::Other(format!("request to wadm failed: {err}")),
            },
            ClientError::ApiError(message) => Error::Api(message),
            ClientError::NotFound(_) => Error::NotFound(name.to_owned()),
            other => Error::Other(other.to_string()),
        }
    }
}

/// One stored version of an application, as the Applications view lists them.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AppVersion {
    /// The version (`v0.0.1`).
    pub version: String,
    /// Whether it is the one deployed.
    pub deployed: bool,
}

impl From<&VersionInfo> for AppVersion {
    fn from(info: &VersionInfo) -> Self {
        AppVersion {
            version: info.version.clone(),
            deployed: info.deployed,
        }
    }
}

/// One application as the app's Applications view and `trellis app list` show it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AppSummary {
    /// The application's name.
    pub name: String,
    /// The latest version stored.
    pub latest_version: String,
    /// The version deployed, if any.
    pub deployed_version: Option<String>,
    /// wadm's one-word status (`deployed`, `reconciling`, `failed`, …).
    pub status: String,
    /// wadm's reason, when it gives one (why it failed, what it waits for).
    pub message: String,
}

impl From<&ModelSummary> for AppSummary {
    fn from(summary: &ModelSummary) -> Self {
        AppSummary {
            name: summary.name.clone(),
            latest_version: summary.version.clone(),
            deployed_version: summary.deployed_version.clone(),
            status: status_word(&summary.detailed_status.info.status_type).to_owned(),
            message: summary.detailed_status.info.message.clone(),
        }
    }
}

/// A one-word status as wadm spells it (`deployed`, `reconciling`, …).
pub fn status_word(status: &StatusType) -> &'static str {
    match status {
        StatusType::Waiting => "waiting",
        StatusType::Undeployed => "undeployed",
        StatusType::Reconciling => "reconciling",
        StatusType::Deployed => "deployed",
        StatusType::Failed => "failed",
        StatusType::Unhealthy => "unhealthy",
    }
}
