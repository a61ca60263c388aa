//! Structured logs: JSON lines on Lambda (CloudWatch parses them), compact text locally
//! (coloured on a terminal only).
//! The level comes from `RUST_LOG`, else Lambda's `AWS_LAMBDA_LOG_LEVEL`, else `info`.
//! `RUST_LOG` takes levels and per-module levels (`info,chat_pickup=debug`); the filter is
//! `Targets`, not `EnvFilter`, whose regular-expression engine would add about half a
//! megabyte to a binary that has to stay small for Lambda.

use std::io::IsTerminal;

use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

pub fn init(on_lambda: bool) {
    let filter = ["RUST_LOG", "AWS_LAMBDA_LOG_LEVEL"]
        .iter()
        .filter_map(|name| std::env::var(name).ok())
        .find_map(|value| parse_filter(&value))
        .unwrap_or_else(|| Targets::new().with_default(LevelFilter::INFO));
    let json = on_lambda
        || std::env::var("CHAT_PICKUP_LOG_FORMAT")
            .is_ok_and(|format| format.eq_ignore_ascii_case("json"));
    let builder = tracing_subscriber::fmt()
        .with_max_level(LevelFilter::TRACE)
        .with_writer(std::io::stderr);
    if json {
        builder
            .json()
            .with_current_span(false)
            .with_ansi(false)
            .finish()
            .with(filter)
            .init();
    } else {
        // Colours only for a terminal: a log file or a pipe gets plain text to search.
        let colours = std::io::stderr().is_terminal();
        builder
            .compact()
            .with_ansi(colours)
            .finish()
            .with(filter)
            .init();
    }
}

/// A filter from `RUST_LOG` syntax or a Lambda log level (`TRACE` ... `FATAL`, any case);
/// `None` for an empty or unreadable value, so that the default applies rather than silence.
fn parse_filter(value: &str) -> Option<Targets> {
    let value = value.trim().to_lowercase();
    let value = if value == "fatal" { "error" } else { &value };
    // Targets reads a bare word that is not a level as a module name with nothing enabled,
    // which would silence the log: only levels may stand alone.
    let readable = value.split(',').all(|directive| {
        directive.contains('=') || directive.trim().parse::<LevelFilter>().is_ok()
    });
    if value.is_empty() || !readable {
        return None;
    }
    value.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lambda_levels_and_rust_log_directives_are_read() {
        let level = |value| parse_filter(value).map(|targets| targets.default_level());
        assert_eq!(level("INFO"), Some(Some(LevelFilter::INFO)));
        assert_eq!(level("FATAL"), Some(Some(LevelFilter::ERROR)));
        assert_eq!(
            level("warn,chat_pickup=debug"),
            Some(Some(LevelFilter::WARN))
        );
        let targets = parse_filter("warn,chat_pickup=debug").unwrap();
        assert!(targets.would_enable("chat_pickup::handler", &tracing::Level::DEBUG));
        assert!(!targets.would_enable("hyper", &tracing::Level::INFO));
        assert!(parse_filter("").is_none() && parse_filter("  ").is_none());
        assert!(parse_filter("chat_pickup=loud").is_none());
        assert!(parse_filter("warning").is_none() && parse_filter("verbose").is_none());
    }
}
