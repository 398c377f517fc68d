//! Read models of the public site. Everything here reads only through
//! `articles.published_revision_id` of live (published, not retracted) articles: nothing a
//! reader sees can come from a revision that was not approved.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use chrono::NaiveDateTime;

use super::board::{self, NamedReviewer};
use super::{Ctx, Env, Refusal, ServiceResult};
use crate::db::articles::{self, Article};
use crate::db::reviews;
use crate::db::revisions::{self, Revision};
use crate::db::search::Ranked;
use crate::db::settings::{self, Settings};
use crate::db::users::{self, Name};
use crate::db::{DbConn, recertifications, references, search};
use crate::domain::audience::Audience;
use crate::domain::content::{Reference, ReferenceKind};
use crate::domain::diff::{self, RevisionDiff, Side, VersionDiff};
use crate::domain::snippet::{self, Run};
use crate::domain::workflow::State;
use crate::ids::{ArticleId, RevisionId, UserId};

/// A live article as its page shows it.
pub struct LiveArticle {
    pub article: Article,
    pub revision: Revision,
    pub references: Vec<Reference>,
    /// The reviewers whose approvals published this version, in the order they approved,
    /// with their specialties and what they declared about the article.
    pub reviewers: Vec<NamedReviewer>,
    /// A newer revision is in review (its content is never shown).
    pub update_pending: bool,
    pub settings: Settings,
}

/// A retraction as readers are told of it.
#[derive(Debug, Clone)]
pub struct RetractionNotice {
    pub at: NaiveDateTime,
    /// Why, as readers are told; `None` for retractions made before notices existed.
    pub notice: Option<String>,
    /// The title of the version that was taken off.
    pub title: String,
}

/// The retraction of `article`, if it is retracted.
fn retraction_of(conn: &mut DbConn, article: &Article) -> ServiceResult<Option<RetractionNotice>> {
    let Some(at) = article.retracted_at else {
        return Ok(None);
    };
    let title = match article.published_revision_id {
        Some(id) => revisions::find_line(conn, id)?.map(|r| r.title),
        None => None,
    };
    Ok(Some(RetractionNotice {
        at,
        notice: article.retraction_notice.clone(),
        title: title.unwrap_or_default(),
    }))
}

/// What `/articles/{slug}` finds.
pub enum ArticleLookup {
    Live(Box<LiveArticle>),
    /// Taken off the site.
    Retracted(RetractionNotice),
    /// No such article, or never approved.
    Missing,
}

pub fn article(ctx: &mut Ctx<'_>, slug: &str) -> ServiceResult<ArticleLookup> {
    let conn = ctx.conn();
    let Some(article) = articles::find_by_slug(conn, slug)? else {
        return Ok(ArticleLookup::Missing);
    };
    if let Some(retraction) = retraction_of(conn, &article)? {
        return Ok(ArticleLookup::Retracted(retraction));
    }
    let Some(published) = article.published_revision_id else {
        return Ok(ArticleLookup::Missing);
    };
    let Some(revision) = revisions::find(conn, published)? else {
        return Ok(ArticleLookup::Missing);
    };
    // Approvals on a published version stand, whoever has since left the board.
    let approvers = reviews::approvers(conn, revision.id, &revision.content_hash)?;
    let pending = State::all_where(State::is_pending);
    let update_pending = !revisions::in_states(conn, article.id, &pending)?.is_empty();
    Ok(ArticleLookup::Live(Box::new(LiveArticle {
        references: references::of_revision(conn, revision.id)?,
        reviewers: board::named(conn, &approvers)?,
        update_pending,
        settings: settings::load(conn)?,
        article,
        revision,
    })))
}

/// An article that was ever published, with its public versions, newest first; `None`
/// for no such article or one never published (retracted ones included).
fn published_versions(
    conn: &mut DbConn,
    slug: &str,
) -> ServiceResult<Option<(Article, Vec<Revision>)>> {
    let Some(article) = articles::find_by_slug(conn, slug)? else {
        return Ok(None);
    };
    if article.published_revision_id.is_none() {
        return Ok(None);
    }
    let approved = revisions::in_states(conn, article.id, &State::all_where(State::was_published))?;
    Ok(Some((article, approved)))
}

