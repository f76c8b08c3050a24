//! Rules the server applies to every route, written into the document in one place rather than
//! on each annotation: empty query parameters, conditional requests and their headers, the
//! change reason, control characters in text, and merge-patch bodies.

use serde_json::{json, Map, Value};
use utoipa::openapi::path::ParameterIn;
use utoipa::openapi::OpenApi;

use crate::domain::text::MULTILINE_FIELDS;
use crate::domain::vocab;

/// Input fields whose value comes from a vocabulary, and the vocabulary's schema: the very
/// enums the validators parse with.
fn vocabularies() -> [(&'static str, String); 9] {
    fn named<T: utoipa::ToSchema>() -> String {
        T::name().into_owned()
    }
    [
        ("status", named::<vocab::ObservationStatus>()),
        ("qualifier", named::<vocab::Qualifier>()),
        ("category", named::<vocab::Category>()),
        ("direction", named::<vocab::Direction>()),
        ("comparator", named::<vocab::Comparator>()),
        ("award_type", named::<vocab::AwardType>()),
        ("recipient_kind", named::<vocab::RecipientKind>()),
        ("kind", named::<vocab::ProvinceKind>()),
        ("region", named::<vocab::Region>()),
    ]
}

/// What `control_character` refuses (Unicode `Cc`: U+0000-001F, U+007F-009F) ...
const SINGLE_LINE: &str = r"^[^\x00-\x1F\x7F-\x9F]*$";
/// ... except tab and line breaks in multi-line fields.
const MULTI_LINE: &str = r"^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*$";

pub fn apply(doc: OpenApi) -> OpenApi {
    let mut value = serde_json::to_value(&doc).expect("the document serializes");
    if let Some(schemas) = value
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        input_schemas(schemas);
    }
    if let Some(paths) = value.get_mut("paths").and_then(Value::as_object_mut) {
        for (path, item) in paths.iter_mut() {
            if let Some(item) = item.as_object_mut() {
                operations(path, item);
            }
        }
    }
    let mut doc: OpenApi = serde_json::from_value(value).expect("the document deserializes");
    allow_empty_query_values(&mut doc);
    doc
}

/// Inputs deny unknown fields (`additionalProperties: false`) and refuse control characters
/// in text (a `pattern`); each `XInput` of a patchable resource gets an `XPatch`: the same
/// fields, none required, for an RFC 7396 merge patch.
fn input_schemas(schemas: &mut Map<String, Value>) {
    let inputs: Vec<String> = schemas
        .keys()
        .filter(|name| name.ends_with("Input") && name.as_str() != "NumberInput")
        .cloned()
        .collect();
    if let Some(Value::Array(variants)) = schemas
        .get_mut("NumberInput")
        .and_then(|s| s.get_mut("oneOf"))
    {
        for variant in variants {
            text_pattern(variant, false);
        }
    }
    let vocabularies = vocabularies();
    for name in inputs {
        let schema = schemas.get_mut(&name).expect("listed");
        schema["additionalProperties"] = Value::Bool(false);
        if let Some(properties) = schema.get_mut("properties").and_then(Value::as_object_mut) {
            for (field, property) in properties.iter_mut() {
                if field == "period_id" {
                    property["pattern"] = Value::String(crate::domain::PeriodId::PATTERN.into());
                }
                if let Some((_, schema)) = vocabularies.iter().find(|(name, _)| name == field) {
                    vocabulary(property, schema);
                }
                text_pattern(property, MULTILINE_FIELDS.contains(&field.as_str()));
            }
        }
        let mut patch = schema.clone();
        if let Some(object) = patch.as_object_mut() {
            object.remove("required");
            object.remove("example");
            object.insert(
                "description".into(),
                Value::String(format!(
                    "An RFC 7396 JSON merge patch: the fields of `{name}` to change; `null` \
                     clears an optional field. The patched item must be a valid `{name}`."
                )),
            );
        }
        schemas.insert(format!("{}Patch", name.trim_end_matches("Input")), patch);
    }
}

/// A reference to the vocabulary's schema, or `null` too when the field is optional, as
/// utoipa writes an `Option` of an enum; the field's description stays.
fn vocabulary(property: &mut Value, schema: &str) {
    let reference = json!({ "$ref": format!("#/components/schemas/{schema}") });
    let optional = matches!(property.get("type"), Some(Value::Array(types)) if types.iter().any(|t| t == "null"));
    let mut typed = if optional {
        json!({ "oneOf": [{ "type": "null" }, reference] })
    } else {
        reference
    };
    for kept in ["description", "example"] {
        if let Some(value) = property.get(kept) {
            typed[kept] = value.clone();
        }
    }
    *property = typed;
}

fn text_pattern(schema: &mut Value, multiline: bool) {
    let is_text = match schema.get("type") {
        Some(Value::String(t)) => t == "string",
        Some(Value::Array(types)) => types.iter().any(|t| t == "string"),
        _ => false,
    };
    if let Some(object) = schema.as_object_mut() {
        let constrained = ["pattern", "format", "enum"]
            .iter()
            .any(|k| object.contains_key(*k));
        if is_text && !constrained {
            let pattern = if multiline { MULTI_LINE } else { SINGLE_LINE };
            object.insert("pattern".into(), Value::String(pattern.into()));
        }
    }
}

