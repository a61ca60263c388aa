//! One verification for identical Basic credentials sent at once. A front end starting up
//! fires several calls in parallel with the same header before any is verified; the first
//! runs argon2 and the rest wait for its outcome, instead of each costing a verification -
//! and each counting against the caller's failed-login budget while it runs.

use std::collections::HashMap;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

use super::cache::Key;
use super::throttle::Throttled;

/// What the first of identical credentials came to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Verified,
    Rejected,
    Throttled(Throttled),
    /// It could not tell (the store failed, or it panicked): the others try themselves.
    Unknown,
}

/// The verifications running, by the credentials' keyed hash ([`super::cache::BasicCache`]).
#[derive(Default)]
pub struct Flights {
    running: Mutex<HashMap<Key, Arc<Flight>>>,
}

#[derive(Default)]
struct Flight {
    outcome: Mutex<Option<Outcome>>,
    done: Condvar,
}

/// What a caller with credentials does: verify them (and say how it went), or take the
/// outcome of the caller that already is.
pub enum Role<'a> {
    Lead(Lead<'a>),
    Follow(Outcome),
}

/// The verification of one set of credentials; its outcome is published when it is
/// dropped - [`Outcome::Unknown`] if [`Lead::finish`] was not called.
pub struct Lead<'a> {
    flights: &'a Flights,
    key: Key,
    flight: Arc<Flight>,
    outcome: Outcome,
}

impl Flights {
    /// Leads the verification of `key`, or waits for the one running and returns its
    /// outcome. Blocking.
    pub fn join(&self, key: Key) -> Role<'_> {
        let flight = {
            let mut running = lock(&self.running);
            match running.get(&key) {
                Some(flight) => flight.clone(),
                None => {
                    let flight = Arc::new(Flight::default());
                    running.insert(key, flight.clone());
                    return Role::Lead(Lead {
                        flights: self,
                        key,
                        flight,
                        outcome: Outcome::Unknown,
                    });
                }
            }
        };
        let mut outcome = lock(&flight.outcome);
        loop {
            if let Some(outcome) = *outcome {
                return Role::Follow(outcome);
            }
            outcome = flight
                .done
                .wait(outcome)
                .unwrap_or_else(|poisoned| poisoned.into_inner());
        }
    }
}

impl Lead<'_> {
    pub fn finish(mut self, outcome: Outcome) {
        self.outcome = outcome;
    }
}

impl Drop for Lead<'_> {
    fn drop(&mut self) {
        lock(&self.flights.running).remove(&self.key);
        *lock(&self.flight.outcome) = Some(self.outcome);
        self.flight.done.notify_all();
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // Plain values; one left by a panicking thread is still sound.
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn the_others_wait_for_the_first_and_take_its_outcome() {
        let flights = Flights::default();
        let Role::Lead(lead) = flights.join([1; 32]) else {
            panic!("the first leads");
        };
        std::thread::scope(|scope| {
            let followers: Vec<_> = (0..4)
                .map(|_| {
                    scope.spawn(|| match flights.join([1; 32]) {
                        Role::Follow(outcome) => outcome,
                        Role::Lead(_) => panic!("one leads at a time"),
                    })
                })
                .collect();
            std::thread::sleep(Duration::from_millis(200));
            assert!(
                matches!(flights.join([2; 32]), Role::Lead(_)),
                "others lead their own"
            );
            lead.finish(Outcome::Rejected);
            for follower in followers {
                assert_eq!(follower.join().unwrap(), Outcome::Rejected);
            }
        });
        assert!(
            matches!(flights.join([1; 32]), Role::Lead(_)),
            "over: the next leads"
        );
    }

    #[test]
    fn a_lead_dropped_unfinished_says_unknown() {
        let flights = Flights::default();
        std::thread::scope(|scope| {
            let Role::Lead(lead) = flights.join([1; 32]) else {
                panic!("the first leads");
            };
            let follower = scope.spawn(|| match flights.join([1; 32]) {
                Role::Follow(outcome) => outcome,
                Role::Lead(_) => Outcome::Verified,
            });
            std::thread::sleep(Duration::from_millis(200));
            drop(lead);
            assert_eq!(follower.join().unwrap(), Outcome::Unknown);
        });
    }
}
