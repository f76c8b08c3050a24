//! What each write can answer, declared once for every resource's documented handlers:
//! `responses(CreateAnswers<View>)` and the like in `write_handlers!`.

use std::collections::BTreeMap;
use std::marker::PhantomData;

use utoipa::openapi::response::Response;
use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
use utoipa::{IntoResponses, ToSchema};

use crate::api::error::problem_response;

/// The refusals writes share, by status.
const MALFORMED_ID: (&str, &str) = ("400", "Malformed JSON or id");
const UNAUTHORIZED: (&str, &str) = ("401", "No, invalid, expired or revoked token");
const FORBIDDEN: (&str, &str) = ("403", "The token's role may not write this");
const NOT_FOUND: (&str, &str) = ("404", "No such item");
const KEY_HELD: (&str, &str) = ("409", "Another item holds the natural key");
const STALE: (&str, &str) = ("412", "`If-Match` is stale");
const TOO_LARGE: (&str, &str) = ("413", "Body over 256 KiB");
const NOT_JSON: (&str, &str) = ("415", "Not application/json");
const INVALID: (&str, &str) = (
    "422",
    "Invalid fields, each named by a JSON pointer in `errors`",
);

/// The refusals a PUT and a PATCH share.
const CHANGING: &[(&str, &str)] = &[
    MALFORMED_ID,
    UNAUTHORIZED,
    FORBIDDEN,
    NOT_FOUND,
    KEY_HELD,
    STALE,
];

/// POST: created, or upserted over the holder of the natural key.
pub struct CreateAnswers<V>(PhantomData<V>);
/// PUT: replaced with a full body.
pub struct ReplaceAnswers<V>(PhantomData<V>);
/// PATCH: changed by a merge patch.
pub struct PatchAnswers<V>(PhantomData<V>);
/// DELETE.
pub struct DeleteAnswers;

impl<V: ToSchema> IntoResponses for CreateAnswers<V> {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        answers(
            [
                ("201", view::<V>("Created; `Location` and `ETag` headers")),
                (
                    "200",
                    view::<V>("Upserted over the item with the same natural key"),
                ),
            ],
            &[
                ("400", "Malformed JSON or query"),
                UNAUTHORIZED,
                FORBIDDEN,
                ("409", "The natural key is taken"),
                TOO_LARGE,
                NOT_JSON,
                INVALID,
            ],
        )
    }
}

impl<V: ToSchema> IntoResponses for ReplaceAnswers<V> {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        answers(
            [("200", view::<V>("Replaced; new `ETag` header"))],
            &[CHANGING, &[TOO_LARGE, NOT_JSON, INVALID]].concat(),
        )
    }
}

impl<V: ToSchema> IntoResponses for PatchAnswers<V> {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        answers(
            [("200", view::<V>("Patched; new `ETag` header"))],
            &[CHANGING, &[("415", "Not JSON"), INVALID]].concat(),
        )
    }
}

impl IntoResponses for DeleteAnswers {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        answers(
            [("204", ResponseBuilder::new().description("Deleted").build())],
            &[
                ("400", "Malformed id"),
                UNAUTHORIZED,
                FORBIDDEN,
                NOT_FOUND,
                ("409", "Other records refer to it"),
                STALE,
            ],
        )
    }
}

/// An answer carrying the item's view.
fn view<V: ToSchema>(description: &str) -> Response {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name(V::name())))
                .build(),
        )
        .build()
}

fn answers<const N: usize>(
    successes: [(&str, Response); N],
    problems: &[(&str, &str)],
) -> BTreeMap<String, RefOr<Response>> {
    let successes = successes
        .into_iter()
        .map(|(status, response)| (status.to_owned(), RefOr::T(response)));
    let problems = problems.iter().map(|(status, description)| {
        (
            (*status).to_owned(),
            RefOr::T(problem_response(description)),
        )
    });
    successes.chain(problems).collect()
}
