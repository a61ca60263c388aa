//! The browser tests: `tests/browser/`, Node's test runner driving Debian's chromium through
//! puppeteer-core (which downloads no browser), against this build's binary. A customer on a
//! shop page and two agents on the console hold a whole conversation, a reload continues it,
//! refusals show what was refused, and axe-core finds no serious or critical violation on
//! either page; screenshots of every step go to `target/browser/`.
//!
//! Where Node.js 20, the tests' npm packages or chromium are missing, the test says so loudly
//! (on the real stderr, which the harness does not capture) and how to install them, and
//! skips - unless `CHAT_PICKUP_REQUIRE_BROWSER` is set, as `.ci/run` sets it, and then it
//! fails.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

const REQUIRE: &str = "CHAT_PICKUP_REQUIRE_BROWSER";

/// Skips, loudly - or fails, where the browser tests are required.
fn missing(what: &str) {
    let notice = format!("the browser tests cannot run: {what}");
    assert!(
        std::env::var_os(REQUIRE).is_none(),
        "{notice} ({REQUIRE} is set)"
    );
    let _ = writeln!(std::io::stderr(), "\n*** SKIPPED: {notice} ***\n");
}

/// `node`, when it is Node.js 20 or newer.
fn node() -> Result<&'static str, String> {
    let version = Command::new("node")
        .arg("--version")
        .output()
        .map_err(|_| "Node.js is not installed (apt-get install nodejs npm)".to_string())?;
    let text = String::from_utf8_lossy(&version.stdout).trim().to_string();
    let major: u32 = text
        .trim_start_matches('v')
        .split('.')
        .next()
        .and_then(|major| major.parse().ok())
        .unwrap_or(0);
    if major < 20 {
        return Err(format!("Node.js 20 or newer is needed, found {text:?}"));
    }
    Ok("node")
}

/// Chromium: `CHROME_PATH`, else Debian's `/usr/bin/chromium`.
fn chromium() -> Result<PathBuf, String> {
    let path = std::env::var_os("CHROME_PATH")
        .map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from);
    if path.is_file() {
        Ok(path)
    } else {
        Err(format!(
            "no chromium at {} (apt-get install chromium, or set CHROME_PATH to a Chrome or Chromium)",
            path.display()
        ))
    }
}

#[test]
fn the_widget_and_the_console_work_in_chromium() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = root.join("tests/browser");
    let node = match node() {
        Ok(node) => node,
        Err(why) => return missing(&why),
    };
    for package in ["puppeteer-core", "axe-core"] {
        if !dir.join("node_modules").join(package).is_dir() {
            return missing(&format!(
                "tests/browser/node_modules/{package} is missing (cd tests/browser && npm ci)"
            ));
        }
    }
    let chrome = match chromium() {
        Ok(chrome) => chrome,
        Err(why) => return missing(&why),
    };
    let mut stories: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| name.ends_with(".test.mjs"))
        .collect();
    stories.sort();
    assert!(!stories.is_empty(), "no tests/browser/*.test.mjs");
    // Beside the build's other output: target/browser.
    let artifacts = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .unwrap()
        .join("browser");

    let output = Command::new(node)
        .current_dir(&dir)
        .args([
            "--test",
            "--test-reporter=spec",
            "--test-concurrency=1",
            "--test-timeout=180000",
        ])
        .args(&stories)
        .env("CHAT_PICKUP_BIN", env!("CARGO_BIN_EXE_chat-pickup"))
        .env("CHROME_PATH", &chrome)
        .env("CHAT_PICKUP_ARTIFACTS", &artifacts)
        .output()
        .unwrap();
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        output.status.success(),
        "the browser tests failed ({}; screenshots in {}):\n{report}",
        output.status,
        artifacts.display()
    );
    println!("{report}");
}
