//! The site's privacy notice says what the service really does by default:
//! a change of the default retention must change the notice too.

// Tests may stop at the first surprise.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use ambito_forms::config::{Config, Sources};

#[test]
fn the_privacy_notice_states_the_default_retention() {
    let defaults = Config::from_sources(&Sources::default()).expect("defaults are valid");
    let notice = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../content/privacy.md"),
    )
    .unwrap();
    let days = format!("**{} giorni**", defaults.retention_days);
    assert!(
        notice.contains(&days),
        "content/privacy.md must state the retention: {days}"
    );
    // What the notice promises about receipts is what the service does.
    assert!(defaults.receipts_per_day > 0);
    assert!(notice.contains("numero limitato di ricevute al giorno"));
    assert!(notice.contains("impronta SHA-256"));
}
