//! The `revision_references` table: a revision's numbered references.

use chrono::NaiveDate;
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
    /// One name per line.
    pub authors: String,
    pub volume_pages: String,
    pub doi: Option<String>,
    pub pmid: Option<String>,
    pub accessed: Option<NaiveDate>,
}

impl ReferenceRow {
    pub fn to_reference(&self) -> Reference {
        Reference {
            kind: ReferenceKind::parse(&self.kind).unwrap_or(ReferenceKind::Other),
            title: self.title.clone(),
            source: self.source.clone(),
            year: self.year,
            url: self.url.clone(),
            authors: self
                .authors
                .lines()
                .filter(|name| !name.is_empty())
                .map(str::to_owned)
                .collect(),
            volume_pages: self.volume_pages.clone(),
            doi: self.doi.clone(),
            pmid: self.pmid.clone(),
            accessed: self.accessed,
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

/// The kinds of reference each of `revisions` cites, once each, in [`ReferenceKind::ALL`]'s
/// order: for the badges of a page of cards (one query for the page).
pub fn kinds_of(
    conn: &mut DbConn,
    revisions: &[RevisionId],
) -> QueryResult<Vec<(RevisionId, ReferenceKind)>> {
    if revisions.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<(RevisionId, String)> = revision_references::table
        .filter(revision_references::revision_id.eq_any(revisions))
        .select((revision_references::revision_id, revision_references::kind))
        .distinct()
        .load(conn)?;
    let mut kinds: Vec<(RevisionId, ReferenceKind)> = rows
        .into_iter()
        .filter_map(|(revision, kind)| Some((revision, ReferenceKind::parse(&kind)?)))
        .collect();
    kinds.sort_by_key(|(revision, kind)| {
        (*revision, ReferenceKind::ALL.iter().position(|k| k == kind))
    });
    Ok(kinds)
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
                revision_references::authors.eq(reference.authors.join("\n")),
                revision_references::volume_pages.eq(&reference.volume_pages),
                revision_references::doi.eq(reference.doi.as_deref()),
                revision_references::pmid.eq(reference.pmid.as_deref()),
                revision_references::accessed.eq(reference.accessed),
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
