//! An `Authorization` header read into typed credentials, before anything is looked up:
//! the scheme by name (any case), Basic's `base64(user:password)` decoded (RFC 7617), the
//! others' secrets trimmed. Pure, so the parser is fuzzed on its own (`fuzz/`).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::{AuthError, Scheme};

/// What an `Authorization` header carries. `Debug` shows the scheme only: secrets never
/// reach a log line or a panic message.
#[derive(Clone, PartialEq, Eq)]
pub enum Credentials {
    Basic(BasicCredentials),
    /// `SOTicket 7T:...`: the ticket.
    SoTicket(String),
    /// `Bearer ...`: an API token or a JWT.
    Bearer(String),
}

#[derive(Clone, PartialEq, Eq)]
pub struct BasicCredentials {
    /// The header's base64 text as sent: the key of the verified-password cache.
    pub encoded: String,
    pub login: String,
    pub password: String,
}

impl Credentials {
    /// Reads `header`; a scheme for which `enabled` is false is refused before its
    /// credentials are read.
    pub fn parse(header: &str, enabled: impl Fn(Scheme) -> bool) -> Result<Self, AuthError> {
        let header = header.trim();
        let (name, rest) = header.split_once(' ').unwrap_or((header, ""));
        let rest = rest.trim();
        let accepted: Vec<Scheme> = Scheme::IN_AUTHORIZATION
            .into_iter()
            .filter(|scheme| enabled(*scheme))
            .collect();
        let named = accepted
            .iter()
            .copied()
            .find(|scheme| scheme.name().eq_ignore_ascii_case(name));
        let scheme = named.ok_or(AuthError::UnsupportedScheme(accepted))?;
        Ok(match scheme {
            Scheme::Basic => Credentials::Basic(BasicCredentials::decode(rest)?),
            Scheme::SoTicket => Credentials::SoTicket(rest.to_string()),
            _ if rest.is_empty() => return Err(AuthError::Malformed("a Bearer token is missing")),
            _ => Credentials::Bearer(rest.to_string()),
        })
    }

    pub fn scheme(&self) -> Scheme {
        match self {
            Credentials::Basic(_) => Scheme::Basic,
            Credentials::SoTicket(_) => Scheme::SoTicket,
            Credentials::Bearer(_) => Scheme::Bearer,
        }
    }
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Credentials({}, redacted)", self.scheme().name())
    }
}

impl std::fmt::Debug for BasicCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "BasicCredentials({:?}, redacted)", self.login)
    }
}

impl BasicCredentials {
    /// The credentials a page's sign-in sends in its body: the same as the Basic header that
    /// would carry them, so that both share the cache, the verifications in flight and the
    /// counts of failures.
    pub fn new(login: &str, password: &str) -> Self {
        Self {
            encoded: STANDARD.encode(format!("{login}:{password}")),
            login: login.to_string(),
            password: password.to_string(),
        }
    }

    /// `dGplMDpUamUw` -> tje0 / Tje0. The password may contain colons; the login may not be
    /// empty.
    fn decode(encoded: &str) -> Result<Self, AuthError> {
        let bytes = STANDARD
            .decode(encoded)
            .map_err(|_| AuthError::Malformed("Basic credentials must be base64"))?;
        let text = String::from_utf8(bytes)
            .map_err(|_| AuthError::Malformed("Basic credentials must be UTF-8"))?;
        let (login, password) = text.split_once(':').ok_or(AuthError::Malformed(
            "Basic credentials must be user:password",
        ))?;
        if login.is_empty() {
            return Err(AuthError::Malformed("Basic credentials name no user"));
        }
        Ok(Self {
            encoded: encoded.to_string(),
            login: login.to_string(),
            password: password.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn basic(header: &str) -> Result<BasicCredentials, AuthError> {
        match Credentials::parse(header, |_| true)? {
            Credentials::Basic(basic) => Ok(basic),
            other => panic!("not Basic: {other:?}"),
        }
    }

    #[test]
    fn decodes_the_seed_sample() {
        let credentials = basic("Basic dGplMDpUamUw").unwrap();
        assert_eq!(
            (credentials.login.as_str(), credentials.password.as_str()),
            ("tje0", "Tje0")
        );
        assert_eq!(credentials.encoded, "dGplMDpUamUw");
    }

    #[test]
    fn a_sign_in_is_the_basic_header_that_would_carry_it() {
        let header = Credentials::parse("Basic dGplMDpUamUw", |_| true).unwrap();
        assert_eq!(
            header,
            Credentials::Basic(BasicCredentials::new("tje0", "Tje0"))
        );
    }

    #[test]
    fn a_password_may_contain_colons() {
        let encoded = STANDARD.encode("tje0:a:b:c");
        assert_eq!(
            basic(&format!("basic {encoded}")).unwrap().password,
            "a:b:c"
        );
    }

    #[test]
    fn rejects_what_is_not_user_colon_password() {
        for text in ["no colon", ":no user"] {
            let header = format!("Basic {}", STANDARD.encode(text));
            assert!(
                matches!(basic(&header), Err(AuthError::Malformed(_))),
                "{text}"
            );
        }
        assert!(matches!(basic("Basic !!!"), Err(AuthError::Malformed(_))));
    }

    #[test]
    fn debug_output_carries_no_secret() {
        let shown = format!(
            "{:?}",
            Credentials::parse("Basic dGplMDpUamUw", |_| true).unwrap()
        );
        assert!(
            !shown.contains("Tje0") && !shown.contains("dGplMDpUamUw"),
            "{shown}"
        );
        let shown = format!(
            "{:?}",
            Credentials::parse("Bearer 8A:secret", |_| true).unwrap()
        );
        assert!(!shown.contains("secret"), "{shown}");
    }

    #[test]
    fn schemes_are_named_in_any_case_and_a_disabled_one_is_unsupported() {
        let ticket = Credentials::parse("SoTicket 7T:abc", |_| true).unwrap();
        assert_eq!(ticket, Credentials::SoTicket("7T:abc".into()));
        assert_eq!(ticket.scheme(), Scheme::SoTicket);
        let refused = Credentials::parse("Basic !!!", |scheme| scheme != Scheme::Basic);
        assert!(
            matches!(&refused, Err(AuthError::UnsupportedScheme(accepted)) if !accepted.contains(&Scheme::Basic))
        );
        assert!(matches!(
            Credentials::parse("Bearer   ", |_| true),
            Err(AuthError::Malformed(_))
        ));
        assert!(matches!(
            Credentials::parse("Digest x", |_| true),
            Err(AuthError::UnsupportedScheme(_))
        ));
    }

    proptest! {
        #[test]
        fn any_header_parses_or_is_refused_without_panicking(header in "\\PC{0,80}") {
            let _ = Credentials::parse(&header, |_| true);
        }

        #[test]
        fn any_basic_pair_round_trips(login in "[^:\\x00]{1,20}", password in "\\PC{0,20}") {
            let encoded = STANDARD.encode(format!("{login}:{password}"));
            let credentials = basic(&format!("Basic {encoded}")).unwrap();
            prop_assert_eq!(credentials.login, login);
            prop_assert_eq!(credentials.password, password);
        }
    }
}
