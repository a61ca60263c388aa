//! The culture numbers and dates are formatted in (`SO-Culture`), with ICU4X and CLDR data.
//!
//! A culture is a BCP 47 tag whose language is one of ours ([`super::Language`]): `nb-NO`,
//! `en-GB`, `de-CH`, or a bare language (`sv`). It defaults to the language's own culture
//! (`en` formats as `en-US`).
//!
//! The CLDR data is compiled in from `cldr/`: decimal and Gregorian date/time formats for our
//! twelve languages and their regional variants only (ICU4X's stock data holds every locale
//! and is several times larger). `tools/icu-data` regenerates it.

use std::str::FromStr;

use fixed_decimal::{Decimal, SignedRoundingMode, UnsignedRoundingMode};
use icu_calendar::{Date, Gregorian};
use icu_datetime::FixedCalendarDateTimeFormatter;
use icu_datetime::fieldsets::{T, YMD, YMDT};
use icu_datetime::options::YearStyle;
use icu_decimal::DecimalFormatter;
use icu_locale_core::Locale;
use icu_time::{DateTime, Time};

use super::HeaderError;
use super::language::{self, Language, accepted_forms};

use cldr::Cldr;

mod cldr {
    //! ICU4X's data provider over the compiled-in CLDR data (generated code).
    #![allow(clippy::all)]
    include!("cldr/mod.rs");

    pub(super) struct Cldr;
    impl_data_provider!(Cldr);
}

#[derive(Clone, Debug, PartialEq)]
pub struct Culture {
    tag: String,
    locale: Locale,
}

impl Culture {
    /// The culture named by `tag`, which must be a valid tag in one of our languages.
    pub fn parse(tag: &str) -> Result<Culture, String> {
        let tag = tag.trim().replace('_', "-");
        let mut locale =
            Locale::from_str(&tag).map_err(|_| format!("{tag:?} is not a culture tag"))?;
        let language = locale.id.language.as_str().to_string();
        let language = Language::from_iso(&language)
            .or_else(|| Language::from_prefix(&language))
            .ok_or_else(|| format!("{tag:?} is not in a language this service has"))?;
        // CLDR knows Norwegian as Bokmål (nb); `no` alone would fall back to the root locale.
        if locale.id.language.as_str() != "nn" {
            locale.id.language = language
                .default_culture()
                .split('-')
                .next()
                .and_then(|code| code.parse().ok())
                .unwrap_or(locale.id.language);
        }
        if locale.id.region.is_none() {
            return Culture::parse(language.default_culture())
                .map(|default| Culture { tag, ..default });
        }
        Ok(Culture { tag, locale })
    }

    /// `SO-Culture`: `None` when empty (the language's culture applies).
    pub fn from_header(value: &str) -> Result<Option<Culture>, HeaderError> {
        let value = value.trim();
        if language::is_off(value) {
            return Ok(None);
        }
        Culture::parse(value)
            .map(Some)
            .map_err(|problem| HeaderError {
                header: "SO-Culture",
                problem: format!("{problem}; send {}", accepted_forms()),
            })
    }

    /// The culture of `language` when nothing else names one.
    pub fn default_for(language: Language) -> Culture {
        Culture::parse(language.default_culture()).expect("default cultures are valid")
    }

    pub fn tag(&self) -> &str {
        &self.tag
    }

    /// `1234567` as `1 234 567`, `1,234,567`, `1.234.567`...
    pub fn number(&self, value: &Decimal) -> String {
        DecimalFormatter::try_new_unstable(&Cldr, (&self.locale).into(), Default::default())
            .map(|formatter| formatter.format(value).to_string())
            .unwrap_or_else(|_| value.to_string())
    }

    /// An amount with two decimals, rounded half away from zero as .NET's `N2` does.
    pub fn money(&self, value: &Decimal) -> String {
        let mut value = value.clone();
        value.round_with_mode(
            -2,
            SignedRoundingMode::Unsigned(UnsignedRoundingMode::HalfExpand),
        );
        value.absolute.pad_end(-2);
        self.number(&value)
    }

