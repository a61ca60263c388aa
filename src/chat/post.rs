//! An agent's message to a session (`AddChatMessage`), decided once for both backends: what
//! a message may hold, who may post it and to which sessions. The backend reads the caller's
//! [`Standing`] under its write lock, asks [`judge`], and when it allows the message writes
//! it with the session's copies of it (`crate::store::sql::messages`).

use super::effect::Effect;
use super::message::Message;
use super::standing::Standing;
use super::{Refusal, Verdict};
use crate::account::Agent;
use crate::entity::message::{SPECIAL, TO_CUSTOMER};
use crate::entity::status::IN_QUEUE;

/// The longest message, in characters. SuperOffice keeps 1,024 characters of a message as
/// the session's FirstMessage and LastMessage and documents no limit for the message
/// itself; four times that holds any chat message a person types, and bounds the body.
pub const MAX_MESSAGE: usize = 4096;
/// The longest SpecialParam (a URL, a block's name), in characters.
pub const MAX_PARAM: usize = 1024;

/// The ChatMessageSpecialTypes an agent (or their front end) may post: the rest name events
/// the service itself records (the welcome, a session closed, a transfer...).
const AGENT_SPECIALS: [i64; 6] = [0, 2, 3, 9, 16, 17];

/// Whether `c` is a control character a message may not hold: all but line breaks and tabs
/// (PostgreSQL refuses a NUL in text; the rest would only garble what a person reads).
pub fn stray(c: char) -> bool {
    c.is_control() && !matches!(c, '\n' | '\r' | '\t')
}

/// What an agent asks to post, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewMessage {
    text: String,
    kind: i64,
    special: i64,
    param: String,
}

/// Why a message cannot be posted as it is, for its sender to fix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Invalid {
    Empty,
    TooLong,
    ControlCharacters,
    /// A ChatMessageType other than ToCustomer or Special.
    Type,
    /// A SpecialType the service records itself.
    SpecialType,
    ParamTooLong,
}

impl NewMessage {
    /// The message `text` of ChatMessageType `kind` (default ToCustomer), SpecialType
    /// `special` (default None) and SpecialParam `param`, if an agent may post it.
    pub fn new(
        text: &str,
        kind: Option<i64>,
        special: Option<i64>,
        param: &str,
    ) -> Result<Self, Invalid> {
        if text.trim().is_empty() {
            return Err(Invalid::Empty);
        }
        if text.chars().count() > MAX_MESSAGE {
            return Err(Invalid::TooLong);
        }
        if text.chars().chain(param.chars()).any(stray) {
            return Err(Invalid::ControlCharacters);
        }
        let kind = kind.unwrap_or(TO_CUSTOMER);
        if kind != TO_CUSTOMER && kind != SPECIAL {
            return Err(Invalid::Type);
        }
        let special = special.unwrap_or(0);
        if !AGENT_SPECIALS.contains(&special) {
            return Err(Invalid::SpecialType);
        }
        if param.chars().count() > MAX_PARAM {
            return Err(Invalid::ParamTooLong);
        }
        Ok(Self {
            text: text.to_string(),
            kind,
            special,
            param: param.to_string(),
        })
    }

    /// The message as `agent` posts it.
    pub fn by(&self, agent: &Agent) -> Message {
        Message {
            text: self.text.clone(),
            kind: self.kind,
            special: self.special,
            param: self.param.clone(),
            author: agent.display_name.clone(),
            created_by: agent.associate_id,
        }
    }
}

/// The verdict on `agent`'s message to session `session_id`, found as `found` (`None`: no
/// such session): the session's agent or a manager of its topic posts to a session in
/// progress. A waiting one is picked up first - whoever could pick it up is told so, others
/// who see it that they may not respond in its topic, as a pickup would tell them - and an
/// ended one takes no more.
pub fn judge(
    session_id: i64,
    found: Option<Standing>,
    message: &NewMessage,
    agent: &Agent,
) -> Verdict<Effect> {
    match found {
        Some(standing) if standing.status == IN_QUEUE && (standing.holds || standing.responds) => {
            return Verdict::Refused(Refusal::NotStarted(session_id));
        }
        Some(standing) if standing.status == IN_QUEUE && standing.sees => {
            return Verdict::Refused(Refusal::NotYourTopic);
        }
        _ => {}
    }
    match Standing::to_change(session_id, found) {
        Err(refusal) => Verdict::Refused(refusal),
        Ok(standing) if standing.is_live() => Verdict::Make(Effect::Post(message.by(agent))),
        Ok(_) => Verdict::Refused(Refusal::Ended(session_id)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entity::status::{CLOSED, CUSTOMER_LAST};

    fn agent() -> Agent {
        Agent::new(7, "tje0".into(), "Tom Jensen".into())
    }

    #[test]
    fn a_message_is_text_of_a_type_an_agent_may_send() {
        let ok = NewMessage::new("Hi\nthere", None, None, "").unwrap();
        assert_eq!(ok.by(&agent()).kind, TO_CUSTOMER);
        assert_eq!(ok.by(&agent()).author, "Tom Jensen");
        assert_eq!(NewMessage::new(" \n", None, None, ""), Err(Invalid::Empty));
        let long = "é".repeat(MAX_MESSAGE + 1);
        assert_eq!(
            NewMessage::new(&long, None, None, ""),
            Err(Invalid::TooLong)
        );
        assert!(NewMessage::new(&long[2..], None, None, "").is_ok());
        assert_eq!(
            NewMessage::new("a\u{0}b", None, None, ""),
            Err(Invalid::ControlCharacters)
        );
        assert_eq!(NewMessage::new("a", Some(2), None, ""), Err(Invalid::Type));
        assert_eq!(
            NewMessage::new("a", Some(3), Some(10), ""),
            Err(Invalid::SpecialType)
        );
        assert!(NewMessage::new("a", Some(3), Some(2), "https://example.com").is_ok());
    }

    #[test]
    fn only_a_session_in_progress_takes_a_message() {
        let message = NewMessage::new("a", None, None, "").unwrap();
        let at = |status| {
            judge(
                4,
                Some(Standing {
                    holds: true,
                    manages: false,
                    sees: true,
                    responds: true,
                    status,
                }),
                &message,
                &agent(),
            )
        };
        assert!(matches!(at(CUSTOMER_LAST), Verdict::Make(Effect::Post(_))));
        assert_eq!(at(IN_QUEUE), Verdict::Refused(Refusal::NotStarted(4)));
        let colleague = Standing {
            holds: false,
            manages: false,
            sees: true,
            responds: true,
            status: IN_QUEUE,
        };
        assert_eq!(
            judge(4, Some(colleague), &message, &agent()),
            Verdict::Refused(Refusal::NotStarted(4)),
            "a colleague who could pick it up is told to"
        );
        let listener = Standing {
            responds: false,
            ..colleague
        };
        let manager = Standing {
            manages: true,
            ..listener
        };
        for cannot_pick_it_up in [listener, manager] {
            assert_eq!(
                judge(4, Some(cannot_pick_it_up), &message, &agent()),
                Verdict::Refused(Refusal::NotYourTopic),
                "one who may not respond in the topic cannot pick it up, and is told so"
            );
        }
        assert_eq!(at(CLOSED), Verdict::Refused(Refusal::Ended(4)));
        assert_eq!(
            judge(4, None, &message, &agent()),
            Verdict::Refused(Refusal::NotFound(4))
        );
    }
}
