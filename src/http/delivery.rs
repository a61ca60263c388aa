//! Whether the answer to a change reached its caller. A pickup is committed whether or not
//! anyone is left to read the answer - a closed tab, a client's timeout, a Lambda cut off -
//! and a session handed to an agent who never saw it is a customer waiting on nobody. So the
//! operation notes on a [`Receipt`] what it committed, the side that hands the answer over
//! notes whether it could, and whichever comes second logs a warning naming the session if
//! the answer was lost.

use std::mem::MaybeUninit;
use std::os::fd::{BorrowedFd, RawFd};
use std::sync::{Arc, Mutex, MutexGuard};

/// One request's record of what was committed and whether the answer got out.
#[derive(Clone, Debug, Default)]
pub struct Receipt(Arc<Mutex<State>>);

#[derive(Debug, Default)]
struct State {
    committed: Option<Committed>,
    fate: Fate,
}

#[derive(Clone, Debug)]
struct Committed {
    session_id: i64,
    request_id: String,
    key: String,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Fate {
    #[default]
    Pending,
    Delivered,
    Lost,
}

impl Receipt {
    /// A pickup of `session_id` was committed for this request (`key`: its idempotency key,
    /// or empty).
    pub fn committed(&self, session_id: i64, request_id: &str, key: &str) {
        let committed = Committed {
            session_id,
            request_id: request_id.to_string(),
            key: key.to_string(),
        };
        let mut state = self.lock();
        if state.fate == Fate::Lost {
            warn(&committed);
        }
        state.committed = Some(committed);
    }

    /// The answer was handed over.
    pub fn delivered(&self) {
        let mut state = self.lock();
        if state.fate == Fate::Pending {
            state.fate = Fate::Delivered;
        }
    }

    /// The answer could not be handed over: the caller is gone.
    pub fn lost(&self) {
        let mut state = self.lock();
        if state.fate != Fate::Pending {
            return;
        }
        state.fate = Fate::Lost;
        if let Some(committed) = &state.committed {
            warn(committed);
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // Plain values; one left by a panicking thread is still sound.
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Held by a future that may be dropped before it is done (a Lambda invocation cut off, a
/// connection closed under the local server): dropped while armed, the answer is lost.
pub struct Watch(Option<Receipt>);

impl Watch {
    pub fn new(receipt: &Receipt) -> Self {
        Self(Some(receipt.clone()))
    }

    /// The future got to the end; what happens to the answer now is someone else's to tell.
    pub fn disarm(mut self) {
        self.0 = None;
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        if let Some(receipt) = self.0.take() {
            receipt.lost();
        }
    }
}

/// The local server's connection a request came on, carried on the request, to ask whether
/// its client is still there. (A Lambda request carries none: API Gateway holds the caller.)
///
/// The server reads no further while it answers (`half_close`: a second read buffer per
/// waiting customer otherwise), so it notices no hang-up by itself; those who care ask.
#[derive(Clone, Copy, Debug)]
pub struct Connection(RawFd);

impl Connection {
    /// Only the server makes one, for the socket of the connection whose request it serves:
    /// hyper keeps that socket open while the request's future - the only holder - runs.
    pub(super) fn new(socket: RawFd) -> Self {
        Self(socket)
    }

    /// Whether the client has closed the connection: a read would find the end of the
    /// stream, so an answer written now would never be read.
    pub fn hung_up(&self) -> bool {
        // SAFETY: see `new` - the socket is open while anyone holding this can ask.
        let socket = unsafe { BorrowedFd::borrow_raw(self.0) };
        let mut byte = [MaybeUninit::<u8>::uninit(); 1];
        // The socket is non-blocking: an open, quiet client is `WouldBlock`.
        matches!(socket2::SockRef::from(&socket).peek(&mut byte), Ok(0))
    }
}

fn warn(committed: &Committed) {
    let Committed {
        session_id,
        request_id,
        key,
    } = committed;
    tracing::warn!(
        session_id,
        request_id = request_id.as_str(),
        key = key.as_str(),
        "session picked up, but the answer was not delivered: the agent may not know about it \
         (a retry with the same Idempotency-Key gets it; the agent's session list shows it)"
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fate(receipt: &Receipt) -> Fate {
        receipt.lock().fate
    }

    #[test]
    fn a_watch_dropped_armed_loses_the_answer_and_disarmed_leaves_it() {
        let receipt = Receipt::default();
        drop(Watch::new(&receipt));
        assert_eq!(fate(&receipt), Fate::Lost);
        let receipt = Receipt::default();
        Watch::new(&receipt).disarm();
        assert_eq!(fate(&receipt), Fate::Pending);
        receipt.delivered();
        receipt.lost();
        assert_eq!(fate(&receipt), Fate::Delivered, "delivered stays delivered");
    }

    #[test]
    fn the_commit_is_kept_whichever_comes_first() {
        let receipt = Receipt::default();
        receipt.lost();
        receipt.committed(7, "r", "k");
        assert_eq!(receipt.lock().committed.as_ref().unwrap().session_id, 7);
    }
}
