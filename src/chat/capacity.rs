//! An agent's capacity: the most sessions they hold at once (ours; SuperOffice has no
//! limit). Off unless an administrator sets one - for the associate, or as a default for the
//! topics they respond in.
//!
//! Decided once for both backends (the query that counts is `crate::store::sql::queue`'s):
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

/// What a backend read of an agent: their limit, if any, and the sessions they hold.
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
