//! The examples gallery: applications a newcomer deploys in one step.
//!
//! An example is a folder of the examples directory holding a `wadm.yaml` manifest
//! beside its components (relative `file://` images, made absolute when loaded: see
//! [`crate::manifest::resolve_relative_images`]). The gallery reads what it shows from
//! the manifest's annotations, so adding an example is adding a folder:
//! `description`, `trellis.dev/languages` (comma-separated) and
//! `trellis.dev/gallery-order` (a number; unordered ones come last, by name).
//!
//! `trellis examples list|deploy` and the app's palette call [`list_examples`] and
//! [`deploy_example`].

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use wadm_types::api::StatusType;
use wadm_types::{Manifest, Properties, TraitProperty};

use crate::{Apps, Error, Result};

/// The manifest file of an example folder.
pub const MANIFEST_FILE: &str = "wadm.yaml";

/// The environment variable naming the examples directory.
pub const EXAMPLES_DIR_ENV: &str = "TRELLIS_EXAMPLES_DIR";

const LANGUAGES_ANNOTATION: &str = "trellis.dev/languages";
const ORDER_ANNOTATION: &str = "trellis.dev/gallery-order";

/// One example of the gallery.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Example {
    /// The application's name (also its folder's).
    pub name: String,
    /// One line on what it shows.
    pub description: String,
    /// The languages its components' sources are written in.
    pub languages: Vec<String>,
    /// The manifest's version annotation.
    pub version: String,
    /// The manifest file.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub manifest: PathBuf,
    /// Where it answers HTTP once deployed (`http://127.0.0.1:8090/`), from the
    /// http-server link's `address`, if it has one.
    pub url: Option<String>,
}

/// The outcome of [`deploy_example`].
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ExampleDeployment {
    /// The application's name.
    pub name: String,
    /// The version deployed.
    pub version: String,
    /// Whether wadm reported it deployed within the wait.
    pub deployed: bool,
    /// wadm's one-word status at the end of the wait.
    pub status: String,
    /// wadm's reason, when it gives one.
    pub message: String,
    /// From the deploy request to the end of the wait, in milliseconds.
    pub elapsed_ms: u64,
    /// Where it answers HTTP, if it does.
    pub url: Option<String>,
}

impl std::fmt::Display for ExampleDeployment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let seconds = self.elapsed_ms as f64 / 1000.0;
        if self.deployed {
            write!(
                f,
                "deployed {} {} in {seconds:.1} s",
                self.name, self.version
            )?;
            if let Some(url) = &self.url {
                write!(f, ": {url}")?;
            }
            Ok(())
        } else {
            write!(
                f,
                "{} {} is {} after {seconds:.1} s",
                self.name, self.version, self.status
            )?;
            if !self.message.is_empty() {
                write!(f, ": {}", self.message)?;
            }
            Ok(())
        }
    }
}

/// The examples directory: `$TRELLIS_EXAMPLES_DIR` when set, else the `examples/` of the
/// source checkout this was built from, else an `examples/` beside the executable (or in
/// `../share/trellis/` from it).
pub fn examples_dir() -> Result<PathBuf> {
    if let Some(dir) = std::env::var_os(EXAMPLES_DIR_ENV).filter(|d| !d.is_empty()) {
        let dir = PathBuf::from(dir);
        return if dir.is_dir() {
            Ok(dir)
        } else {
            Err(Error::Examples(format!(
                "{EXAMPLES_DIR_ENV}={} is not a directory",
                dir.display()
            )))
        };
    }
    let mut tried = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples")];
    if let Some(exe_dir) = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(Path::to_path_buf))
    {
        tried.push(exe_dir.join("examples"));
        tried.push(exe_dir.join("../share/trellis/examples"));
    }
    if let Some(dir) = tried.iter().find(|d| d.is_dir()) {
        return Ok(dir.canonicalize().unwrap_or_else(|_| dir.clone()));
    }
    let tried: Vec<String> = tried.iter().map(|d| d.display().to_string()).collect();
    Err(Error::Examples(format!(
        "no examples directory (looked in {}): set {EXAMPLES_DIR_ENV}",
        tried.join(", ")
    )))
}

/// Every example in `dir`: each subfolder with a [`MANIFEST_FILE`], in gallery order.
/// A manifest that does not load is an error naming it (the gallery ships with the app,
/// so a broken one is a bug to see, not to skip).
pub async fn list_examples(dir: &Path) -> Result<Vec<Example>> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| Error::Examples(format!("cannot read {}: {e}", dir.display())))?;
    let mut examples = Vec::new();
    for entry in entries.flatten() {
        let manifest = entry.path().join(MANIFEST_FILE);
        if manifest.is_file() {
            let loaded = crate::load_manifest(&manifest).await?;
            examples.push(example_of(&loaded.manifest, manifest));
        }
    }
    examples
        .sort_by_cached_key(|(example, order)| (order.unwrap_or(u32::MAX), example.name.clone()));
    Ok(examples.into_iter().map(|(example, _)| example).collect())
}

/// The example called `name` in `dir`, or an error listing the ones there are.
pub async fn find_example(dir: &Path, name: &str) -> Result<Example> {
    let examples = list_examples(dir).await?;
    if let Some(found) = examples.iter().find(|e| e.name == name) {
        return Ok(found.clone());
    }
    let names: Vec<&str> = examples.iter().map(|e| e.name.as_str()).collect();
    Err(Error::Examples(format!(
        "no example {name:?} in {}; there are: {}",
        dir.display(),
        if names.is_empty() {
            "none".to_owned()
        } else {
            names.join(", ")
        }
    )))
}

