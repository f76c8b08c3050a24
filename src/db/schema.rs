//! The one Diesel schema shared by SQLite and PostgreSQL (see `migrations/`).

diesel::table! {
    provinces (id) {
        id -> Text,
        gso_code -> Text,
        iso_code -> Nullable<Text>,
        name_vi -> Text,
        name_en -> Text,
        kind -> Text,
        region -> Text,
        valid_from -> Nullable<Date>,
        valid_to -> Nullable<Date>,
        search_text -> Text,
    }
}

diesel::table! {
    province_lineage (predecessor_id, successor_id) {
        predecessor_id -> Text,
        successor_id -> Text,
        effective_date -> Date,
    }
}

diesel::table! {
    periods (id) {
        id -> Text,
        kind -> Text,
        year -> Integer,
        start_date -> Date,
        end_date -> Date,
    }
}

diesel::table! {
    indicators (code) {
        code -> Text,
        name_vi -> Text,
        name_en -> Text,
        description_vi -> Text,
        description_en -> Text,
        unit -> Text,
        category -> Text,
        direction -> Text,
        additive -> Bool,
        search_text -> Text,
    }
}

diesel::table! {
    sources (id) {
        id -> Text,
        title -> Text,
        publisher -> Nullable<Text>,
        published_on -> Nullable<Date>,
        url -> Nullable<Text>,
        language -> Text,
        seed_file -> Nullable<Text>,
    }
}

diesel::table! {
    observations (id) {
        id -> Integer,
        province_id -> Text,
        indicator_code -> Text,
        period_id -> Text,
        period_start -> Date,
        period_end -> Date,
        value -> Double,
        value_text -> Nullable<Text>,
        unit -> Text,
        status -> Text,
        qualifier -> Nullable<Text>,
        rank_of -> Nullable<Integer>,
        denominator -> Nullable<Integer>,
        source_id -> Nullable<Text>,
        quote -> Nullable<Text>,
    }
}

diesel::table! {
    targets (id) {
        id -> Integer,
        province_id -> Text,
        indicator_code -> Text,
        period_id -> Text,
        period_start -> Date,
        period_end -> Date,
        comparator -> Text,
        target_value -> Double,
        value_text -> Nullable<Text>,
        unit -> Text,
        source_id -> Nullable<Text>,
        quote -> Nullable<Text>,
    }
}

diesel::table! {
    awards (id) {
        id -> Integer,
        province_id -> Text,
        period_id -> Nullable<Text>,
        awarded_on -> Nullable<Date>,
        award_type -> Text,
        award_name_vi -> Text,
        conferred_by -> Nullable<Text>,
        recipient -> Nullable<Text>,
        recipient_kind -> Text,
        recipient_count -> Nullable<Integer>,
        reason -> Nullable<Text>,
        source_id -> Text,
        quote -> Text,
    }
}

diesel::table! {
    province_names (province_id, valid_to) {
        province_id -> Text,
        name_vi -> Text,
        name_en -> Text,
        kind -> Text,
        valid_from -> Nullable<Date>,
        valid_to -> Date,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    provinces,
    province_names,
    province_lineage,
    periods,
    indicators,
    sources,
    observations,
    targets,
    awards,
    changes,
    revoked_tokens,
);

diesel::table! {
    changes (id) {
        id -> Integer,
        resource -> Text,
        resource_id -> Text,
        action -> Text,
        actor -> Text,
        changed_at -> Timestamp,
        reason -> Nullable<Text>,
        before -> Nullable<Text>,
        after -> Nullable<Text>,
    }
}

diesel::table! {
    revoked_tokens (jti) {
        jti -> Text,
        revoked_at -> Timestamp,
        revoked_by -> Text,
        reason -> Nullable<Text>,
    }
}

diesel::table! {
    data_version (id) {
        id -> Integer,
        version -> BigInt,
    }
}
