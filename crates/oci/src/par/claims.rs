//! A provider archive's `claims.jwt`: a JWT (`typ: jwt`, `alg: Ed25519`) signed by its
//! issuer's nkey, whose `wascap` claims name the provider and hold the SHA-256 of each
//! target binary (upper-case hex, keyed by target; `world.wasm` under that name).
//!
//! The signature is checked against the issuer's public key, so the hashes — and through
//! them the binaries — are exactly what the issuer signed. Who the issuer is, is not
//! judged here: that is the user's trust in the registry they pull from.

use std::collections::BTreeMap;

use base64::Engine as _;
use serde::Deserialize;

/// The signed claims of a provider archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchiveClaims {
    /// The provider's name (`wascap.name`), if it has one.
    pub name: Option<String>,
    /// Its vendor (`wascap.vendor`).
    pub vendor: String,
    /// Its version string (`wascap.ver`).
    pub version: Option<String>,
    /// Its revision (`wascap.rev`).
    pub revision: Option<i32>,
    /// The public nkey that signed the claims (`iss`, an account key).
    pub issuer: String,
    /// The provider's own public nkey (`sub`, a service key).
    pub subject: String,
    /// Not valid before (`nbf`, seconds since the epoch), if set.
    pub not_before: Option<u64>,
    /// Expiry (`exp`, seconds since the epoch), if set.
    pub expires: Option<u64>,
    /// SHA-256 (upper-case hex) of each file, keyed by target (`x86_64-linux`) or
    /// `world.wasm`.
    pub(crate) hashes: BTreeMap<String, String>,
}

#[derive(Deserialize)]
struct Header {
    #[serde(default)]
    alg: String,
}

#[derive(Deserialize)]
struct Body {
    iss: String,
    sub: String,
    #[serde(default)]
    nbf: Option<u64>,
    #[serde(default)]
    exp: Option<u64>,
    #[serde(default)]
    wascap: Option<Metadata>,
}

#[derive(Deserialize)]
struct Metadata {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    vendor: String,
    #[serde(default)]
    rev: Option<i32>,
    #[serde(default)]
    ver: Option<String>,
    #[serde(default)]
    target_hashes: BTreeMap<String, String>,
}

/// Decodes `jwt` and checks its signature; the error says what is wrong with it.
pub(crate) fn decode(jwt: &str) -> Result<ArchiveClaims, String> {
    let jwt = jwt.trim();
    let segments: Vec<&str> = jwt.split('.').collect();
    let [header, body, signature] = segments.as_slice() else {
        return Err(format!(
            "its claims.jwt is not a JWT ({} dot-separated parts, expected 3)",
            segments.len()
        ));
    };
    let header: Header = segment(header, "header")?;
    if header.alg != "Ed25519" {
        return Err(format!(
            "its claims.jwt is signed with {:?}, not Ed25519",
            header.alg
        ));
    }
    let claims: Body = segment(body, "claims")?;
    let signature = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(signature.trim_end_matches('='))
        .map_err(|e| format!("its claims.jwt signature is not base64url: {e}"))?;
    let issuer = nkeys::KeyPair::from_public_key(&claims.iss).map_err(|e| {
        format!(
            "its claims.jwt issuer {:?} is not a public nkey: {e}",
            claims.iss
        )
    })?;
    let signed = &jwt[..jwt.rfind('.').expect("three segments")];
    issuer.verify(signed.as_bytes(), &signature).map_err(|_| {
        format!(
            "its claims.jwt signature does not verify against its issuer {}",
            claims.iss
        )
    })?;
    let metadata = claims
        .wascap
        .ok_or("its claims.jwt has no wascap claims (not a provider's claims)")?;
    Ok(ArchiveClaims {
        name: metadata.name,
        vendor: metadata.vendor,
        version: metadata.ver,
        revision: metadata.rev,
        issuer: claims.iss,
        subject: claims.sub,
        not_before: claims.nbf,
        expires: claims.exp,
        hashes: metadata.target_hashes,
    })
}

fn segment<T: serde::de::DeserializeOwned>(text: &str, what: &str) -> Result<T, String> {
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(text.trim_end_matches('='))
        .map_err(|e| format!("its claims.jwt {what} is not base64url: {e}"))?;
    serde_json::from_slice(&bytes).map_err(|e| format!("its claims.jwt {what} does not parse: {e}"))
}

/// A signed `claims.jwt` for tests: `name`, and `hashes` as given.
#[cfg(test)]
pub(crate) fn sign_for_test(name: &str, hashes: &BTreeMap<String, String>) -> String {
    let issuer = nkeys::KeyPair::new_account();
    let subject = nkeys::KeyPair::new_service();
    let encode = |value: serde_json::Value| {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(value.to_string())
    };
    let header = encode(serde_json::json!({"typ": "jwt", "alg": "Ed25519"}));
    let body = encode(serde_json::json!({
        "jti": "test", "iat": 0, "iss": issuer.public_key(), "sub": subject.public_key(),
        "wascap": {"name": name, "vendor": "trellis-tests", "ver": "0.1.0",
                   "target_hashes": hashes},
    }));
    let signed = format!("{header}.{body}");
    let signature = issuer.sign(signed.as_bytes()).unwrap();
    format!(
        "{signed}.{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(signature)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signed_token_decodes_and_a_forged_one_does_not() {
        let hashes = BTreeMap::from([("x86_64-linux".to_owned(), "AB".to_owned())]);
        let jwt = sign_for_test("counter", &hashes);
        let claims = decode(&jwt).unwrap();
        assert_eq!(claims.name.as_deref(), Some("counter"));
        assert_eq!(claims.vendor, "trellis-tests");
        assert_eq!(claims.hashes, hashes);
        assert!(claims.issuer.starts_with('A') && claims.subject.starts_with('V'));

        // Claims of another token under this one's signature.
        let other = sign_for_test("evil", &hashes);
        let mut parts: Vec<&str> = jwt.split('.').collect();
        parts[1] = other.split('.').nth(1).unwrap();
        let err = decode(&parts.join(".")).unwrap_err();
        assert!(err.contains("does not verify"), "{err}");

        let err = decode("not a token").unwrap_err();
        assert!(err.contains("not a JWT"), "{err}");
    }
}
