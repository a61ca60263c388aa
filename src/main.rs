//! The `chat-pickup` binary. On Lambda (`AWS_LAMBDA_RUNTIME_API` is set) it runs the Lambda
//! runtime with settings from the environment; elsewhere it runs the command line's
//! command: the local server, `demo` or `admin`.

use std::process::ExitCode;

use chat_pickup::config::{Cli, LambdaSettings, env};
use chat_pickup::startup::{self, logging, memory};

fn main() -> ExitCode {
    memory::return_large_blocks();
    // SAFETY: the runtime (and every other thread) starts after this.
    unsafe { env::unset_empty_settings() };
    let runtime = match memory::runtime() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    if std::env::var_os("AWS_LAMBDA_RUNTIME_API").is_some() {
        runtime.block_on(on_lambda())
    } else {
        runtime.block_on(on_the_command_line())
    }
}

async fn on_lambda() -> ExitCode {
    logging::init(true);
    match startup::lambda(LambdaSettings::from_environment()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(%error, "chat-pickup failed");
            ExitCode::FAILURE
        }
    }
}

async fn on_the_command_line() -> ExitCode {
    logging::init(false);
    match startup::run(Cli::from_command_line()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
