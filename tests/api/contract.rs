//! The contract schemathesis checks (.ci/schemathesis.sh), pinned down here: inputs carry no
//! read-only fields, what the document allows is accepted, and the document declares the
//! headers and empty values the server honours.

use chiso::auth::Role;
use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::spawn_app;

#[actix_web::test]
async fn read_only_fields_in_a_body_are_422_naming_them() {
    let app = spawn_app().await;
    let token = app.token(Role::Editor);
    let mut target = app.get_ok("/api/v1/targets/1").await;
    for field in ["id", "actual", "actual_observation_id", "attainment"] {
        target.as_object_mut().unwrap().remove(field);
    }
    let put = |body: Value| {
        let (app, token) = (&app, &token);
        async move {
            app.send(
                Method::PUT,
                "/api/v1/targets/1",
                Some(token),
                Some(&body),
                &[],
            )
            .await
        }
    };
    // The view without its read-only fields is a valid input: a GET body can go back.
    let back = put(target.clone()).await;
    assert_eq!(back.status, 200, "{}", back.body);
    let mut with_attainment = target.clone();
    with_attainment["attainment"] = json!("met");
    let problem = put(with_attainment).await.problem(422);
    assert_eq!(problem["errors"][0]["pointer"], "/attainment", "{problem}");
}

#[actix_web::test]
async fn a_patch_naming_no_input_field_is_422_even_with_null() {
    let app = spawn_app().await;
    let token = app.token(Role::Editor);
    for (patch, pointer) in [
        (json!({"province_name": null}), "/province_name"),
        (json!({"id": 7}), "/id"),
        (json!({"": null}), "/"),
    ] {
        let reply = app
            .send(
                Method::PATCH,
                "/api/v1/observations/1",
                Some(&token),
                Some(&patch),
                &[],
            )
            .await;
        let problem = reply.problem(422);
        assert_eq!(
            problem["errors"][0]["pointer"], pointer,
            "{patch}: {problem}"
        );
    }
    let fine = app
        .send(
            Method::PATCH,
            "/api/v1/observations/1",
            Some(&token),
            Some(&json!({"quote": null})),
            &[],
        )
        .await;
    assert_eq!(fine.status, 200, "{}", fine.body);
}

#[actix_web::test]
async fn whole_numbers_written_as_floats_are_accepted() {
    let app = spawn_app().await;
    let token = app.token(Role::Editor);
    let mut award = app.get_ok("/api/v1/awards/1").await;
    award.as_object_mut().unwrap().remove("id");
    award["recipient_count"] = json!(19.0);
    let reply = app
        .send(
            Method::PUT,
            "/api/v1/awards/1",
            Some(&token),
            Some(&award),
            &[],
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.json()["recipient_count"], 19);
    award["recipient_count"] = json!(19.5);
    let problem = app
        .send(
            Method::PUT,
            "/api/v1/awards/1",
            Some(&token),
            Some(&award),
            &[],
        )
        .await
        .problem(422);
    assert_eq!(
        problem["errors"][0]["pointer"], "/recipient_count",
        "{problem}"
    );
}

#[actix_web::test]
async fn an_empty_source_url_means_none() {
    let app = spawn_app().await;
    let token = app.token(Role::Editor);
    let reply = app
        .post(
            "/api/v1/sources",
            &token,
            &json!({"id": "no-url", "title": "Không có đường dẫn", "url": ""}),
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    assert_eq!(reply.json()["url"], Value::Null);
}

#[actix_web::test]
async fn a_search_with_nothing_to_match_finds_nothing_and_no_q_is_400() {
    let app = spawn_app().await;
    let found = app.get_ok("/api/v1/search?q=%20%CC%81").await;
    assert_eq!(found["data"], json!([]), "{found}");
    app.get("/api/v1/search").await.problem(400);
    app.get("/api/v1/search?q=").await.problem(400);
}

#[actix_web::test]
async fn the_document_declares_headers_empty_values_and_patch_bodies() {
    let app = spawn_app().await;
    let doc = app.get_ok("/api/v1/openapi.json").await;
    let names = |op: &Value| -> Vec<String> {
        op["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap().to_owned())
            .collect()
    };
    let item = &doc["paths"]["/api/v1/observations/{id}"];
    for method in ["put", "patch", "delete"] {
        let params = names(&item[method]);
        assert!(
            params.contains(&"If-Match".to_owned()),
            "{method}: {params:?}"
        );
        assert!(
            params.contains(&"X-Change-Reason".to_owned()),
            "{method}: {params:?}"
        );
    }
    assert!(names(&item["get"]).contains(&"If-None-Match".to_owned()));
    assert!(item["get"]["responses"]["304"].is_object());
    let post = &doc["paths"]["/api/v1/observations"]["post"]["responses"]["201"]["headers"];
    assert!(
        post["Location"].is_object() && post["ETag"].is_object(),
        "{post}"
    );

    // Every optional query parameter admits the empty value the server ignores.
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            for param in op["parameters"].as_array().into_iter().flatten() {
                if param["in"] == "query" && param["required"] == false {
                    assert_eq!(
                        param["allowEmptyValue"], true,
                        "{method} {path} {}",
                        param["name"]
                    );
                }
            }
        }
    }

    let schemas = &doc["components"]["schemas"];
    let patch = &schemas["ObservationPatch"];
    assert_eq!(patch["additionalProperties"], false);
    assert!(patch.get("required").is_none());
    assert_eq!(
        item["patch"]["requestBody"]["content"]["application/merge-patch+json"]["schema"]["$ref"],
        "#/components/schemas/ObservationPatch"
    );
    for (input, read_only) in [
        ("ObservationInput", "id"),
        ("TargetInput", "attainment"),
        ("IndicatorInput", "name"),
        ("ProvinceInput", "eras"),
    ] {
        assert!(
            schemas[input]["properties"].get(read_only).is_none(),
            "{input}.{read_only}"
        );
    }
}
