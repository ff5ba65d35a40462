//! The wall clock, read in one place: submissions are stamped in seconds
//! since the Unix epoch, delivery is scheduled in milliseconds.

/// Seconds since the Unix epoch.
pub fn now() -> i64 {
    now_ms() / 1000
}

/// Milliseconds since the Unix epoch (0 if the clock is before 1970,
/// which only a broken clock is: nothing then looks due in the future).
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}
