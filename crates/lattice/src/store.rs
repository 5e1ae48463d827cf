//! `ContextStore`: named contexts in a JSON file in the user's config dir, and imports
//! from `nats` CLI and wash 1.x context files.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::context::{Auth, Context};
use crate::error::{LatticeError, Result};

/// Environment variable that overrides the config directory (tests and portable setups).
pub const CONFIG_DIR_ENV: &str = "TRELLIS_CONFIG_DIR";
/// The contexts file name inside the config directory.
pub const CONTEXTS_FILE: &str = "contexts.json";

/// The file's layout: `{"current": "local", "contexts": {"local": {...}}}`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct ContextsFile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    current: Option<String>,
    #[serde(default)]
    contexts: BTreeMap<String, Context>,
}

/// The file as read before each context is checked on its own, so one broken entry does
/// not make the others unusable.
#[derive(Deserialize)]
struct RawContextsFile {
    #[serde(default)]
    current: Option<String>,
    #[serde(default)]
    contexts: BTreeMap<String, serde_json::Value>,
}

/// A saved context as the desktop app's webview may see it: no credential, URLs without
/// user info, only the auth mode.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ContextSummary {
    /// The context's name.
    pub name: String,
    /// Server URLs, user info removed.
    pub urls: Vec<String>,
    /// Lattice name.
    pub lattice: String,
    /// Control subject prefix.
    pub ctl_prefix: String,
    /// How it authenticates (`none`, `user_password`, `token`, `creds_file`, `jwt_seed`,
    /// `nkey_seed`).
    pub auth_mode: String,
    /// Whether any TLS option is set or a URL is `tls://`/`wss://`.
    pub tls: bool,
    /// JetStream domain, if any.
    pub js_domain: Option<String>,
    /// Free text.
    pub description: Option<String>,
    /// Whether it is the current context.
    pub current: bool,
}

impl ContextSummary {
    /// The summary of `context` saved as `name`.
    pub fn of(name: &str, context: &Context, current: bool) -> ContextSummary {
        let urls: Vec<String> = context
            .urls
            .iter()
            .map(|u| Context::redact_url(u))
            .collect();
        let tls = context.tls.is_set()
            || urls
                .iter()
                .any(|u| u.starts_with("tls://") || u.starts_with("wss://"));
        ContextSummary {
            name: name.to_owned(),
            urls,
            lattice: context.lattice.clone(),
            ctl_prefix: context.ctl_prefix.clone(),
            auth_mode: context.auth.mode().to_owned(),
            tls,
            js_domain: context.js_domain.clone(),
            description: context.description.clone(),
            current,
        }
    }
}

/// Saved contexts and which one is current.
///
/// Changes are in memory until [`ContextStore::save`], which writes the file atomically
/// and readable by the owner only (it may hold passwords and seeds).
#[derive(Debug, Clone)]
pub struct ContextStore {
    path: PathBuf,
    file: ContextsFile,
    /// Entries that did not parse, kept as written so saving does not lose them, with
    /// why each was refused.
    broken: BTreeMap<String, (serde_json::Value, String)>,
}

/// What [`ContextStore::import_discovered`] did: imported `(name, format)` pairs, and
/// skipped `(file, reason)` pairs.
pub type ImportReport = (Vec<(String, ImportFormat)>, Vec<(PathBuf, String)>);

/// Where an imported context came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportFormat {
    /// A `nats` CLI context (`~/.config/nats/context/<name>.json`).
    NatsCli,
    /// A wash 1.x context (`~/.wash/contexts/<name>.json`).
    Wash,
}

impl ContextStore {
    /// The config directory: `$TRELLIS_CONFIG_DIR`, else the platform's config dir for
    /// Trellis (e.g. `~/.config/trellis` on Linux).
    pub fn default_dir() -> Result<PathBuf> {
        if let Some(dir) = std::env::var_os(CONFIG_DIR_ENV) {
            return Ok(PathBuf::from(dir));
        }
        directories::ProjectDirs::from("", "", "trellis")
            .map(|dirs| dirs.config_dir().to_path_buf())
            .ok_or_else(|| LatticeError::Store {
                action: "cannot find",
                path: PathBuf::from("the user's config directory"),
                reason: format!("no home directory; set {CONFIG_DIR_ENV}"),
            })
    }

