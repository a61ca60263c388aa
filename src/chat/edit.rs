//! A change to a session's own properties (`PATCH`, `PUT`, `SaveChatSessionEntity` of an
//! existing session), decided once for both backends: which properties a caller may change
//! and to what, what a JSON Patch `test` compares, and ending a session.
//!
//! A session ends by setting `Status` to `Closed` (SuperOffice has no "end" operation): its
//! WhenEnded is set, a `ClosedByUser` notice posted, the agent's Rank and capacity place
//! released and any pending transfer dropped. Ending an ended session changes nothing. The
//! other properties a caller may change - AlertLevel, Flags, Rating and the customer's name,
//! e-mail, phone and company - may be corrected on an ended session too (a rating comes
//! after the chat). Every other property belongs to an operation of its own (pickup,
//! transfer, reset) or to the service.

use super::message::Message;
use super::standing::Standing;
use super::{Refusal, Verdict};
use crate::account::Agent;
use crate::entity::status::CLOSED;

/// A property of a ChatSessionEntity that a caller may change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Property {
    Status,
    AlertLevel,
    Flags,
    Rating,
    CustomerName,
    CustomerEmail,
    CustomerPhone,
    CustomerCompanyName,
}

/// The longest text a customer property holds, in characters.
pub const MAX_TEXT: usize = 255;
/// The highest Rating.
pub const MAX_RATING: i64 = 10;

impl Property {
    pub const ALL: [Property; 8] = [
        Property::Status,
        Property::AlertLevel,
        Property::Flags,
        Property::Rating,
        Property::CustomerName,
        Property::CustomerEmail,
        Property::CustomerPhone,
        Property::CustomerCompanyName,
    ];

    /// Its name on the wire.
    pub fn name(self) -> &'static str {
        match self {
            Property::Status => "Status",
            Property::AlertLevel => "AlertLevel",
            Property::Flags => "Flags",
            Property::Rating => "Rating",
            Property::CustomerName => "CustomerName",
            Property::CustomerEmail => "CustomerEmail",
            Property::CustomerPhone => "CustomerPhone",
            Property::CustomerCompanyName => "CustomerCompanyName",
        }
    }

    /// The property named `name`, in any case.
    pub fn named(name: &str) -> Option<Property> {
        Self::ALL
            .into_iter()
            .find(|property| property.name().eq_ignore_ascii_case(name))
    }

    /// Whether it holds text (else a number: an enum or flags by value).
    pub fn is_text(self) -> bool {
        matches!(
            self,
            Property::CustomerName
                | Property::CustomerEmail
                | Property::CustomerPhone
                | Property::CustomerCompanyName
        )
    }

    /// `value` if the property may be set to it, else what it may be set to.
    pub fn check(self, value: Setting) -> Result<Setting, &'static str> {
        let fits = match (&value, self) {
            (Setting::Int(status), Property::Status) => *status == CLOSED,
            (Setting::Int(level), Property::AlertLevel) => {
                (0..=i64::from(i32::MAX)).contains(level)
            }
            (Setting::Int(flags), Property::Flags) => (0..=1).contains(flags),
            (Setting::Int(rating), Property::Rating) => (0..=MAX_RATING).contains(rating),
            (Setting::Text(text), property) if property.is_text() => {
                text.chars().count() <= MAX_TEXT && !text.chars().any(char::is_control)
            }
            _ => false,
        };
        match (fits, self) {
            (true, _) => Ok(value),
            (false, Property::Status) => {
                Err("Closed: a session ends so; the other statuses have operations of their own")
            }
            (false, Property::AlertLevel) => Err("a whole number from 0"),
            (false, Property::Flags) => Err("CustomerIsTyping or UserIsTyping"),
            (false, Property::Rating) => Err("a whole number from 0 to 10"),
            (false, _) => Err("text of at most 255 characters, without control characters"),
        }
    }
}

/// A property's value: a number (an enum or flags by value) or text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Setting {
    Int(i64),
    Text(String),
}

/// What a caller asks of a session's properties: values to set (the last one of a property
/// counts) and values it must have now (a JSON Patch `test` of the stored value).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Edits {
    pub sets: Vec<(Property, Setting)>,
    pub expects: Vec<(Property, Setting)>,
    /// A `test` that failed against a value these edits set themselves: refused once the
    /// caller may change the session at all, as a failed test of a stored value is.
    pub contradicted: Option<Property>,
}

/// The session's properties as the backend read them, in [`Property::ALL`]'s order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Current(pub [Setting; 8]);

impl Current {
    fn of(&self, property: Property) -> &Setting {
        let index = Property::ALL.iter().position(|each| *each == property);
        &self.0[index.expect("every property is listed")]
    }
}

