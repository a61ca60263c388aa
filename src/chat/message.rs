//! Chat messages as a pickup and a customer entering the queue post them: who wrote what,
//! to whom, decided here. The backends store these fields as they are.

use crate::account::Agent;
use crate::entity::message;

/// A message to store in `chat_message`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    pub text: String,
    /// ChatMessageType: to the customer, or to the user (the agent).
    pub kind: i64,
    /// ChatMessageSpecialType: the welcome, or an ordinary message.
    pub special: i64,
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
            author: customer.to_string(),
            created_by: message::BY_CUSTOMER,
        }
    }
}