/// One public version of an article, as readers saw it when it was published.
pub struct ArchivedVersion {
    /// The version as an article page shows one (`update_pending` is always false).
    pub shown: LiveArticle,
    /// Its place among the public versions: 1 for the first.
    pub version: usize,
    /// It is the version published now.
    pub is_current: bool,
    /// The article was taken off the site since.
    pub retraction: Option<RetractionNotice>,
}

pub enum VersionLookup {
    Found(Box<ArchivedVersion>),
    /// No such article, never published, or no such version.
    Missing,
}

/// Public version `n` (1 for the first) of an article, read-only: any approved version
/// stays readable, the current one and, after a retraction, the retracted ones too.
pub fn version(ctx: &mut Ctx<'_>, slug: &str, n: usize) -> ServiceResult<VersionLookup> {
    let conn = ctx.conn();
    let Some((article, approved)) = published_versions(conn, slug)? else {
        return Ok(VersionLookup::Missing);
    };
    let count = approved.len();
    if n == 0 || n > count {
        return Ok(VersionLookup::Missing);
    }
    let Some(revision) = approved.into_iter().nth(count - n) else {
        return Ok(VersionLookup::Missing);
    };
    let approvers = reviews::approvers(conn, revision.id, &revision.content_hash)?;
    let retraction = retraction_of(conn, &article)?;
    Ok(VersionLookup::Found(Box::new(ArchivedVersion {
        version: n,
        is_current: Some(revision.id) == article.published_revision_id,
        retraction,
        shown: LiveArticle {
            references: references::of_revision(conn, revision.id)?,
            reviewers: board::named(conn, &approvers)?,
            update_pending: false,
            settings: settings::load(conn)?,
            article,
            revision,
        },
    })))
}

/// Two consecutive public versions of an article, to compare.
pub struct PublicChanges {
    pub article: Article,
    /// The newer one's place among the public versions (2 or more).
    pub version: usize,
    pub older: (Revision, Vec<Reference>),
    pub newer: (Revision, Vec<Reference>),
    pub settings: Settings,
}

impl PublicChanges {
    /// The comparison readers see: the published texts only (the notes are left out),
    /// and the patient versions'. CPU work: call it off the async workers.
    pub fn diff(&self) -> (RevisionDiff, Option<VersionDiff>) {
        fn side<'a>(r: &'a Revision, references: &'a [Reference]) -> Side<'a> {
            Side {
                title: &r.title,
                summary: &r.summary,
                change_note: "",
                public_note: "",
                body: &r.body,
                references,
            }
        }
        let (older, older_refs) = &self.older;
        let (newer, newer_refs) = &self.newer;
        (
            diff::diff(
                side(older, older_refs),
                side(newer, newer_refs),
                diff::BUDGET,
            ),
            diff::patient(
                older.patient().as_ref(),
                newer.patient().as_ref(),
                diff::BUDGET,
            ),
        )
    }
}

/// What changed from public version `n - 1` to `n` (published text only); `None` when
/// there is no such pair.
pub fn changes(ctx: &mut Ctx<'_>, slug: &str, n: usize) -> ServiceResult<Option<PublicChanges>> {
    let conn = ctx.conn();
    let Some((article, approved)) = published_versions(conn, slug)? else {
        return Ok(None);
    };
    let count = approved.len();
    if n < 2 || n > count {
        return Ok(None);
    }
    // Newest first: version n is at count - n, the one before it next.
    let mut pair = approved.into_iter().skip(count - n).take(2);
    let (Some(newer), Some(older)) = (pair.next(), pair.next()) else {
        return Ok(None);
    };
    let newer_refs = references::of_revision(conn, newer.id)?;
    let older_refs = references::of_revision(conn, older.id)?;
    Ok(Some(PublicChanges {
        article,
        version: n,
        older: (older, older_refs),
        newer: (newer, newer_refs),
        settings: settings::load(conn)?,
    }))
}

