//! JWT access tokens (`Authorization: Bearer eyJ...`), checked against a configured JWKS.
//!
//! Only asymmetric keys are trusted - RS256 for RSA keys, ES256 for P-256 keys - and a token
//! must name the algorithm of the key it claims: `alg: none`, HMAC algorithms (such as an
//! HS256 token "signed" with a public key) and keys of another kind are refused. `exp` is
//! required; `exp` and `nbf` are checked with a small leeway for clock skew; `iss` and `aud`
//! when configured. The claim named in the configuration (default `sub`) is the associate's
//! login name.

use std::collections::HashMap;

use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, JwkSet};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::{Map, Value};

/// Seconds of clock skew tolerated for `exp` and `nbf`.
pub const LEEWAY_SECONDS: u64 = 30;

/// How JWTs are checked.
#[derive(Clone)]
pub struct JwtConfig {
    /// Trusted keys by key id (`""` for a key without one), with their algorithm.
    keys: HashMap<String, (Algorithm, DecodingKey)>,
    issuer: Option<String>,
    audience: Option<String>,
    claim: String,
}

impl std::fmt::Debug for JwtConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JwtConfig")
            .field("keys", &self.keys.keys().collect::<Vec<_>>())
            .field("issuer", &self.issuer)
            .field("audience", &self.audience)
            .field("claim", &self.claim)
            .finish()
    }
}

impl JwtConfig {
    /// From a JWKS document (`{"keys": [...]}`). Keys that are not RSA or P-256 are refused,
    /// so that no configuration can trust a symmetric key by accident.
    pub fn from_jwks(
        jwks: &str,
        issuer: Option<String>,
        audience: Option<String>,
        claim: String,
    ) -> Result<JwtConfig, String> {
        let set: JwkSet =
            serde_json::from_str(jwks).map_err(|error| format!("not a JWKS document: {error}"))?;
        let mut keys = HashMap::new();
        for jwk in &set.keys {
            let kid = jwk.common.key_id.clone().unwrap_or_default();
            let algorithm = match &jwk.algorithm {
                AlgorithmParameters::RSA(_) => Algorithm::RS256,
                AlgorithmParameters::EllipticCurve(ec) if ec.curve == EllipticCurve::P256 => {
                    Algorithm::ES256
                }
                _ => {
                    return Err(format!(
                        "key {kid:?}: only RSA (RS256) and P-256 (ES256) keys are accepted"
                    ));
                }
            };
            let key =
                DecodingKey::from_jwk(jwk).map_err(|error| format!("key {kid:?}: {error}"))?;
            if keys.insert(kid.clone(), (algorithm, key)).is_some() {
                return Err(format!("key id {kid:?} appears twice"));
            }
        }
        if keys.is_empty() {
            return Err("the JWKS holds no keys".into());
        }
        Ok(JwtConfig {
            keys,
            issuer,
            audience,
            claim,
        })
    }

    /// The login name the token vouches for; `None` for any token that does not verify.
    pub fn login(&self, token: &str) -> Option<String> {
        let header = jsonwebtoken::decode_header(token).ok()?;
        let kid = header.kid.as_deref().unwrap_or("");
        let (algorithm, key) = self.keys.get(kid)?;
        if header.alg != *algorithm {
            return None;
        }
        let mut validation = Validation::new(*algorithm);
        validation.leeway = LEEWAY_SECONDS;
        validation.validate_nbf = true;
        validation.set_required_spec_claims(&["exp"]);
        if let Some(issuer) = &self.issuer {
            validation.set_issuer(&[issuer]);
        }
        match &self.audience {
            Some(audience) => validation.set_audience(&[audience]),
            None => validation.validate_aud = false,
        }
        let claims = jsonwebtoken::decode::<Map<String, Value>>(token, key, &validation).ok()?;
        match claims.claims.get(&self.claim)? {
            Value::String(login) if !login.is_empty() => Some(login.clone()),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RSA_KEY: &str = r#"{"kty":"RSA","kid":"r1","n":"sXchDaQebHnPiGvyDOAT4saGEUetSyo9MKLOoWFsueri23bOdgWp4Dy1WlUzewbgBHod5pcM9H95GQRV3JDXboIRROSBigeC5yjU1hGzHHyXss8UDprecbAYxknTcQkhslANGRUZmdTOQ5qTRsLAt6BTYuyvVRdhS8exSZEy_c4gs_7svlJJQ4H9_NxsiIoLwAEk7-Q3UXERGYw_75IDrGA84-lA_-Ct4eTlXHBIY2EaV7t7LjJaynVJCpkv4LKjTTAumiGUIuQhrNhZLuF_RJLqHpM2kgWFLU7-VTdL1VbC2tejvcI2BlMkEpk1BzBZI0KQB0GaDWFLN-aEAw3vRw","e":"AQAB"}"#;

    fn config(jwks: &str) -> Result<JwtConfig, String> {
        JwtConfig::from_jwks(jwks, None, None, "sub".into())
    }

    #[test]
    fn only_asymmetric_keys_are_trusted() {
        assert!(config(&format!(r#"{{"keys":[{RSA_KEY}]}}"#)).is_ok());
        let refused = [
            r#"{"keys":[{"kty":"oct","kid":"h","k":"c2VjcmV0"}]}"#.to_string(),
            r#"{"keys":[]}"#.to_string(),
            format!(r#"{{"keys":[{RSA_KEY},{RSA_KEY}]}}"#),
            "not json".to_string(),
            r#"{"keys":[{"kty":"EC","kid":"e","crv":"P-384","x":"AA","y":"AA"}]}"#.to_string(),
        ];
        for jwks in refused {
            assert!(config(&jwks).is_err(), "{jwks}");
        }
    }

    #[test]
    fn what_is_not_a_signed_token_names_nobody() {
        let config = config(&format!(r#"{{"keys":[{RSA_KEY}]}}"#)).unwrap();
        for token in [
            "",
            "abc",
            "a.b.c",
            "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ0amUwIn0.",
        ] {
            assert_eq!(config.login(token), None, "{token}");
        }
    }
}