    /// The culture's short date with a four-digit year.
    pub fn date(&self, date: Date<Gregorian>) -> String {
        let fields = YMD::short().with_year_style(YearStyle::Full);
        FixedCalendarDateTimeFormatter::<Gregorian, _>::try_new_unstable(
            &Cldr,
            (&self.locale).into(),
            fields,
        )
        .map(|formatter| formatter.format(&date).to_string())
        .unwrap_or_else(|_| format!("{date:?}"))
    }

    pub fn date_time(&self, at: DateTime<Gregorian>) -> String {
        let fields = YMDT::short().with_year_style(YearStyle::Full);
        FixedCalendarDateTimeFormatter::<Gregorian, _>::try_new_unstable(
            &Cldr,
            (&self.locale).into(),
            fields,
        )
        .map(|formatter| formatter.format(&at).to_string())
        .unwrap_or_else(|_| format!("{at:?}"))
    }

    /// A time of day, to the minute or, with `seconds`, to the second.
    pub fn time(&self, time: Time, seconds: bool) -> String {
        let fields = if seconds { T::hms() } else { T::hm() };
        FixedCalendarDateTimeFormatter::<Gregorian, _>::try_new_unstable(
            &Cldr,
            (&self.locale).into(),
            fields,
        )
        .map(|formatter| formatter.format(&time).to_string())
        .unwrap_or_else(|_| format!("{time:?}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn culture(tag: &str) -> Culture {
        Culture::parse(tag).unwrap()
    }

    #[test]
    fn numbers_follow_the_culture() {
        let value = Decimal::from_str("1234567.5").unwrap();
        assert_eq!(culture("en-US").number(&value), "1,234,567.5");
        assert_eq!(culture("de").number(&value), "1.234.567,5");
        assert_eq!(culture("nb-NO").number(&value), "1\u{a0}234\u{a0}567,5");
        assert_eq!(culture("no").number(&value), "1\u{a0}234\u{a0}567,5");
        assert_eq!(culture("fr-FR").number(&value), "1\u{202f}234\u{202f}567,5");
        // Regional variants are in the compiled-in data too, not only the languages.
        assert_eq!(culture("de-CH").number(&value), "1'234'567.5");
        assert_eq!(culture("en-IN").number(&value), "12,34,567.5");
    }

    #[test]
    fn money_has_two_decimals_rounded_half_away_from_zero() {
        let en = culture("en");
        let money = |text: &str| en.money(&Decimal::from_str(text).unwrap());
        assert_eq!(money("1234.5"), "1,234.50");
        assert_eq!(money("0.125"), "0.13");
        assert_eq!(money("-0.125"), "-0.13");
        assert_eq!(money("7"), "7.00");
    }

    #[test]
    fn dates_and_times_follow_the_culture() {
        let date = Date::try_new_gregorian(2018, 12, 24).unwrap();
        assert_eq!(culture("en-US").date(date), "12/24/2018");
        assert_eq!(culture("nb").date(date), "24.12.2018");
        assert_eq!(culture("de").date(date), "24.12.2018");
        assert_eq!(culture("sv").date(date), "2018-12-24");
        assert_eq!(culture("en-GB").date(date), "24/12/2018");
        let time = Time::try_new(14, 52, 7, 0).unwrap();
        assert_eq!(culture("nb").time(time, false), "14:52");
        assert_eq!(culture("en").time(time, false), "2:52\u{202f}PM");
        assert_eq!(
            culture("de").date_time(DateTime { date, time }),
            "24.12.2018, 14:52:07"
        );
    }

    #[test]
    fn only_our_languages_are_cultures() {
        assert_eq!(culture("nb-NO").tag(), "nb-NO");
        assert_eq!(culture("en_GB").tag(), "en-GB");
        for bad in ["ja-JP", "x", "en-", "12", "de-DE-x-!"] {
            assert!(Culture::parse(bad).is_err(), "{bad}");
        }
        assert!(Culture::from_header("").unwrap().is_none());
        let error = Culture::from_header("ja").unwrap_err();
        assert_eq!(error.header, "SO-Culture");
    }
}
