//! Which PostgreSQL server and how to reach it: a `postgres://` / `postgresql://` URL in
//! libpq's form, and TLS for it.
//!
//! `sslmode=require` (or libpq's `verify-ca` / `verify-full`) is TLS with the server's
//! certificate verified against the platform's roots plus any `sslrootcert` bundle (RDS's
//! CA bundle, for instance) - stricter than libpq's `require`, which does not verify.
//! `disable` and `prefer` (the default) connect without TLS: name `require` for a server
//! across a network.

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use rustls::RootCertStore;
use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject;
use tokio_postgres::config::SslMode;

/// A parsed connection URL. Its `Debug` and `Display` never show the password.
#[derive(Clone)]
pub struct PgTarget {
    pub config: tokio_postgres::Config,
    /// `sslrootcert`: a PEM file of extra CAs to trust.
    root_cert: Option<String>,
}

impl PgTarget {
    /// Whether `text` names a PostgreSQL database rather than a SQLite file.
    pub fn is_url(text: &str) -> bool {
        text.starts_with("postgres://") || text.starts_with("postgresql://")
    }

    /// Whether connections use TLS.
    pub fn uses_tls(&self) -> bool {
        self.config.get_ssl_mode() == SslMode::Require
    }

    /// The TLS client settings for `sslmode=require`: the platform's roots and `sslrootcert`.
    pub fn tls(&self) -> Result<rustls::ClientConfig, String> {
        let mut roots = RootCertStore::empty();
        let native = rustls_native_certs::load_native_certs();
        for error in &native.errors {
            tracing::warn!(%error, "a platform certificate could not be read");
        }
        roots.add_parsable_certificates(native.certs);
        if let Some(path) = &self.root_cert {
            let certificates = CertificateDer::pem_file_iter(path)
                .and_then(|certificates| certificates.collect::<Result<Vec<_>, _>>())
                .map_err(|error| format!("sslrootcert {path}: {error}"))?;
            roots.add_parsable_certificates(certificates);
        }
        if roots.is_empty() {
            return Err(
                "sslmode=require, but no trusted certificate authority was found \
                        (no platform roots, no sslrootcert)"
                    .into(),
            );
        }
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        Ok(rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|error| error.to_string())?
            .with_root_certificates(roots)
            .with_no_client_auth())
    }

    /// Host, port and database, for the log.
    fn describe(&self) -> String {
        let hosts: Vec<String> = self
            .config
            .get_hosts()
            .iter()
            .map(|host| match host {
                tokio_postgres::config::Host::Tcp(name) => name.clone(),
                tokio_postgres::config::Host::Unix(path) => path.display().to_string(),
            })
            .collect();
        let ports: Vec<String> = self.config.get_ports().iter().map(u16::to_string).collect();
        format!(
            "postgres://{}:{}/{}",
            hosts.join(","),
            ports.join(","),
            self.config.get_dbname().unwrap_or("")
        )
    }
}

impl FromStr for PgTarget {
    type Err = String;

    /// libpq's URL form; `sslmode=verify-ca|verify-full` read as `require` (which verifies
    /// here), `sslrootcert` taken out for our TLS settings.
    fn from_str(url: &str) -> Result<Self, String> {
        let (base, query) = url.split_once('?').unwrap_or((url, ""));
        let mut root_cert = None;
        let mut kept = Vec::new();
        for pair in query.split('&').filter(|pair| !pair.is_empty()) {
            match pair.split_once('=') {
                Some(("sslrootcert", path)) => root_cert = Some(path.to_string()),
                Some(("sslmode", "verify-ca" | "verify-full")) => kept.push("sslmode=require"),
                _ => kept.push(pair),
            }
        }
        let url = if kept.is_empty() {
            base.to_string()
        } else {
            format!("{base}?{}", kept.join("&"))
        };
        let config = tokio_postgres::Config::from_str(&url)
            .map_err(|error| format!("not a PostgreSQL URL: {error}"))?;
        Ok(Self { config, root_cert })
    }
}

impl fmt::Display for PgTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe())
    }
}

impl fmt::Debug for PgTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_libpq_urls_and_hides_the_password() {
        let target: PgTarget =
            "postgresql://chat:s3cret@db.example:6432/queue?sslmode=verify-full&sslrootcert=/x.pem"
                .parse()
                .unwrap();
        assert_eq!(target.config.get_user(), Some("chat"));
        assert_eq!(target.config.get_dbname(), Some("queue"));
        assert_eq!(target.config.get_ports(), [6432]);
        assert!(target.uses_tls());
        assert_eq!(target.root_cert.as_deref(), Some("/x.pem"));
        for shown in [format!("{target}"), format!("{target:?}")] {
            assert!(!shown.contains("s3cret"), "{shown}");
        }
        let plain: PgTarget = "postgres://localhost/queue".parse().unwrap();
        assert!(!plain.uses_tls());
        assert!(PgTarget::is_url("postgres://x") && !PgTarget::is_url("chat.db"));
        let bad = "postgres://h/db?sslmode=sometimes".parse::<PgTarget>();
        assert!(bad.is_err());
    }
}
