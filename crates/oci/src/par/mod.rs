//! Provider archives (`.par`, `.par.gz`): how wasmCloud 1.x ships capability providers.
//!
//! An archive is a tar (often gzipped) holding a signed `claims.jwt`, one executable per
//! target named `<arch>-<os>.bin` (`x86_64-linux.bin`, `aarch64-macos.bin`: Rust's
//! `std::env::consts` names, as wasmCloud picks them) and optionally `world.wasm`, the
//! provider's WIT. In a registry it is the one layer of type
//! [`PROVIDER_ARCHIVE_LAYER_MEDIA_TYPE`], with a config of type
//! [`PROVIDER_ARCHIVE_CONFIG_MEDIA_TYPE`].
//!
//! Reading checks everything before a binary is used: the claims' signature, and each
//! file's SHA-256 against the hash the claims hold for it. Nothing in an archive can make
//! the reader panic or read without bound: each entry is read at most up to a cap.

mod claims;

use std::collections::BTreeMap;
use std::io::Read;

use sha2::{Digest as _, Sha256};

pub use claims::ArchiveClaims;

use crate::OciError;

/// Layer media type of a provider archive in an OCI registry.
pub const PROVIDER_ARCHIVE_LAYER_MEDIA_TYPE: &str =
    "application/vnd.wasmcloud.provider.archive.layer.v1+par";

/// Config media type of a provider archive artifact.
pub const PROVIDER_ARCHIVE_CONFIG_MEDIA_TYPE: &str =
    "application/vnd.wasmcloud.provider.archive.config";

/// The default cap on an archive, and on any one file in it once decompressed
/// (a provider binary is native code, often tens of megabytes per target).
pub const MAX_PROVIDER_ARCHIVE_BYTES: u64 = 256 << 20;

/// The claims file at the archive's root.
const CLAIMS_FILE: &str = "claims.jwt";
/// The WIT file (`world.wasm`), hashed in the claims under this name.
const WORLD_FILE: &str = "world.wasm";
/// The claims file is small; a larger one is not a JWT.
const MAX_CLAIMS_BYTES: u64 = 1 << 20;

/// This machine's target as provider archives name it: `<arch>-<os>`.
pub fn native_target() -> String {
    format!("{}-{}", std::env::consts::ARCH, std::env::consts::OS)
}

/// Whether `bytes` start like a provider archive: gzip, or a tar header (`ustar` magic).
pub fn looks_like_archive(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0x1f, 0x8b]) || bytes.get(257..262) == Some(b"ustar")
}

/// What an archive holds, its signature and hashes checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchiveInfo {
    /// Its signed claims.
    pub claims: ArchiveClaims,
    /// The targets it has a binary for, sorted.
    pub targets: Vec<String>,
    /// Whether it holds the provider's WIT (`world.wasm`).
    pub has_wit: bool,
    /// Whether it is gzipped.
    pub compressed: bool,
}

/// The binary of one target, taken out of an archive.
#[derive(Debug, Clone)]
pub struct Extracted {
    /// What the archive holds.
    pub info: ArchiveInfo,
    /// The target taken.
    pub target: String,
    /// The binary's bytes (their SHA-256 is the one the claims hold).
    pub binary: Vec<u8>,
}

/// Reads the archive `bytes` (named `what` in errors), checking its claims and every
/// file's hash. Its files may add up to at most `max_bytes` once decompressed.
pub fn inspect(bytes: &[u8], what: &str, max_bytes: u64) -> Result<ArchiveInfo, OciError> {
    read(bytes, what, None, max_bytes).map(|(info, _)| info)
}

/// Takes the binary for `target` out of the archive `bytes` (see [`inspect`]); an
/// archive without one fails with [`OciError::NoProviderTarget`], which lists those it has.
pub fn extract(
    bytes: &[u8],
    what: &str,
    target: &str,
    max_bytes: u64,
) -> Result<Extracted, OciError> {
    let (info, binary) = read(bytes, what, Some(target), max_bytes)?;
    match binary {
        Some(binary) => Ok(Extracted {
            info,
            target: target.to_owned(),
            binary,
        }),
        None => Err(OciError::NoProviderTarget {
            what: what.to_owned(),
            target: target.to_owned(),
            targets: info.targets,
        }),
    }
}

