//! The `users` and `user_roles` tables.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{user_roles, users};
use super::{DbConn, lower};
use crate::domain::roles::{Role, RoleSet};
use crate::ids::UserId;

/// An account as stored. No `Debug`: it carries the password hash.
#[derive(Clone, Queryable)]
pub struct User {
    pub id: UserId,
    pub email: String,
    pub display_name: String,
    pub credentials: String,
    pub password_hash: Option<String>,
    pub is_active: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// "inline" or "split".
    pub diff_layout: String,
    /// Wants mail about comments on revisions they take part in.
    pub notify_comments: bool,
    /// Wants mail when articles they reviewed or wrote are due for review.
    pub notify_review_due: bool,
    /// The standing conflict-of-interest disclosure ("None" is an answer; empty: not made).
    pub disclosure: String,
    pub disclosure_updated_at: Option<NaiveDateTime>,
    /// The reviewer chose to be listed on the public board.
    pub board_listed: bool,
    /// An admin hid the account from the public board.
    pub board_hidden: bool,
    /// When the person last signed in (never: `None`).
    pub last_sign_in_at: Option<NaiveDateTime>,
}

#[derive(Insertable)]
#[diesel(table_name = users)]
pub struct NewUser<'a> {
    pub email: &'a str,
    pub display_name: &'a str,
    pub credentials: &'a str,
    pub password_hash: Option<&'a str>,
    pub is_active: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// Which accounts a list shows.
#[derive(Debug, Clone, Default)]
pub struct UserFilter {
    /// Part of the email or name.
    pub search: Option<String>,
    pub role: Option<Role>,
}

pub fn insert(conn: &mut DbConn, new: &NewUser<'_>) -> QueryResult<User> {
    diesel::insert_into(users::table)
        .values(new)
        .returning(users::all_columns)
        .get_result(conn)
}

pub fn find_many(conn: &mut DbConn, ids: &[UserId]) -> QueryResult<Vec<User>> {
    users::table
        .filter(users::id.eq_any(ids))
        .order(users::id.asc())
        .load(conn)
}

/// The active accounts among a revision's author, its reviewers (anyone who commented or
/// voted on it) and its assignees, by id: whom a publication tells, read in one query.
pub fn active_involved_in(
    conn: &mut DbConn,
    author: UserId,
    revision: crate::ids::RevisionId,
) -> QueryResult<Vec<User>> {
    use super::schema::{assignments, reviews};
    users::table
        .filter(users::is_active)
        .filter(
            users::id
                .eq(author)
                .or(users::id.eq_any(
                    reviews::table
                        .filter(reviews::revision_id.eq(revision))
                        .select(reviews::reviewer_id),
                ))
                .or(users::id.eq_any(
                    assignments::table
                        .filter(assignments::revision_id.eq(revision))
                        .select(assignments::reviewer_id),
                )),
        )
        .order(users::id.asc())
        .load(conn)
}

/// Records someone's notification choices.
pub fn set_notifications(
    conn: &mut DbConn,
    id: UserId,
    comments: bool,
    review_due: bool,
) -> QueryResult<usize> {
    diesel::update(users::table.find(id))
        .set((
            users::notify_comments.eq(comments),
            users::notify_review_due.eq(review_due),
        ))
        .execute(conn)
}

pub fn find_by_id(conn: &mut DbConn, id: UserId) -> QueryResult<Option<User>> {
    users::table.find(id).first(conn).optional()
}

/// Looks up an already normalised (lower-case) email address.
pub fn find_by_email(conn: &mut DbConn, email: &str) -> QueryResult<Option<User>> {
    users::table
        .filter(users::email.eq(email))
        .first(conn)
        .optional()
}

pub fn email_taken(conn: &mut DbConn, email: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        users::table.filter(users::email.eq(email)),
    ))
    .get_result(conn)
}

pub fn set_password_hash(
    conn: &mut DbConn,
    id: UserId,
    hash: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(users::table.find(id))
        .set((users::password_hash.eq(hash), users::updated_at.eq(now)))
        .execute(conn)
}

/// Records a sign-in (`updated_at` stays: the account itself did not change).
pub fn record_sign_in(conn: &mut DbConn, id: UserId, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(users::table.find(id))
        .set(users::last_sign_in_at.eq(at))
        .execute(conn)
}

/// Compare-and-set on the active flag: returns 0 when it already had that value.
pub fn set_active(
    conn: &mut DbConn,
    id: UserId,
    active: bool,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(users::table.find(id).filter(users::is_active.eq(!active)))
        .set((users::is_active.eq(active), users::updated_at.eq(now)))
        .execute(conn)
}

pub fn roles_of(conn: &mut DbConn, id: UserId) -> QueryResult<RoleSet> {
    let names: Vec<String> = user_roles::table
        .filter(user_roles::user_id.eq(id))
        .select(user_roles::role)
        .load(conn)?;
    Ok(names.iter().filter_map(|n| Role::parse(n)).collect())
}

/// Roles of many accounts in one query.
pub fn roles_for(conn: &mut DbConn, ids: &[UserId]) -> QueryResult<HashMap<UserId, RoleSet>> {
    let rows: Vec<(UserId, String)> = user_roles::table
        .filter(user_roles::user_id.eq_any(ids))
        .select((user_roles::user_id, user_roles::role))
        .load(conn)?;
    let mut grouped: HashMap<UserId, Vec<Role>> = HashMap::new();
    for (id, name) in rows {
        if let Some(role) = Role::parse(&name) {
            grouped.entry(id).or_default().push(role);
        }
    }
    Ok(grouped
        .into_iter()
        .map(|(id, roles)| (id, roles.into_iter().collect()))
        .collect())
}

