//! The queue and the Rank, as every operation understands them.
//!
//! - A session **waits for an agent** while it is in the queue (`InQueue`), no bot is
//!   talking in it and no transfer is pending: only then can a pickup take it. The queue
//!   serves the oldest request first, then the lowest id.
//! - A session is **in progress** (`CustomerLast`, `UserLast`) once an agent holds it: it
//!   holds a Rank of theirs - its place in their list - and counts toward their capacity.
//! - A new session of an agent takes their **first free Rank**: the lowest positive number
//!   none of their sessions in progress holds.
//!
//! The SQL that finds these is written once from these words, for both backends
//! (`crate::store::sql::queue`).

use crate::entity::status::{CUSTOMER_LAST, USER_LAST};

/// The statuses of a session in progress.
pub const IN_PROGRESS: [i64; 2] = [CUSTOMER_LAST, USER_LAST];

/// Where a session entering the queue stands: after those already `waiting` in the topic.
pub fn queue_position(waiting: i64) -> i64 {
    waiting + 1
}

/// Which session a pickup takes: the first the agent may take, or one named by id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Which {
    First,
    Session(i64),
}

/// The lowest positive number missing from `ranks` (ascending): an agent's next free Rank.
/// Reads only as far as the first gap.
pub fn first_free_rank<E>(ranks: impl IntoIterator<Item = Result<i64, E>>) -> Result<i64, E> {
    let mut free = 1;
    for rank in ranks {
        let rank = rank?;
        if rank > free {
            break;
        }
        free = free.max(rank + 1);
    }
    Ok(free)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_free_rank_is_the_first_gap() {
        let free = |ranks: &[i64]| first_free_rank(ranks.iter().map(|&r| Ok::<_, ()>(r))).unwrap();
        assert_eq!(free(&[]), 1);
        assert_eq!(free(&[1, 2]), 3);
        assert_eq!(free(&[1, 2, 4]), 3);
        assert_eq!(free(&[2, 3]), 1);
    }
}