/// Deploys example `name` of `dir` through `apps`' wadm (its manifest loaded and
/// validated like any other, its images made absolute) and waits up to `timeout` for
/// wadm to report it deployed. Not reaching Deployed is an outcome, not an error: its
/// `status` and `message` say why.
pub async fn deploy_example(
    apps: &Apps,
    dir: &Path,
    name: &str,
    timeout: Duration,
) -> Result<ExampleDeployment> {
    let example = find_example(dir, name).await?;
    let loaded = crate::load_manifest(&example.manifest).await?;
    let started = Instant::now();
    let (name, version) = apps.put_and_deploy(&loaded.manifest).await?;
    let (status, deployed) = apps
        .wait_for(&name, timeout, |s| *s == StatusType::Deployed)
        .await?;
    Ok(ExampleDeployment {
        name,
        version,
        deployed,
        status: crate::apps::status_word(&status.info.status_type).to_owned(),
        message: status.info.message,
        elapsed_ms: started.elapsed().as_millis().try_into().unwrap_or(u64::MAX),
        url: example.url,
    })
}

fn example_of(manifest: &Manifest, file: PathBuf) -> (Example, Option<u32>) {
    let annotation = |key: &str| manifest.metadata.annotations.get(key).cloned();
    let languages = annotation(LANGUAGES_ANNOTATION)
        .map(|list| {
            list.split(',')
                .map(|l| l.trim().to_owned())
                .filter(|l| !l.is_empty())
                .collect()
        })
        .unwrap_or_default();
    let order = annotation(ORDER_ANNOTATION).and_then(|o| o.trim().parse().ok());
    let example = Example {
        name: manifest.metadata.name.clone(),
        description: annotation("description").unwrap_or_default(),
        languages,
        version: manifest.version().to_owned(),
        manifest: file,
        url: http_url(manifest),
    };
    (example, order)
}

/// `http://ADDRESS/` of the first http-server link's `address` source config.
fn http_url(manifest: &Manifest) -> Option<String> {
    manifest.spec.components.iter().find_map(|component| {
        let Properties::Capability { properties } = &component.properties else {
            return None;
        };
        if !properties.image.as_deref()?.ends_with("http-server") {
            return None;
        }
        component.traits.iter().flatten().find_map(|t| {
            let TraitProperty::Link(link) = &t.properties else {
                return None;
            };
            link.source
                .iter()
                .flat_map(|s| &s.config)
                .find_map(|config| {
                    let address = config.properties.as_ref()?.get("address")?;
                    Some(format!("http://{address}/"))
                })
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repo_examples() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples")
    }

    #[tokio::test]
    async fn the_gallery_lists_the_three_examples_in_order_with_what_they_show() {
        let examples = list_examples(&repo_examples()).await.unwrap();
        let names: Vec<&str> = examples.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["hello-http", "counter", "pair"]);
        for example in &examples {
            assert!(!example.description.is_empty(), "{example:?}");
            assert!(example.languages.len() >= 2, "{example:?}");
            assert!(example.url.is_some(), "{example:?}");
        }
        assert_eq!(examples[0].url.as_deref(), Some("http://127.0.0.1:8090/"));
        assert_eq!(examples[1].languages, ["JavaScript", "Python"]);
    }

    #[tokio::test]
    async fn every_example_image_is_a_committed_file() {
        // load_manifest refuses a relative image that is not there, naming it.
        for example in list_examples(&repo_examples()).await.unwrap() {
            let loaded = crate::load_manifest(&example.manifest).await.unwrap();
            for component in &loaded.manifest.spec.components {
                if let Properties::Component { properties } = &component.properties {
                    let image = properties.image.as_deref().unwrap();
                    let path = image.strip_prefix("file://").unwrap();
                    assert!(Path::new(path).is_absolute(), "{image}");
                    let bytes = std::fs::read(path).unwrap();
                    assert_eq!(&bytes[..4], b"\0asm", "{image} is not wasm");
                }
            }
        }
    }

    #[tokio::test]
    async fn an_unknown_example_names_the_ones_there_are() {
        let err = find_example(&repo_examples(), "helo").await.unwrap_err();
        assert_eq!(
            err.to_string().split("; ").nth(1).unwrap_or_default(),
            "there are: hello-http, counter, pair"
        );
    }

    #[test]
    fn a_deployment_reads_as_a_sentence() {
        let mut outcome = ExampleDeployment {
            name: "hello-http".into(),
            version: "v0.1.0".into(),
            deployed: true,
            status: "deployed".into(),
            message: String::new(),
            elapsed_ms: 1300,
            url: Some("http://127.0.0.1:8090/".into()),
        };
        assert_eq!(
            outcome.to_string(),
            "deployed hello-http v0.1.0 in 1.3 s: http://127.0.0.1:8090/"
        );
        outcome.deployed = false;
        outcome.status = "failed".into();
        outcome.message = "address in use".into();
        assert_eq!(
            outcome.to_string(),
            "hello-http v0.1.0 is failed after 1.3 s: address in use"
        );
    }
}
