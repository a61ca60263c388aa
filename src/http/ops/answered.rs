//! What a change comes to for its caller - the answer, or the refusal to map to a problem -
//! and the one line every change leaves in the log where its transaction ends, whether or
//! not the caller is still there to read the answer.

use super::{Answer, Call, Content, Done, Who};
use crate::auth::session_key;
use crate::chat::{Change, Claim, Refusal};
use crate::entity::{Object, Value};
use crate::http::error::ApiError;
use crate::telemetry;

/// The answer to a pickup's `claim` (of `session`, when one is named), after logging it and
/// noting a committed pickup on the receipt.
pub fn claim(call: &Call, session: Option<i64>, claim: Claim) -> Done {
    let mut line = Line::new(session);
    match &claim {
        Claim::Picked(Some(pickup)) => {
            line.session = Some(pickup.session_id);
            line.taken = Some((pickup.topic_id, pickup.waited_ms));
            line.outcome = "picked up session";
        }
        Claim::Picked(None) => line.outcome = "queue empty",
        Claim::Replayed { session_id, .. } => {
            line.session = *session_id;
            line.outcome = "replayed a pickup made before under this key";
        }
        Claim::Refused(refusal) => line.refused(refusal),
    }
    line.log(call);
    telemetry::pickup(
        match &claim {
            Claim::Picked(Some(_)) => "taken",
            Claim::Picked(None) => "empty",
            Claim::Replayed { .. } => "replayed",
            Claim::Refused(_) => "refused",
        },
        line.taken,
    );
    if let Claim::Picked(Some(pickup)) = &claim {
        let key = call.key.as_ref().map_or("", |keyed| keyed.key.as_str());
        call.receipt
            .committed(pickup.session_id, call.request_id, key);
    }
    match claim {
        Claim::Picked(picked) => answer(picked.map(|pickup| pickup.session), false),
        Claim::Replayed { session, .. } => answer(session, true),
        Claim::Refused(refusal) => Err(ApiError::Refused(refusal)),
    }
}

/// The answer to `change` of the session (and toward the associate) the request `named`,
/// after logging it; `made` is what the log calls the change when it was made.
pub fn change(call: &Call, named: (i64, Option<&str>), made: &'static str, change: Change) -> Done {
    let mut line = Line::new(Some(named.0));
    line.associate = named.1;
    line.outcome_of(&change, made);
    line.log(call);
    answer_to(change)
}

fn answer_to(change: Change) -> Done {
    match change {
        Change::Made(session) | Change::Unchanged(session) => answer(Some(session), false),
        Change::Replayed(session) => answer(session, true),
        Change::Refused(refusal) => Err(ApiError::Refused(refusal)),
    }
}

/// The answer to a new session in topic `topic` (`change`), after logging it.
pub fn created(call: &Call, topic: i64, change: Change) -> Done {
    let session = match &change {
        Change::Made(session) | Change::Unchanged(session) => session_id(session),
        Change::Replayed(session) => session.as_ref().and_then(session_id),
        Change::Refused(_) => None,
    };
    let mut line = Line::new(session);
    line.topic = Some(topic);
    line.outcome_of(&change, "created");
    line.log(call);
    answer_to(change)
}

fn session_id(session: &Object) -> Option<i64> {
    match session.get("ChatSessionId") {
        Some(Value::Int(id)) => Some(*id),
        _ => None,
    }
}

fn answer(session: Option<Object>, replayed: bool) -> Done {
    Ok(Answer {
        replayed,
        ..Answer::of(Content::One(session))
    })
}

/// The log line of a change: what it came to, and the fields that apply.
struct Line<'a> {
    outcome: &'static str,
    session: Option<i64>,
    associate: Option<&'a str>,
    /// The topic and the wait of a session picked up.
    taken: Option<(i64, i64)>,
    /// The limit and the sessions held of an agent at capacity.
    full: Option<(i64, i64)>,
    /// The operation a key used before was used for.
    used_for: Option<&'a str>,
    /// The topic a session was created in.
    topic: Option<i64>,
}

impl<'a> Line<'a> {
    fn new(session: Option<i64>) -> Self {
        Self {
            outcome: "",
            session,
            associate: None,
            taken: None,
            full: None,
            used_for: None,
            topic: None,
        }
    }

    /// What `change` came to, `made` naming a change made now.
    fn outcome_of(&mut self, change: &'a Change, made: &'static str) {
        match change {
            Change::Made(_) => self.outcome = made,
            Change::Unchanged(_) => self.outcome = "nothing to do",
            Change::Replayed(_) => self.outcome = "replayed",
            Change::Refused(refusal) => self.refused(refusal),
        }
    }

    fn refused(&mut self, refusal: &'a Refusal) {
        self.outcome = refusal.reason();
        match refusal {
            Refusal::AtCapacity(full) => self.full = Some((full.limit, full.held)),
            Refusal::KeyUsedFor(operation) => self.used_for = Some(operation),
            _ => {}
        }
    }

    fn log(&self, call: &Call) {
        let (user, scheme, app) = match call.who {
            Who::Agent(principal) => (
                principal.agent.name.as_str(),
                principal.scheme.name(),
                principal.app.as_deref().unwrap_or(""),
            ),
            Who::Customer(_) => ("", session_key::SCHEME, ""),
            Who::Anyone => ("", "", ""),
        };
        tracing::info!(
            request_id = call.request_id,
            source = crate::http::source::shown(call.source).as_str(),
            tenant = call.tenant.map_or("", |tenant| tenant.as_str()),
            user,
            scheme,
            app,
            key = call.key.as_ref().map_or("", |keyed| keyed.key.as_str()),
            operation = call.operation,
            session_id = self.session,
            associate = self.associate,
            topic_id = self.taken.map(|(topic, _)| topic).or(self.topic),
            wait_ms = self.taken.map(|(_, waited)| waited),
            limit = self.full.map(|(limit, _)| limit),
            held = self.full.map(|(_, held)| held),
            used_for = self.used_for,
            "{}",
            self.outcome
        );
    }
}
