//! OAM manifests: loading (YAML or JSON) and wadm's own validation, before anything is
//! sent to wadm.
//!
//! A manifest that does not parse is named with its line and column; a parsed one is
//! checked with `wadm_types::validation` (the rules wadm and `wash app validate` apply:
//! names, versions, dangling links, misspelled interfaces, duplicate links, shared
//! components, policies, labels) and every error is reported, each with the line of
//! the component or link it names when the file shows one.

use std::path::{Path, PathBuf};

use wadm_types::validation::{
    validate_manifest, validate_raw_yaml, ValidationFailure, ValidationFailureLevel,
};
use wadm_types::{Manifest, TraitProperty};

/// A manifest that cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ManifestError {
    /// The file cannot be read.
    #[error("cannot read {path}: {reason}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// The text is not YAML or JSON, or not shaped like a manifest (a missing or
    /// misspelled field, a wrong type).
    #[error("{source_name}{}: {message}", at(*line, *column))]
    Parse {
        /// The file name, or `<manifest>`.
        source_name: String,
        /// 1-based line, when known.
        line: Option<usize>,
        /// 1-based column, when known.
        column: Option<usize>,
        /// What is wrong.
        message: String,
    },
    /// The manifest parsed but breaks wadm's rules.
    #[error("{source_name}: invalid manifest:{}", list(problems))]
    Invalid {
        /// The file name, or `<manifest>`.
        source_name: String,
        /// Each error, with its line when found.
        problems: Vec<Problem>,
    },
}

/// One validation error or warning, with the line of what it names.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Problem {
    /// `error` or `warning`.
    pub level: String,
    /// wadm's message.
    pub message: String,
    /// 1-based line of the component, link or name the message mentions.
    pub line: Option<usize>,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "line {line}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

fn at(line: Option<usize>, column: Option<usize>) -> String {
    match (line, column) {
        (Some(line), Some(column)) => format!(":{line}:{column}"),
        (Some(line), None) => format!(":{line}"),
        _ => String::new(),
    }
}

fn list(problems: &[Problem]) -> String {
    problems.iter().map(|p| format!("\n  - {p}")).collect()
}

/// A manifest that parsed and passed validation, with wadm's warnings.
#[derive(Debug, Clone)]
pub struct LoadedManifest {
    /// The manifest.
    pub manifest: Manifest,
    /// Warnings (an unknown interface of a known package, …): worth showing, not fatal.
    pub warnings: Vec<Problem>,
}

/// Reads and validates the manifest at `path` (YAML or JSON), and makes its relative
/// `file://` images absolute (see [`resolve_relative_images`]).
pub async fn load_manifest(path: &Path) -> Result<LoadedManifest, ManifestError> {
    let text = tokio::fs::read_to_string(path)
        .await
        .map_err(|e| ManifestError::Read {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })?;
    let source_name = path.display().to_string();
    let mut loaded = parse_manifest(&text, &source_name).await?;
    let base = std::path::absolute(path)
        .ok()
        .and_then(|p| p.parent().map(Path::to_path_buf))
        .unwrap_or_default();
    resolve_relative_images(&mut loaded.manifest, &base).map_err(|problems| {
        ManifestError::Invalid {
            source_name,
            problems: problems
                .into_iter()
                .map(|(image, message)| Problem {
                    level: "error".into(),
                    line: text.lines().position(|l| l.contains(&image)).map(|i| i + 1),
                    message,
                })
                .collect(),
        }
    })?;
    Ok(loaded)
}

