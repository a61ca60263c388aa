//! `Idempotency-Key` as the HTTP layer handles it: why a request's key cannot be honoured,
//! and the keys of the requests this process is answering right now.

use std::collections::HashSet;
use std::sync::{Mutex, MutexGuard};

use crate::chat::idempotency::IdempotencyKey;

/// Why a request's key cannot be honoured (a key used for another operation is a
/// [`crate::chat::Refusal`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyError {
    /// The header cannot be read; the text says why.
    Malformed(&'static str),
    /// A request with this key is still being answered.
    InFlight,
}

/// Whose key it is: an agent's keys and a customer's are apart even where an associate's id
/// and a session's id are the same number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Holder {
    /// The associate's id.
    Agent(i64),
    /// The customer's session id.
    Customer(i64),
}

type Entry = (String, Holder, IdempotencyKey);

/// The keys whose requests this process is answering right now, so that a second request
/// with one is refused (409) instead of waiting for the first. Across processes the store's
/// transaction decides: the second waits for the first's commit and replays it.
#[derive(Default)]
pub struct InFlight {
    keys: Mutex<HashSet<Entry>>,
}

/// A key entered in [`InFlight`]; leaving it when dropped.
pub struct Entered<'a> {
    in_flight: &'a InFlight,
    entry: Option<Entry>,
}

impl InFlight {
    /// Enters `key` of `holder` in `scope` (the tenant), unless a request with it is in
    /// flight.
    pub fn enter(
        &self,
        scope: &str,
        holder: Holder,
        key: &IdempotencyKey,
    ) -> Result<Entered<'_>, KeyError> {
        let entry = (scope.to_string(), holder, key.clone());
        if !self.lock().insert(entry.clone()) {
            return Err(KeyError::InFlight);
        }
        Ok(Entered {
            in_flight: self,
            entry: Some(entry),
        })
    }

    fn lock(&self) -> MutexGuard<'_, HashSet<Entry>> {
        // A set of plain values; one left by a panicking thread is still sound.
        self.keys
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Drop for Entered<'_> {
    fn drop(&mut self) {
        if let Some(entry) = self.entry.take() {
            self.in_flight.lock().remove(&entry);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_in_flight_is_refused_until_its_request_ends() {
        let in_flight = InFlight::default();
        let k = IdempotencyKey::parse("k").unwrap();
        let first = in_flight.enter("", Holder::Agent(1), &k).unwrap();
        assert_eq!(
            in_flight.enter("", Holder::Agent(1), &k).err(),
            Some(KeyError::InFlight)
        );
        assert!(
            in_flight.enter("", Holder::Agent(2), &k).is_ok(),
            "another associate's"
        );
        assert!(
            in_flight.enter("", Holder::Customer(1), &k).is_ok(),
            "session 1's customer's"
        );
        assert!(
            in_flight.enter("acme", Holder::Agent(1), &k).is_ok(),
            "another tenant's"
        );
        drop(first);
        assert!(in_flight.enter("", Holder::Agent(1), &k).is_ok());
    }
}