/// What changed in public version `version` (`revision`), as readers are told: the
/// editor's public change summary, or a plain default. The internal note to reviewers
/// never appears.
pub fn change_summary(revision: &Revision, version: usize) -> &str {
    match revision.public_note.as_str() {
        "" if version == 1 => "First version",
        "" => "Editorial update",
        note => note,
    }
}

/// One approved version in an article's public history.
pub struct HistoryEntry {
    /// Its place among the article's public versions: 1 for the first one readers saw.
    pub version: usize,
    pub revision: Revision,
    pub reviewers: Vec<Name>,
    pub is_current: bool,
    /// Periodic reviews that re-certified this version unchanged, newest first: when each
    /// completed, and who re-certified it.
    pub reviewed_unchanged: Vec<(NaiveDateTime, Vec<Name>)>,
}

impl HistoryEntry {
    /// What changed, as readers are told: the editor's public change summary, or a plain
    /// default. The internal note to reviewers never appears here.
    pub fn change_summary(&self) -> &str {
        change_summary(&self.revision, self.version)
    }
}

/// An article's public history.
pub struct History {
    pub article: Article,
    pub title: String,
    /// The article was taken off the site: its history stays readable, headed by this.
    pub retraction: Option<RetractionNotice>,
    pub entries: Vec<HistoryEntry>,
    pub settings: Settings,
}

pub enum HistoryLookup {
    Live(Box<History>),
    Missing,
}

/// The approved versions of a published article, newest first; a retracted article's too
/// (the record of what readers were shown stays public).
pub fn history(ctx: &mut Ctx<'_>, slug: &str) -> ServiceResult<HistoryLookup> {
    let conn = ctx.conn();
    let Some((article, approved)) = published_versions(conn, slug)? else {
        return Ok(HistoryLookup::Missing);
    };
    let retraction = retraction_of(conn, &article)?;
    let ids: Vec<RevisionId> = approved.iter().map(|r| r.id).collect();
    let votes = reviews::approvals_on(conn, &ids)?;
    let recertified = recertifications::of_article(conn, article.id)?;
    let mut people: Vec<UserId> = votes.iter().map(|(_, id, _)| *id).collect();
    people.extend(recertified.iter().map(|g| g.reviewer_id));
    let names = users::names(conn, &people)?;
    let mut by_revision: HashMap<RevisionId, Vec<Name>> = HashMap::new();
    for revision in &approved {
        let reviewers = votes
            .iter()
            .filter(|(r, _, hash)| *r == revision.id && *hash == revision.content_hash)
            .filter_map(|(_, id, _)| names.get(id).cloned())
            .collect();
        by_revision.insert(revision.id, reviewers);
    }
    let title = approved
        .iter()
        .find(|r| Some(r.id) == article.published_revision_id)
        .map(|r| r.title.clone())
        .unwrap_or_default();
    // Each completed round: the re-certifications of one version up to the one completing it.
    let mut rounds: HashMap<RevisionId, Vec<(NaiveDateTime, Vec<Name>)>> = HashMap::new();
    let mut open: HashMap<RevisionId, Vec<Name>> = HashMap::new();
    for given in &recertified {
        let members = open.entry(given.revision_id).or_default();
        members.extend(names.get(&given.reviewer_id).cloned());
        if given.completes {
            let members = std::mem::take(members);
            rounds
                .entry(given.revision_id)
                .or_default()
                .insert(0, (given.created_at, members));
        }
    }
    let count = approved.len();
    let entries = approved
        .into_iter()
        .enumerate()
        .map(|(newer, revision)| HistoryEntry {
            version: count - newer,
            reviewers: by_revision.remove(&revision.id).unwrap_or_default(),
            is_current: Some(revision.id) == article.published_revision_id,
            reviewed_unchanged: rounds.remove(&revision.id).unwrap_or_default(),
            revision,
        })
        .collect();
    Ok(HistoryLookup::Live(Box::new(History {
        title,
        retraction,
        entries,
        settings: settings::load(conn)?,
        article,
    })))
}

