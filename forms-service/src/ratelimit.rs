//! Per-client rate limiting: a token bucket per client, kept in memory only.
//!
//! Memory is bounded and every check costs O(1), however many clients there
//! are: buckets live in shards (one lock each, so concurrent requests rarely
//! wait for one another), and each shard keeps two generations of buckets.
//! When the current generation is older than the limit's period, or full,
//! it becomes the previous one and the old previous one is dropped (outside
//! the lock). A bucket untouched for a whole period has refilled, so
//! forgetting it changes nothing; the size cap only makes an attacker with
//! more addresses than the cap forget some of its own buckets.

use crate::config::RateLimit;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Who a bucket belongs to: an IPv4 address, or an IPv6 /64 (one
/// subscriber's network: an IPv6 client can change the last 64 bits at
/// will, so limiting per address would limit nothing).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ClientKey {
    /// An IPv4 address, as its 32 bits.
    V4(u32),
    /// The first 64 bits of an IPv6 address.
    V6Net(u64),
}

impl ClientKey {
    /// The key of a client address (IPv4-mapped IPv6 counts as IPv4).
    pub fn of(ip: IpAddr) -> ClientKey {
        match ip {
            IpAddr::V4(v4) => ClientKey::V4(u32::from(v4)),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => ClientKey::V4(u32::from(v4)),
                None => ClientKey::V6Net((u128::from(v6) >> 64) as u64),
            },
        }
    }
}

const SHARDS: usize = 16;

/// Buckets per shard and generation; the whole limiter holds at most
/// `2 × SHARDS × this` (about 200,000 clients, a few MiB).
const SHARD_CAPACITY: usize = 6_250;

type Bucket = (f64, Instant);

struct Shard {
    current: HashMap<ClientKey, Bucket>,
    previous: HashMap<ClientKey, Bucket>,
    since: Instant,
}

/// A token bucket per client.
pub struct Limiter {
    limit: RateLimit,
    shards: Vec<Mutex<Shard>>,
    hasher: std::collections::hash_map::RandomState,
}

impl Limiter {
    /// A limiter allowing `limit` per client.
    pub fn new(limit: RateLimit) -> Limiter {
        let now = Instant::now();
        Limiter {
            limit,
            shards: (0..SHARDS)
                .map(|_| {
                    Mutex::new(Shard {
                        current: HashMap::new(),
                        previous: HashMap::new(),
                        since: now,
                    })
                })
                .collect(),
            hasher: std::collections::hash_map::RandomState::new(),
        }
    }

    /// Clients remembered now (for tests of the memory bound).
    pub fn len(&self) -> usize {
        self.shards
            .iter()
            .filter_map(|s| s.lock().ok())
            .map(|s| s.current.len() + s.previous.len())
            .sum()
    }

    /// Whether no client is remembered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Takes one token for `ip`; when there is none, says how long to wait.
    pub fn check(&self, ip: IpAddr, now: Instant) -> Result<(), Duration> {
        use std::hash::BuildHasher;
        let key = ClientKey::of(ip);
        let capacity = f64::from(self.limit.max);
        let rate = capacity / self.limit.per.as_secs_f64(); // tokens per second
        let shard = &self.shards[self.hasher.hash_one(key) as usize % SHARDS];
        let Ok(mut shard) = shard.lock() else {
            return Ok(()); // a poisoned lock must not block submissions
        };
        let mut dropped = None;
        if now.saturating_duration_since(shard.since) >= self.limit.per
            || shard.current.len() >= SHARD_CAPACITY
        {
            let current = std::mem::take(&mut shard.current);
            dropped = Some(std::mem::replace(&mut shard.previous, current));
            shard.since = now;
        }
        let bucket = match shard.current.get(&key) {
            Some(b) => *b,
            None => shard.previous.remove(&key).unwrap_or((capacity, now)),
        };
        let (tokens, at) = bucket;
        let tokens =
            (tokens + now.saturating_duration_since(at).as_secs_f64() * rate).min(capacity);
        let (left, answer) = if tokens >= 1.0 {
            (tokens - 1.0, Ok(()))
        } else {
            (tokens, Err(Duration::from_secs_f64((1.0 - tokens) / rate)))
        };
        shard.current.insert(key, (left, now));
        drop(shard);
        // Freed after the lock is released: other requests do not wait for it.
        drop(dropped);
        answer
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limiter(max: u32, secs: u64) -> Limiter {
        Limiter::new(RateLimit {
            max,
            per: Duration::from_secs(secs),
        })
    }

    #[test]
    fn allows_the_limit_then_asks_to_wait() {
        let l = limiter(3, 60);
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

    #[test]
    fn ipv6_clients_are_limited_per_64() {
        let l = limiter(2, 60);
        let t = Instant::now();
        assert!(l.check("2001:db8:1:2::1".parse().unwrap(), t).is_ok());
        assert!(l.check("2001:db8:1:2:ffff::9".parse().unwrap(), t).is_ok());
        assert!(
            l.check("2001:db8:1:2:abcd::7".parse().unwrap(), t).is_err(),
            "another address of the same /64 is the same client"
        );
        assert!(l.check("2001:db8:1:3::1".parse().unwrap(), t).is_ok());
        assert_eq!(
            ClientKey::of("::ffff:192.0.2.1".parse().unwrap()),
            ClientKey::of("192.0.2.1".parse().unwrap())
        );
    }

    #[test]
    fn memory_is_bounded_and_each_check_is_cheap_with_many_clients() {
        let l = limiter(5, 3600);
        let t = Instant::now();
        let started = Instant::now();
        let mut times = Vec::with_capacity(300_000);
        for i in 0..300_000u32 {
            let ip = IpAddr::V4((0x0a00_0000 + i).into());
            let one = Instant::now();
            assert!(l.check(ip, t).is_ok());
            times.push(one.elapsed());
        }
        assert!(l.len() <= 2 * SHARDS * SHARD_CAPACITY, "{}", l.len());
        // No check walks the whole table. Judged on the 99.9th percentile,
        // not the slowest one: on a loaded machine any single check can be
        // descheduled, and a shard's rare rotation is allowed its cost.
        times.sort_unstable();
        let p999 = times[times.len() * 999 / 1000];
        assert!(p999 < Duration::from_millis(5), "p99.9 {p999:?}");
        assert!(started.elapsed() < Duration::from_secs(30));
        // A client that keeps posting is still limited amid the crowd.
        let me: IpAddr = "198.51.100.7".parse().unwrap();
        for _ in 0..5 {
            assert!(l.check(me, t).is_ok());
        }
        assert!(l.check(me, t).is_err());
    }

    #[test]
    fn a_refilled_bucket_is_forgotten_after_two_periods() {
        let l = limiter(1, 1);
        let t = Instant::now();
        let ip: IpAddr = "192.0.2.9".parse().unwrap();
        assert!(l.check(ip, t).is_ok());
        assert!(l.check(ip, t).is_err());
        // Every shard rotates twice as other clients come and go.
        for k in 1..=2u64 {
            for i in 0..64u32 {
                let _ = l.check(
                    IpAddr::V4((0x0b00_0000 + i).into()),
                    t + Duration::from_secs(k * 2),
                );
            }
        }
        assert!(l.check(ip, t + Duration::from_secs(4)).is_ok());
    }
}
