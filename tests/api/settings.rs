//! Settings through the environment, as SAM passes them: the real binary, a real process.

use std::process::Command;

/// A SAM parameter left empty arrives as an empty variable; numbers and choices included,
/// empty means unset rather than a start-up failure.
#[test]
fn empty_settings_are_unset_settings() {
    let dir = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_chat-pickup"))
        .args(["admin", "queue"])
        .env("CHAT_PICKUP_DB", dir.path().join("chat.db"))
        .env("CHAT_PICKUP_MAX_DB_MB", "")
        .env("CHAT_PICKUP_BUSY_TIMEOUT_MS", " ")
        .env("CHAT_PICKUP_SYNCHRONOUS", "")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );

    let refused = Command::new(env!("CARGO_BIN_EXE_chat-pickup"))
        .args(["admin", "queue"])
        .env("CHAT_PICKUP_DB", dir.path().join("chat.db"))
        .env("CHAT_PICKUP_MAX_DB_MB", "0")
        .output()
        .unwrap();
    assert!(!refused.status.success(), "a ceiling of 0 MiB is refused");
}
