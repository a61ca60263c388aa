//! Writes the CLDR data chat-pickup compiles in - decimal and Gregorian date/time formats -
//! trimmed to its twelve languages (with their regional variants), as ICU4X baked data.
//!
//! The source is ICU4X's own compiled data (the `*_data` crates), so no CLDR download is
//! needed; the export keeps only the locales and data markers chat-pickup uses.
//!
//! Usage (from the repository root):
//!   cargo run --release --manifest-path tools/icu-data/Cargo.toml -- src/locale/icu_data

extern crate alloc;

use icu::locale::fallback::LocaleFallbacker;
use icu_provider::prelude::*;
use icu_provider_export::baked_exporter::{BakedExporter, Options};
use icu_provider_export::prelude::*;

/// The ISO 639-1 codes of chat-pickup's languages (Norwegian under all three names).
const LANGUAGES: [&str; 14] = [
    "en", "no", "nb", "nn", "de", "sv", "da", "nl", "fr", "es", "it", "cs", "fi", "pl",
];

/// ICU4X's compiled data, iterable so that it can be exported.
struct Source;

const _: () = {
    // The ITER arms call their crate's helper macros unqualified.
    use icu_datetime_data::*;
    use icu_decimal_data::*;
    icu_decimal_data::make_provider!(Source);
    impl_decimal_symbols_v1!(Source, ITER);
    impl_decimal_digits_v1!(Source, ITER);
    impl_datetime_names_dayperiod_v1!(Source, ITER);
    impl_datetime_names_month_gregorian_v1!(Source, ITER);
    impl_datetime_names_weekday_v1!(Source, ITER);
    impl_datetime_names_year_gregorian_v1!(Source, ITER);
    impl_datetime_patterns_date_gregorian_v1!(Source, ITER);
    impl_datetime_patterns_glue_v1!(Source, ITER);
    impl_datetime_patterns_time_v1!(Source, ITER);
};

icu_provider::export::make_exportable_provider!(
    Source,
    [
        icu::decimal::provider::DecimalSymbolsV1,
        icu::decimal::provider::DecimalDigitsV1,
        icu::datetime::provider::names::DatetimeNamesDayperiodV1,
        icu::datetime::provider::names::DatetimeNamesMonthGregorianV1,
        icu::datetime::provider::names::DatetimeNamesWeekdayV1,
        icu::datetime::provider::names::DatetimeNamesYearGregorianV1,
        icu::datetime::provider::semantic_skeletons::DatetimePatternsDateGregorianV1,
        icu::datetime::provider::semantic_skeletons::DatetimePatternsGlueV1,
        icu::datetime::provider::semantic_skeletons::DatetimePatternsTimeV1,
    ]
);

fn main() {
    let out = std::env::args()
        .nth(1)
        .expect("usage: icu-data OUTPUT_DIRECTORY");
    let families = LANGUAGES.map(|code| {
        let locale: icu::locale::Locale = code.parse().expect("a valid language");
        DataLocaleFamily::with_descendants(DataLocale::from(&locale))
    });
    let mut options = Options::default();
    options.use_separate_crates = true;
    options.overwrite = true;
    let exporter = BakedExporter::new(out.into(), options).expect("an output directory");
    let markers = icu_provider::export::ExportableProvider::supported_markers(&Source);
    ExportDriver::new(
        families,
        DeduplicationStrategy::Maximal.into(),
        LocaleFallbacker::new().static_to_owned(),
    )
    .with_markers(markers)
    .export(&Source, exporter)
    .expect("the export");
}
