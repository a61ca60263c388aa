//! Who the service knows: associates acting as chat agents, what authentication reads about
//! them, the secrets issued to them ([`secret`], from [`random`] bytes), and the tenants
//! they belong to ([`tenant`]). The auth and store layers both work on these types, so they
//! live below both.

pub mod random;
pub mod secret;
pub mod tenant;

/// SuperOffice's UserType for an internal associate: the only kind that picks up chats.
pub const INTERNAL_ASSOCIATE: i64 = 1;

/// An associate acting as a chat user agent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Agent {
    pub associate_id: i64,
    /// The login name (`tje0`).
    pub name: String,
    /// What customers see as the author of the agent's messages: the full name, or the login
    /// name when the associate has none.
    pub display_name: String,
}

impl Agent {
    /// The agent with login `name`, shown to customers by `full_name` - or by the login name
    /// when the associate has no full name.
    pub fn new(associate_id: i64, name: String, full_name: String) -> Self {
        let display_name = if full_name.trim().is_empty() {
            name.clone()
        } else {
            full_name
        };
        Self {
            associate_id,
            name,
            display_name,
        }
    }
}

/// What authentication needs to know about a login name.
#[derive(Clone, Debug)]
pub struct Account {
    pub agent: Agent,
    /// The argon2id PHC string, if the associate has a password.
    pub password_hash: Option<String>,
    pub deleted: bool,
    /// The IANA zone of the associate's own time-zone location, if one is set.
    pub time_zone: Option<String>,
    /// SuperOffice's UserType: [`INTERNAL_ASSOCIATE`] is the only kind that picks up chats.
    pub user_type: i64,
}

impl Account {
    /// Whether this account may act as a chat agent at all.
    pub fn is_internal(&self) -> bool {
        self.user_type == INTERNAL_ASSOCIATE
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_agent_without_a_full_name_is_shown_by_login() {
        assert_eq!(
            Agent::new(1, "tje0".into(), " ".into()).display_name,
            "tje0"
        );
        assert_eq!(
            Agent::new(1, "tje0".into(), "Thomas Jensen".into()).display_name,
            "Thomas Jensen"
        );
    }
}
