//! `Idempotency-Key` (the IETF httpapi draft): a client's name for one attempt at a change,
//! so that a retry after a lost answer gets the first attempt's outcome instead of a second
//! change.
//!
//! The draft makes the value a Structured Field string (RFC 8941): `"8e03978e-40d5"`. Many
//! clients send it bare, as Stripe's API taught them: `8e03978e-40d5`. Both are read; either
//! way the key is 1-255 printable ASCII characters, and a bare one has no spaces, commas,
//! semicolons or quotes (which would make it a list or parameters in a structured field).

use std::fmt;

/// The longest key kept.
pub const MAX_LEN: usize = 255;

/// A valid key: the string it names, unquoted.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    /// Reads a header value; the error says what is wrong with it.
    pub fn parse(value: &str) -> Result<Self, &'static str> {
        let value = value.trim_matches(|c| c == ' ' || c == '\t');
        let key = match value.strip_prefix('"') {
            Some(quoted) => unquote(quoted)?,
            None if value.bytes().all(bare) => value.to_string(),
            None => {
                return Err(
                    "a bare key may hold printable ASCII without spaces, commas, semicolons or quotes; quote it as \"...\" otherwise",
                );
            }
        };
        if key.is_empty() {
            return Err("the key is empty");
        }
        if key.len() > MAX_LEN {
            return Err("the key is longer than 255 characters");
        }
        Ok(Self(key))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for IdempotencyKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An RFC 8941 string after its opening quote: `\"` and `\\` escapes, printable ASCII, and
/// nothing after the closing quote.
fn unquote(rest: &str) -> Result<String, &'static str> {
    let mut key = String::new();
    let mut chars = rest.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' if chars.as_str().is_empty() => return Ok(key),
            '"' => return Err("nothing may follow the closing quote"),
            '\\' => match chars.next() {
                Some(escaped @ ('"' | '\\')) => key.push(escaped),
                _ => return Err("only \\\" and \\\\ may be escaped in a quoted key"),
            },
            ' '..='~' => key.push(c),
            _ => return Err("a key is printable ASCII"),
        }
    }
    Err("the closing quote is missing")
}

fn bare(byte: u8) -> bool {
    byte.is_ascii_graphic() && !matches!(byte, b'"' | b',' | b';' | b'\\')
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn key(value: &str) -> Result<String, &'static str> {
        IdempotencyKey::parse(value).map(|key| key.0)
    }

    #[test]
    fn quoted_as_the_draft_says_or_bare_as_clients_send() {
        assert_eq!(
            key("\"8e03978e-40d5-43e8\""),
            Ok("8e03978e-40d5-43e8".into())
        );
        assert_eq!(key("8e03978e-40d5-43e8"), Ok("8e03978e-40d5-43e8".into()));
        assert_eq!(key(" \"a b\" "), Ok("a b".into()));
        assert_eq!(
            key(r#""say \"hi\" \\ bye""#),
            Ok(r#"say "hi" \ bye"#.into())
        );
    }

    #[test]
    fn anything_else_is_refused_with_a_reason() {
        for bad in [
            "", "\"\"", "a b", "a,b", "a;b", "\"open", "\"a\"b", "\"a\\x\"", "\"ø\"", "ø",
        ] {
            assert!(key(bad).is_err(), "{bad:?}");
        }
        assert!(key(&"k".repeat(255)).is_ok());
        assert_eq!(
            key(&"k".repeat(256)),
            Err("the key is longer than 255 characters")
        );
    }

    proptest! {
        #[test]
        fn never_panics_and_keeps_keys_short_and_printable(value in ".{0,300}") {
            if let Ok(key) = IdempotencyKey::parse(&value) {
                prop_assert!(!key.0.is_empty() && key.0.len() <= MAX_LEN);
                prop_assert!(key.0.bytes().all(|b| (b' '..=b'~').contains(&b)));
            }
        }

        #[test]
        fn a_quoted_key_reads_back(inner in "[ -~]{1,200}") {
            let quoted = format!("\"{}\"", inner.replace('\\', "\\\\").replace('"', "\\\""));
            prop_assert_eq!(key(&quoted), Ok(inner));
        }
    }
}
