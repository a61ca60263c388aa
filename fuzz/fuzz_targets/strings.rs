//! Stored strings through localization: multi-language values, `[SR_...]` references and
//! encoded values (`[I:]`, `[F:]`, `[M:]`, `[D:]`, `[DT:]`, `[T:]`), in every language.
#![no_main]

use std::collections::BTreeMap;

use chat_pickup::locale::{Culture, Language, Localizer, Resources, Zone, resolve};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    for language in Language::all() {
        let _ = resolve(text, language);
        let resources = Resources::new(BTreeMap::from([
            ("SR_PRIORITY_HIGH".to_string(), "High".to_string()),
            ("SR_NESTED".to_string(), text.to_string()),
        ]));
        let localizer = Localizer::new(Zone::UTC, false).translating(
            language,
            Culture::default_for(language),
            resources,
        );
        let _ = localizer.text(text);
    }
});
