// @generated automatically by Diesel CLI from the PostgreSQL migrations:
//   diesel print-schema --except-tables search_documents article_titles (see diesel.toml).
// The SQLite migrations declare the same tables and columns; search_documents differs per
// backend (an FTS5 table on SQLite) and is queried with SQL in db/search.rs, as is
// article_titles.

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
    api_idempotency (token_id, idempotency_key) {
        token_id -> Int8,
        idempotency_key -> Text,
        fingerprint -> Text,
        status -> Nullable<Int4>,
        body -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    api_tokens (id) {
        id -> Int8,
        user_id -> Int8,
        name -> Text,
        token_hash -> Text,
        prefix -> Text,
        scopes -> Text,
        created_at -> Timestamp,
        expires_at -> Nullable<Timestamp>,
        last_used_at -> Nullable<Timestamp>,
        last_used_addr -> Nullable<Text>,
        revoked_at -> Nullable<Timestamp>,
        revoked_by -> Nullable<Int8>,
    }
}

diesel::table! {
    article_specialties (article_id, specialty_id) {
        article_id -> Int8,
        specialty_id -> Int8,
    }
}

diesel::table! {
    articles (id) {
        id -> Int8,
        slug -> Text,
        created_by -> Int8,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        current_revision_id -> Nullable<Int8>,
        published_revision_id -> Nullable<Int8>,
        first_published_at -> Nullable<Timestamp>,
        last_reviewed_at -> Nullable<Timestamp>,
        next_review_due -> Nullable<Timestamp>,
        version -> Int8,
        retracted_at -> Nullable<Timestamp>,
        retraction_reason -> Nullable<Text>,
        retracted_by -> Nullable<Int8>,
        current_state -> Nullable<Text>,
        current_author_id -> Nullable<Int8>,
        retraction_notice -> Nullable<Text>,
    }
}

diesel::table! {
    assignments (revision_id, reviewer_id) {
        revision_id -> Int8,
        reviewer_id -> Int8,
        assigned_by -> Int8,
        created_at -> Timestamp,
        re_requested -> Bool,
        due_at -> Nullable<Timestamp>,
        reminded_before_at -> Nullable<Timestamp>,
        reminded_overdue_at -> Nullable<Timestamp>,
        waiting_since -> Nullable<Timestamp>,
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
        article_id -> Nullable<Int8>,
    }
}

