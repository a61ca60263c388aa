//! SuperOffice's encoded values - `[I:123]`, `[F:123.4]`, `[M:123.45]`, `[D:12/24/2018]`,
//! `[DT:12/24/2018 14:52:07.0000000]`, `[T:14:52]` - formatted in a culture.
//!
//! Inside the brackets values are written in the invariant culture: a `.` before decimals,
//! dates as `MM/dd/yyyy` (as SuperOffice's CultureDataFormatter writes them). Dates are also
//! read as ISO `yyyy-MM-dd` and as `dd.MM.yyyy`, forms found in SuperOffice's own examples.
//! A value that does not parse is left as written, brackets and all.

use std::str::FromStr;

use fixed_decimal::Decimal;
use icu_calendar::{Date, Gregorian};
use icu_time::{DateTime, Time};

use super::Culture;

/// The formatted text of the encoded value `marker:body`; `None` if it is not one we format.
pub fn format(marker: &str, body: &str, culture: &Culture) -> Option<String> {
    let body = body.trim();
    match marker {
        "I" => body
            .parse::<i64>()
            .ok()
            .map(|value| culture.number(&Decimal::from(value))),
        "F" => decimal(body).map(|value| culture.number(&value)),
        "M" => decimal(body).map(|value| culture.money(&value)),
        "D" => date(body).map(|date| culture.date(date)),
        "DT" => date_time(body).map(|at| culture.date_time(at)),
        "T" => time(body).map(|(time, seconds)| culture.time(time, seconds)),
        _ => None,
    }
}

/// An invariant decimal: digits with an optional sign and one `.`.
fn decimal(text: &str) -> Option<Decimal> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let valid = !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && digits.bytes().filter(|&b| b == b'.').count() <= 1
        && digits.bytes().any(|b| b.is_ascii_digit());
    valid.then(|| Decimal::from_str(text).ok()).flatten()
}

fn date(text: &str) -> Option<Date<Gregorian>> {
    let numbers = |separator: char| -> Option<Vec<u32>> {
        let parts: Vec<&str> = text.split(separator).collect();
        let valid = parts.len() == 3
            && parts
                .iter()
                .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()));
        valid.then(|| parts.iter().map(|part| part.parse().ok()).collect())?
    };
    let (year, month, day) = if let Some(parts) = numbers('/') {
        (parts[2], parts[0], parts[1])
    } else if let Some(parts) = numbers('-') {
        (parts[0], parts[1], parts[2])
    } else {
        let parts = numbers('.')?;
        (parts[2], parts[1], parts[0])
    };
    let year = i32::try_from(year)
        .ok()
        .filter(|year| (1..=9999).contains(year))?;
    Date::try_new_gregorian(year, u8::try_from(month).ok()?, u8::try_from(day).ok()?).ok()
}

/// `HH:mm`, `HH:mm:ss` or `HH:mm:ss.fffffff`; `true` when seconds were given.
fn time(text: &str) -> Option<(Time, bool)> {
    let (clock, fraction) = text.split_once('.').unwrap_or((text, ""));
    if !fraction.bytes().all(|b| b.is_ascii_digit()) || fraction.len() > 9 {
        return None;
    }
    let parts: Vec<u8> = clock
        .split(':')
        .map(|part| {
            (part.len() == 2 || part.len() == 1)
                .then(|| part.parse().ok())
                .flatten()
        })
        .collect::<Option<_>>()?;
    let nanos = format!("{fraction:0<9}").parse().ok()?;
    match parts[..] {
        [hour, minute] if fraction.is_empty() => {
            Some((Time::try_new(hour, minute, 0, 0).ok()?, false))
        }
        [hour, minute, second] => Some((Time::try_new(hour, minute, second, nanos).ok()?, true)),
        _ => None,
    }
}

fn date_time(text: &str) -> Option<DateTime<Gregorian>> {
    let (day, clock) = text.split_once([' ', 'T'])?;
    Some(DateTime {
        date: date(day)?,
        time: time(clock.trim())?.0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn en(marker: &str, body: &str) -> Option<String> {
        format(marker, body, &Culture::parse("en-US").unwrap())
    }

    fn nb(marker: &str, body: &str) -> Option<String> {
        format(marker, body, &Culture::parse("nb-NO").unwrap())
    }

    #[test]
    fn every_marker_in_two_cultures() {
        assert_eq!(en("I", "1234").as_deref(), Some("1,234"));
        assert_eq!(nb("I", "-1234").as_deref(), Some("\u{2212}1\u{a0}234"));
        assert_eq!(en("F", "1234.5").as_deref(), Some("1,234.5"));
        assert_eq!(nb("F", "1234.5").as_deref(), Some("1\u{a0}234,5"));
        assert_eq!(en("M", "1234.5").as_deref(), Some("1,234.50"));
        assert_eq!(nb("M", "99.999").as_deref(), Some("100,00"));
        assert_eq!(en("D", "12/24/2018").as_deref(), Some("12/24/2018"));
        assert_eq!(nb("D", "12/24/2018").as_deref(), Some("24.12.2018"));
        assert_eq!(nb("D", "2018-12-24").as_deref(), Some("24.12.2018"));
        assert_eq!(nb("D", "09.11.2017").as_deref(), Some("09.11.2017"));
        assert_eq!(en("D", "09.11.2017").as_deref(), Some("11/9/2017"));
        assert_eq!(
            nb("DT", "04/28/2024 20:28:37.0000000").as_deref(),
            Some("28.04.2024, 20:28:37")
        );
        assert_eq!(
            nb("DT", "2024-04-28T20:28:37").as_deref(),
            Some("28.04.2024, 20:28:37")
        );
        assert_eq!(nb("T", "14:52").as_deref(), Some("14:52"));
        assert_eq!(en("T", "14:52").as_deref(), Some("2:52\u{202f}PM"));
        assert_eq!(nb("T", "14:52:07").as_deref(), Some("14:52:07"));
    }

    #[test]
    fn what_does_not_parse_is_not_formatted() {
        let bad = [
            ("I", "12a"),
            ("I", ""),
            ("I", "99999999999999999999"),
            ("F", "1,5"),
            ("F", "1.2.3"),
            ("F", "."),
            ("F", "1e5"),
            ("M", "abc"),
            ("D", "13/01/2018"),
            ("D", "02/30/2018"),
            ("D", "2018-12"),
            ("D", "12/24/0"),
            ("DT", "12/24/2018"),
            ("DT", "12/24/2018 25:00"),
            ("T", "24:00"),
            ("T", "14"),
            ("T", "14:52:07:01"),
            ("T", "14:5x"),
            ("TS", "500"),
            ("A", "3,4,5"),
            ("X", "1"),
        ];
        for (marker, body) in bad {
            assert_eq!(en(marker, body), None, "[{marker}:{body}]");
        }
    }
}
