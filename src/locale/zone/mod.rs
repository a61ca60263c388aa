//! Time zones: `SO-TimeZone`, `SO-Browser-TZ-Offset`, and instants printed in a zone.
//!
//! `SO-TimeZone` names a zone - a SuperOffice location code (`NO`, `US-NY`), its numeric id
//! (resolved against the store's `tzlocation` table), or an IANA name (`Europe/Oslo`) - and
//! may add `includeTZOffset` after a comma, or alone for the default zone with offsets.
//! Without the option an instant prints as local time without designator
//! (`2018-12-24T13:34:45`); with it, with the offset (`+01:00`, or `Z` for UTC).

use std::borrow::Cow;
use std::str::FromStr;

use chrono::{FixedOffset, Offset, TimeZone};
use chrono_tz::Tz;

mod request;

use super::HeaderError;

use crate::time::{Timestamp, dotnet};
pub use request::{Location, ZONE_FORMS, ZoneName, ZoneRequest};

/// A zone instants are printed in.
#[derive(Clone, Debug, PartialEq)]
pub struct Zone {
    /// What the `SO-TimeZone` response header says: an IANA name, `UTC`, or `UTC+05:30`.
    label: Cow<'static, str>,
    rule: Rule,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Rule {
    Named(Tz),
    Fixed(FixedOffset),
}

/// The largest browser offset accepted, in minutes: UTC-14:00 to UTC+14:00.
const MAX_OFFSET_MINUTES: i32 = 14 * 60;

impl Zone {
    pub const UTC: Zone = Zone {
        label: Cow::Borrowed("UTC"),
        rule: Rule::Named(Tz::UTC),
    };

    /// The IANA zone `name` (any case); `UTC` too.
    pub fn from_iana(name: &str) -> Option<Zone> {
        let name = name.trim();
        // IANA names are matched in any case, as SuperOffice matches its codes.
        let tz = Tz::from_str(name).ok().or_else(|| {
            chrono_tz::TZ_VARIANTS
                .into_iter()
                .find(|tz| tz.name().eq_ignore_ascii_case(name))
        })?;
        Some(Zone::named(tz))
    }

    fn named(tz: Tz) -> Zone {
        if tz == Tz::UTC {
            return Zone::UTC;
        }
        Zone {
            label: Cow::Borrowed(tz.name()),
            rule: Rule::Named(tz),
        }
    }

    /// `SO-Browser-TZ-Offset`: the browser's offset in whole minutes east of UTC.
    pub fn from_browser_offset(value: &str) -> Result<Zone, HeaderError> {
        let minutes = value
            .trim()
            .parse::<i32>()
            .ok()
            .filter(|minutes| minutes.abs() <= MAX_OFFSET_MINUTES)
            .ok_or_else(|| HeaderError {
                header: "SO-Browser-TZ-Offset",
                problem: format!(
                    "{value:?} is not a UTC offset; send whole minutes east of UTC between \
                     -{MAX_OFFSET_MINUTES} and {MAX_OFFSET_MINUTES} (60 for UTC+01:00)"
                ),
            })?;
        let offset = FixedOffset::east_opt(minutes * 60).expect("within a day");
        let label = match minutes {
            0 => Cow::Borrowed("UTC"),
            _ => Cow::Owned(format!("UTC{offset}")),
        };
        Ok(Zone {
            label,
            rule: Rule::Fixed(offset),
        })
    }

    /// Whether this is only an offset (the browser's, now) rather than a zone with rules. A
    /// date printed in it must carry the offset: the reader's own clock may be on another
    /// (summer or winter) offset at that date, and would place a bare local time wrongly.
    pub fn is_offset_only(&self) -> bool {
        matches!(self.rule, Rule::Fixed(_))
    }

    pub fn label(&self) -> &str {
        &self.label
    }

    /// `at` in this zone, .NET style; with `offset`, followed by `+01:00` or `Z`.
    pub fn render(&self, at: Timestamp, offset: bool) -> String {
        let (local, seconds_east) = match self.rule {
            Rule::Named(tz) => {
                let local = tz.from_utc_datetime(&at.utc().naive_utc());
                (local.naive_local(), local.offset().fix().local_minus_utc())
            }
            Rule::Fixed(fixed) => {
                let local = fixed.from_utc_datetime(&at.utc().naive_utc());
                (local.naive_local(), fixed.local_minus_utc())
            }
        };
        let mut text = dotnet(local);
        if offset {
            match seconds_east {
                0 => text.push('Z'),
                east => text.push_str(
                    &FixedOffset::east_opt(east)
                        .expect("a real offset")
                        .to_string(),
                ),
            }
        }
        text
    }
}

impl FromStr for Zone {
    type Err = String;