/// Replaces an account's roles.
pub fn set_roles(conn: &mut DbConn, id: UserId, roles: &RoleSet) -> QueryResult<()> {
    diesel::delete(user_roles::table.filter(user_roles::user_id.eq(id))).execute(conn)?;
    // One row per role (at most three): batch inserts are not available across backends.
    for role in roles.iter() {
        diesel::insert_into(user_roles::table)
            .values((
                user_roles::user_id.eq(id),
                user_roles::role.eq(role.as_str()),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Active accounts holding the admin role.
pub fn count_active_admins(conn: &mut DbConn) -> QueryResult<i64> {
    users::table
        .inner_join(user_roles::table)
        .filter(user_roles::role.eq(Role::Admin.as_str()))
        .filter(users::is_active.eq(true))
        .count()
        .get_result(conn)
}

/// One page of accounts, ordered by name, and whether there are more.
pub fn list_page(
    conn: &mut DbConn,
    filter: &UserFilter,
    offset: i64,
    limit: i64,
) -> QueryResult<(Vec<User>, bool)> {
    let mut query = users::table.into_boxed();
    if let Some(search) = filter.search.as_deref().filter(|s| !s.is_empty()) {
        let pattern = format!("%{}%", escape_like(&search.to_lowercase()));
        query = query.filter(
            users::email
                .like(pattern.clone())
                .escape('\\')
                .or(lower(users::display_name).like(pattern).escape('\\')),
        );
    }
    if let Some(role) = filter.role {
        query = query.filter(
            users::id.eq_any(
                user_roles::table
                    .filter(user_roles::role.eq(role.as_str()))
                    .select(user_roles::user_id),
            ),
        );
    }
    let rows: Vec<User> = query
        .order((users::display_name.asc(), users::id.asc()))
        .offset(offset)
        .limit(limit + 1)
        .load(conn)?;
    Ok(super::split_page(rows, limit))
}

/// Escapes `%`, `_` and the escape character itself for a LIKE pattern using `\`.
pub fn escape_like(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// How a person is named on pages.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Name {
    pub display_name: String,
    pub credentials: String,
}

/// Names of many accounts in one query.
pub fn names(conn: &mut DbConn, ids: &[UserId]) -> QueryResult<HashMap<UserId, Name>> {
    let rows: Vec<(UserId, String, String)> = users::table
        .filter(users::id.eq_any(ids))
        .select((users::id, users::display_name, users::credentials))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, display_name, credentials)| {
            (
                id,
                Name {
                    display_name,
                    credentials,
                },
            )
        })
        .collect())
}

/// Active accounts holding a role, by name.
pub fn with_role(conn: &mut DbConn, role: Role) -> QueryResult<Vec<(UserId, String, String)>> {
    users::table
        .inner_join(user_roles::table)
        .filter(user_roles::role.eq(role.as_str()))
        .filter(users::is_active.eq(true))
        .select((users::id, users::display_name, users::email))
        .order(users::display_name.asc())
        .load(conn)
}

/// Remembers how someone likes diffs laid out ("inline" or "split").
pub fn set_diff_layout(conn: &mut DbConn, id: UserId, layout: &str) -> QueryResult<usize> {
    diesel::update(users::table.find(id).filter(users::diff_layout.ne(layout)))
        .set(users::diff_layout.eq(layout))
        .execute(conn)
}

/// A reviewer's entry on the public board.
#[derive(Debug, Clone, Queryable)]
pub struct BoardRow {
    pub id: UserId,
    pub display_name: String,
    pub credentials: String,
    pub disclosure: String,
    pub disclosure_updated_at: Option<NaiveDateTime>,
}

/// The most entries the board lists (a board has tens).
pub const BOARD_MAX: i64 = 500;

/// Active reviewers who chose to be listed and whom no admin hid, by name.
pub fn board(conn: &mut DbConn) -> QueryResult<Vec<BoardRow>> {
    users::table
        .inner_join(user_roles::table)
        .filter(user_roles::role.eq(Role::Reviewer.as_str()))
        .filter(users::is_active.eq(true))
        .filter(users::board_listed.eq(true))
        .filter(users::board_hidden.eq(false))
        .select((
            users::id,
            users::display_name,
            users::credentials,
            users::disclosure,
            users::disclosure_updated_at,
        ))
        .order((users::display_name.asc(), users::id.asc()))
        .limit(BOARD_MAX)
        .load(conn)
}

/// Which of `ids` are on the public board (listed and not hidden).
pub fn on_board(conn: &mut DbConn, ids: &[UserId]) -> QueryResult<Vec<UserId>> {
    users::table
        .filter(users::id.eq_any(ids))
        .filter(users::board_listed.eq(true))
        .filter(users::board_hidden.eq(false))
        .select(users::id)
        .load(conn)
}

/// Saves a reviewer's board entry: their standing disclosure (dated when it changes) and
/// whether they are listed.
pub fn set_board_entry(
    conn: &mut DbConn,
    id: UserId,
    disclosure: &str,
    disclosure_changed_at: Option<NaiveDateTime>,
    listed: bool,
) -> QueryResult<usize> {
    match disclosure_changed_at {
        Some(at) => diesel::update(users::table.find(id))
            .set((
                users::disclosure.eq(disclosure),
                users::disclosure_updated_at.eq(at),
                users::board_listed.eq(listed),
            ))
            .execute(conn),
        None => diesel::update(users::table.find(id))
            .set(users::board_listed.eq(listed))
            .execute(conn),
    }
}

/// Hides an account from the public board, or shows it again (an admin's choice).
pub fn set_board_hidden(conn: &mut DbConn, id: UserId, hidden: bool) -> QueryResult<usize> {
    diesel::update(users::table.find(id).filter(users::board_hidden.ne(hidden)))
        .set(users::board_hidden.eq(hidden))
        .execute(conn)
}
