//! One at a time, failures shared: the lock the credentials source and
//! the tenant lookup are asked under.
//!
//! Calls that need the same answer (fresh credentials, where a tenant is)
//! take turns; the first asks, the others find its answer kept when their
//! turn comes. When the ask fails, the calls that waited meanwhile are
//! told so ([`Turn::failed_meanwhile`]) instead of each asking again, and
//! no call waits for its turn longer than its own time limit.

use std::sync::{Mutex, PoisonError};
use std::time::Duration;

/// The lock, and the last failure with how many asks had ended by then.
#[derive(Debug)]
pub(crate) struct Flight<F> {
    lock: tokio::sync::Mutex<()>,
    ends: Mutex<Ends<F>>,
}

#[derive(Debug)]
struct Ends<F> {
    /// Asks that have ended.
    count: u64,
    /// The last failed ask: its end's number, and what failed.
    failed: Option<(u64, F)>,
}

/// A call's turn to ask; the lock is held until it is dropped.
pub(crate) struct Turn<'a, F> {
    flight: &'a Flight<F>,
    _guard: tokio::sync::MutexGuard<'a, ()>,
    failed_meanwhile: Option<F>,
}

impl<F: Clone> Flight<F> {
    pub fn new() -> Self {
        Flight {
            lock: tokio::sync::Mutex::new(()),
            ends: Mutex::new(Ends {
                count: 0,
                failed: None,
            }),
        }
    }

    fn ends(&self) -> std::sync::MutexGuard<'_, Ends<F>> {
        self.ends.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Waits for this call's turn, at most `limit` (`None` when it ran out).
    pub async fn turn(&self, limit: Duration) -> Option<Turn<'_, F>> {
        let ended_before = self.ends().count;
        let guard = tokio::time::timeout(limit, self.lock.lock()).await.ok()?;
        let failed_meanwhile = match &self.ends().failed {
            Some((at, what)) if *at > ended_before => Some(what.clone()),
            _ => None,
        };
        Some(Turn {
            flight: self,
            _guard: guard,
            failed_meanwhile,
        })
    }
}

impl<F> Turn<'_, F> {
    /// What failed for another call's ask while this one waited.
    pub fn failed_meanwhile(&self) -> Option<&F> {
        self.failed_meanwhile.as_ref()
    }

    /// Notes that this call's ask ended, with what failed if it did.
    pub fn ended(&self, failed: Option<F>) {
        let mut ends = self
            .flight
            .ends
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        ends.count += 1;
        if let Some(what) = failed {
            ends.failed = Some((ends.count, what));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_failure_reaches_only_the_calls_that_waited_for_it() {
        let flight = Flight::<&str>::new();
        let first = flight.turn(Duration::from_secs(1)).await.expect("free");
        assert_eq!(first.failed_meanwhile(), None);
        // A second call queues while the first asks, and fails.
        let mut second = Box::pin(flight.turn(Duration::from_secs(1)));
        assert!(futures_util::FutureExt::now_or_never(&mut second).is_none());
        first.ended(Some("the source failed"));
        drop(first);
        let second = second.await;
        let second = second.expect("its turn");
        assert_eq!(second.failed_meanwhile(), Some(&"the source failed"));
        second.ended(None);
        drop(second);
        // A call that comes after asks afresh.
        let third = flight.turn(Duration::from_secs(1)).await.expect("free");
        assert_eq!(third.failed_meanwhile(), None);
    }

    #[tokio::test]
    async fn waiting_for_a_turn_takes_at_most_the_limit() {
        let flight = Flight::<()>::new();
        let _held = flight.turn(Duration::from_secs(1)).await.expect("free");
        assert!(flight.turn(Duration::from_millis(20)).await.is_none());
    }
}
