//! Structured logs: JSON lines on Lambda (CloudWatch parses them), compact text locally.
//! The level comes from `RUST_LOG`, else Lambda's `AWS_LAMBDA_LOG_LEVEL`, else `info`.
//! `RUST_LOG` takes levels and per-module levels (`info,chat_pickup=debug`); the filter is
//! `Targets`, not `EnvFilter`, whose regular-expression engine would add about half a
//! megabyte to a binary that has to stay small for Lambda.

use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

pub fn init(on_lambda: bool) {
    let filter = ["RUST_LOG", "AWS_LAMBDA_LOG_LEVEL"]
        .iter()
        .filter_map(|name| std::env::var(name).ok())
        .find_map(|value| value.to_lowercase().parse::<Targets>().ok())
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
        builder.compact().finish().with(filter).init();
    }
}
