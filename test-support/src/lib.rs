//! What chat-pickup's tests, benchmarks and load tools share, so each is written once:
//!
//! - [`backend`]: one test database on either backend - a SQLite file in a temporary
//!   directory, or a database of its own on a throwaway PostgreSQL cluster ([`cluster`]) -
//!   with the stores the handler uses, the admin operations and plain SQL to look with;
//!   [`on_both!`] runs a test against each.
//! - [`app`]: the API tests' `TestApp` - a test database on either backend with the real
//!   handler in front of it - and [`given!`], which returns from a test where PostgreSQL is
//!   not installed; [`xml`] reads XML responses back and compares them with the JSON.
//! - [`credentials`]: the test agents' password (hashed once), Basic headers, rights.
//! - [`http`]: the local server on a loopback port, requests through the handler, what curl
//!   sends over a raw socket, and a keep-alive hyper client for load.
//! - [`proxy`]: a TCP proxy that cuts a database connection just after a `COMMIT`.
//! - [`receiver`]: a webhook receiver on a loopback port that keeps what it is sent.
//! - [`process`]: the real binary as a child process under a descriptor limit, and what
//!   /proc says of it (memory, descriptors, CPU time).

pub mod app;
pub mod backend;
pub mod cluster;
pub mod credentials;
pub mod http;
pub mod process;
pub mod proxy;
pub mod receiver;
pub mod xml;

pub use backend::Backend;
pub use cluster::Cluster;
