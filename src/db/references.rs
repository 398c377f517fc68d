//! The `revision_references` table: a revision's numbered references.

use diesel::prelude::*;

use super::DbConn;
use super::schema::revision_references;
use crate::domain::content::{Reference, ReferenceKind};
use crate::ids::RevisionId;

#[derive(Debug, Clone, Queryable)]
pub struct ReferenceRow {
    pub id: i64,
    pub revision_id: RevisionId,
    pub position: i32,
    pub kind: String,
    pub title: String,
    pub source: String,
    pub year: Option<i32>,
    pub url: Option<String>,
}

impl ReferenceRow {
    pub fn to_reference(&self) -> Reference {
        Reference {
            kind: ReferenceKind::parse(&self.kind).unwrap_or(ReferenceKind::Other),
            title: self.title.clone(),
            source: self.source.clone(),
            year: self.year,
            url: self.url.clone(),
        }
    }
}

/// A revision's references in order.
pub fn of_revision(conn: &mut DbConn, revision: RevisionId) -> QueryResult<Vec<Reference>> {
    let rows: Vec<ReferenceRow> = revision_references::table
        .filter(revision_references::revision_id.eq(revision))
        .order(revision_references::position.asc())
        .load(conn)?;
    Ok(rows.iter().map(ReferenceRow::to_reference).collect())
}

/// Replaces a revision's references (drafts only: submitted revisions never change).
pub fn replace(
    conn: &mut DbConn,
    revision: RevisionId,
    references: &[Reference],
) -> QueryResult<()> {
    diesel::delete(
        revision_references::table.filter(revision_references::revision_id.eq(revision)),
    )
    .execute(conn)?;
    let rows: Vec<_> = references
        .iter()
        .enumerate()
        .map(|(index, reference)| {
            (
                revision_references::revision_id.eq(revision),
                revision_references::position.eq(i32::try_from(index + 1).unwrap_or(i32::MAX)),
                revision_references::kind.eq(reference.kind.as_str()),
                revision_references::title.eq(&reference.title),
                revision_references::source.eq(&reference.source),
                revision_references::year.eq(reference.year),
                revision_references::url.eq(reference.url.as_deref()),
            )
        })
        .collect();
    if rows.is_empty() {
        return Ok(());
    }
    // One statement for all of them. Multi-row inserts are not available through the
    // two-backend connection, so each backend's own connection writes them.
    match conn {
        DbConn::Sqlite(c) => diesel::insert_into(revision_references::table)
            .values(&rows)
            .execute(c)?,
        DbConn::Pg(c) => diesel::insert_into(revision_references::table)
            .values(&rows)
            .execute(c)?,
    };
    Ok(())
}