/// One pass over the archive: the claims, every file's hash, and the bytes of `want`.
fn read(
    bytes: &[u8],
    what: &str,
    want: Option<&str>,
    max_bytes: u64,
) -> Result<(ArchiveInfo, Option<Vec<u8>>), OciError> {
    let bad = |reason: String| OciError::NotAProviderArchive {
        what: what.to_owned(),
        reason,
    };
    if !looks_like_archive(bytes) {
        return Err(bad(if bytes.starts_with(b"\0asm") {
            "it is WebAssembly, not a tar or gzip file".into()
        } else {
            "it is neither a tar nor a gzip file".into()
        }));
    }
    let compressed = bytes.starts_with(&[0x1f, 0x8b]);
    let input: Box<dyn Read + '_> = if compressed {
        Box::new(flate2::read::GzDecoder::new(bytes))
    } else {
        Box::new(bytes)
    };
    let mut archive = tar::Archive::new(input);
    let unreadable = |e: std::io::Error| bad(format!("it cannot be read ({e}); is it truncated?"));

    let mut jwt = None;
    let mut hashes: BTreeMap<String, String> = BTreeMap::new();
    let mut wanted = None;
    let mut unpacked = 0u64;
    for entry in archive.entries().map_err(unreadable)? {
        let mut entry = entry.map_err(unreadable)?;
        if !entry.header().entry_type().is_file() {
            continue;
        }
        let path = entry.path().map_err(unreadable)?.into_owned();
        let Some(file) = path.file_name().and_then(|n| n.to_str()).map(str::to_owned) else {
            continue;
        };
        if file == CLAIMS_FILE {
            if entry.size() > MAX_CLAIMS_BYTES {
                return Err(bad(format!(
                    "its claims.jwt is {} bytes, too large for claims",
                    entry.size()
                )));
            }
            let size = entry.size();
            let (_, text) = hash_entry(&mut entry, size, true).map_err(|e| {
                bad(format!(
                    "its claims.jwt cannot be read ({e}); is it truncated?"
                ))
            })?;
            jwt = Some(String::from_utf8_lossy(&text.unwrap_or_default()).into_owned());
            continue;
        }
        // wasmCloud names a file's target by its stem: `x86_64-linux.bin`.
        let key = if file == WORLD_FILE {
            file.clone()
        } else {
            file.split_once('.')
                .map_or(file.as_str(), |(stem, _)| stem)
                .to_owned()
        };
        // Bounds what a small gzip can make this read (its files' sizes are the tar's
        // claim; hash_entry reads no more than that).
        unpacked = unpacked.saturating_add(entry.size());
        if unpacked > max_bytes {
            return Err(bad(format!(
                "its files add up to more than the {max_bytes}-byte cap (at {file})"
            )));
        }
        let keep = want == Some(key.as_str());
        let size = entry.size();
        let (hash, kept) = hash_entry(&mut entry, size, keep)
            .map_err(|e| bad(format!("its {file} cannot be read ({e}); is it truncated?")))?;
        if keep {
            wanted = kept;
        }
        hashes.insert(key, hash);
    }

    let jwt = jwt.ok_or_else(|| bad("it holds no claims.jwt".into()))?;
    let claims = claims::decode(&jwt).map_err(bad)?;
    for (key, hash) in &hashes {
        match claims.hashes.get(key) {
            Some(signed) if signed.eq_ignore_ascii_case(hash) => {}
            Some(_) => {
                return Err(bad(format!(
                    "its {key} does not match the hash its claims signed (altered or corrupt)"
                )))
            }
            None => return Err(bad(format!("its {key} is not in its signed claims"))),
        }
    }
    let targets: Vec<String> = hashes
        .keys()
        .filter(|k| *k != WORLD_FILE)
        .cloned()
        .collect();
    if targets.is_empty() {
        return Err(bad("it holds no provider binary".into()));
    }
    let info = ArchiveInfo {
        has_wit: hashes.contains_key(WORLD_FILE),
        claims,
        targets,
        compressed,
    };
    Ok((info, wanted))
}

/// Upper-case hex SHA-256 of an entry of `size` bytes (as the claims write it), and its
/// bytes if `keep`. The caller has checked `size` against its cap; an entry whose data
/// ends early (a truncated archive) is an error.
fn hash_entry(
    entry: &mut impl Read,
    size: u64,
    keep: bool,
) -> std::io::Result<(String, Option<Vec<u8>>)> {
    let mut hasher = Sha256::new();
    let mut kept = keep.then(|| Vec::with_capacity(usize::try_from(size).unwrap_or(0)));
    let mut buffer = vec![0; 64 * 1024];
    let mut total = 0u64;
    let mut limited = entry.take(size);
    loop {
        let n = limited.read(&mut buffer)?;
        if n == 0 {
            break;
        }
        total += n as u64;
        hasher.update(&buffer[..n]);
        if let Some(kept) = &mut kept {
            kept.extend_from_slice(&buffer[..n]);
        }
    }
    if total != size {
        return Err(std::io::Error::other(format!(
            "it ends after {total} of its {size} bytes"
        )));
    }
    let hash = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect();
    Ok((hash, kept))
}

