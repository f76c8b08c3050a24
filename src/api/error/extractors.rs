//! actix's extractor failures (query string, path, JSON body) as problems that name the
//! parameter at fault.

use super::ApiError;

/// Turns actix's query-string extractor failures into problems. serde names an unknown or a
/// repeated parameter only in its message (`unknown field `x`, expected one of ...`,
/// `duplicate field `x``), so the parameter is read back from there.
pub fn query_error_handler(
    err: actix_web::error::QueryPayloadError,
    _req: &actix_web::HttpRequest,
) -> actix_web::Error {
    query_problem(&err.to_string(), &[]).into()
}

/// The problem for a query string serde refused; `shared` names the parameters the route takes
/// beside those serde knew of (see `api::list_query`).
pub fn query_problem(message: &str, shared: &[&str]) -> ApiError {
    let quoted = |after: &str| -> Option<(String, String)> {
        let start = message.find(after)? + after.len();
        let rest = &message[start..];
        let end = rest.find('`')?;
        Some((rest[..end].to_owned(), rest[end + 1..].to_owned()))
    };
    if let Some((name, rest)) = quoted("unknown field `") {
        let mut known: Vec<&str> = rest.split('`').skip(1).step_by(2).collect();
        known.extend_from_slice(shared);
        let hint = crate::domain::text::closest(&name, known.iter().map(|k| (*k, *k)))
            .map(|k| format!("; did you mean `{k}`?"))
            .unwrap_or_default();
        let list = if known.is_empty() {
            "this route takes no query parameters".to_owned()
        } else {
            format!("the parameters of this route are: {}", known.join(", "))
        };
        return ApiError::invalid(
            name.clone(),
            format!("unknown parameter `{name}`{hint} ({list})"),
        );
    }
    if let Some((name, _)) = quoted("duplicate field `") {
        return ApiError::invalid(
            name.clone(),
            format!("`{name}` is given more than once: give it once, with comma-separated values for several (`{name}=a,b`)"),
        );
    }
    ApiError::Malformed(format!("malformed query string: {message}"))
}

/// Turns actix's path extractor failures into problems.
pub fn path_error_handler(
    err: actix_web::error::PathError,
    _req: &actix_web::HttpRequest,
) -> actix_web::Error {
    ApiError::invalid("path", format!("malformed path segment: {err}")).into()
}

/// Turns actix's JSON body extractor failures into problems: 415 for another content type,
/// 413 past the limit, 400 for malformed JSON.
pub fn json_error_handler(
    err: actix_web::error::JsonPayloadError,
    _req: &actix_web::HttpRequest,
) -> actix_web::Error {
    use actix_web::error::JsonPayloadError;
    match err {
        JsonPayloadError::ContentType => ApiError::UnsupportedMediaType(
            "the body must be `Content-Type: application/json`".into(),
        )
        .into(),
        JsonPayloadError::Overflow { limit }
        | JsonPayloadError::OverflowKnownLength { limit, .. } => {
            ApiError::PayloadTooLarge { limit }.into()
        }
        other => ApiError::Malformed(format!("malformed JSON body: {other}")).into(),
    }
}

#[cfg(test)]
mod tests {
    use actix_web::http::StatusCode;
    use actix_web::ResponseError;

    use super::*;

    #[test]
    fn query_errors_name_the_parameter() {
        let unknown = query_problem(
            "Query deserialize error: unknown field `indicatr`, expected one of `province`, `indicator`",
            &[],
        );
        match unknown {
            ApiError::InvalidParameter { parameter, detail } => {
                assert_eq!(parameter, "indicatr");
                assert!(detail.contains("did you mean `indicator`?"), "{detail}");
            }
            other => panic!("{other:?}"),
        }
        let repeated = query_problem("Query deserialize error: duplicate field `sort`", &[]);
        assert!(
            matches!(repeated, ApiError::InvalidParameter { parameter, .. } if parameter == "sort")
        );
        assert!(matches!(
            query_problem("invalid digit", &[]),
            ApiError::Malformed(_)
        ));
    }

    mod properties {
        use proptest::prelude::*;

        use super::*;

        /// Parameter names as serde quotes them: anything but a backtick.
        fn name() -> impl Strategy<Value = String> {
            prop_oneof!["[a-z_]{1,12}", "[^`]{1,20}"]
        }

        proptest! {
            #![proptest_config(crate::test_support::proptest_config(256))]

            #[test]
            fn no_message_panics(message in any::<String>(), name in name()) {
                for text in [
                    message.clone(),
                    format!("unknown field `{message}"),
                    format!("unknown field `{name}`{message}"),
                    format!("duplicate field `{message}"),
                ] {
                    let problem = query_problem(&text, &[]);
                    prop_assert_eq!(problem.status_code(), StatusCode::BAD_REQUEST);
                }
            }

            #[test]
            fn unknown_and_repeated_parameters_are_named(
                name in name(),
                known in prop::collection::vec("[a-z_]{1,12}", 0..8),
            ) {
                let expected = if known.is_empty() {
                    "there are no fields".to_owned()
                } else {
                    format!("expected one of {}", known.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", "))
                };
                let unknown = query_problem(&format!(
                    "Query deserialize error: unknown field `{name}`, {expected}"
                ), &[]);
                prop_assert!(
                    matches!(&unknown, ApiError::InvalidParameter { parameter, detail }
                        if *parameter == name && known.iter().all(|k| detail.contains(k.as_str()))),
                    "{:?}", unknown
                );
                let repeated = query_problem(&format!("Query deserialize error: duplicate field `{name}`"), &[]);
                prop_assert!(
                    matches!(&repeated, ApiError::InvalidParameter { parameter, .. } if *parameter == name),
                    "{:?}", repeated
                );
            }
        }
    }
}