/// What an edit writes: the properties that change, and the end of the session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub sets: Vec<(Property, Setting)>,
    /// The notice of the session's end, when it ends now.
    pub ends: Option<Message>,
}

/// The verdict on `edits` of session `session_id` by `agent`, the session found as `found`:
/// the [`Edit`] to write (an `Effect::Edit`), nothing, or a refusal.
pub fn judge(
    session_id: i64,
    found: Option<(Standing, Current)>,
    edits: &Edits,
    agent: &Agent,
) -> Verdict<Edit> {
    let standing = found.as_ref().map(|(standing, _)| *standing);
    if let Err(refusal) = Standing::to_change(session_id, standing) {
        return Verdict::Refused(refusal);
    }
    let (standing, current) = found.expect("a session to change was found");
    let failed = edits
        .expects
        .iter()
        .find(|(property, value)| current.of(*property) != value)
        .map(|(property, _)| *property);
    if let Some(property) = edits.contradicted.or(failed) {
        return Verdict::Refused(Refusal::TestFailed(property.name()));
    }
    let mut sets: Vec<(Property, Setting)> = Vec::new();
    for (property, value) in &edits.sets {
        sets.retain(|(set, _)| set != property);
        sets.push((*property, value.clone()));
    }
    let ends = sets
        .iter()
        .any(|(property, _)| *property == Property::Status)
        && standing.is_live();
    sets.retain(|(property, value)| {
        *property != Property::Status && current.of(*property) != value
    });
    if sets.is_empty() && !ends {
        return Verdict::Nothing;
    }
    Verdict::Make(Edit {
        sets,
        ends: ends.then(|| Message::closed_by_user(agent)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entity::status::USER_LAST;

    fn found(status: i64) -> Option<(Standing, Current)> {
        let standing = Standing {
            holds: true,
            manages: false,
            sees: true,
            responds: true,
            status,
        };
        let text = |text: &str| Setting::Text(text.into());
        let current = Current([
            Setting::Int(status),
            Setting::Int(0),
            Setting::Int(0),
            Setting::Int(0),
            text("Ann"),
            text(""),
            text(""),
            text(""),
        ]);
        Some((standing, current))
    }

    fn agent() -> Agent {
        Agent::new(7, "tje0".into(), "Tom Jensen".into())
    }

    fn edits(sets: &[(Property, Setting)], expects: &[(Property, Setting)]) -> Edits {
        Edits {
            sets: sets.to_vec(),
            expects: expects.to_vec(),
            contradicted: None,
        }
    }

    #[test]
    fn closing_a_live_session_ends_it_with_a_notice_and_twice_changes_nothing() {
        let close = edits(&[(Property::Status, Setting::Int(CLOSED))], &[]);
        let Verdict::Make(edit) = judge(1, found(USER_LAST), &close, &agent()) else {
            panic!("an end");
        };
        assert_eq!(edit.sets, []);
        assert_eq!(edit.ends, Some(Message::closed_by_user(&agent())));
        assert_eq!(judge(1, found(CLOSED), &close, &agent()), Verdict::Nothing);
    }

    #[test]
    fn only_changed_values_are_written_and_a_failed_test_refuses() {
        let name = |text: &str| (Property::CustomerName, Setting::Text(text.into()));
        assert_eq!(
            judge(1, found(USER_LAST), &edits(&[name("Ann")], &[]), &agent()),
            Verdict::Nothing
        );
        let renamed = judge(
            1,
            found(CLOSED),
            &edits(&[name("Bo"), name("Bea")], &[]),
            &agent(),
        );
        assert_eq!(
            renamed,
            Verdict::Make(Edit {
                sets: vec![name("Bea")],
                ends: None
            })
        );
        let wrong = edits(&[name("Bo")], &[(Property::Status, Setting::Int(5))]);
        assert_eq!(
            judge(1, found(USER_LAST), &wrong, &agent()),
            Verdict::Refused(Refusal::TestFailed("Status"))
        );
        assert_eq!(
            judge(1, None, &wrong, &agent()),
            Verdict::Refused(Refusal::NotFound(1))
        );
    }

    #[test]
    fn each_property_takes_what_it_may_hold() {
        assert!(Property::Status.check(Setting::Int(CLOSED)).is_ok());
        assert!(Property::Status.check(Setting::Int(USER_LAST)).is_err());
        assert!(Property::Rating.check(Setting::Int(11)).is_err());
        assert!(Property::Flags.check(Setting::Text("x".into())).is_err());
        assert!(
            Property::CustomerEmail
                .check(Setting::Text("a\nb".into()))
                .is_err()
        );
        assert_eq!(
            Property::named("customeremail"),
            Some(Property::CustomerEmail)
        );
        assert_eq!(Property::named("TopicId"), None);
    }
}
