//! Tenant names from the URL (`/{tenant}/api/v1/...`).

use std::fmt;

/// A tenant name: 1-64 of `[A-Za-z0-9_-]`. Nothing else can reach a file name, so a URL
/// cannot walk the file system (`..`, `/`, `.db` suffixes and the like are not tenants).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Tenant(String);

impl Tenant {
    pub fn parse(name: &str) -> Option<Self> {
        let valid = (1..=64).contains(&name.len())
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        valid.then(|| Self(name.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Tenant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_only_safe_names() {
        for good in ["Cust12345", "a", "tenant_one-2", &"x".repeat(64)] {
            assert!(Tenant::parse(good).is_some(), "{good}");
        }
        for bad in ["", "..", "a.db", "a/b", "ø", "a b", &"x".repeat(65)] {
            assert!(Tenant::parse(bad).is_none(), "{bad}");
        }
    }
}