    /// Opens the store in [`ContextStore::default_dir`].
    pub fn open_default() -> Result<ContextStore> {
        ContextStore::open(Self::default_dir()?)
    }

    /// Opens the store in `dir`; a missing file is an empty store. A file that is not
    /// JSON is an error naming its line; a context entry that does not parse is left out
    /// (see [`ContextStore::problems`]) and kept in the file on save.
    pub fn open(dir: impl Into<PathBuf>) -> Result<ContextStore> {
        let path = dir.into().join(CONTEXTS_FILE);
        let raw: RawContextsFile = match fs::read_to_string(&path) {
            Ok(text) => serde_json::from_str(&text).map_err(|e| LatticeError::Store {
                action: "cannot parse",
                path: path.clone(),
                reason: e.to_string(),
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => RawContextsFile {
                current: None,
                contexts: BTreeMap::new(),
            },
            Err(e) => {
                return Err(LatticeError::Store {
                    action: "cannot read",
                    path,
                    reason: e.to_string(),
                })
            }
        };
        let mut file = ContextsFile {
            current: raw.current,
            contexts: BTreeMap::new(),
        };
        let mut broken = BTreeMap::new();
        for (name, value) in raw.contexts {
            match serde_json::from_value::<Context>(value.clone()) {
                Ok(context) => {
                    file.contexts.insert(name, context);
                }
                Err(err) => {
                    broken.insert(name, (value, err.to_string()));
                }
            }
        }
        Ok(ContextStore { path, file, broken })
    }

    /// Saved contexts that could not be read, with why: `(name, reason)`.
    pub fn problems(&self) -> impl Iterator<Item = (&str, &str)> {
        self.broken
            .iter()
            .map(|(name, (_, reason))| (name.as_str(), reason.as_str()))
    }

    /// Every saved context as the webview may see it, by name.
    pub fn summaries(&self) -> Vec<ContextSummary> {
        self.list()
            .map(|(name, ctx)| ContextSummary::of(name, ctx, self.current_name() == Some(name)))
            .collect()
    }

    /// The contexts file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// A saved context.
    pub fn get(&self, name: &str) -> Option<&Context> {
        self.file.contexts.get(name)
    }

    /// Every saved context, by name.
    pub fn list(&self) -> impl Iterator<Item = (&str, &Context)> {
        self.file.contexts.iter().map(|(n, c)| (n.as_str(), c))
    }

    /// The current context's name, if one is set.
    pub fn current_name(&self) -> Option<&str> {
        self.file.current.as_deref()
    }

    /// The current context, if one is set and saved.
    pub fn current(&self) -> Option<(&str, &Context)> {
        let name = self.file.current.as_deref()?;
        self.get(name).map(|ctx| (name, ctx))
    }

    /// Adds or replaces a context. The name must be non-empty, without `/` or `\`.
    pub fn insert(&mut self, name: &str, context: Context) -> Result<()> {
        validate_name(name)?;
        self.broken.remove(name);
        self.file.contexts.insert(name.to_owned(), context);
        Ok(())
    }

    /// Removes a context, readable or not (clearing "current" if it was current).
    pub fn remove(&mut self, name: &str) -> Result<()> {
        let readable = self.file.contexts.remove(name).is_some();
        if !readable && self.broken.remove(name).is_none() {
            return Err(LatticeError::UnknownContext(name.to_owned()));
        }
        if self.file.current.as_deref() == Some(name) {
            self.file.current = None;
        }
        Ok(())
    }

    /// Makes a saved context current.
    pub fn set_current(&mut self, name: &str) -> Result<()> {
        if !self.file.contexts.contains_key(name) {
            return Err(LatticeError::UnknownContext(name.to_owned()));
        }
        self.file.current = Some(name.to_owned());
        Ok(())
    }

    /// Writes the file atomically, creating the directory. On Unix the file is mode 0600
    /// from its first byte and the directory 0700 (narrowed when it existed): the file
    /// may hold passwords, tokens and seeds.
    pub fn save(&self) -> Result<()> {
        let store_err = |action, path: &Path, e: std::io::Error| LatticeError::Store {
            action,
            path: path.to_path_buf(),
            reason: e.to_string(),
        };
        let dir = self.path.parent().unwrap_or(Path::new("."));
        create_private_dir(dir).map_err(|e| store_err("cannot create", dir, e))?;
        let mut file = serde_json::to_value(&self.file).expect("contexts serialise");
        if let Some(contexts) = file.get_mut("contexts").and_then(|c| c.as_object_mut()) {
            for (name, (value, _)) in &self.broken {
                contexts
                    .entry(name.clone())
                    .or_insert_with(|| value.clone());
            }
        }
        let text = serde_json::to_string_pretty(&file).expect("contexts serialise");
        let tmp = self.path.with_extension("json.tmp");
        write_private(&tmp, &text).map_err(|e| store_err("cannot write", &tmp, e))?;
        fs::rename(&tmp, &self.path).map_err(|e| store_err("cannot replace", &self.path, e))
    }

    /// Imports one context file, detecting its format; returns its name (the file stem)
    /// and format. The context is added (replacing one of the same name) but not saved.
    pub fn import_file(&mut self, path: &Path) -> Result<(String, ImportFormat)> {
        let (name, format, ctx) = read_foreign_context(path)?;
        self.insert(&name, ctx)?;
        Ok((name, format))
    }

    /// Imports every context found in the `nats` CLI and wash context directories
    /// (`~/.config/nats/context`, `~/.wash/contexts`). Returns what was imported and, per
    /// skipped file, why. Nothing is saved.
    pub fn import_discovered(&mut self) -> ImportReport {
        let mut imported = Vec::new();
        let mut skipped = Vec::new();
        for dir in foreign_context_dirs() {
            let Ok(entries) = fs::read_dir(&dir) else {
                continue;
            };
            let mut files: Vec<PathBuf> = entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|e| e == "json"))
                .collect();
            files.sort();
            for file in files {
                match self.import_file(&file) {
                    Ok(found) => imported.push(found),
                    Err(err) => skipped.push((file, err.to_string())),
                }
            }
        }
        (imported, skipped)
    }
}

