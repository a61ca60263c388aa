//! An agent's capacity: the most sessions they hold at once (ours; SuperOffice has no
//! limit). Off unless an administrator sets one - for the associate, or as a default for the
//! topics they respond in.
//!
//! Decided once for both backends:
//! - **The limit** is the associate's own, if set; else the lowest default among the topics
//!   where they may respond; else there is none. It is a property of the agent, not of the
//!   session about to be given, so an agent at capacity is at capacity in every topic.
//! - **Held** are the agent's sessions in progress (`CustomerLast`, `UserLast`), wherever
//!   they are; one they are offering to someone else still counts, one offered to them does
//!   not until they accept it.
//! - **Checked** inside every transaction that gives the agent a session - pickup-first,
//!   pickup by id, accepting a transfer - after the agent's write lock is taken, so parallel
//!   requests on any number of instances take turns and can never exceed it. An agent at
//!   capacity is refused whether or not a session waits: the answer is about them.

use crate::entity::status::{CUSTOMER_LAST, USER_LAST};

/// The agent's limit (NULL: none) and the sessions they hold, `agent` being the
/// placeholder of the agent's associate id. Without a limit the sessions are not counted
/// (both dialects evaluate a `CASE` lazily): a pickup without one costs an indexed lookup
/// or two, however many sessions the agent holds.
pub fn query(agent: &str) -> String {
    format!(
        "SELECT l.max_active, CASE WHEN l.max_active IS NULL THEN 0 ELSE \
           (SELECT count(*) FROM chat_session \
             WHERE user_id = {agent} AND status IN ({CUSTOMER_LAST}, {USER_LAST})) END \
         FROM (SELECT coalesce( \
           (SELECT a.max_active_sessions FROM associate a WHERE a.associate_id = {agent}), \
           (SELECT min(t.agent_max_active_sessions) FROM chat_topic t \
              JOIN chat_topic_user m ON m.topic_id = t.id \
             WHERE m.user_id = {agent} AND m.can_respond)) AS max_active) l"
    )
}

/// What [`query`] read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Load {
    pub limit: Option<i64>,
    pub held: i64,
}

/// An agent who may take no more sessions: their limit, and how many they hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Full {
    pub limit: i64,
    pub held: i64,
}

impl Load {
    /// Whether the agent may take one more session.
    pub fn check(self) -> Result<(), Full> {
        match self.limit {
            Some(limit) if self.held >= limit => Err(Full {
                limit,
                held: self.held,
            }),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_agent_below_the_limit_or_without_one_may_take_another() {
        let load = |limit, held| Load { limit, held }.check();
        assert_eq!(load(None, 50), Ok(()));
        assert_eq!(load(Some(3), 2), Ok(()));
        assert_eq!(load(Some(3), 3), Err(Full { limit: 3, held: 3 }));
        assert_eq!(
            load(Some(3), 5),
            Err(Full { limit: 3, held: 5 }),
            "a limit lowered below what the agent holds"
        );
        assert_eq!(load(Some(0), 0), Err(Full { limit: 0, held: 0 }));
    }
}
