//! `grants`: the grant annotations of `component.scale` (`trellis.dev/dirs`, `/env`,
//! `/network`, `/args`) and wasmCloud's `component_limits`.
//!
//! The parser (`Grants::from_annotations`) is private to trellis-host, so the target
//! calls it where the host does: `Runtime::start_component`, which checks the grants
//! against the host's `GrantPolicy` before it compiles anything. The component bytes
//! are empty, so an input whose grants pass fails right after, at compile, and nothing
//! ever starts. Two runtimes take turns: one with the default (deny-all) policy, one
//! that allows a temporary directory, two variable names and the network. The same
//! map also goes through `ComponentLimits::from_map`.
//!
//! An input is lines of `KEY<TAB>VALUE`; a line without a tab is a value for one of
//! the grant keys (picked by its first byte).

use std::collections::BTreeMap;
use std::path::PathBuf;

use trellis_host::{
    ComponentLimits, ComponentSource, GrantPolicy, HostError, Runtime, RuntimeConfig,
};

use crate::engine::{signature, Rng, Target};

const KEYS: &[&str] = &[
    "trellis.dev/dirs",
    "trellis.dev/env",
    "trellis.dev/network",
    "trellis.dev/args",
    "max_memory_bytes",
    "max_memory",
    "max_execution_time",
    "max_execution_time_ms",
];

/// The grant target.
pub struct Grants {
    tokio: tokio::runtime::Runtime,
    deny: Runtime,
    allow: Runtime,
    dir: tempfile::TempDir,
    execs: u64,
}

impl Grants {
    /// Two runtimes (deny-all and a narrow policy) on a current-thread tokio runtime.
    pub fn new() -> anyhow::Result<Grants> {
        let tokio = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let dir = tempfile::Builder::new().prefix("trellis-fuzz-").tempdir()?;
        std::fs::create_dir_all(dir.path().join("sub"))?;
        let config = |grants: GrantPolicy| RuntimeConfig {
            host_id: "fuzz".into(),
            cache_dir: Some(dir.path().join("cache")),
            compile_cache: false,
            grants,
            ..RuntimeConfig::default()
        };
        let narrow = GrantPolicy {
            dir_roots: vec![dir.path().to_path_buf()],
            env_names: vec!["PATH".into(), "TRELLIS_FUZZ".into()],
            network: true,
            ..GrantPolicy::default()
        };
        let (deny, allow) = {
            let _entered = tokio.enter();
            (
                Runtime::new(config(GrantPolicy::default()))?,
                Runtime::new(config(narrow))?,
            )
        };
        Ok(Grants {
            tokio,
            deny,
            allow,
            dir,
            execs: 0,
        })
    }

    fn dir(&self) -> PathBuf {
        self.dir.path().to_path_buf()
    }
}

/// Reads an input as annotations.
fn annotations(input: &[u8]) -> BTreeMap<String, String> {
    let text = String::from_utf8_lossy(input);
    let mut map = BTreeMap::new();
    for line in text.split('\n') {
        match line.split_once('\t') {
            Some((key, value)) => map.insert(key.to_owned(), value.to_owned()),
            None => {
                let key = KEYS[line.bytes().next().unwrap_or(0) as usize % KEYS.len()];
                map.insert(key.to_owned(), line.to_owned())
            }
        };
    }
    map
}

impl Target for Grants {
    fn name(&self) -> &'static str {
        "grants"
    }

    fn seeds(&mut self) -> Vec<Vec<u8>> {
        let dir = self.dir();
        let sub = dir.join("sub");
        [
            "trellis.dev/env\ttrue".to_string(),
            "trellis.dev/env\tPATH,TRELLIS_FUZZ=1, HOME".into(),
            "trellis.dev/env\t=,,=x,PATH=".into(),
            format!("trellis.dev/dirs\t{}:/data:ro", dir.display()),
            format!(
                "trellis.dev/dirs\t{}:/data:rw,{}",
                sub.display(),
                dir.display()
            ),
            format!("trellis.dev/dirs\t{}/../..:/", dir.display()),
            "trellis.dev/dirs\t/etc:/etc".into(),
            "trellis.dev/dirs\t:::".into(),
            "trellis.dev/network\ttrue".into(),
            "trellis.dev/network\t true ".into(),
            "trellis.dev/args\t[\"prog\",\"--flag\"]".into(),
            "trellis.dev/args\t[1,2]".into(),
            "max_memory_bytes\t1048576\nmax_execution_time_ms\t100".into(),
            "max_memory\t0\nmax_execution_time\t18446744073709551615".into(),
            "max_execution_time\t18446744073709551615".into(),
        ]
        .into_iter()
        .map(String::into_bytes)
        .collect()
    }

    fn dictionary(&self) -> Vec<Vec<u8>> {
        let dir = self.dir().display().to_string();
        KEYS.iter()
            .map(|s| s.to_string())
            .chain([
                dir,
                "\t".into(),
                "\n".into(),
                ",".into(),
                ":".into(),
                "=".into(),
                ":ro".into(),
                "true".into(),
                "/".into(),
                "..".into(),
                "PATH".into(),
            ])
            .map(String::into_bytes)
            .collect()
    }

    fn mutate(&self, input: &[u8], rng: &mut Rng) -> Option<Vec<u8>> {
        // Add, drop or duplicate one `KEY<TAB>VALUE` line.
        let text = String::from_utf8_lossy(input);
        let mut lines: Vec<String> = text.split('\n').map(str::to_owned).collect();
        match rng.below(3) {
            0 => {
                let i = rng.below(lines.len());
                lines.remove(i);
            }
            1 => {
                let copy = rng.pick(&lines).clone();
                lines.push(copy.replacen(',', ",,", 1));
            }
            _ => lines.push(format!("{}\t{}", rng.pick(KEYS), rng.pick(&lines))),
        }
        Some(lines.join("\n").into_bytes())
    }

    fn run(&mut self, input: &[u8]) -> u64 {
        let annotations = annotations(input);
        let limits = ComponentLimits::from_map(&annotations);
        self.execs += 1;
        let runtime = if self.execs.is_multiple_of(2) {
            &self.deny
        } else {
            &self.allow
        };
        let started = self.tokio.block_on(runtime.start_component(
            "fuzz",
            ComponentSource::Bytes(Vec::new().into()),
            1,
            BTreeMap::new(),
            annotations,
        ));
        let outcome = match &started {
            Ok(()) => panic!("a component started from empty bytes"),
            Err(HostError::GrantDenied { .. }) => "denied",
            Err(HostError::InvalidConfig(_)) => "invalid",
            // The grants passed; the empty bytes did not compile.
            Err(_) => "granted",
        };
        signature(outcome, &format!("{}", limits.is_ok()))
    }
}
