//! One email parser for the form and the mailer: every address the form
//! accepts is one lettre can send a receipt to.

// Tests may stop at the first surprise.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use ambito_form::checks::email;
use lettre::message::Mailbox;
use lettre::Address;
use proptest::prelude::*;

fn mailer_accepts(s: &str) -> bool {
    s.parse::<Address>().is_ok() && s.parse::<Mailbox>().is_ok()
}

#[test]
fn addresses_the_mailer_refuses_are_refused_by_the_form() {
    for bad in [".a@esempio.it", "a..b@esempio.it", "a.@esempio.it"] {
        assert!(!mailer_accepts(bad), "lettre refuses {bad}");
        assert_eq!(email(bad), None, "{bad}");
    }
    // Found by the property test below: a quoted local part the address
    // parser takes and the mailbox parser does not.
    let quoted = "\":\"@0.a";
    assert!(!mailer_accepts(quoted), "lettre refuses {quoted}");
    assert_eq!(email(quoted), None, "{quoted}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    #[test]
    fn what_the_form_accepts_the_mailer_can_send_to(
        local in "[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~()\\[\\]\",;:<>@ \\\\-]{0,20}",
        domain in "[a-zA-Z0-9.\\-\\[\\]_]{0,20}",
    ) {
        let address = format!("{local}@{domain}");
        if email(&address).is_some() {
            prop_assert!(mailer_accepts(&address), "{address}");
        }
    }

    #[test]
    fn plausible_addresses_agree(
        local in "[a-z0-9]{1,8}([._+-][a-z0-9]{1,8}){0,2}\\.?",
        domain in "\\.?[a-z0-9]{1,8}(\\.[a-z0-9-]{1,8}){0,2}\\.?",
    ) {
        let address = format!("{local}@{domain}");
        if email(&address).is_some() {
            prop_assert!(mailer_accepts(&address), "{address}");
        }
    }
}
