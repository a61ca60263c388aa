//! The README's curl examples are true: each `$ curl` line of a section runs, in order,
//! against a local server on a fresh demo database (one per section), and the output shown
//! under it must appear in what curl printed - each `...` standing for anything, the shown
//! pieces in order. Examples whose command holds a placeholder (`...`) are not run.

use std::process::Command;

use test_support::app::TestApp;

const README: &str = include_str!("../../README.md");
const DOCUMENTED_ADDR: &str = "http://127.0.0.1:9000";

/// One `$ curl` line (joined over `\` continuations) and the output shown under it.
#[derive(Debug)]
struct Example {
    command: String,
    shown: Vec<String>,
}

/// The runnable examples, by README section.
fn sections() -> Vec<(String, Vec<Example>)> {
    let mut sections: Vec<(String, Vec<Example>)> = Vec::new();
    let mut in_block = false;
    let mut lines = README.lines().peekable();
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
                let section = sections.last_mut().expect("examples sit in a section");
                section.1.push(Example { command, shown });
            }
        }
    }
    sections.retain(|(_, examples)| !examples.is_empty());
    sections
}

/// Whether the shown lines' pieces between `...` all appear in `output`, in order.
fn shows(shown: &[String], output: &str) -> Result<(), String> {
    let output = output.replace("\r\n", "\n");
    let mut rest = output.as_str();
    for piece in shown
        .iter()
        .flat_map(|line| line.split("..."))
        .filter(|piece| !piece.is_empty())
    {
        let at = rest.find(piece).ok_or_else(|| {
            let rest: String = rest.chars().take(400).collect();
            format!("{piece:?} is not in what remains: {rest:?}...")
        })?;
        rest = &rest[at + piece.len()..];
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_readme_curl_examples_print_what_the_readme_shows() {
    let sections = sections();
    let count: usize = sections.iter().map(|(_, examples)| examples.len()).sum();
    assert!(
        count >= 7,
        "the README's examples were not found: {sections:?}"
    );
    for (title, examples) in sections {
        let app = TestApp::sqlite();
        chat_pickup::demo::seed(app.admin.as_ref()).unwrap();
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
                "README, {title}: {} failed ({}): {}",
                example.command,
                output.status,
                String::from_utf8_lossy(&output.stderr)
            );
            let printed = String::from_utf8_lossy(&output.stdout);
            if let Err(problem) = shows(&example.shown, &printed) {
                panic!("README, {title}: {}\n{problem}", example.command);
            }
        }
    }
}

#[test]
fn the_matcher_needs_every_piece_in_order() {
    let shown = vec!["{\"a\":1,...,\"c\":3".to_string(), "...}".to_string()];
    assert!(shows(&shown, "{\"a\":1,\"b\":2,\"c\":3}").is_ok());
    assert!(shows(&shown, "{\"c\":3,\"a\":1}").is_err());
    assert!(shows(&["null".to_string()], "{}").is_err());
}