    /// A configured default zone: an IANA name or `UTC`.
    fn from_str(text: &str) -> Result<Zone, String> {
        Zone::from_iana(text).ok_or_else(|| {
            format!("{text:?} is not an IANA time zone name such as Europe/Oslo or UTC")
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use chrono::{TimeZone, Utc};

    fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> Timestamp {
        Timestamp::from_utc(Utc.with_ymd_and_hms(y, mo, d, h, mi, s).unwrap())
    }

    fn oslo() -> Zone {
        Zone::from_iana("Europe/Oslo").unwrap()
    }

    fn new_york() -> Zone {
        Zone::from_iana("america/new_york").unwrap()
    }

    #[test]
    fn offsets_follow_daylight_saving_time() {
        let cases = [
            // Oslo: CET +01:00, CEST +02:00 from 2026-03-29 01:00 UTC to 2026-10-25 01:00 UTC.
            (
                oslo(),
                at(2026, 1, 15, 12, 0, 0),
                "2026-01-15T13:00:00+01:00",
            ),
            (
                oslo(),
                at(2026, 7, 15, 12, 0, 0),
                "2026-07-15T14:00:00+02:00",
            ),
            (
                oslo(),
                at(2026, 3, 29, 0, 59, 59),
                "2026-03-29T01:59:59+01:00",
            ),
            (
                oslo(),
                at(2026, 3, 29, 1, 0, 0),
                "2026-03-29T03:00:00+02:00",
            ),
            // The repeated hour in autumn: 02:30 happens twice, with two offsets.
            (
                oslo(),
                at(2026, 10, 25, 0, 30, 0),
                "2026-10-25T02:30:00+02:00",
            ),
            (
                oslo(),
                at(2026, 10, 25, 1, 30, 0),
                "2026-10-25T02:30:00+01:00",
            ),
            // New York: EST -05:00, EDT -04:00 from 2026-03-08 07:00 UTC to 2026-11-01 06:00 UTC.
            (
                new_york(),
                at(2026, 3, 8, 6, 59, 0),
                "2026-03-08T01:59:00-05:00",
            ),
            (
                new_york(),
                at(2026, 3, 8, 7, 0, 0),
                "2026-03-08T03:00:00-04:00",
            ),
            (
                new_york(),
                at(2026, 11, 1, 5, 30, 0),
                "2026-11-01T01:30:00-04:00",
            ),
            (
                new_york(),
                at(2026, 11, 1, 6, 30, 0),
                "2026-11-01T01:30:00-05:00",
            ),
            (Zone::UTC, at(2026, 1, 1, 0, 0, 0), "2026-01-01T00:00:00Z"),
        ];
        for (zone, instant, expected) in cases {
            assert_eq!(zone.render(instant, true), expected, "{}", zone.label());
        }
    }

    #[test]
    fn without_the_option_local_time_has_no_designator() {
        assert_eq!(
            oslo().render(at(2026, 7, 15, 12, 0, 0), false),
            "2026-07-15T14:00:00"
        );
        assert_eq!(
            Zone::UTC.render(at(2026, 7, 15, 12, 0, 0), false),
            "2026-07-15T12:00:00"
        );
    }

    #[test]
    fn conversion_can_change_the_day() {
        assert_eq!(
            oslo().render(at(2026, 12, 31, 23, 30, 0), false),
            "2027-01-01T00:30:00"
        );
        assert_eq!(
            new_york().render(at(2026, 1, 1, 3, 0, 0), true),
            "2025-12-31T22:00:00-05:00"
        );
    }

    #[test]
    fn browser_offsets_are_fixed_zones() {
        let india = Zone::from_browser_offset("330").unwrap();
        assert_eq!(india.label(), "UTC+05:30");
        assert_eq!(
            india.render(at(2026, 1, 1, 0, 0, 0), true),
            "2026-01-01T05:30:00+05:30"
        );
        assert_eq!(
            Zone::from_browser_offset(" -300 ").unwrap().label(),
            "UTC-05:00"
        );
        let greenwich = Zone::from_browser_offset("0").unwrap();
        assert_eq!(greenwich.label(), "UTC");
        assert!(greenwich.is_offset_only() && india.is_offset_only());
        assert!(!Zone::UTC.is_offset_only());
        for bad in ["", "60.5", "abc", "841", "-900", "+-1", "99999999999"] {
            let error = Zone::from_browser_offset(bad).unwrap_err();
            assert_eq!(error.header, "SO-Browser-TZ-Offset", "{bad}");
        }
    }

    #[test]
    fn fractions_print_as_dotnet_does() {
        let instant = Timestamp::from_utc(
            Utc.with_ymd_and_hms(2026, 7, 1, 10, 0, 0).unwrap()
                + chrono::Duration::microseconds(123_400),
        );
        assert_eq!(
            oslo().render(instant, true),
            "2026-07-01T12:00:00.1234+02:00"
        );
    }
}
