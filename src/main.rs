//! The `chat-pickup` binary: the Lambda runtime when `AWS_LAMBDA_RUNTIME_API` is set,
//! otherwise the local server and admin commands.

use std::process::ExitCode;

use clap::Parser;

use chat_pickup::cli::{self, Cli};

fn main() -> ExitCode {
    chat_pickup::memory::return_large_blocks();
    // SAFETY: the runtime (and every other thread) starts after this, in `run`.
    unsafe { cli::unset_empty_settings() };
    run()
}

#[tokio::main]
async fn run() -> ExitCode {
    let on_lambda = std::env::var_os("AWS_LAMBDA_RUNTIME_API").is_some();
    chat_pickup::logging::init(on_lambda);
    // On Lambda there are no arguments: the settings come from the environment.
    let cli = if on_lambda {
        Cli::parse_from(["chat-pickup", "serve"])
    } else {
        Cli::parse()
    };
    match cli::run(cli, on_lambda).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) if on_lambda => {
            tracing::error!(%error, "chat-pickup failed");
            ExitCode::FAILURE
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