/// A live article in a list.
pub struct Card {
    pub id: ArticleId,
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub last_reviewed_at: Option<NaiveDateTime>,
    pub updated_at: Option<NaiveDateTime>,
    /// In search results: the title and summary with the matching words marked, and a few
    /// words of the body around its first match.
    pub found: Option<Found>,
    /// The version the card shows and links to, when not the site's default choice: a
    /// search that matched only an article's patient version shows that one.
    pub audience: Option<Audience>,
    /// The article's other version, when it has both.
    pub other: Option<Audience>,
    /// The kinds of evidence its published version cites (guideline, drug label, ...), in
    /// [`ReferenceKind::ALL`]'s order.
    pub evidence: Vec<ReferenceKind>,
}

impl Card {
    /// The public address of the version the card shows.
    pub fn link(&self) -> String {
        crate::urls::public_article_for(&self.slug, "", self.audience)
    }

    /// The public address of the article's other version, when it has one.
    pub fn other_link(&self) -> Option<String> {
        self.other
            .map(|other| crate::urls::public_article_for(&self.slug, "", Some(other)))
    }
}

/// How a search result matched, as runs of plain and matched text (escaped when shown).
pub struct Found {
    pub title: Vec<Run>,
    pub summary: Vec<Run>,
    pub snippet: Vec<Run>,
}

/// Words of the body around its first match.
const SNIPPET_WORDS: usize = 30;

/// The cards for these live articles, in this order; reads the published revisions' list
/// columns only (and their bodies, for search results' snippets).
fn cards(
    conn: &mut DbConn,
    articles: Vec<Article>,
    terms: Option<&[String]>,
) -> ServiceResult<Vec<Card>> {
    cards_of(conn, articles, terms, &HashSet::new())
}

/// The cards of `articles`; those in `patient_only` show (and link to) their patient
/// version.
fn cards_of(
    conn: &mut DbConn,
    articles: Vec<Article>,
    terms: Option<&[String]>,
    patient_only: &HashSet<ArticleId>,
) -> ServiceResult<Vec<Card>> {
    let (patient, clinician): (Vec<&Article>, Vec<&Article>) =
        articles.iter().partition(|a| patient_only.contains(&a.id));
    let published = |list: &[&Article]| -> Vec<RevisionId> {
        list.iter()
            .filter_map(|a| a.published_revision_id)
            .collect()
    };
    let mut shown: HashMap<RevisionId, revisions::CardText> =
        revisions::card_texts(conn, &published(&clinician), terms.is_some())?
            .into_iter()
            .map(|r| (r.id, r))
            .collect();
    let mut evidence: HashMap<RevisionId, Vec<ReferenceKind>> = HashMap::new();
    for (revision, kind) in
        references::kinds_of(conn, &published(&articles.iter().collect::<Vec<_>>()))?
    {
        evidence.entry(revision).or_default().push(kind);
    }
    let mut shown_patient: HashMap<RevisionId, revisions::CardText> = if patient.is_empty() {
        HashMap::new()
    } else {
        revisions::patient_card_texts(conn, &published(&patient))?
            .into_iter()
            .map(|r| (r.id, r))
            .collect()
    };
    Ok(articles
        .into_iter()
        .filter(|a| a.is_live())
        .filter_map(|a| {
            let revision = a.published_revision_id?;
            let (text, audience, other) = match shown_patient.remove(&revision) {
                Some(text) => (text, Some(Audience::Patient), Some(Audience::Clinician)),
                None => {
                    let text = shown.remove(&revision)?;
                    let other = text.has_patient.then_some(Audience::Patient);
                    (text, None, other)
                }
            };
            let found = terms.map(|terms| Found {
                title: snippet::mark(&text.title, terms),
                summary: snippet::mark(&text.summary, terms),
                snippet: text
                    .body
                    .as_deref()
                    .map(|body| snippet::snippet(body, terms, SNIPPET_WORDS))
                    .unwrap_or_default(),
            });
            Some(Card {
                id: a.id,
                slug: a.slug,
                title: text.title,
                summary: text.summary,
                last_reviewed_at: a.last_reviewed_at,
                updated_at: text.submitted_at,
                found,
                audience,
                other,
                evidence: evidence.remove(&revision).unwrap_or_default(),
            })
        })
        .collect())
}

