//! The keys tokens may be signed with: the shared HS256 secret and the public
//! keys of a JWKS document, each bound to the one algorithm it allows.

use std::collections::HashMap;

use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, Jwk, JwkSet, KeyAlgorithm};
use jsonwebtoken::{Algorithm, DecodingKey};

/// A verification key and the only algorithm a token signed with it may name.
#[derive(Clone)]
pub struct BoundKey {
    pub algorithm: Algorithm,
    pub key: DecodingKey,
}

#[derive(Debug, thiserror::Error)]
pub enum JwksError {
    #[error("the JWKS document is not valid JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("the JWKS document has no usable RS256 or ES256 signing key")]
    NoUsableKey,
}

/// The public keys of a JWKS document, by `kid`. Keys without a `kid`, for
/// encryption only, or of other types and curves are skipped: the platform
/// accepts RS256 and ES256 from a JWKS and nothing else.
#[derive(Clone, Default)]
pub struct JwksKeys {
    by_kid: HashMap<String, BoundKey>,
}

impl JwksKeys {
    pub fn parse(document: &[u8]) -> Result<Self, JwksError> {
        let set: JwkSet = serde_json::from_slice(document)?;
        let by_kid: HashMap<String, BoundKey> = set
            .keys
            .iter()
            .filter_map(|jwk| Some((jwk.common.key_id.clone()?, bind(jwk)?)))
            .collect();
        if by_kid.is_empty() {
            return Err(JwksError::NoUsableKey);
        }
        Ok(Self { by_kid })
    }

    pub fn get(&self, kid: &str) -> Option<&BoundKey> {
        self.by_kid.get(kid)
    }

    pub fn len(&self) -> usize {
        self.by_kid.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_kid.is_empty()
    }
}

/// The algorithm a JWK allows: its `alg` when given (it must agree with the
/// key type), else the one its type implies.
fn bind(jwk: &Jwk) -> Option<BoundKey> {
    if jwk
        .common
        .public_key_use
        .as_ref()
        .is_some_and(|usage| *usage != jsonwebtoken::jwk::PublicKeyUse::Signature)
    {
        return None;
    }
    let implied = match &jwk.algorithm {
        AlgorithmParameters::RSA(_) => Algorithm::RS256,
        AlgorithmParameters::EllipticCurve(params) if params.curve == EllipticCurve::P256 => {
            Algorithm::ES256
        }
        _ => return None,
    };
    let declared = match jwk.common.key_algorithm {
        None => implied,
        Some(KeyAlgorithm::RS256) => Algorithm::RS256,
        Some(KeyAlgorithm::ES256) => Algorithm::ES256,
        Some(_) => return None,
    };
    if declared != implied {
        return None;
    }
    Some(BoundKey {
        algorithm: declared,
        key: DecodingKey::from_jwk(jwk).ok()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skips_keys_it_would_never_accept() {
        let document = br#"{"keys":[
            {"kty":"oct","kid":"shared","k":"c2VjcmV0"},
            {"kty":"EC","kid":"p384","crv":"P-384","x":"AA","y":"AA"}
        ]}"#;
        assert!(matches!(
            JwksKeys::parse(document),
            Err(JwksError::NoUsableKey)
        ));
    }

    #[test]
    fn refuses_garbage() {
        assert!(matches!(JwksKeys::parse(b"nope"), Err(JwksError::Json(_))));
    }
}
