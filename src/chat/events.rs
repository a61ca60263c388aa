//! What the world hears of a change: SuperOffice's chat webhook events. Every committed change
//! of a session makes exactly one event, decided here once from what the change writes, and
//! the backend records it in the change's own transaction (the outbox), so an event exists
//! if and only if its change does; delivery comes after the commit.
//!
//! - `chatsession.created`: a session entered the queue (a customer's start, an agent's
//!   create, the `admin` command).
//! - `chatsession.message`: a message was posted - the agent's or the customer's.
//! - `chatsession.changed`: anything else - a pickup (its welcome message is part of it), a
//!   reset, each step of a transfer, an edit, an end by the agent, the customer or the sweep.
//!
//! An event names the fields its change sets (SuperOffice's `Changes`), in the `FieldValues`
//! names; the values are the session's as the change left them, read by the backend.

use super::Actor;
use super::customer::Written;
use super::effect::Effect;
use crate::time::Timestamp;

/// SuperOffice's chat event names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Created,
    Changed,
    Message,
}

impl Kind {
    pub const ALL: [Kind; 3] = [Kind::Created, Kind::Changed, Kind::Message];

    pub fn name(self) -> &'static str {
        match self {
            Kind::Created => "chatsession.created",
            Kind::Changed => "chatsession.changed",
            Kind::Message => "chatsession.message",
        }
    }

    /// The kind named `name`, in any case.
    pub fn named(name: &str) -> Option<Kind> {
        Kind::ALL
            .into_iter()
            .find(|kind| kind.name().eq_ignore_ascii_case(name))
    }
}

/// The fields a session's entry into the queue sets: none (SuperOffice sends `[]`).
const CREATED: &[&str] = &[];
/// A message's fields.
const MESSAGE: &[&str] = &[
    "ChatMessageId",
    "Message",
    "Type",
    "SpecialType",
    "SpecialParam",
    "Author",
];
const ASSIGNED: &[&str] = &["Status", "UserId"];
const OFFERED: &[&str] = &["TransferTo"];
const ACCEPTED: &[&str] = &["Status", "UserId", "TransferTo"];
const ENDED: &[&str] = &["Status"];

/// One event of a committed change: which, and the fields the change set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Event {
    pub kind: Kind,
    /// SuperOffice's `Changes`, by their `FieldValues` names.
    pub changes: &'static [&'static str],
}

impl Event {
    const fn new(kind: Kind, changes: &'static [&'static str]) -> Self {
        Self { kind, changes }
    }

    /// A session entered the queue.
    pub const CREATED: Event = Event::new(Kind::Created, CREATED);
    /// A message was posted.
    pub const MESSAGE: Event = Event::new(Kind::Message, MESSAGE);
    /// A session was picked up: an agent's, in progress (its welcome is part of it).
    pub const PICKED_UP: Event = Event::new(Kind::Changed, ASSIGNED);
    /// A session ended (by its agent, its customer or the sweep).
    pub const ENDED: Event = Event::new(Kind::Changed, ENDED);

    /// The event of a change to one named session that writes `effect`.
    pub fn of(effect: &Effect) -> Event {
        match effect {
            Effect::Reset => Event::new(Kind::Changed, ASSIGNED),
            Effect::Offer(_) | Effect::Reject => Event::new(Kind::Changed, OFFERED),
            Effect::Accept => Event::new(Kind::Changed, ACCEPTED),
            Effect::Post(_) => Event::MESSAGE,
            Effect::Edit(edit) => Event::new(Kind::Changed, edited(edit)),
        }
    }

    /// The event of a customer's move that writes `written`.
    pub fn of_customer(written: &Written) -> Event {
        match written {
            Written::Post { .. } => Event::MESSAGE,
            Written::End(_) => Event::ENDED,
        }
    }

    /// SuperOffice's `Changes` as the outbox keeps them: comma-separated.
    pub fn changes_listed(&self) -> String {
        self.changes.join(",")
    }
}

/// The fields an edit sets that are `FieldValues` (the customer's contact details are not):
/// `Status` when it ends the session, and the alert level and rating it sets on the way.
fn edited(edit: &super::edit::Edit) -> &'static [&'static str] {
    use super::edit::Property;
    let sets = |property| edit.sets.iter().any(|(set, _)| *set == property);
    match (
        edit.ends.is_some(),
        sets(Property::AlertLevel),
        sets(Property::Rating),
    ) {
        (true, true, true) => &["Status", "AlertLevel", "Rating"],
        (true, true, false) => &["Status", "AlertLevel"],
        (true, false, true) => &["Status", "Rating"],
        (true, false, false) => ENDED,
        (false, true, true) => &["AlertLevel", "Rating"],
        (false, true, false) => &["AlertLevel"],
        (false, false, true) => &["Rating"],
        (false, false, false) => &[],
    }
}