diesel::table! {
    checklist_items (id) {
        id -> Int8,
        text -> Text,
        active -> Bool,
        created_at -> Timestamp,
        retired_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    comments (id) {
        id -> Int8,
        revision_id -> Int8,
        parent_id -> Nullable<Int8>,
        author_id -> Int8,
        review_id -> Nullable<Int8>,
        body -> Text,
        created_at -> Timestamp,
        resolved_at -> Nullable<Timestamp>,
        resolved_by -> Nullable<Int8>,
        anchor -> Nullable<Text>,
        anchor_excerpt -> Nullable<Text>,
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
    mail_outbox (id) {
        id -> Int8,
        recipient -> Text,
        recipient_id -> Nullable<Int8>,
        subject -> Text,
        text_body -> Text,
        html_body -> Text,
        event -> Text,
        article_id -> Nullable<Int8>,
        revision_id -> Nullable<Int8>,
        message_id -> Text,
        thread_id -> Nullable<Text>,
        created_at -> Timestamp,
        attempts -> Int4,
        next_attempt_at -> Timestamp,
        claimed_until -> Nullable<Timestamp>,
        claimed_by -> Nullable<Text>,
        sent_at -> Nullable<Timestamp>,
        failed_at -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
    }
}

diesel::table! {
    recertifications (id) {
        id -> Int8,
        article_id -> Int8,
        revision_id -> Int8,
        reviewer_id -> Int8,
        conflict_declared -> Bool,
        conflict -> Text,
        checklist -> Text,
        note -> Text,
        created_at -> Timestamp,
        completes -> Bool,
    }
}

diesel::table! {
    review_reminders (article_id, kind, due_at) {
        article_id -> Int8,
        kind -> Text,
        due_at -> Timestamp,
        sent_at -> Timestamp,
    }
}

diesel::table! {
    reviews (id) {
        id -> Int8,
        revision_id -> Int8,
        reviewer_id -> Int8,
        verdict -> Text,
        body -> Text,
        content_hash -> Text,
        created_at -> Timestamp,
        conflict_declared -> Nullable<Bool>,
        conflict -> Text,
        checklist -> Text,
    }
}

diesel::table! {
    revision_references (id) {
        id -> Int8,
        revision_id -> Int8,
        position -> Int4,
        kind -> Text,
        title -> Text,
        source -> Text,
        year -> Nullable<Int4>,
        url -> Nullable<Text>,
        authors -> Text,
        volume_pages -> Text,
        doi -> Nullable<Text>,
        pmid -> Nullable<Text>,
        accessed -> Nullable<Date>,
    }
}

diesel::table! {
    revisions (id) {
        id -> Int8,
        article_id -> Int8,
        number -> Nullable<Int4>,
        base_revision_id -> Nullable<Int8>,
        author_id -> Int8,
        state -> Text,
        title -> Text,
        summary -> Text,
        body -> Text,
        body_html -> Text,
        change_note -> Text,
        content_hash -> Text,
        version -> Int8,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        submitted_at -> Nullable<Timestamp>,
        decided_at -> Nullable<Timestamp>,
        approvals_required -> Nullable<Int4>,
        patient_title -> Nullable<Text>,
        patient_summary -> Nullable<Text>,
        patient_body -> Nullable<Text>,
        patient_body_html -> Nullable<Text>,
        public_note -> Text,
    }
}

diesel::table! {
    server_keys (name) {
        name -> Text,
        secret -> Text,
        created_at -> Timestamp,
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
    settings (id) {
        id -> Int4,
        approvals_required -> Int4,
        review_interval_days -> Int4,
        site_name -> Text,
        disclaimer -> Text,
        editorial_policy -> Text,
        editorial_policy_html -> Text,
        version -> Int8,
        updated_at -> Timestamp,
        updated_by -> Nullable<Int8>,
        require_specialist -> Bool,
        conflicted_approvals_count -> Bool,
        review_due_days -> Int4,
        default_audience -> Text,
        patient_disclaimer -> Text,
    }
}

diesel::table! {
    specialties (id) {
        id -> Int8,
        name -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    user_roles (user_id, role) {
        user_id -> Int8,
        role -> Text,
    }
}

diesel::table! {
    user_specialties (user_id, specialty_id) {
        user_id -> Int8,
        specialty_id -> Int8,
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
        diff_layout -> Text,
        notify_comments -> Bool,
        notify_review_due -> Bool,
        disclosure -> Text,
        disclosure_updated_at -> Nullable<Timestamp>,
        board_listed -> Bool,
        board_hidden -> Bool,
        last_sign_in_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    webhook_deliveries (id) {
        id -> Int8,
        webhook_id -> Int8,
        event_id -> Text,
        event -> Text,
        payload -> Text,
        created_at -> Timestamp,
        attempts -> Int4,
        next_attempt_at -> Timestamp,
        claimed_by -> Nullable<Text>,
        claimed_until -> Nullable<Timestamp>,
        delivered_at -> Nullable<Timestamp>,
        failed_at -> Nullable<Timestamp>,
        last_status -> Nullable<Int4>,
        last_error -> Nullable<Text>,
    }
}

diesel::table! {
    webhooks (id) {
        id -> Int8,
        url -> Text,
        secret -> Text,
        events -> Text,
        active -> Bool,
        created_by -> Nullable<Int8>,
        created_at -> Timestamp,
    }
}

diesel::joinable!(article_specialties -> articles (article_id));
diesel::joinable!(article_specialties -> specialties (specialty_id));
diesel::joinable!(assignments -> revisions (revision_id));
diesel::joinable!(audit_log -> users (actor_id));
diesel::joinable!(comments -> reviews (review_id));
diesel::joinable!(comments -> revisions (revision_id));
diesel::joinable!(comments -> users (author_id));
diesel::joinable!(api_idempotency -> api_tokens (token_id));
diesel::joinable!(api_tokens -> users (user_id));
diesel::joinable!(mail_outbox -> articles (article_id));
diesel::joinable!(mail_outbox -> revisions (revision_id));
diesel::joinable!(mail_outbox -> users (recipient_id));
diesel::joinable!(recertifications -> articles (article_id));
diesel::joinable!(recertifications -> revisions (revision_id));
diesel::joinable!(recertifications -> users (reviewer_id));
diesel::joinable!(review_reminders -> articles (article_id));
diesel::joinable!(reviews -> revisions (revision_id));
diesel::joinable!(reviews -> users (reviewer_id));
diesel::joinable!(revision_references -> revisions (revision_id));
diesel::joinable!(revisions -> users (author_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(settings -> users (updated_by));
diesel::joinable!(user_roles -> users (user_id));
diesel::joinable!(user_specialties -> specialties (specialty_id));
diesel::joinable!(user_specialties -> users (user_id));
diesel::joinable!(webhook_deliveries -> webhooks (webhook_id));
diesel::joinable!(webhooks -> users (created_by));

diesel::allow_tables_to_appear_in_same_query!(
    account_tokens,
    api_idempotency,
    api_tokens,
    article_specialties,
    articles,
    assignments,
    audit_log,
    checklist_items,
    comments,
    login_attempts,
    mail_outbox,
    recertifications,
    review_reminders,
    reviews,
    revision_references,
    revisions,
    server_keys,
    sessions,
    settings,
    specialties,
    user_roles,
    user_specialties,
    users,
    webhook_deliveries,
    webhooks,
);
