//! What throttling counts by: a login name and a source address, each reduced to what an
//! attacker cannot vary for free.

use std::net::{IpAddr, Ipv6Addr};

use sha2::{Digest, Sha256};

use crate::account::secret;
use crate::account::tenant::Tenant;

/// A login name as typed, case folded and hashed: known and unknown names are counted
/// alike, and the store never keeps a name an attacker made up. The text is SHA-256 hex.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoginKey(String);

impl LoginKey {
    pub fn of(login: &str) -> Self {
        Self(secret::fingerprint(&login.to_lowercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A source address: IPv4 as it is, IPv6 by its /64 - the block one subscriber is given, so
/// that walking through it is still one source. No address (a test harness, an event without
/// one) is one source too.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SourceKey(Option<IpAddr>);

impl SourceKey {
    pub fn of(source: Option<IpAddr>) -> Self {
        Self(source.map(|address| match address.to_canonical() {
            IpAddr::V6(v6) => {
                let [a, b, c, d, ..] = v6.segments();
                IpAddr::V6(Ipv6Addr::new(a, b, c, d, 0, 0, 0, 0))
            }
            v4 => v4,
        }))
    }
}

/// One login name of one tenant from one source.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PairKey {
    login: [u8; 32],
    source: SourceKey,
}

impl PairKey {
    pub fn new(tenant: Option<&Tenant>, login: &LoginKey, source: SourceKey) -> Self {
        let mut digest = Sha256::new();
        digest.update(tenant.map_or("", Tenant::as_str));
        digest.update(b"\n");
        digest.update(login.as_str());
        Self {
            login: digest.finalize().into(),
            source,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(text: &str) -> SourceKey {
        SourceKey::of(Some(text.parse().unwrap()))
    }

    #[test]
    fn login_names_count_alike_in_any_case() {
        assert_eq!(LoginKey::of("TJE0"), LoginKey::of("tje0"));
        assert_ne!(LoginKey::of("tje0"), LoginKey::of("tje1"));
        assert_eq!(LoginKey::of("x").as_str().len(), 64);
    }

    #[test]
    fn an_ipv6_subscriber_is_one_source_and_mapped_ipv4_is_ipv4() {
        assert_eq!(source("2001:db8:1:2::1"), source("2001:db8:1:2:ffff::9"));
        assert_ne!(source("2001:db8:1:2::1"), source("2001:db8:1:3::1"));
        assert_eq!(source("::ffff:192.0.2.7"), source("192.0.2.7"));
        assert_ne!(source("192.0.2.7"), source("192.0.2.8"));
    }

    #[test]
    fn a_pair_is_per_tenant() {
        let login = LoginKey::of("tje0");
        let here = source("192.0.2.7");
        let acme = Tenant::parse("acme");
        assert_ne!(
            PairKey::new(None, &login, here),
            PairKey::new(acme.as_ref(), &login, here)
        );
        assert_eq!(
            PairKey::new(acme.as_ref(), &login, here),
            PairKey::new(acme.as_ref(), &LoginKey::of("TJE0"), here)
        );
    }
}
