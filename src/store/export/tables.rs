//! The package's tables, each described once (its fields, primary and foreign keys), and
//! `datapackage.json` made from those descriptions.

use serde_json::{json, Value};

/// A column: its name and Frictionless type (`string`, `integer`, `number`, `date`,
/// `boolean`), and whether it is always filled.
pub(super) struct Field(pub(super) &'static str, &'static str, bool);

/// A table of the package, described once: the CSV's header is the fields, in order.
pub(super) struct Table {
    pub(super) name: &'static str,
    title: &'static str,
    pub(super) fields: &'static [Field],
    primary_key: &'static [&'static str],
    /// (field, resource, field it references).
    foreign_keys: &'static [(&'static str, &'static str, &'static str)],
}

const BY_PROVINCE: (&str, &str, &str) = ("province_id", "provinces", "id");
const BY_INDICATOR: (&str, &str, &str) = ("indicator_code", "indicators", "code");
const BY_PERIOD: (&str, &str, &str) = ("period_id", "periods", "id");
const BY_SOURCE: (&str, &str, &str) = ("source_id", "sources", "id");

/// The tables, in an order where each references only those before it.
pub(super) const TABLES: &[Table] = &[
    Table {
        name: "provinces",
        title: "Provinces and centrally-run cities of both eras (63 before 1 July 2025, 34 after)",
        fields: &[
            Field("id", "string", true),
            Field("gso_code", "string", true),
            Field("iso_code", "string", false),
            Field("name_vi", "string", true),
            Field("name_en", "string", true),
            Field("kind", "string", true),
            Field("region", "string", true),
            Field("valid_from", "date", false),
            Field("valid_to", "date", false),
        ],
        primary_key: &["id"],
        foreign_keys: &[],
    },
    Table {
        name: "province_names",
        title: "Names and kinds units bore before their present ones",
        fields: &[
            Field("province_id", "string", true),
            Field("name_vi", "string", true),
            Field("name_en", "string", true),
            Field("kind", "string", true),
            Field("valid_from", "date", false),
            Field("valid_to", "date", true),
        ],
        primary_key: &["province_id", "valid_to"],
        foreign_keys: &[BY_PROVINCE],
    },
    Table {
        name: "province_lineage",
        title: "The 2025 merger: which units each unit became",
        fields: &[
            Field("predecessor_id", "string", true),
            Field("successor_id", "string", true),
            Field("effective_date", "date", true),
        ],
        primary_key: &["predecessor_id", "successor_id"],
        foreign_keys: &[
            ("predecessor_id", "provinces", "id"),
            ("successor_id", "provinces", "id"),
        ],
    },
    Table {
        name: "indicators",
        title: "The indicator catalogue, in Vietnamese and English",
        fields: &[
            Field("code", "string", true),
            Field("name_vi", "string", true),
            Field("name_en", "string", true),
            Field("description_vi", "string", true),
            Field("description_en", "string", true),
            Field("unit", "string", true),
            Field("category", "string", true),
            Field("direction", "string", true),
            Field("additive", "boolean", true),
        ],
        primary_key: &["code"],
        foreign_keys: &[],
    },
    Table {
        name: "periods",
        title: "Reporting periods: years, halves, quarters, months and first-N-months",
        fields: &[
            Field("id", "string", true),
            Field("kind", "string", true),
            Field("year", "integer", true),
            Field("start_date", "date", true),
            Field("end_date", "date", true),
        ],
        primary_key: &["id"],
        foreign_keys: &[],
    },
    Table {
        name: "sources",
        title: "The articles every figure is cited from",
        fields: &[
            Field("id", "string", true),
            Field("title", "string", true),
            Field("publisher", "string", false),
            Field("published_on", "date", false),
            Field("url", "string", false),
            Field("language", "string", true),
            Field("seed_file", "string", false),
        ],
        primary_key: &["id"],
        foreign_keys: &[],
    },
    Table {
        name: "observations",
        title: "An indicator's value for a province and a period, with the sentence it came from",
        fields: &[
            Field("id", "integer", true),
            Field("province_id", "string", true),
            Field("indicator_code", "string", true),
            Field("period_id", "string", true),
            Field("period_start", "date", true),
            Field("period_end", "date", true),
            Field("value", "number", true),
            Field("value_text", "string", false),
            Field("unit", "string", true),
            Field("status", "string", true),
            Field("qualifier", "string", false),
            Field("rank_of", "integer", false),
            Field("denominator", "integer", false),
            Field("source_id", "string", false),
            Field("quote", "string", false),
        ],
        primary_key: &["id"],
        foreign_keys: &[BY_PROVINCE, BY_INDICATOR, BY_PERIOD, BY_SOURCE],
    },
    Table {
        name: "targets",
        title: "Provinces' goals for an indicator in a period",
        fields: &[
            Field("id", "integer", true),
            Field("province_id", "string", true),
            Field("indicator_code", "string", true),
            Field("period_id", "string", true),
            Field("period_start", "date", true),
            Field("period_end", "date", true),
            Field("comparator", "string", true),
            Field("target_value", "number", true),
            Field("value_text", "string", false),
            Field("unit", "string", true),
            Field("source_id", "string", false),
            Field("quote", "string", false),
        ],
        primary_key: &["id"],
        foreign_keys: &[BY_PROVINCE, BY_INDICATOR, BY_PERIOD, BY_SOURCE],
    },
    Table {
        name: "awards",
        title: "Certificates of merit and commendations handed out at the conferences",
        fields: &[
            Field("id", "integer", true),
            Field("province_id", "string", true),
            Field("period_id", "string", false),
            Field("awarded_on", "date", false),
            Field("award_type", "string", true),
            Field("award_name_vi", "string", true),
            Field("conferred_by", "string", false),
            Field("recipient", "string", false),
            Field("recipient_kind", "string", true),
            Field("recipient_count", "integer", false),
            Field("reason", "string", false),
            Field("source_id", "string", true),
            Field("quote", "string", true),
        ],
        primary_key: &["id"],
        foreign_keys: &[BY_PROVINCE, BY_PERIOD, BY_SOURCE],
    },
];