impl ArchiveInfo {
    /// The provider's name from its claims, else `provider`.
    pub fn name(&self) -> &str {
        self.claims.name.as_deref().unwrap_or("provider")
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// An archive of `files` (name, bytes) with claims signed over `hashed` (target,
    /// bytes), gzipped or not.
    pub(crate) fn archive(
        files: &[(&str, &[u8])],
        hashed: &[(&str, &[u8])],
        gzip: bool,
    ) -> Vec<u8> {
        let hashes = hashed
            .iter()
            .map(|(key, bytes)| {
                let hash: String = Sha256::digest(bytes)
                    .iter()
                    .map(|b| format!("{b:02X}"))
                    .collect();
                ((*key).to_owned(), hash)
            })
            .collect();
        let jwt = claims::sign_for_test("counter", &hashes);
        let mut builder = tar::Builder::new(Vec::new());
        let mut append = |name: &str, data: &[u8]| {
            let mut header = tar::Header::new_gnu();
            header.set_size(data.len() as u64);
            header.set_mode(0o644);
            header.set_cksum();
            builder.append_data(&mut header, name, data).unwrap();
        };
        append(CLAIMS_FILE, jwt.as_bytes());
        for (name, data) in files {
            append(name, data);
        }
        let tar = builder.into_inner().unwrap();
        if !gzip {
            return tar;
        }
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut encoder, &tar).unwrap();
        encoder.finish().unwrap()
    }

    const LINUX: &[u8] = b"\x7fELF linux binary";
    const MAC: &[u8] = b"\xcf\xfa\xed\xfe mac binary";

    fn both(gzip: bool) -> Vec<u8> {
        archive(
            &[("x86_64-linux.bin", LINUX), ("aarch64-macos.bin", MAC)],
            &[("x86_64-linux", LINUX), ("aarch64-macos", MAC)],
            gzip,
        )
    }

    #[test]
    fn the_binary_of_a_target_comes_out_of_plain_and_gzipped_archives() {
        for gzip in [false, true] {
            let bytes = both(gzip);
            assert!(looks_like_archive(&bytes));
            let taken = extract(&bytes, "p.par", "x86_64-linux", 1 << 20).unwrap();
            assert_eq!(taken.binary, LINUX);
            assert_eq!(taken.info.targets, ["aarch64-macos", "x86_64-linux"]);
            assert_eq!(taken.info.name(), "counter");
            assert_eq!(taken.info.compressed, gzip);
            assert!(!taken.info.has_wit);
        }
    }

    #[test]
    fn a_missing_target_is_named_with_the_targets_there_are() {
        let err = extract(&both(true), "p.par.gz", "riscv64-linux", 1 << 20)
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "p.par.gz has no binary for this machine (riscv64-linux); \
             it has: aarch64-macos, x86_64-linux"
        );
    }

    #[test]
    fn altered_truncated_and_foreign_archives_are_refused_naming_why() {
        let altered = archive(
            &[("x86_64-linux.bin", b"\x7fELF other code")],
            &[("x86_64-linux", LINUX)],
            false,
        );
        let unsigned = archive(&[("x86_64-linux.bin", LINUX)], &[], false);
        let whole = both(true);
        let truncated = &whole[..whole.len() / 2];
        let plain = both(false);
        let cut = &plain[..1024 + 100];
        let cases: [(&[u8], &str); 6] = [
            (&altered, "does not match the hash its claims signed"),
            (&unsigned, "x86_64-linux is not in its signed claims"),
            (truncated, "is it truncated?"),
            (cut, "is it truncated?"),
            (b"\0asm\x0d\0\x01\0", "it is WebAssembly"),
            (b"hello", "neither a tar nor a gzip file"),
        ];
        for (bytes, reason) in cases {
            let err = inspect(bytes, "p.par", 1 << 20).unwrap_err().to_string();
            assert!(
                err.starts_with("p.par is not a valid provider archive: ") && err.contains(reason),
                "{err}"
            );
        }
        let err = inspect(&both(false), "p.par", 8).unwrap_err().to_string();
        assert!(err.contains("more than the 8-byte cap"), "{err}");
    }
}
