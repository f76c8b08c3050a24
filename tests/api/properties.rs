//! Properties of the query-parameter parsers every list route shares (`chiso::api::params`):
//! no input panics, what they accept prints back to itself, and each refusal names its parameter.

use chiso::api::error::ApiError;
use chiso::api::params;
use chrono::NaiveDate;
use proptest::prelude::*;

/// Query-string values: anything, and text near what the parsers look for.
fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[ ]?[+-]?[0-9]{0,25}[ ]?",
        "[a-z0-9 ,_-]{0,30}",
        "[ ]?[0-9]{4}(-[0-9HQMhqm]{1,3})?(,[0-9]{4}(-[0-9HQM]{1,3})?){0,3}[ ]?",
        "[0-9+-]{1,7}-[0-9]{1,3}-[0-9]{1,3}",
        "(true|false|TRUE|1|0|yes| )*",
    ]
}

fn names_parameter(err: &ApiError, name: &str) -> bool {
    matches!(err, ApiError::InvalidParameter { parameter, .. } if parameter == name)
}

proptest! {
    #![proptest_config(ProptestConfig {
            cases: 256,
            // Shrunk failures become unit tests; no regressions folder in the tree.
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

    #[test]
    fn limit_accepts_exactly_1_to_1000(raw in value()) {
        let expected = raw.trim().parse::<i64>().ok().filter(|n| (1..=params::MAX_LIMIT).contains(n));
        match params::limit(Some(&raw)) {
            Ok(n) => prop_assert_eq!(Some(n), expected),
            Err(e) => {
                prop_assert_eq!(expected, None);
                prop_assert!(names_parameter(&e, "limit"), "{:?}", e);
            }
        }
    }

    #[test]
    fn limit_reads_back_every_allowed_value(n in 1i64..=params::MAX_LIMIT) {
        prop_assert_eq!(params::limit(Some(&n.to_string())).ok(), Some(n));
    }

    #[test]
    fn lists_hold_trimmed_non_empty_items_and_read_back(raw in value()) {
        let items = params::list(Some(&raw));
        for item in &items {
            prop_assert!(!item.is_empty() && !item.contains(','), "{:?}", item);
            prop_assert_eq!(item.trim(), item.as_str());
        }
        prop_assert_eq!(params::list(Some(&items.join(","))), items);
    }

    #[test]
    fn one_of_each_accepts_exactly_the_vocabulary(
        raw in prop_oneof![value(), "(final|estimate|provisional|nope| |,){0,6}"],
    ) {
        let allowed = ["final", "estimate", "provisional"];
        let every_allowed = params::list(Some(&raw)).iter().all(|v| allowed.contains(&v.as_str()));
        match params::one_of_each("status", Some(&raw), &allowed) {
            Ok(values) => {
                prop_assert!(every_allowed);
                prop_assert_eq!(values, params::list(Some(&raw)));
            }
            Err(e) => {
                prop_assert!(!every_allowed);
                prop_assert!(names_parameter(&e, "status"), "{:?}", e);
            }
        }
    }

    #[test]
    fn period_lists_come_back_canonical(raw in value()) {
        match params::periods("period", Some(&raw)) {
            Ok(ids) => {
                // Canonical: reading the printed ids again gives the same ids.
                prop_assert_eq!(params::periods("period", Some(&ids.join(","))).ok(), Some(ids.clone()));
                prop_assert_eq!(ids.len(), params::list(Some(&raw)).len());
            }
            Err(e) => prop_assert!(names_parameter(&e, "period"), "{:?}", e),
        }
        for (name, date) in [
            ("from", params::from_period(Some(&raw))),
            ("to", params::to_period(Some(&raw))),
        ] {
            if let Err(e) = date {
                prop_assert!(names_parameter(&e, name), "{:?}", e);
            }
        }
        if let (Ok(Some(from)), Ok(Some(to))) = (params::from_period(Some(&raw)), params::to_period(Some(&raw))) {
            prop_assert!(from <= to, "{raw:?}: the period's start after its end");
        }
    }

    #[test]
    fn dates_read_back_and_refusals_name_the_parameter(raw in value()) {
        match params::date("as_of", Some(&raw)) {
            Ok(Some(d)) => {
                let printed = d.format("%Y-%m-%d").to_string();
                prop_assert_eq!(params::date("as_of", Some(&printed)).ok(), Some(Some(d)));
            }
            Ok(None) => return Err(TestCaseError::fail("a given date came back as none")),
            Err(e) => prop_assert!(names_parameter(&e, "as_of"), "{:?}", e),
        }
    }

    #[test]
    fn every_calendar_date_reads_back(day in 0i64..(200 * 366)) {
        let d = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap() + chrono::Duration::days(day);
        let printed = d.format("%Y-%m-%d").to_string();
        prop_assert_eq!(params::date("published_from", Some(&printed)).ok(), Some(Some(d)));
    }

    #[test]
    fn positive_accepts_exactly_positive_integers(raw in value()) {
        let expected = raw.trim().parse::<i32>().ok().filter(|n| *n >= 1);
        match params::positive("latest", Some(&raw)) {
            Ok(n) => prop_assert_eq!(n, expected),
            Err(e) => {
                prop_assert_eq!(expected, None);
                prop_assert!(names_parameter(&e, "latest"), "{:?}", e);
            }
        }
    }

    #[test]
    fn positive_reads_back(n in 1i32..=i32::MAX) {
        prop_assert_eq!(params::positive("latest", Some(&n.to_string())).ok(), Some(Some(n)));
    }

    #[test]
    fn flags_are_true_or_false_only(raw in value()) {
        match params::flag("upsert", Some(&raw)) {
            Ok(on) => prop_assert_eq!(raw.trim(), if on { "true" } else { "false" }),
            Err(e) => {
                prop_assert!(!matches!(raw.trim(), "true" | "false"));
                prop_assert!(names_parameter(&e, "upsert"), "{:?}", e);
            }
        }
    }
}

#[test]
fn absent_parameters_take_their_defaults() {
    assert_eq!(params::limit(None).unwrap(), params::DEFAULT_LIMIT);
    assert!(params::list(None).is_empty());
    assert!(params::periods("period", None).unwrap().is_empty());
    assert_eq!(params::date("as_of", None).unwrap(), None);
    assert_eq!(params::positive("latest", None).unwrap(), None);
    assert!(!params::flag("upsert", None).unwrap());
}
