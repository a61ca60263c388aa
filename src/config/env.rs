//! The environment's part: a SAM parameter left empty arrives as an empty variable, and
//! empty means unset for every setting.

/// Removes every `CHAT_PICKUP_*` variable that is empty - numbers and choices too, which
/// the parser would otherwise refuse.
///
/// # Safety
///
/// Changes the environment: call it before any other thread exists.
pub unsafe fn unset_empty_settings() {
    let empty: Vec<_> = std::env::vars_os()
        .filter(|(name, value)| {
            name.to_string_lossy().starts_with("CHAT_PICKUP_")
                && value.to_string_lossy().trim().is_empty()
        })
        .map(|(name, _)| name)
        .collect();
    for name in empty {
        // SAFETY: the caller guarantees no other thread reads the environment meanwhile.
        unsafe { std::env::remove_var(name) };
    }
}

/// A text setting, unless it is blank.
pub fn given(setting: &Option<String>) -> Option<&str> {
    setting.as_deref().filter(|value| !value.trim().is_empty())
}