/// Rewrites every relative `file://` image (`file://app.wasm`, `file://../x/app.wasm`)
/// as an absolute `file://` URL under `base`, the manifest's folder, so a manifest can
/// sit beside its components. wadm hands images to hosts as they are written, and a
/// host would read a relative path against its own working directory.
///
/// A relative image whose file does not exist is an error: `(image, sentence)` pairs.
/// Absolute `file://` URLs, OCI references and built-in providers are left alone (an
/// absolute path may name a file on another machine's host).
pub fn resolve_relative_images(
    manifest: &mut Manifest,
    base: &Path,
) -> Result<(), Vec<(String, String)>> {
    let mut problems = Vec::new();
    for component in &mut manifest.spec.components {
        let image = match &mut component.properties {
            wadm_types::Properties::Component { properties } => &mut properties.image,
            wadm_types::Properties::Capability { properties } => &mut properties.image,
        };
        let Some(image) = image else { continue };
        let Some(rest) = image.trim().strip_prefix("file://") else {
            continue;
        };
        if rest.starts_with('/') || rest.starts_with("localhost/") {
            continue;
        }
        let path = base.join(rest);
        if !path.is_file() {
            problems.push((
                image.clone(),
                format!(
                    "component [{}]: image {image} is not a file ({} does not exist; a \
                     relative file:// image is read from the manifest's folder)",
                    component.name,
                    path.display()
                ),
            ));
            continue;
        }
        let path = path.canonicalize().unwrap_or(path);
        *image = format!("file://{}", path.display());
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

/// Parses and validates manifest `text`; `source_name` names it in errors.
pub async fn parse_manifest(
    text: &str,
    source_name: &str,
) -> Result<LoadedManifest, ManifestError> {
    let parse_error = |err: serde_yaml::Error| {
        let location = err.location();
        let message = err.to_string();
        // serde_yaml puts " at line L column C" in its text (at the end, or before a
        // ", while …" clause); the location goes in front instead.
        let message = match (message.find(" at line "), &location) {
            (Some(cut), Some(_)) => {
                let rest = &message[cut + " at line ".len()..];
                let after = rest.find(',').map_or("", |comma| &rest[comma..]);
                format!("{}{after}", &message[..cut])
            }
            _ => message,
        };
        ManifestError::Parse {
            source_name: source_name.to_owned(),
            line: location.as_ref().map(|l| l.line()),
            column: location.as_ref().map(|l| l.column()),
            message,
        }
    };
    if text.trim().is_empty() {
        return Err(ManifestError::Parse {
            source_name: source_name.to_owned(),
            line: None,
            column: None,
            message: "the manifest is empty".into(),
        });
    }
    // Syntax first, so a YAML error is not reported as a missing field.
    let value: serde_yaml::Value = serde_yaml::from_str(text).map_err(parse_error)?;
    // wadm-types 0.8.3 unwraps link properties' types while it reads them (found by the
    // `manifest` fuzz target): `interfaces: incoming-handler` would crash the reader.
    if let Some(message) = misfit_link_property(&value) {
        return Err(ManifestError::Invalid {
            source_name: source_name.to_owned(),
            problems: vec![Problem {
                level: "error".into(),
                line: line_of_mentioned(text, &message),
                message,
            }],
        });
    }
    let manifest: Manifest = std::panic::catch_unwind(|| serde_yaml::from_str(text))
        .map_err(|_| {
            invalid_one(
                source_name,
                "wadm's manifest reader failed on this file (a value of the wrong type?)".into(),
            )
        })?
        .map_err(parse_error)?;

    let to_problem = |failure: &ValidationFailure| Problem {
        level: failure.level.to_string(),
        message: failure.msg.clone(),
        line: line_of_mentioned(text, &failure.msg),
    };
    // Before wadm's rules: wadm-types 0.8.3 panics on a link trait whose properties
    // have a scaler's shape (found by the `manifest` fuzz target).
    let trait_failures = trait_problems(&manifest);
    if !trait_failures.is_empty() {
        return Err(ManifestError::Invalid {
            source_name: source_name.to_owned(),
            problems: trait_failures.iter().map(to_problem).collect(),
        });
    }
    // And should another of its rules panic, the manifest is refused, not the process.
    let checked = futures::FutureExt::catch_unwind(std::panic::AssertUnwindSafe(
        validate_manifest(&manifest),
    ))
    .await
    .map_err(|_| {
        invalid_one(
            source_name,
            "wadm's validator failed on this manifest (a trait whose properties do not fit \
             its type?)"
                .into(),
        )
    })?;
    let mut failures = checked.map_err(|e| invalid_one(source_name, format!("{e:#}")))?;
    failures.extend(
        validate_raw_yaml(text.as_bytes())
            .map_err(|e| invalid_one(source_name, format!("{e:#}")))?,
    );
    let errors: Vec<Problem> = failures
        .iter()
        .filter(|f| f.level == ValidationFailureLevel::Error)
        .map(to_problem)
        .collect();
    if !errors.is_empty() {
        return Err(ManifestError::Invalid {
            source_name: source_name.to_owned(),
            problems: errors,
        });
    }
    let warnings = failures
        .iter()
        .filter(|f| f.level != ValidationFailureLevel::Error)
        .map(to_problem)
        .collect();
    Ok(LoadedManifest { manifest, warnings })
}

/// Traits wadm acts on. wadm-types reads a trait's properties by their shape, not by
/// its `type`, so a misspelled `type` with scaler-like properties passes its validation
/// and would then be silently ignored by wadm, and a `link` with a scaler's properties
/// makes it panic: both refused here instead.
const KNOWN_TRAITS: [&str; 3] = [
    wadm_types::SPREADSCALER_TRAIT,
    wadm_types::DAEMONSCALER_TRAIT,
    wadm_types::LINK_TRAIT,
];

fn trait_problems(manifest: &Manifest) -> Vec<ValidationFailure> {
    let mut failures = Vec::new();
    for component in &manifest.spec.components {
        for t in component.traits.iter().flatten() {
            let kind = t.trait_type.as_str();
            let shape = match &t.properties {
                TraitProperty::Link(_) => "a link (target, namespace, package, interfaces)",
                TraitProperty::SpreadScaler(_) => "a scaler (instances, spread)",
                TraitProperty::Custom(_) => "neither a link nor a scaler",
            };
            let fits = match kind {
                wadm_types::LINK_TRAIT => !matches!(t.properties, TraitProperty::SpreadScaler(_)),
                wadm_types::SPREADSCALER_TRAIT | wadm_types::DAEMONSCALER_TRAIT => {
                    matches!(t.properties, TraitProperty::SpreadScaler(_))
                }
                _ => {
                    failures.extend(error(format!(
                        "unknown trait type [{kind}] on component [{}]: wadm knows {}",
                        component.name,
                        KNOWN_TRAITS.join(", ")
                    )));
                    continue;
                }
            };
            if !fits {
                failures.extend(error(format!(
                    "trait [{kind}] on component [{}] has the properties of {shape}",
                    component.name
                )));
            }
        }
    }
    failures
}

/// The first link property (in any trait) of the wrong type, as a sentence naming the
/// component: `namespace`, `package` and `name` must be strings, `interfaces` a list of
/// strings.
fn misfit_link_property(manifest: &serde_yaml::Value) -> Option<String> {
    use serde_yaml::Value;
    let components = manifest.get("spec")?.get("components")?.as_sequence()?;
    for component in components {
        let name = component.get("name").and_then(Value::as_str).unwrap_or("?");
        let traits = component.get("traits").and_then(Value::as_sequence);
        // Every trait: wadm-types tries the link reader first whatever the `type`.
        for t in traits.into_iter().flatten() {
            let Some(properties) = t.get("properties") else {
                continue;
            };
            for key in ["namespace", "package", "name"] {
                if properties.get(key).is_some_and(|v| !v.is_string()) {
                    return Some(format!(
                        "link on component [{name}]: `{key}` must be a string"
                    ));
                }
            }
            let interfaces = properties.get("interfaces");
            let listed = interfaces
                .and_then(Value::as_sequence)
                .is_some_and(|list| list.iter().all(Value::is_string));
            if interfaces.is_some() && !listed {
                return Some(format!(
                    "link on component [{name}]: `interfaces` must be a list of strings, \
                     like [incoming-handler]"
                ));
            }
        }
    }
    None
}

/// An error-level failure with `message`.
fn error(message: String) -> Option<ValidationFailure> {
    let failure = serde_json::json!({ "level": "Error", "msg": message });
    // ValidationFailure is non_exhaustive: built through its serde form.
    serde_json::from_value(failure).ok()
}

fn invalid_one(source_name: &str, message: String) -> ManifestError {
    ManifestError::Invalid {
        source_name: source_name.to_owned(),
        problems: vec![Problem {
            level: "error".into(),
            message,
            line: None,
        }],
    }
}

/// The line of the first YAML value equal to a name wadm's message mentions (`[name]`
/// or `'name'`), e.g. the `target: ghost` of "link target [ghost] is not a listed
/// component". `None` when the message names nothing the file shows.
fn line_of_mentioned(text: &str, message: &str) -> Option<usize> {
    let mut names = Vec::new();
    for (open, close) in [('[', ']'), ('\'', '\'')] {
        let mut rest = message;
        while let Some(start) = rest.find(open) {
            let after = &rest[start + 1..];
            let Some(end) = after.find(close) else { break };
            // `[name]`, or a debug list `["a", "b"]`.
            names.extend(after[..end].split(", ").map(|n| n.trim().trim_matches('"')));
            rest = &after[end + 1..];
        }
    }
    names
        .into_iter()
        .filter(|n| !n.is_empty())
        .find_map(|name| {
            text.lines()
                .position(|line| {
                    let value = line
                        .split_once(':')
                        .map(|(_, v)| v)
                        .unwrap_or(line)
                        .trim()
                        .trim_start_matches("- ")
                        .trim_matches(|c| c == '"' || c == '\'');
                    value == name
                })
                .map(|index| index + 1)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"apiVersion: core.oam.dev/v1beta1
kind: Application
metadata:
  name: hello
  annotations:
    version: v0.0.1
spec:
  components:
    - name: http-component
      type: component
      properties:
        image: file:///tmp/hello.wasm
      traits:
        - type: spreadscaler
          properties:
            instances: 1
    - name: httpserver
      type: capability
      properties:
        image: wasmcloud+builtin://http-server
      traits:
        - type: link
          properties:
            target: http-component
            namespace: wasi
            package: http
            interfaces: [incoming-handler]
            source:
              config:
                - name: default-http
                  properties:
                    address: 127.0.0.1:8080
"#;

    #[tokio::test]
    async fn a_good_manifest_loads() {
        let loaded = parse_manifest(GOOD, "hello.yaml").await.unwrap();
        assert_eq!(loaded.manifest.metadata.name, "hello");
        assert_eq!(loaded.manifest.version(), "v0.0.1");
    }

    #[tokio::test]
    async fn yaml_that_does_not_parse_names_its_line() {
        let broken = GOOD.replace("  name: hello", "  name: [hello");
        let err = parse_manifest(&broken, "hello.yaml").await.unwrap_err();
        let ManifestError::Parse { line, .. } = &err else {
            panic!("expected a parse error, got {err}");
        };
        assert!(line.is_some(), "{err}");
        assert!(err.to_string().starts_with("hello.yaml:"), "{err}");
        let ManifestError::Parse {
            line: Some(l),
            column: Some(c),
            ..
        } = &err
        else {
            panic!("no line and column: {err}");
        };
        let again = format!(" at line {l} column {c}");
        assert!(!err.to_string().contains(&again), "said twice: {err}");
    }

    #[tokio::test]
    async fn a_link_to_a_missing_component_names_the_line() {
        let dangling = GOOD.replace("target: http-component", "target: ghost");
        let err = parse_manifest(&dangling, "hello.yaml").await.unwrap_err();
        let ManifestError::Invalid { problems, .. } = &err else {
            panic!("expected a validation error, got {err}");
        };
        let line = GOOD
            .lines()
            .position(|l| l.contains("target: http-component"))
            .unwrap()
            + 1;
        assert!(
            problems
                .iter()
                .any(|p| p.line == Some(line) && p.message.contains("ghost")),
            "{err}"
        );
    }

    #[tokio::test]
    async fn relative_file_images_are_read_from_the_manifests_folder() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("app")).unwrap();
        std::fs::write(dir.path().join("hello.wasm"), b"\0asm").unwrap();
        let manifest = dir.path().join("app/wadm.yaml");
        let relative = GOOD.replace("file:///tmp/hello.wasm", "file://../hello.wasm");
        std::fs::write(&manifest, &relative).unwrap();
        let loaded = load_manifest(&manifest).await.unwrap();
        let wadm_types::Properties::Component { properties } =
            &loaded.manifest.spec.components[0].properties
        else {
            panic!("the first entry is the component");
        };
        let expected = dir.path().canonicalize().unwrap().join("hello.wasm");
        assert_eq!(
            properties.image.as_deref(),
            Some(format!("file://{}", expected.display()).as_str())
        );

        // A relative image that is not there is named with its line, before any deploy.
        std::fs::write(
            &manifest,
            relative.replace("file://../hello.wasm", "file://gone.wasm"),
        )
        .unwrap();
        let err = load_manifest(&manifest).await.unwrap_err().to_string();
        let line = GOOD
            .lines()
            .position(|l| l.contains("image: file://"))
            .unwrap()
            + 1;
        assert!(
            err.contains(&format!(
                "line {line}: component [http-component]: image file://gone.wasm is not a file"
            )),
            "{err}"
        );
    }

    #[tokio::test]
    async fn a_component_without_image_is_refused() {
        let no_image = GOOD.replace(
            "        image: file:///tmp/hello.wasm\n",
            "        config: []\n",
        );
        let err = parse_manifest(&no_image, "hello.yaml").await.unwrap_err();
        assert!(err.to_string().contains("hello.yaml"), "{err}");
    }

    #[tokio::test]
    async fn a_link_with_a_scalers_properties_is_refused_by_name() {
        let misfit = GOOD.replace(
            "            target: http-component\n",
            "            instances: 2\n",
        );
        let misfit = misfit.replace(
            "            namespace: wasi\n            package: http\n            interfaces: [incoming-handler]\n",
            "",
        );
        let misfit = misfit.replace(
            "            source:\n              config:\n                - name: default-http\n                  properties:\n                    address: 127.0.0.1:8080\n",
            "",
        );
        let err = parse_manifest(&misfit, "hello.yaml").await.unwrap_err();
        assert!(
            err.to_string()
                .contains("trait [link] on component [httpserver] has the properties of a scaler"),
            "{err}"
        );
    }

    #[tokio::test]
    async fn link_interfaces_that_are_not_a_list_are_refused_by_name() {
        let bare = GOOD.replace("[incoming-handler]", "incoming-handler");
        let err = parse_manifest(&bare, "hello.yaml").await.unwrap_err();
        assert!(
            err.to_string()
                .contains("link on component [httpserver]: `interfaces` must be a list of strings"),
            "{err}"
        );
    }

    #[tokio::test]
    async fn an_unknown_trait_is_refused() {
        let custom = GOOD.replace("type: spreadscaler", "type: teleporter");
        let err = parse_manifest(&custom, "hello.yaml").await.unwrap_err();
        let line = GOOD
            .lines()
            .position(|l| l.contains("type: spreadscaler"))
            .unwrap()
            + 1;
        assert!(
            err.to_string()
                .contains(&format!("line {line}: unknown trait type [teleporter]")),
            "{err}"
        );
    }
}
