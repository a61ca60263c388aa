//! The documentation's `chat-pickup` commands work as written: every command of the binary
//! shown in a ```` ```sh ```` block of the README and of every page under `docs/` runs
//! through `sh -c`, text unchanged, against the real binary (found as `chat-pickup` on
//! `PATH`) on a fresh SQLite database, one per page, and must succeed. A page that does not
//! run `chat-pickup demo` itself gets the demo data first, which the pages assume (agent
//! `tje0`, topic `Sales`); a page that does runs its commands in order on an empty database.
//! Under a `$ `-style command, the output shown must appear in what it printed - each `...`
//! standing for anything, the shown pieces in order, as for the curl examples (`readme.rs`).

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::{Command, Output};

use crate::pages::{PAGES, shows};

/// The commands run over all pages; fewer means a block stopped being found.
const ALL_COMMANDS: usize = 23;

/// `CHAT_PICKUP_XSRF_SECRET` for every command: a deployment setting like the database, and
/// `admin issue-ticket --xsrf` (docs/authentication.md) refuses to run without one.
const XSRF_SECRET: &str = "docs-commands-test-xsrf-secret-0123456789";

/// A command shown on a page (joined over `\` continuations, without its trailing comment)
/// and, for a `$ `-style one, the output shown under it.
#[derive(Debug, PartialEq)]
struct Shown {
    command: String,
    output: Vec<String>,
}

/// Whether `line` begins a command of the binary, written bare or after a `$ ` prompt.
fn begins_command(line: &str) -> Option<(bool, &str)> {
    match line.strip_prefix("$ ") {
        Some(command) => command
            .starts_with("chat-pickup ")
            .then_some((true, command)),
        None => line.starts_with("chat-pickup ").then_some((false, line)),
    }
}

/// The runnable `chat-pickup` commands of one page's ```` ```sh ```` blocks, in order.
fn commands(text: &str) -> Vec<Shown> {
    let mut commands = Vec::new();
    let mut in_block = false;
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        if line.starts_with("```") {
            in_block = !in_block && line == "```sh";
            continue;
        }
        let Some((prompted, first)) = begins_command(line).filter(|_| in_block) else {
            continue;
        };
        let mut command = first.to_string();
        while command.ends_with('\\') && lines.peek().is_some_and(|next| !next.starts_with("```")) {
            command.pop();
            command = format!("{} {}", command.trim_end(), lines.next().unwrap().trim());
        }
        let command = without_comment(&command).to_string();
        let mut output = Vec::new();
        if prompted {
            // Shown output runs up to the next command (of any program) or the block's end;
            // a line that is all comment is a remark, not output.
            while let Some(next) = lines.peek() {
                if next.starts_with("$ ")
                    || next.starts_with("```")
                    || begins_command(next).is_some()
                {
                    break;
                }
                let next = lines.next().unwrap().trim();
                if !next.starts_with('#') {
                    output.push(without_comment(next).to_string());
                }
            }
        }
        // A placeholder (`--db postgres://...`) stands for something the reader supplies, so
        // the command cannot run as written.
        if !command.contains("...") {
            commands.push(Shown { command, output });
        }
    }
    commands
}

/// `line` without a trailing shell comment: a `#` that begins a word outside quotes.
fn without_comment(line: &str) -> &str {
    let mut quote = None;
    let mut escaped = false;
    let mut word_boundary = true;
    for (at, c) in line.char_indices() {
        let boundary = c.is_whitespace() && !escaped && quote.is_none();
        if escaped {
            escaped = false;
        } else if c == '\\' && quote != Some('\'') {
            escaped = true;
        } else if let Some(open) = quote {
            if c == open {
                quote = None;
            }
        } else if c == '\'' || c == '"' {
            quote = Some(c);
        } else if c == '#' && word_boundary {
            return line[..at].trim_end();
        }
        word_boundary = boundary;
    }
    line.trim_end()
}

/// A temporary directory with a `chat-pickup` on `PATH` and a database of its own.
struct Sandbox {
    dir: tempfile::TempDir,
    path: OsString,
    db: PathBuf,
}

impl Sandbox {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let bin = dir.path().join("bin");
        std::fs::create_dir(&bin).unwrap();
        std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_chat-pickup"), bin.join("chat-pickup"))
            .unwrap();
        let inherited = std::env::var_os("PATH").unwrap_or_default();
        let path =
            std::env::join_paths(std::iter::once(bin).chain(std::env::split_paths(&inherited)))
                .unwrap();
        let db = dir.path().join("chat-pickup.db");
        Self { dir, path, db }
    }

    /// Runs `command` as written, in the sandbox, with only the settings chosen here.
    fn run(&self, command: &str) -> Output {
        let mut sh = Command::new("sh");
        sh.arg("-c").arg(command).current_dir(self.dir.path());
        for (name, _) in std::env::vars_os() {
            if name.to_string_lossy().starts_with("CHAT_PICKUP_") {
                sh.env_remove(name);
            }
        }
        sh.env("PATH", &self.path)
            .env("CHAT_PICKUP_DB", &self.db)
            .env("CHAT_PICKUP_XSRF_SECRET", XSRF_SECRET)
            .output()
            .expect("sh is installed")
    }

    /// Runs `command` and insists it succeeded; returns what it printed.
    fn succeed(&self, page: &str, command: &str) -> String {
        let output = self.run(command);
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        assert!(
            output.status.success(),
            "{page}: `{command}` failed ({})\n--- stdout:\n{stdout}\n--- stderr:\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
        stdout
    }
}

#[test]
fn the_documented_commands_run_and_print_what_the_pages_show() {
    let mut total = 0;
    for page in PAGES {
        let (page, commands) = (page.name, commands(page.text));
        println!("{page}: {} commands", commands.len());
        if commands.is_empty() {
            continue;
        }
        let sandbox = Sandbox::new();
        if !commands
            .iter()
            .any(|shown| shown.command == "chat-pickup demo")
        {
            sandbox.succeed(page, "chat-pickup demo");
        }
        for shown in &commands {
            let printed = sandbox.succeed(page, &shown.command);
            total += 1;
            if let Err(problem) = shows(&shown.output, &printed) {
                panic!(
                    "{page}: `{}` printed other than shown\n{problem}",
                    shown.command
                );
            }
        }
    }
    println!("{total} commands ran");
    assert!(
        total >= ALL_COMMANDS,
        "{total} commands ran over all pages, at least {ALL_COMMANDS} expected"
    );
}

#[test]
fn commands_are_joined_over_continuations_without_comments_or_placeholders() {
    let text = "\
```sh
chat-pickup admin add-topic --name 'A # B' \\
    --welcome \"Hi\"   # a comment
$ chat-pickup admin issue-token --user tje0
8A:...   # the token
# a remark
$ curl -s http://127.0.0.1:9000/
chat-pickup --db postgres://... demo
cargo run -- chat-pickup demo
```
```text
chat-pickup demo
```
";
    let shown = |command: &str, output: &[&str]| Shown {
        command: command.to_string(),
        output: output.iter().map(|line| line.to_string()).collect(),
    };
    assert_eq!(
        commands(text),
        [
            shown(
                "chat-pickup admin add-topic --name 'A # B' --welcome \"Hi\"",
                &[]
            ),
            shown("chat-pickup admin issue-token --user tje0", &["8A:..."]),
        ]
    );
    assert!(shows(&["8A:...".to_string()], "8A:xyz\n").is_ok());
    assert!(shows(&["7T:...".to_string()], "8A:xyz\n").is_err());
}
