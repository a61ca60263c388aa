//! Chat messages as the service posts them - a pickup's welcome, a customer's first words,
//! an agent's message, a session's end: who wrote what, to whom, decided here. The backends
//! store these fields as they are.

use crate::account::Agent;
use crate::entity::message;

/// A message to store in `chat_message`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    pub text: String,
    /// ChatMessageType: to the customer, or to the user (the agent).
    pub kind: i64,
    /// ChatMessageSpecialType: the welcome, an ordinary message, a session's end...
    pub special: i64,
    /// SpecialParam: what a special message needs (a URL...).
    pub param: String,
    /// The name shown beside it.
    pub author: String,
    /// The associate who wrote it; [`message::BY_CUSTOMER`] for the customer.
    pub created_by: i64,
}

impl Message {
    /// The welcome, sent to the customer in the agent's name.
    pub fn welcome(text: String, agent: &Agent) -> Self {
        Self {
            text,
            kind: message::TO_CUSTOMER,
            special: message::SPECIAL_WELCOME,
            param: String::new(),
            author: agent.display_name.clone(),
            created_by: agent.associate_id,
        }
    }

    /// What the customer wrote when asking for the chat.
    pub fn from_customer(text: &str, customer: &str) -> Self {
        Self {
            text: text.to_string(),
            kind: message::TO_USER,
            special: message::SPECIAL_NONE,
            param: String::new(),
            author: customer.to_string(),
            created_by: message::BY_CUSTOMER,
        }
    }

    /// The notice that `agent` ended the session.
    pub fn closed_by_user(agent: &Agent) -> Self {
        Self {
            text: String::new(),
            kind: message::SPECIAL,
            special: message::SPECIAL_CLOSED_BY_USER,
            param: String::new(),
            author: agent.display_name.clone(),
            created_by: agent.associate_id,
        }
    }

    /// The notice that the customer, `customer`, ended the session.
    pub fn closed_by_customer(customer: &str) -> Self {
        Self {
            text: String::new(),
            kind: message::SPECIAL,
            special: message::SPECIAL_CLOSED_BY_CUSTOMER,
            param: String::new(),
            author: customer.to_string(),
            created_by: message::BY_CUSTOMER,
        }
    }

    /// The notice that the customer went quiet and the service closed the chat.
    pub fn closed_by_idle() -> Self {
        Self {
            text: String::new(),
            kind: message::SPECIAL,
            special: message::SPECIAL_CLOSED_BY_IDLE,
            param: String::new(),
            author: String::new(),
            created_by: 0,
        }
    }

    /// What the session keeps of the message as its FirstMessage and LastMessage:
    /// SuperOffice's columns hold 1,024 characters.
    pub fn copy(&self) -> String {
        self.text.chars().take(COPY).collect()
    }
}

/// The characters of a message its session keeps.
pub const COPY: usize = 1024;