/// One page of the public index.
#[derive(Default)]
pub struct IndexPage {
    pub cards: Vec<Card>,
    pub more: bool,
    /// When the search matched more articles than are ranked: how many were (the newest
    /// that many matches; see `search::RANKED_AT_MOST`).
    pub narrowed: Option<i64>,
}

/// One page of the public index: the newest live articles, or those matching `query`.
pub fn index(
    ctx: &mut Ctx<'_>,
    query: Option<&str>,
    offset: i64,
    limit: i64,
) -> ServiceResult<IndexPage> {
    let env = ctx.env();
    let conn = ctx.conn();
    match query.map(str::trim).filter(|q| !q.is_empty()) {
        None => {
            let (rows, more) = articles::live_page(conn, offset, limit)?;
            Ok(IndexPage {
                cards: cards(conn, rows, None)?,
                more,
                narrowed: None,
            })
        }
        Some(query) => {
            let Some(ranked) = ranking(env, conn, query)? else {
                return Ok(IndexPage::default());
            };
            search_page(conn, query, ranked.page(offset, limit))
        }
    }
}

/// The ranking of the articles matching `query`, best first (kept while nothing public
/// changes); none when the query has no words to search for.
fn ranking(env: &Env, conn: &mut DbConn, query: &str) -> ServiceResult<Option<Arc<Ranked>>> {
    let Some(key) = search::ranking_key(query) else {
        return Ok(None);
    };
    let generation = env.signals().public_generation();
    Ok(Some(env.rankings().get_or_rank(
        &key,
        generation,
        || search::rank(conn, query),
    )?))
}

/// The cards of one page of a ranking, in its order.
fn search_page(conn: &mut DbConn, query: &str, found: search::Found) -> ServiceResult<IndexPage> {
    let mut rows: HashMap<ArticleId, Article> = articles::find_many(conn, &found.ids)?
        .into_iter()
        .map(|a| (a.id, a))
        .collect();
    let ordered = found.ids.iter().filter_map(|id| rows.remove(id)).collect();
    let terms = search::terms(query);
    Ok(IndexPage {
        cards: cards_of(conn, ordered, Some(&terms), &found.patient_only)?,
        more: found.more,
        narrowed: found.narrowed.then_some(search::RANKED_AT_MOST),
    })
}

/// Where a page of [`list`] starts: after this article (its review time and id), the last
/// of the previous page.
pub type After = (NaiveDateTime, ArticleId);

/// One page of [`list`], and where the next starts (none on the last).
pub struct ListPage {
    pub cards: Vec<Card>,
    pub next: Option<After>,
}