/// Creates `dir` (and missing parents) mode 0700 on Unix, and narrows it to 0700 when it
/// existed.
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
        builder.mode(0o700);
        builder.create(dir)?;
        fs::set_permissions(dir, fs::Permissions::from_mode(0o700))
    }
    #[cfg(not(unix))]
    builder.create(dir)
}

/// Writes `text` to `path`, created mode 0600 on Unix (never readable by others, not even
/// briefly) and narrowed to 0600 before the first byte when it existed.
pub fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        options.mode(0o600);
        let file = options.open(path)?;
        file.set_permissions(fs::Permissions::from_mode(0o600))?;
        let mut file = file;
        file.write_all(text.as_bytes())?;
        file.sync_all()
    }
    #[cfg(not(unix))]
    {
        let mut file = options.open(path)?;
        file.write_all(text.as_bytes())?;
        file.sync_all()
    }
}

fn validate_name(name: &str) -> Result<()> {
    if name.trim().is_empty() || name.contains(['/', '\\']) || name != name.trim() {
        return Err(LatticeError::InvalidArgument(format!(
            "context name {name:?} must be non-empty, without '/', '\\' or surrounding spaces"
        )));
    }
    Ok(())
}

/// `~/.config/nats/context` (or `$XDG_CONFIG_HOME/nats/context`) and `~/.wash/contexts`.
fn foreign_context_dirs() -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    if let Some(base) = directories::BaseDirs::new() {
        let xdg = std::env::var_os("XDG_CONFIG_HOME")
            .map(PathBuf::from)
            .unwrap_or_else(|| base.home_dir().join(".config"));
        dirs.push(xdg.join("nats").join("context"));
        dirs.push(base.home_dir().join(".wash").join("contexts"));
    }
    dirs
}

/// The fields of a `nats` CLI context that matter here.
#[derive(Deserialize, Default)]
#[serde(default)]
struct NatsCliContext {
    description: String,
    url: String,
    token: String,
    user: String,
    password: String,
    creds: String,
    nkey: String,
    cert: String,
    key: String,
    ca: String,
    jetstream_domain: String,
    user_jwt: String,
    tls_first: bool,
}

/// The fields of a wash 1.x context (protocol.md §3).
#[derive(Deserialize, Default)]
#[serde(default)]
struct WashContext {
    name: Option<String>,
    ctl_host: Option<String>,
    ctl_port: Option<u16>,
    ctl_jwt: Option<String>,
    ctl_seed: Option<String>,
    ctl_credsfile: Option<PathBuf>,
    ctl_tls_ca_file: Option<PathBuf>,
    ctl_tls_first: Option<bool>,
    ctl_timeout: Option<u64>,
    lattice: Option<String>,
    /// Older wash versions.
    lattice_prefix: Option<String>,
    js_domain: Option<String>,
    ctl_topic_prefix: Option<String>,
}

