//! Language-dependent output (spec section 6): which language, culture and time zone the
//! caller reads, and turning stored text and instants into what they read.
//!
//! - [`language`]: the twelve SuperOffice languages; `SO-Language` and `Accept-Language`.
//! - [`culture`]: `SO-Culture`; number and date formats from ICU4X.
//! - [`zone`]: `SO-TimeZone`, `SO-Browser-TZ-Offset`; instants in the caller's zone.
//! - [`LocaleRequest`]: all of these headers, parsed once.
//! - [`quality`]: the q-values `Accept-Language` shares with the HTTP layer's `Accept` and
//!   `Accept-Encoding`.
//! - `multilang`, [`encoded`]: multi-language values, `[SR_...]` references and encoded
//!   values (`[I:..]`, `[D:..]`...), applied by a [`Localizer`] to every string of a response.

pub mod culture;
pub mod encoded;
pub mod language;
mod localizer;
mod multilang;
pub mod quality;
mod request;
pub mod zone;

pub use culture::Culture;
pub use language::Language;
pub use localizer::{Localizer, Resources};
pub use multilang::resolve;
pub use request::LocaleRequest;
pub use zone::{Location, Zone, ZoneRequest};

/// A language, culture or time-zone header the caller must fix; the text says how.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeaderError {
    pub header: &'static str,
    pub problem: String,
}
