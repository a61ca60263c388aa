//! `$select` (spec section 1): which top-level properties of the entity the caller wants.
//!
//! `?$select=ChatSessionId,User,Status` - names are matched case-insensitively against the
//! entity's properties (including `TableRight` and `FieldProperties`); the rest come back as
//! null. Nested names (`User.Name`) are not supported, and say so, rather than being ignored.

use std::fmt;

use crate::entity::Shape;

/// The longest piece of a bad name echoed back to the caller.
const ECHO_LIMIT: usize = 64;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Selection {
    /// No `$select`: every property.
    All,
    /// The canonical names of the chosen properties.
    Only(Vec<&'static str>),
}

/// For nested carriers and unfiltered output.
pub static ALL: Selection = Selection::All;

#[derive(Debug, PartialEq, Eq)]
pub enum SelectError {
    /// Not a property of the entity; the caller's text, shortened.
    Unknown(String),
    /// `$select` given, but naming nothing.
    Empty,
}

impl fmt::Display for SelectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SelectError::Unknown(name) => write!(f, "{name:?} is not a property"),
            SelectError::Empty => f.write_str("it names no property"),
        }
    }
}

impl Selection {
    /// The selection made by `lists` (the values of every `$select` parameter), or
    /// [`Selection::All`] if there are none.
    pub fn parse<'a>(
        lists: impl IntoIterator<Item = &'a str>,
        shape: &'static Shape,
    ) -> Result<Self, SelectError> {
        let mut lists = lists.into_iter().peekable();
        if lists.peek().is_none() {
            return Ok(Selection::All);
        }
        let mut chosen: Vec<&'static str> = Vec::new();
        let names = lists.flat_map(|list| list.split(',')).map(str::trim);
        for name in names.filter(|name| !name.is_empty()) {
            let canonical = shape
                .property_names()
                .find(|property| property.eq_ignore_ascii_case(name))
                .ok_or_else(|| SelectError::Unknown(shorten(name)))?;
            if !chosen.contains(&canonical) {
                chosen.push(canonical);
            }
        }
        if chosen.is_empty() {
            return Err(SelectError::Empty);
        }
        Ok(Selection::Only(chosen))
    }

    pub fn includes(&self, name: &str) -> bool {
        match self {
            Selection::All => true,
            Selection::Only(names) => names.contains(&name),
        }
    }
}

fn shorten(name: &str) -> String {
    match name.char_indices().nth(ECHO_LIMIT) {
        Some((end, _)) => format!("{}...", &name[..end]),
        None => name.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entity::CHAT_SESSION_ENTITY;
    use proptest::prelude::*;

    fn parse(lists: &[&str]) -> Result<Selection, SelectError> {
        Selection::parse(lists.iter().copied(), &CHAT_SESSION_ENTITY)
    }

    #[test]
    fn no_parameter_selects_everything() {
        assert_eq!(parse(&[]), Ok(Selection::All));
    }

    #[test]
    fn names_are_canonical_case_insensitive_trimmed_and_deduplicated() {
        assert_eq!(
            parse(&[
                " chatsessionid , USER,",
                "status,ChatSessionId",
                "fieldproperties"
            ]),
            Ok(Selection::Only(vec![
                "ChatSessionId",
                "User",
                "Status",
                "FieldProperties"
            ]))
        );
    }

    #[test]
    fn an_unknown_or_nested_name_is_named_in_the_error() {
        assert_eq!(
            parse(&["ChatSessionId,Bogus"]),
            Err(SelectError::Unknown("Bogus".into()))
        );
        assert_eq!(
            parse(&["User.Name"]),
            Err(SelectError::Unknown("User.Name".into()))
        );
    }

    #[test]
    fn an_empty_list_is_an_error() {
        assert_eq!(parse(&[""]), Err(SelectError::Empty));
        assert_eq!(parse(&[" , ,"]), Err(SelectError::Empty));
    }

    #[test]
    fn a_long_bad_name_is_shortened() {
        let long = "é".repeat(1000);
        let Err(SelectError::Unknown(echo)) = parse(&[&long]) else {
            panic!("accepted");
        };
        assert_eq!(echo.chars().count(), ECHO_LIMIT + 3);
    }

    proptest! {
        #[test]
        fn any_text_parses_or_fails_cleanly(text in any::<String>()) {
            match parse(&[&text]) {
                Ok(Selection::Only(names)) => prop_assert!(!names.is_empty()),
                Ok(Selection::All) => prop_assert!(false, "a given $select selected everything"),
                Err(SelectError::Unknown(name)) => prop_assert!(name.chars().count() <= ECHO_LIMIT + 3),
                Err(SelectError::Empty) => prop_assert!(text.split(',').all(|n| n.trim().is_empty())),
            }
        }
    }
}
