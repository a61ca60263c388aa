//! The documentation's curl examples are true: each `$ curl` line of a section (a `## `
//! heading starts one) of the README and of every page under `docs/` runs, in order, against
//! a local server on a fresh demo database (one per section), and the output shown under it
//! must appear in what curl printed - each `...` standing for anything, the shown pieces in
//! order. Examples whose command holds a placeholder (`...`) are not run.

use std::process::Command;

use test_support::app::TestApp;

/// A page of documentation, and how many runnable examples it holds at least.
struct Page {
    name: &'static str,
    text: &'static str,
    examples: usize,
}

/// Every page whose examples run: the README and each `docs/*.md` (a test below checks
/// that none is missing).
const PAGES: &[Page] = &[
    Page {
        name: "README.md",
        text: include_str!("../../README.md"),
        examples: 3,
    },
    Page {
        name: "docs/api.md",
        text: include_str!("../../docs/api.md"),
        examples: 14,
    },
    Page {
        name: "docs/architecture.md",
        text: include_str!("../../docs/architecture.md"),
        examples: 0,
    },
    Page {
        name: "docs/authentication.md",
        text: include_str!("../../docs/authentication.md"),
        examples: 0,
    },
    Page {
        name: "docs/behaviour.md",
        text: include_str!("../../docs/behaviour.md"),
        examples: 0,
    },
    Page {
        name: "docs/configuration.md",
        text: include_str!("../../docs/configuration.md"),
        examples: 0,
    },
    Page {
        name: "docs/lambda.md",
        text: include_str!("../../docs/lambda.md"),
        examples: 0,
    },
    Page {
        name: "docs/proof.md",
        text: include_str!("../../docs/proof.md"),
        examples: 0,
    },
    Page {
        name: "docs/scaling.md",
        text: include_str!("../../docs/scaling.md"),
        examples: 0,
    },
];

/// The runnable examples over all pages; fewer means a block stopped being found.
const ALL_EXAMPLES: usize = 14;

const DOCUMENTED_ADDR: &str = "http://127.0.0.1:9000";

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
            let app = TestApp::sqlite();
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

/// A page added under `docs/` has its examples run too: it must be listed in `PAGES`.
#[test]
fn every_docs_page_is_listed() {
    let docs = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs");
    let mut missing = Vec::new();
    for entry in std::fs::read_dir(&docs).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        let name = format!("docs/{name}");
        if name.ends_with(".md") && !PAGES.iter().any(|page| page.name == name) {
            missing.push(name);
        }
    }
    assert!(missing.is_empty(), "not in PAGES: {missing:?}");
}

#[test]
fn the_matcher_needs_every_piece_in_order() {
    let shown = vec!["{\"a\":1,...,\"c\":3".to_string(), "...}".to_string()];
    assert!(shows(&shown, "{\"a\":1,\"b\":2,\"c\":3}").is_ok());
    assert!(shows(&shown, "{\"c\":3,\"a\":1}").is_err());
    assert!(shows(&["null".to_string()], "{}").is_err());
}