fn read_foreign_context(path: &Path) -> Result<(String, ImportFormat, Context)> {
    let bad = |reason: String| LatticeError::Store {
        action: "cannot import",
        path: path.to_path_buf(),
        reason,
    };
    let text = fs::read_to_string(path).map_err(|e| bad(e.to_string()))?;
    let value: serde_json::Value = serde_json::from_str(&text).map_err(|e| bad(e.to_string()))?;
    let object = value
        .as_object()
        .ok_or_else(|| bad("not a JSON object".into()))?;
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "imported".into());
    let base_dir = path.parent().unwrap_or(Path::new("."));

    if object
        .keys()
        .any(|k| k.starts_with("ctl_") || k == "lattice" || k == "lattice_prefix")
    {
        let wash: WashContext = serde_json::from_value(value).map_err(|e| bad(e.to_string()))?;
        let name = wash
            .name
            .clone()
            .filter(|n| validate_name(n).is_ok())
            .unwrap_or(stem);
        let ctx = from_wash(wash);
        ctx.validate().map_err(|e| bad(e.to_string()))?;
        Ok((name, ImportFormat::Wash, ctx))
    } else if object.contains_key("url") {
        let nats: NatsCliContext = serde_json::from_value(value).map_err(|e| bad(e.to_string()))?;
        let ctx = from_nats_cli(nats, base_dir).map_err(|e| bad(e.to_string()))?;
        ctx.validate().map_err(|e| bad(e.to_string()))?;
        Ok((stem, ImportFormat::NatsCli, ctx))
    } else {
        Err(bad(
            "neither a nats CLI context (no \"url\") nor a wash context (no \"ctl_host\")".into(),
        ))
    }
}

fn from_wash(wash: WashContext) -> Context {
    let host = wash.ctl_host.unwrap_or_else(|| "127.0.0.1".into());
    let port = wash.ctl_port.unwrap_or(4222);
    let url = if host.contains("://") {
        format!("{host}:{port}")
    } else {
        format!("nats://{host}:{port}")
    };
    let mut ctx = Context::new(url);
    if let Some(lattice) = wash
        .lattice
        .or(wash.lattice_prefix)
        .filter(|l| !l.is_empty())
    {
        ctx.lattice = lattice;
    }
    if let Some(prefix) = wash.ctl_topic_prefix.filter(|p| !p.is_empty()) {
        ctx.ctl_prefix = prefix;
    }
    ctx.auth = match (wash.ctl_credsfile, wash.ctl_jwt, wash.ctl_seed) {
        (Some(path), _, _) => Auth::CredsFile { path },
        (None, Some(jwt), Some(seed)) if !jwt.is_empty() => Auth::JwtSeed { jwt, seed },
        (None, _, Some(seed)) if !seed.is_empty() => Auth::NkeySeed { seed },
        _ => Auth::None,
    };
    ctx.tls.ca_file = wash.ctl_tls_ca_file;
    ctx.tls.tls_first = wash.ctl_tls_first.unwrap_or(false);
    if let Some(ms) = wash.ctl_timeout.filter(|ms| *ms > 0) {
        ctx.timeout_ms = ms;
    }
    ctx.js_domain = wash.js_domain.filter(|d| !d.is_empty());
    ctx
}

