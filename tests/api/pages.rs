//! The pages of documentation whose examples the tests run (`readme.rs` their curl lines,
//! `docs_commands.rs` their `chat-pickup` commands), and how an example's shown output is
//! matched against what it printed.

/// A page of documentation, and how many runnable curl examples it holds at least.
pub struct Page {
    pub name: &'static str,
    pub text: &'static str,
    /// The curl examples it holds at least (`readme.rs`).
    pub examples: usize,
}

/// Every page whose examples and commands run: the README and each `docs/*.md` (a test
/// below checks that none is missing).
pub const PAGES: &[Page] = &[
    Page {
        name: "README.md",
        text: include_str!("../../README.md"),
        examples: 6,
    },
    Page {
        name: "docs/api.md",
        text: include_str!("../../docs/api.md"),
        examples: 22,
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
        name: "docs/console.md",
        text: include_str!("../../docs/console.md"),
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
    Page {
        name: "docs/webhooks.md",
        text: include_str!("../../docs/webhooks.md"),
        examples: 0,
    },
    Page {
        name: "docs/widget.md",
        text: include_str!("../../docs/widget.md"),
        examples: 0,
    },
];

/// Whether the shown lines' pieces between `...` all appear in `output`, in order.
pub fn shows(shown: &[String], output: &str) -> Result<(), String> {
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

/// A page added under `docs/` has its examples and commands run too: it must be listed in
/// `PAGES`.
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
