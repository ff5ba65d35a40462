//! Per-address rate limiting (a token bucket per client address, kept in
//! memory only).

use crate::config::RateLimit;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub struct Limiter {
    limit: RateLimit,
    buckets: Mutex<HashMap<IpAddr, (f64, Instant)>>,
}

impl Limiter {
    pub fn new(limit: RateLimit) -> Limiter {
        Limiter {
            limit,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one token for `ip`; when there is none, says how long to wait.
    pub fn check(&self, ip: IpAddr, now: Instant) -> Result<(), Duration> {
        let capacity = f64::from(self.limit.max);
        let rate = capacity / self.limit.per.as_secs_f64(); // tokens per second
        let Ok(mut buckets) = self.buckets.lock() else {
            return Ok(()); // a poisoned lock must not block submissions
        };
        if buckets.len() > 100_000 {
            // Forget clients whose bucket has refilled: they are as new.
            buckets.retain(|_, (tokens, at)| {
                *tokens + now.duration_since(*at).as_secs_f64() * rate < capacity
            });
        }
        let (tokens, at) = buckets.entry(ip).or_insert((capacity, now));
        *tokens = (*tokens + now.duration_since(*at).as_secs_f64() * rate).min(capacity);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - *tokens) / rate))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allows_the_limit_then_asks_to_wait() {
        let l = Limiter::new(RateLimit {
            max: 3,
            per: Duration::from_secs(60),
        });
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        let t = Instant::now();
        for _ in 0..3 {
            assert!(l.check(ip, t).is_ok());
        }
        let wait = l.check(ip, t).unwrap_err();
        assert!((19.0..=21.0).contains(&wait.as_secs_f64()), "{wait:?}");
        assert!(
            l.check("192.0.2.2".parse().unwrap(), t).is_ok(),
            "other addresses unaffected"
        );
        assert!(
            l.check(ip, t + Duration::from_secs(20)).is_ok(),
            "a token refills in 20 s"
        );
    }
}
