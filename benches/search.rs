//! Public search and index at scale: `cargo bench --bench search` fills a fresh SQLite
//! database (and a fresh PostgreSQL database when `IMPRIMATUR_TEST_POSTGRES_URL` is set) with
//! 100,000 published articles and prints how long the public index and searches take, through
//! the same service function the `/` page uses.
#![expect(clippy::print_stdout, reason = "a benchmark reports on stdout")]
#![expect(clippy::unwrap_used, reason = "a benchmark fails loudly")]

use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use imprimatur::config::DatabaseUrl;
use imprimatur::db::{self, DbConn};
use imprimatur::services::{Ctx, Env, public};

const ARTICLES: usize = 100_000;
const BATCH: usize = 1_000;

struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next()).unwrap_or(0) % n
    }
}

/// A vocabulary of made-up words, some common and most rare (Zipf-like use below).
fn vocabulary() -> Vec<String> {
    const SYLLABLES: [&str; 16] = [
        "ka", "lo", "mi", "ne", "ru", "sa", "to", "vi", "pre", "dol", "mar", "cen", "tis", "ban",
        "qua", "zer",
    ];
    let mut words = Vec::with_capacity(4_096);
    for a in SYLLABLES {
        for b in SYLLABLES {
            for c in SYLLABLES {
                words.push(format!("{a}{b}{c}"));
            }
        }
    }
    words
}

fn word<'a>(rng: &mut Lcg, words: &'a [String]) -> &'a str {
    // Squaring skews the choice towards the start of the list: a few words are common.
    let r = rng.below(4_096);
    &words[(r * r / 4_096) % words.len()]
}

fn seed(conn: &mut DbConn) {
    let words = vocabulary();
    let mut rng = Lcg(2026);
    let now = "2026-11-25 00:00:00";
    conn.batch_execute(&format!(
        "INSERT INTO users (id, email, display_name, credentials, password_hash, is_active, created_at, updated_at) \
         VALUES (1, 'bench@example.org', 'Bench', '', NULL, TRUE, '{now}', '{now}')"
    ))
    .unwrap();
    let started = Instant::now();
    for batch in 0..ARTICLES / BATCH {
        let mut articles = Vec::with_capacity(BATCH);
        let mut revisions = Vec::with_capacity(BATCH);
        let mut documents = Vec::with_capacity(BATCH);
        for i in 0..BATCH {
            let id = batch * BATCH + i + 1;
            let title: Vec<&str> = (0..6).map(|_| word(&mut rng, &words)).collect();
            let body: Vec<&str> = (0..120).map(|_| word(&mut rng, &words)).collect();
            let (title, body) = (title.join(" "), body.join(" "));
            let reviewed = format!("2026-{:02}-{:02} 00:00:00", 1 + id % 11, 1 + id % 28);
            articles.push(format!(
                "({id}, 'article-{id}', 1, '{now}', '{now}', '{reviewed}', '{reviewed}', 0)"
            ));
            revisions.push(format!(
                "({id}, {id}, 1, 1, 'approved', '{title}', 'Summary {id}', '{body}', '<p>{body}</p>', '', 'hash', 0, '{now}', '{now}', '{now}', '{now}')"
            ));
            documents.push(format!("('{title}', 'Summary {id}', '{body}', {id})"));
        }
        conn.batch_execute(&format!(
            "BEGIN;
             INSERT INTO articles (id, slug, created_by, created_at, updated_at, last_reviewed_at, first_published_at, version) VALUES {};
             INSERT INTO revisions (id, article_id, number, author_id, state, title, summary, body, body_html, change_note, content_hash, version, created_at, updated_at, submitted_at, decided_at) VALUES {};
             INSERT INTO search_documents (title, summary, body, article_id) VALUES {};
             COMMIT;",
            articles.join(","),
            revisions.join(","),
            documents.join(",")
        ))
        .unwrap();
    }
    conn.batch_execute("UPDATE articles SET published_revision_id = id, current_revision_id = id")
        .unwrap();
    if let DbConn::Pg(_) = conn {
        conn.batch_execute(&format!(
            "SELECT setval('articles_id_seq', {ARTICLES}); SELECT setval('revisions_id_seq', {ARTICLES}); ANALYZE;"
        ))
        .unwrap();
    }
    println!(
        "  seeded {ARTICLES} published articles in {:.1} s",
        started.elapsed().as_secs_f64()
    );
}

fn time(label: &str, ctx: &mut Ctx<'_>, query: Option<&str>) {
    let mut times = Vec::new();
    let mut hits = 0;
    for _ in 0..20 {
        let started = Instant::now();
        let cards = public::index(ctx, query, 0, 20).unwrap().cards;
        times.push(started.elapsed());
        hits = cards.len();
    }
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "  {label:<38} median {:>7.2} ms   max {:>7.2} ms   ({hits} shown)",
        ms(times[times.len() / 2]),
        ms(times[times.len() - 1])
    );
}

fn bench(url: DatabaseUrl, label: &str) {
    println!("{label}:");
    let pool = db::connect(&url, 2).unwrap();
    let mut conn = pool.get().unwrap();
    db::run_migrations(&mut conn).unwrap();
    seed(&mut conn);
    let env = Env::new(pool.clone(), "http://127.0.0.1");
    let mut ctx = Ctx::new(&mut conn, &env);
    let ctx = &mut ctx;
    let words = vocabulary();
    time("index, newest first (page 1)", ctx, None);
    time(
        &format!("search, common word '{}'", words[0]),
        ctx,
        Some(&words[0]),
    );
    time(
        &format!("search, rare word '{}'", words[4_000]),
        ctx,
        Some(&words[4_000]),
    );
    let two = format!("{} {}", words[10], words[300]);
    time(&format!("search, two words '{two}'"), ctx, Some(&two));
    let prefix = &words[2_000][..5];
    time(&format!("search, prefix '{prefix}'"), ctx, Some(prefix));
    time("search, no match 'zzzzqqq'", ctx, Some("zzzzqqq"));
}

fn main() {
    let dir = std::env::temp_dir().join(format!("imprimatur-search-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    bench(DatabaseUrl::Sqlite(dir.join("bench.db")), "SQLite (FTS5)");
    let _ = std::fs::remove_dir_all(&dir);

    let Ok(admin) = std::env::var("IMPRIMATUR_TEST_POSTGRES_URL") else {
        println!("PostgreSQL: skipped (IMPRIMATUR_TEST_POSTGRES_URL is not set)");
        return;
    };
    let name = format!("imprimatur_search_bench_{}", std::process::id());
    let mut admin_conn = PgConnection::establish(&admin).unwrap();
    diesel::sql_query(format!("CREATE DATABASE {name}"))
        .execute(&mut admin_conn)
        .unwrap();
    let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
    bench(
        DatabaseUrl::Postgres(format!("{base}/{name}")),
        "PostgreSQL (tsvector + GIN)",
    );
    diesel::sql_query(format!("DROP DATABASE {name} WITH (FORCE)"))
        .execute(&mut admin_conn)
        .unwrap();
}
