//! Applications (wadm's OAM manifests) in a session's lattice: the Applications tab's
//! list, deploy from a manifest file, undeploy and delete. The workflows are
//! `trellis_wadm`'s, as for `trellis app`.

use std::path::PathBuf;

use tauri::State;
use trellis_wadm::AppSummary;

use crate::error::{CommandError, ErrorCode};
use crate::state::AppState;

/// Every application with its versions and wadm's status and reason.
#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn list_apps(
    state: State<'_, AppState>,
    session: Option<String>,
) -> Result<Vec<AppSummary>, CommandError> {
    let session = state.session(session.as_deref())?;
    let list = session.apps().await?.list().await?;
    Ok(list.iter().map(AppSummary::from).collect())
}

/// Every stored version of application `name`, oldest first, the deployed one marked.
#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn app_history(
    state: State<'_, AppState>,
    session: Option<String>,
    name: String,
) -> Result<Vec<trellis_wadm::AppVersion>, CommandError> {
    let session = state.session(session.as_deref())?;
    let versions = session.apps().await?.history(&name).await?;
    Ok(versions
        .iter()
        .map(trellis_wadm::AppVersion::from)
        .collect())
}

/// Deploys stored version `version` of application `name` (a roll back or forward).
#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn deploy_app_version(
    state: State<'_, AppState>,
    session: Option<String>,
    name: String,
    version: String,
) -> Result<String, CommandError> {
    let session = state.session(session.as_deref())?;
    session.apps().await?.deploy(&name, Some(&version)).await?;
    Ok(format!("deploying {name} {version}"))
}

/// Validates the manifest at `path` (an error names the field and line), puts it and
/// deploys it; answers with a sentence naming the version.
#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn deploy_app(
    state: State<'_, AppState>,
    session: Option<String>,
    path: String,
) -> Result<String, CommandError> {
    let path = PathBuf::from(path.trim());
    if !path.is_absolute() {
        return Err(CommandError::new(
            ErrorCode::InvalidInput,
            format!("{}: give the manifest's absolute path", path.display()),
        ));
    }
    let loaded = trellis_wadm::load_manifest(&path)
        .await
        .map_err(trellis_wadm::Error::from)?;
    let session = state.session(session.as_deref())?;
    let (name, version) = session
        .apps()
        .await?
        .put_and_deploy(&loaded.manifest)
        .await?;
    let warnings: Vec<String> = loaded.warnings.iter().map(ToString::to_string).collect();
    Ok(match warnings.as_slice() {
        [] => format!("deploying {name} {version}"),
        _ => format!(
            "deploying {name} {version} (wadm warns: {})",
            warnings.join("; ")
        ),
    })
}

/// Undeploys application `name` (its manifest versions stay).
#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn undeploy_app(
    state: State<'_, AppState>,
    session: Option<String>,
    name: String,
) -> Result<String, CommandError> {
    let session = state.session(session.as_deref())?;
    session.apps().await?.undeploy(&name).await?;
    Ok(format!("undeploying {name}"))
}

/// Deletes every version of application `name`.
#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn delete_app(
    state: State<'_, AppState>,
    session: Option<String>,
    name: String,
) -> Result<String, CommandError> {
    let session = state.session(session.as_deref())?;
    let deleted = session.apps().await?.delete(&name, None).await?;
    Ok(if deleted {
        format!("deleted {name} (every version)")
    } else {
        format!("nothing to delete: no {name}")
    })
}

/// The session's live graph as a wadm manifest named `name` (YAML), with what it could
/// not express as `# note:` lines at its top: the app saves it with `save_export`.
#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn export_manifest(
    state: State<'_, AppState>,
    session: Option<String>,
    name: String,
) -> Result<String, CommandError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(CommandError::new(
            ErrorCode::InvalidInput,
            "the application needs a name",
        ));
    }
    let client = state.session(session.as_deref())?.client()?;
    let options = trellis_wadm::ExportOptions {
        name: name.to_owned(),
        version: "v1".into(),
        select: None,
    };
    let exported = trellis_wadm::export_lattice(&client, &options).await?;
    let notes: String = exported
        .notes
        .iter()
        .map(|note| format!("# note: {note}\n"))
        .collect();
    Ok(notes + &exported.to_yaml()?)
}

/// The examples gallery (`examples/*/wadm.yaml`, or `$TRELLIS_EXAMPLES_DIR`'s): name,
/// description, languages and where each answers HTTP, in gallery order.
#[tauri::command]
#[tracing::instrument(err(Debug))]
pub async fn list_examples() -> Result<Vec<trellis_wadm::Example>, CommandError> {
    let dir = trellis_wadm::examples_dir()?;
    Ok(trellis_wadm::list_examples(&dir).await?)
}

/// Deploys example `name` through the session's wadm and waits for wadm to report it
/// deployed; an example that does not get there is an error with wadm's reason.
#[tauri::command]
#[tracing::instrument(skip(state), err(Debug))]
pub async fn deploy_example(
    state: State<'_, AppState>,
    session: Option<String>,
    name: String,
) -> Result<trellis_wadm::ExampleDeployment, CommandError> {
    let dir = trellis_wadm::examples_dir()?;
    let session = state.session(session.as_deref())?;
    let apps = session.apps().await?;
    let outcome = trellis_wadm::deploy_example(apps, &dir, &name, EXAMPLE_WAIT).await?;
    if outcome.deployed {
        Ok(outcome)
    } else {
        Err(CommandError::new(ErrorCode::Lattice, outcome.to_string()))
    }
}

/// How long an example's deploy waits for wadm: a 14 MB component's first compile on a
/// slow machine fits.
const EXAMPLE_WAIT: std::time::Duration = std::time::Duration::from_secs(90);
