//! The `specialties` list, and who and what holds them (`user_specialties`,
//! `article_specialties`).

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{article_specialties, specialties, user_specialties};
use super::{DbConn, lower};
use crate::ids::{ArticleId, SpecialtyId, UserId};

/// A specialty, as the admin named it.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct Specialty {
    pub id: SpecialtyId,
    pub name: String,
}

/// The whole list, by name. Bounded by the admin's page (a board has tens).
pub fn all(conn: &mut DbConn) -> QueryResult<Vec<Specialty>> {
    specialties::table
        .select((specialties::id, specialties::name))
        .order((specialties::name.asc(), specialties::id.asc()))
        .limit(crate::domain::specialties::MAX_COUNT)
        .load(conn)
}

pub fn count(conn: &mut DbConn) -> QueryResult<i64> {
    specialties::table.count().get_result(conn)
}

pub fn find(conn: &mut DbConn, id: SpecialtyId) -> QueryResult<Option<Specialty>> {
    specialties::table
        .find(id)
        .select((specialties::id, specialties::name))
        .first(conn)
        .optional()
}

/// The specialty named `name`, whatever its case.
pub fn find_by_name(conn: &mut DbConn, name: &str) -> QueryResult<Option<Specialty>> {
    specialties::table
        .filter(lower(specialties::name).eq(name.to_lowercase()))
        .select((specialties::id, specialties::name))
        .first(conn)
        .optional()
}

pub fn insert(conn: &mut DbConn, name: &str, now: NaiveDateTime) -> QueryResult<SpecialtyId> {
    diesel::insert_into(specialties::table)
        .values((specialties::name.eq(name), specialties::created_at.eq(now)))
        .returning(specialties::id)
        .get_result(conn)
}

/// Removes a specialty and every holding of it. Returns how many accounts and articles
/// held it.
pub fn remove(conn: &mut DbConn, id: SpecialtyId) -> QueryResult<(usize, usize)> {
    let users =
        diesel::delete(user_specialties::table.filter(user_specialties::specialty_id.eq(id)))
            .execute(conn)?;
    let articles =
        diesel::delete(article_specialties::table.filter(article_specialties::specialty_id.eq(id)))
            .execute(conn)?;
    diesel::delete(specialties::table.find(id)).execute(conn)?;
    Ok((users, articles))
}

/// Which of `ids` exist.
pub fn existing(conn: &mut DbConn, ids: &[SpecialtyId]) -> QueryResult<Vec<Specialty>> {
    specialties::table
        .filter(specialties::id.eq_any(ids))
        .select((specialties::id, specialties::name))
        .order(specialties::name.asc())
        .load(conn)
}

/// The specialties each of `users` holds (one query).
pub fn of_users(
    conn: &mut DbConn,
    users: &[UserId],
) -> QueryResult<BTreeMap<UserId, Vec<Specialty>>> {
    let rows: Vec<(UserId, SpecialtyId, String)> = user_specialties::table
        .inner_join(specialties::table)
        .filter(user_specialties::user_id.eq_any(users))
        .select((
            user_specialties::user_id,
            specialties::id,
            specialties::name,
        ))
        .order(specialties::name.asc())
        .load(conn)?;
    let mut map: BTreeMap<UserId, Vec<Specialty>> = BTreeMap::new();
    for (user, id, name) in rows {
        map.entry(user).or_default().push(Specialty { id, name });
    }
    Ok(map)
}

/// The specialties each of `articles` needs (one query).
pub fn of_articles(
    conn: &mut DbConn,
    articles: &[ArticleId],
) -> QueryResult<BTreeMap<ArticleId, Vec<Specialty>>> {
    let rows: Vec<(ArticleId, SpecialtyId, String)> = article_specialties::table
        .inner_join(specialties::table)
        .filter(article_specialties::article_id.eq_any(articles))
        .select((
            article_specialties::article_id,
            specialties::id,
            specialties::name,
        ))
        .order(specialties::name.asc())
        .load(conn)?;
    let mut map: BTreeMap<ArticleId, Vec<Specialty>> = BTreeMap::new();
    for (article, id, name) in rows {
        map.entry(article).or_default().push(Specialty { id, name });
    }
    Ok(map)
}

pub fn of_article(conn: &mut DbConn, article: ArticleId) -> QueryResult<Vec<Specialty>> {
    Ok(of_articles(conn, &[article])?
        .remove(&article)
        .unwrap_or_default())
}

pub fn of_user(conn: &mut DbConn, user: UserId) -> QueryResult<Vec<Specialty>> {
    Ok(of_users(conn, &[user])?.remove(&user).unwrap_or_default())
}

/// Replaces an account's specialties.
pub fn set_for_user(
    conn: &mut DbConn,
    user: UserId,
    ids: &BTreeSet<SpecialtyId>,
) -> QueryResult<()> {
    diesel::delete(user_specialties::table.filter(user_specialties::user_id.eq(user)))
        .execute(conn)?;
    let rows: Vec<_> = ids
        .iter()
        .map(|id| {
            (
                user_specialties::user_id.eq(user),
                user_specialties::specialty_id.eq(*id),
            )
        })
        .collect();
    if !rows.is_empty() {
        // Multi-row inserts are not available through the two-backend connection.
        match conn {
            DbConn::Sqlite(c) => diesel::insert_into(user_specialties::table)
                .values(&rows)
                .execute(c)?,
            DbConn::Pg(c) => diesel::insert_into(user_specialties::table)
                .values(&rows)
                .execute(c)?,
        };
    }
    Ok(())
}

/// Replaces an article's specialties.
pub fn set_for_article(
    conn: &mut DbConn,
    article: ArticleId,
    ids: &BTreeSet<SpecialtyId>,
) -> QueryResult<()> {
    diesel::delete(article_specialties::table.filter(article_specialties::article_id.eq(article)))
        .execute(conn)?;
    let rows: Vec<_> = ids
        .iter()
        .map(|id| {
            (
                article_specialties::article_id.eq(article),
                article_specialties::specialty_id.eq(*id),
            )
        })
        .collect();
    if !rows.is_empty() {
        // Multi-row inserts are not available through the two-backend connection.
        match conn {
            DbConn::Sqlite(c) => diesel::insert_into(article_specialties::table)
                .values(&rows)
                .execute(c)?,
            DbConn::Pg(c) => diesel::insert_into(article_specialties::table)
                .values(&rows)
                .execute(c)?,
        };
    }
    Ok(())
}

/// The accounts holding any of `ids`.
pub fn holders(conn: &mut DbConn, ids: &[SpecialtyId]) -> QueryResult<Vec<UserId>> {
    user_specialties::table
        .filter(user_specialties::specialty_id.eq_any(ids))
        .select(user_specialties::user_id)
        .distinct()
        .load(conn)
}

/// Who holds each specialty (active accounts), by name: the admin's list.
pub fn holder_names(conn: &mut DbConn) -> QueryResult<BTreeMap<SpecialtyId, Vec<String>>> {
    use super::schema::users;
    let rows: Vec<(SpecialtyId, String)> = user_specialties::table
        .inner_join(users::table)
        .filter(users::is_active.eq(true))
        .select((user_specialties::specialty_id, users::display_name))
        .order(users::display_name.asc())
        .limit(10_000)
        .load(conn)?;
    let mut map: BTreeMap<SpecialtyId, Vec<String>> = BTreeMap::new();
    for (id, name) in rows {
        map.entry(id).or_default().push(name);
    }
    Ok(map)
}