/// Conditional requests (`If-None-Match` on reads, `If-Match` on replacing, patching and
/// deleting), `X-Change-Reason` on writes, and the `ETag`/`Location` answers, declared so
/// generated clients can send and read them.
fn operations(path: &str, item: &mut Map<String, Value>) {
    let put_body = item
        .get("put")
        .and_then(|op| op.pointer("/requestBody/content/application~1json/schema/$ref"))
        .and_then(Value::as_str)
        .map(|r| r.trim_end_matches("Input").to_owned() + "Patch");
    if let (Some(patch), Some(schema)) = (
        &put_body,
        item.get_mut("patch").and_then(|op| {
            op.pointer_mut("/requestBody/content/application~1merge-patch+json/schema")
        }),
    ) {
        *schema = json!({ "$ref": patch });
    }
    for (method, op) in item.iter_mut() {
        let Some(op) = op.as_object_mut() else {
            continue;
        };
        let writes = op.contains_key("security");
        let mut headers = Vec::new();
        match method.as_str() {
            "get" => {
                headers.push(header(
                    "If-None-Match",
                    "`ETag`s of copies you hold (or `*`): 304 when the answer still has one of them.",
                    json!({"type": "string"}),
                ));
                let versioned = crate::api::vintage::versioned(path);
                let responses = op.entry("responses").or_insert_with(|| json!({}));
                if responses.get("200").is_some() {
                    responses["304"] = json!({"description": "Not modified: your copy with that `ETag` is current"});
                    response_header(responses, "200", "ETag", "A strong validator of this answer");
                    if versioned {
                        response_header(responses, "200", "Data-Version", "The version of the data this answer reflects: the number of the last change of the audit trail it includes");
                        response_header(responses, "200", "Link", "`rel=\"memento\"`: this request pinned to its data version (`as_of_version`), a permalink that answers the same bytes forever; pinned answers also link their `rel=\"original\"`");
                    }
                }
                // A download is bytes, not the array of integers a `Vec<u8>` reads as.
                if let Some(zip) = responses.pointer_mut("/200/content/application~1zip") {
                    zip["schema"] = json!({"type": "string", "contentMediaType": "application/zip"});
                }
                if versioned {
                    if responses.get("400").is_none() {
                        responses["400"] = json!({
                            "description": "A parameter is invalid",
                            "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
                        });
                    }
                    let params = op.entry("parameters").or_insert_with(|| json!([]));
                    if let Some(params) = params.as_array_mut() {
                        params.extend(vintage_parameters());
                    }
                }
            }
            "put" | "patch" | "delete" if writes => headers.push(header(
                "If-Match",
                "The `ETag` you read (or `*`): the write happens only if the item still has it, else 412.",
                json!({"type": "string"}),
            )),
            _ => {}
        }
        // A revocation has its own `reason` field and no audit record.
        if writes && method != "get" && !path.ends_with("/token-revocations") {
            headers.push(header(
                "X-Change-Reason",
                "Why the write is made, kept in the audit trail: UTF-8 text, or the RFC 8187 form \
                 `UTF-8''` followed by the percent-encoded UTF-8 bytes for clients that send only \
                 ASCII (the schema shows the ASCII form). Control characters: 400.",
                json!({"type": "string", "pattern": r"^[\t\x20-\x7E]*$"}),
            ));
            if let Some(responses) = op.get_mut("responses") {
                for status in ["200", "201"] {
                    response_header(responses, status, "ETag", "The new `ETag` of the item");
                }
                response_header(responses, "201", "Location", "The created item's URL");
            }
        }
        if !headers.is_empty() {
            let params = op.entry("parameters").or_insert_with(|| json!([]));
            if let Some(params) = params.as_array_mut() {
                params.extend(headers);
            }
        }
    }
}

/// `as_of_version` and `as_of_time`, which every data GET takes (see `api::vintage`).
fn vintage_parameters() -> [Value; 2] {
    [
        json!({"name": "as_of_version", "in": "query", "required": false,
            "description": "The data as it stood right after this change of the audit trail (`/changes`); 0 is the shipped data before any change. A version that does not exist yet: 400.",
            "schema": {"type": "integer", "minimum": 0, "maximum": i32::MAX}, "example": 0}),
        json!({"name": "as_of_time", "in": "query", "required": false,
            "description": "The data as it stood at this time (RFC 3339): the last change made by then. A time in the future: 400. Give this or `as_of_version`, not both.",
            "schema": {"type": "string", "format": "date-time"}, "example": "2026-11-01T00:00:00Z"}),
    ]
}

fn header(name: &str, description: &str, schema: Value) -> Value {
    json!({"name": name, "in": "header", "required": false, "description": description, "schema": schema})
}

fn response_header(responses: &mut Value, status: &str, name: &str, description: &str) {
    if let Some(response) = responses.get_mut(status).and_then(Value::as_object_mut) {
        let headers = response.entry("headers").or_insert_with(|| json!({}));
        headers[name] = json!({"description": description, "schema": {"type": "string"}});
    }
}

/// A middleware drops empty query parameters (`?period=` is no `period`), so every optional
/// query parameter admits the empty value. utoipa 5 has no field for OpenAPI's
/// `allowEmptyValue`, so it rides in the parameter's extensions, which serialize flat.
fn allow_empty_query_values(doc: &mut OpenApi) {
    use utoipa::openapi::{extensions::Extensions, Required};
    for item in doc.paths.paths.values_mut() {
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ];
        for op in operations.into_iter().flatten() {
            for param in op.parameters.iter_mut().flatten() {
                if matches!(param.parameter_in, ParameterIn::Query)
                    && matches!(param.required, Required::False)
                {
                    param
                        .extensions
                        .get_or_insert_with(Extensions::default)
                        .insert("allowEmptyValue".into(), Value::Bool(true));
                }
            }
        }
    }
}