/// An event as the backend records it: what happened to which session, the message it
/// posted (if any), who made it and in answer to which request.
#[derive(Clone, Copy, Debug)]
pub struct Happened<'a> {
    pub event: Event,
    pub session_id: i64,
    pub message_id: Option<i64>,
    /// `ChangedByAssociateId`: the agent; 0 for a customer or the service itself.
    pub by: i64,
    /// `ContextIdentifier`: the request's id (or what the service was doing: `sweep`).
    pub context: &'a str,
    pub at: Timestamp,
}

impl<'a> Happened<'a> {
    /// `event` of session `session_id` made now by `actor`; `message_id`: the message it
    /// posted, if any.
    pub fn by(actor: Actor<'a>, event: Event, session_id: i64, message_id: Option<i64>) -> Self {
        Self {
            event,
            session_id,
            message_id,
            by: actor.id(),
            context: actor.context,
            at: actor.now,
        }
    }

    /// Session `session_id` created by associate `by` (0: a customer or the `admin`
    /// command) in answer to `context`.
    pub fn created(session_id: i64, by: i64, context: &'a str, at: Timestamp) -> Self {
        Self {
            event: Event::CREATED,
            session_id,
            message_id: None,
            by,
            context,
            at,
        }
    }

    /// `event` of session `session_id` made by its customer (`ChangedByAssociateId` 0) in
    /// answer to `context`; `message_id`: the message it posted, if any.
    pub fn by_the_customer(
        event: Event,
        session_id: i64,
        message_id: Option<i64>,
        context: &'a str,
        at: Timestamp,
    ) -> Self {
        Self {
            event,
            session_id,
            message_id,
            by: 0,
            context,
            at,
        }
    }
}

/// The `ContextIdentifier` of what the service does by itself: the sweep of dead chats.
pub const SWEEP: &str = "sweep";
/// The `ContextIdentifier` of the `admin` command line's changes.
pub const ADMIN: &str = "admin";

impl Happened<'static> {
    /// `event` of session `session_id` made by the service itself (or its `admin`), in
    /// answer to no request: `context` says what it was doing.
    pub fn by_the_service(
        event: Event,
        session_id: i64,
        context: &'static str,
        at: Timestamp,
    ) -> Self {
        Self {
            event,
            session_id,
            message_id: None,
            by: 0,
            context,
            at,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_is_named_as_superoffice_names_it_and_read_back_in_any_case() {
        for kind in Kind::ALL {
            assert_eq!(Kind::named(&kind.name().to_uppercase()), Some(kind));
        }
        assert_eq!(Kind::named("chatsession.deleted"), None);
    }

    #[test]
    fn a_change_makes_the_event_its_effect_says() {
        assert_eq!(
            Event::of(&Effect::Reset),
            Event::new(Kind::Changed, ASSIGNED)
        );
        assert_eq!(Event::of(&Effect::Offer(7)).changes, ["TransferTo"]);
        assert_eq!(
            Event::of(&Effect::Accept).changes,
            ["Status", "UserId", "TransferTo"]
        );
        assert_eq!(Event::PICKED_UP.changes_listed(), "Status,UserId");
        assert_eq!(Event::CREATED.changes_listed(), "");
    }

    #[test]
    fn an_edit_names_the_status_when_it_ends_and_the_alert_level_and_rating_it_sets() {
        use super::super::edit::{Edit, Property, Setting};
        use super::super::message::Message;
        use crate::account::Agent;
        let closed = Message::closed_by_user(&Agent::new(7, "tje0".into(), "Tom".into()));
        let edit = |sets: &[Property], ends: bool| {
            Event::of(&Effect::Edit(Edit {
                sets: sets.iter().map(|p| (*p, Setting::Int(1))).collect(),
                ends: ends.then(|| closed.clone()),
            }))
        };
        let both = [
            Property::AlertLevel,
            Property::Rating,
            Property::CustomerName,
        ];
        assert_eq!(
            edit(&both, true).changes,
            ["Status", "AlertLevel", "Rating"]
        );
        assert_eq!(
            edit(&[Property::Rating], true).changes,
            ["Status", "Rating"]
        );
        assert_eq!(edit(&[Property::CustomerName], true), Event::ENDED);
        assert_eq!(edit(&both, false).changes, ["AlertLevel", "Rating"]);
        assert_eq!(edit(&[Property::CustomerName], false).changes_listed(), "");
    }
}