fn from_nats_cli(nats: NatsCliContext, base_dir: &Path) -> Result<Context> {
    let url = if nats.url.is_empty() {
        "nats://127.0.0.1:4222".to_owned()
    } else {
        nats.url
    };
    let mut ctx = Context::new(url);
    let some = |s: String| (!s.is_empty()).then_some(s);
    let path = |s: String| {
        (!s.is_empty()).then(|| {
            let p = expand_home(&s);
            if p.is_relative() {
                base_dir.join(p)
            } else {
                p
            }
        })
    };
    ctx.description = some(nats.description);
    // The nats CLI keeps the nkey as a path to a seed file; we keep the seed itself.
    let nkey_seed = match path(nats.nkey) {
        Some(p) => Some(
            fs::read_to_string(&p)
                .map_err(|e| LatticeError::File {
                    what: "nkey seed file",
                    path: p.clone(),
                    reason: e.to_string(),
                })?
                .trim()
                .to_owned(),
        ),
        None => None,
    };
    ctx.auth = if let Some(creds) = path(nats.creds) {
        Auth::CredsFile { path: creds }
    } else if let (Some(jwt), Some(seed)) = (some(nats.user_jwt), nkey_seed.clone()) {
        Auth::JwtSeed { jwt, seed }
    } else if let Some(seed) = nkey_seed {
        Auth::NkeySeed { seed }
    } else if let Some(token) = some(nats.token) {
        Auth::Token { token }
    } else if let Some(user) = some(nats.user) {
        Auth::UserPassword {
            user,
            password: nats.password,
        }
    } else {
        Auth::None
    };
    ctx.tls.ca_file = path(nats.ca);
    ctx.tls.cert_file = path(nats.cert);
    ctx.tls.key_file = path(nats.key);
    ctx.tls.tls_first = nats.tls_first;
    ctx.js_domain = some(nats.jetstream_domain);
    Ok(ctx)
}

