// @generated automatically by Diesel CLI from the PostgreSQL migrations
// (`diesel print-schema`, see diesel.toml); the SQLite migrations declare the same columns.

diesel::table! {
    account_tokens (id) {
        id -> Int8,
        token_hash -> Text,
        purpose -> Text,
        user_id -> Nullable<Int8>,
        created_by -> Nullable<Int8>,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    audit_log (id) {
        id -> Int8,
        occurred_at -> Timestamp,
        actor_id -> Nullable<Int8>,
        actor_label -> Text,
        action -> Text,
        target_type -> Nullable<Text>,
        target_id -> Nullable<Int8>,
        details -> Text,
        client_addr -> Nullable<Text>,
        prev_hash -> Text,
        row_hash -> Text,
    }
}

diesel::table! {
    login_attempts (id) {
        id -> Int8,
        email -> Text,
        client_addr -> Text,
        attempted_at -> Timestamp,
        failed -> Bool,
    }
}

diesel::table! {
    sessions (id_hash) {
        id_hash -> Text,
        user_id -> Nullable<Int8>,
        csrf_token -> Text,
        created_at -> Timestamp,
        last_seen_at -> Timestamp,
    }
}

diesel::table! {
    user_roles (user_id, role) {
        user_id -> Int8,
        role -> Text,
    }
}

diesel::table! {
    users (id) {
        id -> Int8,
        email -> Text,
        display_name -> Text,
        credentials -> Text,
        password_hash -> Nullable<Text>,
        is_active -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::joinable!(audit_log -> users (actor_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(user_roles -> users (user_id));

diesel::allow_tables_to_appear_in_same_query!(
    account_tokens,
    audit_log,
    login_attempts,
    sessions,
    user_roles,
    users,
);
