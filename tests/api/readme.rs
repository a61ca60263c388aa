//! The documentation's curl examples are true: each `$ curl` line of a section (a `## `
//! heading starts one) of the README and of every page under `docs/` runs, in order, against
//! a local server on a fresh demo database (one per section), and the output shown under it
//! must appear in what curl printed - each `...` standing for anything, the shown pieces in
//! order. Examples whose command holds a placeholder (`...`) are not run. The server is set
//! up as `serve --demo` sets it up, an XSRF secret included.

use std::process::Command;

use chat_pickup::auth::AuthConfig;
use test_support::app::TestApp;

use crate::pages::{PAGES, shows};

/// The runnable examples over all pages; fewer means a block stopped being found.
const ALL_EXAMPLES: usize = 28;

const DOCUMENTED_ADDR: &str = "http://127.0.0.1:9000";

/// Authentication as `serve --demo` sets it up: the default schemes, an XSRF secret drawn
/// for the run.
fn demo_auth() -> AuthConfig {
    AuthConfig {
        xsrf_secret: Some(b"the documentation's examples' XSRF secret".to_vec()),
        ..AuthConfig::default()
    }
}

/// One `$ curl` line (joined over `\` continuations) and the output shown under it.
#[derive(Debug)]
struct Example {
    command: String,
    shown: Vec<String>,
}

/// The runnable examples of one page, by section.
fn sections(text: &str) -> Vec<(String, Vec<Example>)> {
    // Anything before the first `## ` heading is a section of its own.
    let mut sections: Vec<(String, Vec<Example>)> = vec![("(top)".to_string(), Vec::new())];
    let mut in_block = false;
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        if let Some(title) = line.strip_prefix("## ") {
            sections.push((title.to_string(), Vec::new()));
        } else if line.starts_with("```") {
            in_block = !in_block && line == "```sh";
        } else if in_block && line.starts_with("$ curl") {
            let mut command = line[2..].to_string();
            while command.ends_with('\\') {
                command.pop();
                command.push_str(lines.next().unwrap_or_default().trim());
            }
            let mut shown = Vec::new();
            while let Some(next) = lines.peek() {
                if next.starts_with("$ ") || next.starts_with('#') || next.starts_with("```") {
                    break;
                }
                shown.push(lines.next().unwrap().trim().to_string());
            }
            if !command.contains("...") && !command.contains("chat-pickup") {
                let section = sections.last_mut().expect("there is always a section");
                section.1.push(Example { command, shown });
            }
        }
    }
    sections.retain(|(_, examples)| !examples.is_empty());
    sections
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_documented_curl_examples_print_what_the_pages_show() {
    let mut total = 0;
    for page in PAGES {
        let sections = sections(page.text);
        let count: usize = sections.iter().map(|(_, examples)| examples.len()).sum();
        assert!(
            count >= page.examples,
            "{}: {count} examples found, at least {} expected: {sections:?}",
            page.name,
            page.examples
        );
        total += count;
        for (title, examples) in sections {
            // As `serve --demo` runs: with an XSRF secret, so that pages sign in.
            let app = TestApp::sqlite().reconfigured(|app| app.with_auth(demo_auth()));
            chat_pickup::admin::demo::seed(app.admin.as_ref()).unwrap();
            let addr = format!("http://{}", app.serve().await);
            for example in examples {
                let command = example.command.replace(DOCUMENTED_ADDR, &addr);
                let output = tokio::task::spawn_blocking(move || {
                    Command::new("sh").arg("-c").arg(&command).output()
                })
                .await
                .unwrap()
                .expect("sh is installed");
                assert!(
                    output.status.success(),
                    "{}, {title}: {} failed ({}): {}",
                    page.name,
                    example.command,
                    output.status,
                    String::from_utf8_lossy(&output.stderr)
                );
                let printed = String::from_utf8_lossy(&output.stdout);
                if let Err(problem) = shows(&example.shown, &printed) {
                    panic!("{}, {title}: {}\n{problem}", page.name, example.command);
                }
            }
        }
    }
    assert!(
        total >= ALL_EXAMPLES,
        "{total} examples found over all pages, at least {ALL_EXAMPLES} expected"
    );
}