fn expand_home(path: &str) -> PathBuf {
    match (path.strip_prefix("~/"), directories::BaseDirs::new()) {
        (Some(rest), Some(base)) => base.home_dir().join(rest),
        _ => PathBuf::from(path),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn save_reload_current_and_remove() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = ContextStore::open(dir.path()).unwrap();
        assert!(store.current().is_none());
        store
            .insert(
                "local",
                Context::new("nats://127.0.0.1:1").with_user_password("u", "p"),
            )
            .unwrap();
        store
            .insert("prod", Context::new("tls://prod:4222"))
            .unwrap();
        store.set_current("local").unwrap();
        store.save().unwrap();

        let mut again = ContextStore::open(dir.path()).unwrap();
        assert_eq!(again.current().unwrap().0, "local");
        assert_eq!(again.list().count(), 2);
        assert!(matches!(
            again.get("local").unwrap().auth,
            Auth::UserPassword { .. }
        ));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(again.path()), 0o600, "contexts file must be private");
            assert_eq!(mode(dir.path()), 0o700, "so must its directory");
        }
        again.remove("local").unwrap();
        assert!(again.current_name().is_none());
        let err = again.set_current("nope").unwrap_err().to_string();
        assert!(err.contains("\"nope\""), "{err}");
        assert!(again.insert("a/b", Context::default()).is_err());
    }

    /// Issue 10, bad input: one broken entry is named and left out, the others stay
    /// usable, and saving keeps the broken entry for the user to fix.
    #[test]
    fn a_broken_context_is_named_and_kept_while_the_others_work() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(CONTEXTS_FILE);
        fs::write(
            &path,
            r#"{"current": "good", "contexts": {
                "good": {"urls": ["nats://127.0.0.1:4222"]},
                "bad": {"urls": "not a list"}
            }}"#,
        )
        .unwrap();
        let mut store = ContextStore::open(dir.path()).unwrap();
        assert_eq!(store.current().unwrap().0, "good");
        let problems: Vec<_> = store.problems().collect();
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].0, "bad");
        assert!(problems[0].1.contains("invalid type"), "{}", problems[0].1);
        store.insert("new", Context::default()).unwrap();
        store.save().unwrap();
        let saved = fs::read_to_string(&path).unwrap();
        assert!(
            saved.contains("not a list"),
            "the broken entry was lost: {saved}"
        );
        store.remove("bad").unwrap();
        store.save().unwrap();
        assert!(!fs::read_to_string(&path).unwrap().contains("not a list"));

        fs::write(&path, "{\n  \"contexts\": {,\n}").unwrap();
        let err = ContextStore::open(dir.path()).unwrap_err().to_string();
        assert!(err.contains("line 2"), "the error names the line: {err}");
    }

    #[test]
    fn summaries_carry_no_credentials() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = ContextStore::open(dir.path()).unwrap();
        store
            .insert(
                "prod",
                Context::new("nats://admin:hunter2@prod:4222").with_token("t0ken-s3cret"),
            )
            .unwrap();
        let summaries = store.summaries();
        let text = serde_json::to_string(&summaries).unwrap();
        assert!(
            !text.contains("hunter2") && !text.contains("t0ken-s3cret"),
            "{text}"
        );
        assert_eq!(summaries[0].urls, ["nats://prod:4222"]);
        assert_eq!(summaries[0].auth_mode, "token");
    }

    /// Issue 11, item 4: a new config dir (and its parents) and a stale temporary file
    /// left readable by others are private before a secret is written.
    #[cfg(unix)]
    #[test]
    fn secrets_are_private_from_the_first_byte() {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("a").join("trellis");
        let mut store = ContextStore::open(&dir).unwrap();
        store
            .insert("t", Context::new("nats://h:1").with_token("tok-secret"))
            .unwrap();
        store.save().unwrap();
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(&root.path().join("a")), 0o700, "a created parent");
        assert_eq!(mode(store.path()), 0o600);

        // An existing open directory and a stale world-readable temporary are narrowed.
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o755)).unwrap();
        let tmp = store.path().with_extension("json.tmp");
        fs::write(&tmp, "old").unwrap();
        fs::set_permissions(&tmp, fs::Permissions::from_mode(0o644)).unwrap();
        write_private(&tmp, "new").unwrap();
        assert_eq!(mode(&tmp), 0o600);
        store.save().unwrap();
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(store.path()), 0o600);
    }

    #[test]
    fn corrupt_file_is_named() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join(CONTEXTS_FILE), "{not json").unwrap();
        let err = ContextStore::open(dir.path()).unwrap_err().to_string();
        assert!(
            err.contains("cannot parse") && err.contains(CONTEXTS_FILE),
            "{err}"
        );
    }

    #[test]
    fn imports_wash_context() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("prod.json");
        fs::write(
            &file,
            r#"{"name":"prod","cluster_seed":null,"ctl_host":"10.0.0.5","ctl_port":4333,
                "ctl_jwt":"eyJ0","ctl_seed":"SUAXX","ctl_credsfile":null,"ctl_tls_ca_file":"/ca.pem",
                "ctl_tls_first":true,"ctl_timeout":5000,"lattice":"prod-lattice","js_domain":"core",
                "rpc_host":"127.0.0.1","rpc_port":4222}"#,
        )
        .unwrap();
        let mut store = ContextStore::open(dir.path()).unwrap();
        let (name, format) = store.import_file(&file).unwrap();
        assert_eq!((name.as_str(), format), ("prod", ImportFormat::Wash));
        let ctx = store.get("prod").unwrap();
        assert_eq!(ctx.urls, ["nats://10.0.0.5:4333"]);
        assert_eq!(ctx.lattice, "prod-lattice");
        assert_eq!(ctx.timeout_ms, 5000);
        assert_eq!(ctx.js_domain.as_deref(), Some("core"));
        assert!(ctx.tls.tls_first);
        assert_eq!(
            ctx.auth,
            Auth::JwtSeed {
                jwt: "eyJ0".into(),
                seed: "SUAXX".into()
            }
        );
    }

    #[test]
    fn imports_nats_cli_context() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("user.nk"), "SUAYY\n").unwrap();
        let file = dir.path().join("ngs.json");
        fs::write(
            &file,
            r#"{"description":"hosted","url":"tls://connect.example:4222","token":"","user":"",
                "password":"","creds":"","nkey":"user.nk","cert":"","key":"","ca":"ca.pem",
                "nsc":"","jetstream_domain":"hub","jetstream_api_prefix":"","user_jwt":"",
                "tls_first":false}"#,
        )
        .unwrap();
        let mut store = ContextStore::open(dir.path()).unwrap();
        let (name, format) = store.import_file(&file).unwrap();
        assert_eq!((name.as_str(), format), ("ngs", ImportFormat::NatsCli));
        let ctx = store.get("ngs").unwrap();
        assert_eq!(ctx.urls, ["tls://connect.example:4222"]);
        assert_eq!(
            ctx.auth,
            Auth::NkeySeed {
                seed: "SUAYY".into()
            }
        );
        assert_eq!(
            ctx.tls.ca_file.as_deref(),
            Some(dir.path().join("ca.pem").as_path())
        );
        assert_eq!(ctx.js_domain.as_deref(), Some("hub"));
        assert_eq!(ctx.description.as_deref(), Some("hosted"));

        fs::write(dir.path().join("odd.json"), r#"{"color":"red"}"#).unwrap();
        let err = store
            .import_file(&dir.path().join("odd.json"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("odd.json") && err.contains("neither"), "{err}");
    }
}