/// Live articles for programs: those matching `query`, best first, or else all of them
/// (reviewed at or after `since` when given), most recently reviewed first. Either way a
/// page starts after the last article of the previous one: when a search's ranking no
/// longer holds that article, the results changed and the caller starts again.
pub fn list(
    ctx: &mut Ctx<'_>,
    query: Option<&str>,
    since: Option<NaiveDateTime>,
    after: Option<After>,
    limit: i64,
) -> ServiceResult<ListPage> {
    let env = ctx.env();
    let conn = ctx.conn();
    let (cards, more) = match query {
        Some(query) => {
            let Some(ranked) = ranking(env, conn, query)? else {
                return Ok(ListPage {
                    cards: Vec::new(),
                    next: None,
                });
            };
            let offset = match after {
                None => 0,
                Some((_, id)) => match ranked.ids.iter().position(|ranked| *ranked == id) {
                    Some(at) => at + 1,
                    None => return Err(Refusal::ResultsChanged.into()),
                },
            };
            let offset = i64::try_from(offset).unwrap_or(i64::MAX);
            let page = search_page(conn, query, ranked.page(offset, limit))?;
            (page.cards, page.more)
        }
        None => {
            let (rows, more) = articles::live_keyset(conn, since, after, limit)?;
            (cards(conn, rows, None)?, more)
        }
    };
    let next = cards
        .last()
        .and_then(|card| Some((card.last_reviewed_at?, card.id)))
        .filter(|_| more);
    let mut cards = cards;
    // A search ranks every match: the time filter applies to the ranked page (after the
    // next page's start is taken from it). The list without a search filters in its query.
    if let Some(since) = since.filter(|_| query.is_some()) {
        cards.retain(|card| card.last_reviewed_at.is_some_and(|at| at >= since));
    }
    Ok(ListPage { cards, next })
}

/// The newest live articles, for the feed: each in the site's default version (with the
/// other one named on the card when it has both).
pub fn latest(ctx: &mut Ctx<'_>, limit: i64) -> ServiceResult<Vec<Card>> {
    let conn = ctx.conn();
    let default = settings::load(conn)?.default_audience();
    let (rows, _) = articles::live_page(conn, 0, limit)?;
    let patient: HashSet<ArticleId> = match default {
        Audience::Patient => rows.iter().map(|a| a.id).collect(),
        Audience::Clinician => HashSet::new(),
    };
    cards_of(conn, rows, None, &patient)
}

/// A retraction as the feed announces it.
pub struct RetractedEntry {
    pub slug: String,
    pub retraction: RetractionNotice,
}

/// The newest `limit` retractions, newest first, for the feed: two queries whatever the
/// count.
pub fn recent_retractions(ctx: &mut Ctx<'_>, limit: i64) -> ServiceResult<Vec<RetractedEntry>> {
    let conn = ctx.conn();
    let rows = articles::recent_retractions(conn, limit)?;
    let ids: Vec<RevisionId> = rows.iter().filter_map(|r| r.3).collect();
    let titles: HashMap<RevisionId, String> = revisions::card_texts(conn, &ids, false)?
        .into_iter()
        .map(|t| (t.id, t.title))
        .collect();
    Ok(rows
        .into_iter()
        .map(|(slug, at, notice, revision)| RetractedEntry {
            slug,
            retraction: RetractionNotice {
                at,
                notice,
                title: revision
                    .and_then(|id| titles.get(&id).cloned())
                    .unwrap_or_default(),
            },
        })
        .collect())
}

/// A sitemap entry: an article's slug and when it last changed.
pub type SitemapEntry = (String, Option<NaiveDateTime>);

/// How many articles are live, and, unless only the count is asked for, the slugs and
/// dates of one sitemap file of them (two columns each: a file may list tens of thousands).
pub fn sitemap(
    ctx: &mut Ctx<'_>,
    offset: i64,
    limit: i64,
    count_only: bool,
) -> ServiceResult<(Vec<SitemapEntry>, i64)> {
    let conn = ctx.conn();
    let total = articles::live_count(conn)?;
    if count_only {
        return Ok((Vec::new(), total));
    }
    Ok((articles::live_slugs(conn, offset, limit)?, total))
}

/// The review checklist in force, as the editorial policy states it.
pub fn checklist(ctx: &mut Ctx<'_>) -> ServiceResult<Vec<crate::domain::checklist::Item>> {
    Ok(crate::db::checklist::in_force(ctx.conn())?)
}

pub fn settings(ctx: &mut Ctx<'_>) -> ServiceResult<Settings> {
    let conn = ctx.conn();
    Ok(settings::load(conn)?)
}