/// `datapackage.json`.
pub(super) fn descriptor(version: i32) -> Value {
    let resources: Vec<Value> = TABLES
        .iter()
        .map(|table| {
            let fields: Vec<Value> = table
                .fields
                .iter()
                .map(|Field(name, kind, required)| {
                    let mut field = json!({"name": name, "type": kind});
                    if *required {
                        field["constraints"] = json!({"required": true});
                    }
                    field
                })
                .collect();
            let foreign_keys: Vec<Value> = table
                .foreign_keys
                .iter()
                .map(|(field, resource, reference)| {
                    json!({"fields": [field], "reference": {"resource": resource, "fields": [reference]}})
                })
                .collect();
            json!({
                "name": table.name,
                "title": table.title,
                "path": format!("data/{}.csv", table.name),
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": {
                    "fields": fields,
                    "primaryKey": table.primary_key,
                    "foreignKeys": foreign_keys,
                    "missingValues": [""],
                },
            })
        })
        .collect();
    json!({
        "profile": "tabular-data-package",
        "name": "chiso",
        "title": "chiso: Vietnam's provincial ICT and digital-transformation statistics",
        "description": "Every figure with the article and sentence it came from. This package holds the data as it stood right after change `version` of chiso's audit trail (0: before any change); GET /api/v1/export?as_of_version=N gives the same package again.",
        "version": version.to_string(),
        // As the OpenAPI document states: data CC BY 4.0.
        "licenses": [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/", "title": "Creative Commons Attribution 4.0"}],
        "resources": resources,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_name_fields_of_their_tables() {
        for table in TABLES {
            let has = |t: &Table, f: &str| t.fields.iter().any(|Field(n, _, _)| *n == f);
            for key in table.primary_key {
                assert!(has(table, key), "{}.{key}", table.name);
            }
            for (field, resource, reference) in table.foreign_keys {
                assert!(has(table, field), "{}.{field}", table.name);
                let target = TABLES.iter().find(|t| t.name == *resource).unwrap();
                assert!(has(target, reference), "{resource}.{reference}");
            }
        }
    }
}
