//! What is known about a request before it is served - its id and source, the negotiated
//! format, CORS, the language and zone headers, the coding - enough to answer any failure,
//! and the log line of one.

use std::net::IpAddr;
use std::sync::OnceLock;

use lambda_http::Request;

use super::cors::{self, Cors, Verdict};
use super::encoding::Coding;
use super::error::ApiError;
use super::negotiate::{self, Format, NegotiationError};
use super::request::request_id;
use super::source::{Forwarded, shown, source};
use crate::locale::{HeaderError, LocaleRequest, Zone};

/// What is known about a request before it is served: enough to answer any failure.
pub struct Exchange {
    pub request_id: String,
    /// The client's address, for the log.
    pub source: Option<IpAddr>,
    pub negotiated: Result<Format, NegotiationError>,
    /// The format of a problem body: the negotiated one, or a best guess when Accept failed.
    pub error_format: Format,
    pub origin: Verdict,
    /// For a customer route: the origin as its topic judges it ([`Verdict::for_customers`]).
    pub customer_origin: OnceLock<Verdict>,
    /// The operation the route names, once it is found (for the metrics).
    pub operation: OnceLock<&'static str>,
    pub preflight: bool,
    pub locale: Result<LocaleRequest, HeaderError>,
    /// How the body is compressed, if at all.
    pub coding: Option<Coding>,
    /// The zone as far as the headers tell, for responses that end before the store is asked.
    pub early_zone: Zone,
    /// Sent by a page's script (`Sec-Fetch-Mode` other than `navigate`), not by the browser
    /// for a page it goes to: a 401 offers it no Basic, which a browser would answer with its
    /// own login dialog.
    pub script: bool,
}

impl Exchange {
    /// Where the request comes from: as its route's topic judged it, else as configured.
    pub fn origin(&self) -> &Verdict {
        self.customer_origin.get().unwrap_or(&self.origin)
    }

    pub fn of(request: &Request, cors: &Cors, default_zone: &Zone, forwarded: Forwarded) -> Self {
        let negotiated = negotiate::negotiate(request.headers());
        let error_format = match &negotiated {
            Ok(format) => *format,
            Err(_) => negotiate::fallback(request.headers()),
        };
        let locale = LocaleRequest::parse(request.headers());
        let early_zone = locale.as_ref().map_or_else(
            |_| default_zone.clone(),
            |locale| locale.zone_before_lookup(default_zone),
        );
        Exchange {
            request_id: request_id(request),
            source: source(request, forwarded),
            negotiated,
            error_format,
            origin: cors.judge(request.uri(), request.headers()),
            customer_origin: OnceLock::new(),
            operation: OnceLock::new(),
            preflight: cors::is_preflight(request.method(), request.headers()),
            locale,
            early_zone,
            coding: Coding::negotiate(request.headers()),
            script: request
                .headers()
                .get("sec-fetch-mode")
                .is_some_and(|mode| mode.as_bytes() != b"navigate"),
        }
    }
}

impl Exchange {
    /// The log line of a request answered with `error`.
    pub fn log_failure(&self, error: &ApiError) {
        let request_id = self.request_id.as_str();
        let source = shown(self.source);
        let source = source.as_str();
        let status = error.status().as_u16();
        let detail = error.log_detail();
        if error.status().is_server_error() {
            tracing::error!(request_id, source, status, error = detail, "request failed");
        } else {
            tracing::info!(
                request_id,
                source,
                status,
                error = detail,
                "request refused"
            );
        }
    }
}
