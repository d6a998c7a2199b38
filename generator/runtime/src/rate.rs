//! A client-side rate limit (SuperOffice asks apps to stay under 10 calls a
//! second; throttled apps get `429`s): at most `calls` sends in any window
//! of `per`, shared by every clone of the client, granted in the order they
//! are asked for. Every request takes a slot: a retry, a redirect, a call
//! repeated after a credentials renewal or a tenant's move. Waiting for a slot counts
//! against the attempt's time limit.

use std::collections::VecDeque;
use std::time::Duration;

use tokio::time::Instant;

use super::error::Error;

/// The limit and the sends within the last window.
#[derive(Debug)]
pub(crate) struct RateLimit {
    calls: usize,
    per: Duration,
    /// When each of the last `calls` sends was let through. The lock is
    /// held while a send waits for its slot, so sends go in turn (tokio's
    /// mutex is fair: first come, first served).
    sent: tokio::sync::Mutex<VecDeque<Instant>>,
}

impl RateLimit {
    /// At most `calls` sends in any `per`.
    pub fn new(calls: u32, per: Duration) -> Result<Self, Error> {
        if calls == 0 || per.is_zero() {
            return Err(Error::Config(
                "a rate limit needs at least one call in a window longer than zero".into(),
            ));
        }
        Ok(RateLimit {
            calls: calls as usize,
            per,
            sent: tokio::sync::Mutex::new(VecDeque::with_capacity(calls as usize)),
        })
    }

    /// Waits for a slot; `false` when none comes before `deadline`.
    pub async fn acquire(&self, deadline: Instant) -> bool {
        let Ok(mut sent) = tokio::time::timeout_at(deadline, self.sent.lock()).await else {
            return false;
        };
        loop {
            let now = Instant::now();
            // A window too long to add to an instant never frees a slot.
            let frees = |t: &Instant| t.checked_add(self.per);
            while sent.front().and_then(frees).is_some_and(|f| f <= now) {
                sent.pop_front();
            }
            if sent.len() < self.calls {
                sent.push_back(now);
                return true;
            }
            let Some(free) = sent.front().and_then(frees) else {
                return false;
            };
            if free > deadline {
                return false;
            }
            tokio::time::sleep_until(free).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    #[tokio::test(start_paused = true)]
    async fn fifty_sends_at_ten_a_second_take_five_seconds_never_eleven_in_one() {
        let limit = Arc::new(RateLimit::new(10, Duration::from_secs(1)).expect("limit"));
        let start = Instant::now();
        let far = start + Duration::from_secs(3600);
        let tasks: Vec<_> = (0..50)
            .map(|_| {
                let limit = Arc::clone(&limit);
                tokio::spawn(async move {
                    assert!(limit.acquire(far).await);
                    Instant::now()
                })
            })
            .collect();
        let mut at = Vec::new();
        for t in tasks {
            at.push(t.await.expect("task") - start);
        }
        at.sort();
        // Ten at once, then ten a second: the last at 4 s of virtual time.
        assert_eq!(at[9], Duration::ZERO);
        assert_eq!(at[10], Duration::from_secs(1));
        assert_eq!(at[49], Duration::from_secs(4));
        for (i, t) in at.iter().enumerate() {
            let in_window = at[i..]
                .iter()
                .filter(|u| **u < *t + Duration::from_secs(1))
                .count();
            assert!(
                in_window <= 10,
                "{in_window} sends in the second from {t:?}"
            );
        }
    }

    #[tokio::test(start_paused = true)]
    async fn waiting_ends_at_the_deadline() {
        let limit = RateLimit::new(1, Duration::from_secs(10)).expect("limit");
        let now = Instant::now();
        assert!(limit.acquire(now + Duration::from_secs(1)).await);
        assert!(
            !limit.acquire(now + Duration::from_secs(1)).await,
            "the next slot is 10 s away"
        );
        assert_eq!(
            Instant::now(),
            now,
            "it did not wait for a slot it could not have"
        );
        assert!(limit.acquire(now + Duration::from_secs(11)).await);
        assert_eq!(Instant::now(), now + Duration::from_secs(10));
        assert!(RateLimit::new(0, Duration::from_secs(1)).is_err());
    }
}
