//! Instants in UTC, as stored and as printed.
//!
//! The store keeps date-times as fixed-width UTC text with microseconds, so text order is
//! time order and SQLite's date functions can read them. Printing follows .NET's round-trip
//! style, which SuperOffice clients parse: no zone designator, up to seven fractional digits
//! with trailing zeros dropped.

use chrono::{DateTime, NaiveDateTime, SubsecRound, Utc};
use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};

const STORED: &str = "%Y-%m-%d %H:%M:%S%.6f";

/// .NET's `DateTime.MinValue`: what SuperOffice prints for a date that was never set.
pub const NEVER: &str = "0001-01-01T00:00:00";
/// The same with a UTC designator, printed when the caller asked for offsets.
pub const NEVER_UTC: &str = "0001-01-01T00:00:00Z";

/// A UTC instant with microsecond precision.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Timestamp(DateTime<Utc>);

impl Timestamp {
    /// The current time, truncated to what the store keeps.
    pub fn now() -> Self {
        Self(Utc::now().trunc_subsecs(6))
    }

    pub fn from_utc(at: DateTime<Utc>) -> Self {
        Self(at.trunc_subsecs(6))
    }

    pub fn utc(&self) -> DateTime<Utc> {
        self.0
    }

    /// Parses the stored form (`2024-05-01 12:00:00.000000`).
    pub fn parse_stored(text: &str) -> Option<Self> {
        NaiveDateTime::parse_from_str(text, STORED)
            .ok()
            .map(|naive| Self(naive.and_utc()))
    }

    pub fn to_stored(&self) -> String {
        self.0.format(STORED).to_string()
    }

    /// Whole milliseconds from `earlier` to `self`; negative if `earlier` is later.
    pub fn millis_since(&self, earlier: Timestamp) -> i64 {
        (self.0 - earlier.0).num_milliseconds()
    }

    /// The instant `span` before this one; the earliest there is if that is before it.
    pub fn before(&self, span: std::time::Duration) -> Timestamp {
        let span = chrono::Duration::from_std(span).unwrap_or(chrono::Duration::MAX);
        Self(
            self.0
                .checked_sub_signed(span)
                .unwrap_or(DateTime::<Utc>::MIN_UTC),
        )
    }

    /// The instant `span` after this one; the latest there is if that is past it.
    pub fn after(&self, span: std::time::Duration) -> Timestamp {
        let span = chrono::Duration::from_std(span).unwrap_or(chrono::Duration::MAX);
        Self(
            self.0
                .checked_add_signed(span)
                .unwrap_or(DateTime::<Utc>::MAX_UTC),
        )
    }

    /// The UTC time in .NET's round-trip form without a zone designator.
    pub fn to_dotnet(&self) -> String {
        dotnet(self.0.naive_utc())
    }
}

/// .NET's round-trip form without a zone designator: `2018-12-24T12:34:45.1234` - up to
/// seven fractional digits (100 ns ticks), trailing zeros dropped.
pub fn dotnet(at: NaiveDateTime) -> String {
    let whole = at.format("%Y-%m-%dT%H:%M:%S").to_string();
    let ticks = at.and_utc().timestamp_subsec_nanos() / 100;
    if ticks == 0 {
        return whole;
    }
    let fraction = format!("{ticks:07}");
    format!("{whole}.{}", fraction.trim_end_matches('0'))
}

impl ToSql for Timestamp {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.to_stored()))
    }
}

impl FromSql for Timestamp {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let text = value.as_str()?;
        Self::parse_stored(text)
            .ok_or_else(|| FromSqlError::Other(format!("not a stored date-time: {text:?}").into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(nanos: u32) -> Timestamp {
        Timestamp(
            Utc.with_ymd_and_hms(2018, 12, 24, 12, 34, 45).unwrap()
                + chrono::Duration::nanoseconds(nanos.into()),
        )
    }

    #[test]
    fn before_subtracts_and_never_overflows() {
        let hour = std::time::Duration::from_secs(3600);
        assert_eq!(
            at(0).before(hour).utc(),
            at(0).utc() - chrono::Duration::hours(1)
        );
        assert_eq!(at(0).before(std::time::Duration::ZERO), at(0));
        assert_eq!(
            at(0).before(std::time::Duration::MAX).utc(),
            DateTime::<Utc>::MIN_UTC
        );
    }

    #[test]
    fn prints_like_dotnet() {
        assert_eq!(at(0).to_dotnet(), "2018-12-24T12:34:45");
        assert_eq!(at(123_400_000).to_dotnet(), "2018-12-24T12:34:45.1234");
        assert_eq!(at(100).to_dotnet(), "2018-12-24T12:34:45.0000001");
    }

    #[test]
    fn stored_form_round_trips_and_sorts() {
        let early = at(5_000);
        let late = at(120_000_000);
        assert_eq!(Timestamp::parse_stored(&early.to_stored()), Some(early));
        assert!(early.to_stored() < late.to_stored());
        assert_eq!(early.to_stored().len(), late.to_stored().len());
    }

    #[test]
    fn now_keeps_microseconds_only() {
        let now = Timestamp::now();
        assert_eq!(now.utc().timestamp_subsec_nanos() % 1_000, 0);
        assert_eq!(Timestamp::parse_stored(&now.to_stored()), Some(now));
    }
}
