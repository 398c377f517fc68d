//! Recent search rankings: every page of one query's results is a slice of one ranking.
//!
//! Ranking a query that matches thousands of articles is the expensive part of a search
//! (bm25 or ts_rank over its newest 1,000 matches); showing a page of it is not. Readers
//! page through results and ask again as they type, so a query's ranking is kept, like the
//! page cache's pages: while the public generation it was made at is current (no
//! publication, retraction or workflow change in this process since) and for at most
//! [`FRESH`] (which bounds how stale it can be when another server instance published).

use std::collections::HashMap;
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::{Duration, Instant};

use crate::db::search::Ranked;

/// The longest a ranking is used; the same bound as the public page cache's.
pub const FRESH: Duration = Duration::from_secs(2);
/// Rankings kept at most (each at most 1,000 ids, 8 KB): the oldest goes first.
const MAX_RANKINGS: usize = 256;

struct Entry {
    generation: u64,
    made: Instant,
    ranked: Arc<Ranked>,
}

/// The rankings of recent queries, keyed by their words (`search::ranking_key`).
/// The recent rankings, and how many are being made at once.
pub struct Rankings {
    entries: Mutex<HashMap<String, Entry>>,
    /// Rankings being made now, at most `limit`: each reads its words' whole match lists
    /// into memory (a common word's, several megabytes), and eight made at once took the
    /// server's memory from 61 to 92 MB. No more run at once than the machine has cores,
    /// so waiting costs no throughput.
    making: Mutex<usize>,
    made: Condvar,
    limit: usize,
}

impl Default for Rankings {
    fn default() -> Self {
        Self::new(
            std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(2)
                .clamp(1, 4),
        )
    }
}

impl Rankings {
    /// At most `limit` rankings made at once.
    pub fn new(limit: usize) -> Self {
        Self {
            entries: Mutex::default(),
            making: Mutex::new(0),
            made: Condvar::new(),
            limit: limit.max(1),
        }
    }

    /// The ranking of `key` made at `generation` within [`FRESH`], or a new one from `rank`,
    /// made when fewer than the limit are being made. Two readers asking a new query at once
    /// may both rank it; the second keeps its own.
    pub fn get_or_rank<E>(
        &self,
        key: &str,
        generation: u64,
        rank: impl FnOnce() -> Result<Ranked, E>,
    ) -> Result<Arc<Ranked>, E> {
        if let Some(ranked) = self.fresh(key, generation) {
            return Ok(ranked);
        }
        let _turn = self.turn();
        // Another reader may have ranked it while this one waited.
        if let Some(ranked) = self.fresh(key, generation) {
            return Ok(ranked);
        }
        let ranked = Arc::new(rank()?);
        let mut entries = self.lock();
        entries.retain(|_, e| e.generation == generation && e.made.elapsed() < FRESH);
        if entries.len() >= MAX_RANKINGS
            && let Some(oldest) = entries
                .iter()
                .min_by_key(|(_, e)| e.made)
                .map(|(k, _)| k.clone())
        {
            entries.remove(&oldest);
        }
        entries.insert(
            key.to_owned(),
            Entry {
                generation,
                made: Instant::now(),
                ranked: ranked.clone(),
            },
        );
        Ok(ranked)
    }

    fn fresh(&self, key: &str, generation: u64) -> Option<Arc<Ranked>> {
        self.lock()
            .get(key)
            .filter(|e| e.generation == generation && e.made.elapsed() < FRESH)
            .map(|e| e.ranked.clone())
    }

    /// Waits for a turn to make a ranking; the turn ends when the guard is dropped.
    fn turn(&self) -> Turn<'_> {
        let mut making = self.making.lock().unwrap_or_else(PoisonError::into_inner);
        while *making >= self.limit {
            making = self
                .made
                .wait(making)
                .unwrap_or_else(PoisonError::into_inner);
        }
        *making += 1;
        Turn(self)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Entry>> {
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A turn at making a ranking.
struct Turn<'a>(&'a Rankings);

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        let mut making = self.0.making.lock().unwrap_or_else(PoisonError::into_inner);
        *making = making.saturating_sub(1);
        self.0.made.notify_one();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::ArticleId;

    fn ranked(ids: &[i64]) -> Ranked {
        Ranked {
            ids: ids.iter().copied().map(ArticleId).collect(),
            narrowed: false,
            patient_only: Default::default(),
        }
    }

    #[test]
    fn a_ranking_is_reused_within_its_generation_and_made_again_after_it() {
        let rankings = Rankings::default();
        let mut made = 0;
        let mut rank = |ids: &[i64]| {
            made += 1;
            Ok::<_, ()>(ranked(ids))
        };
        let first = rankings.get_or_rank("blood", 1, || rank(&[3, 2])).unwrap();
        let again = rankings.get_or_rank("blood", 1, || rank(&[9])).unwrap();
        assert_eq!(
            again.ids, first.ids,
            "the same generation reuses the ranking"
        );
        let newer = rankings.get_or_rank("blood", 2, || rank(&[9])).unwrap();
        assert_eq!(
            newer.ids,
            vec![ArticleId(9)],
            "a publication makes it stale"
        );
        let other = rankings.get_or_rank("pressure", 2, || rank(&[4])).unwrap();
        assert_eq!(other.ids, vec![ArticleId(4)], "each query has its own");
        assert_eq!(made, 3);
    }

    #[test]
    fn no_more_rankings_are_made_at_once_than_the_limit() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let rankings = Rankings::new(2);
        let (now, most) = (AtomicUsize::new(0), AtomicUsize::new(0));
        std::thread::scope(|scope| {
            for n in 0..8 {
                let (rankings, now, most) = (&rankings, &now, &most);
                scope.spawn(move || {
                    rankings
                        .get_or_rank(&format!("query {n}"), 1, || {
                            let running = now.fetch_add(1, Ordering::SeqCst) + 1;
                            most.fetch_max(running, Ordering::SeqCst);
                            std::thread::sleep(Duration::from_millis(20));
                            now.fetch_sub(1, Ordering::SeqCst);
                            Ok::<_, ()>(ranked(&[n]))
                        })
                        .unwrap();
                });
            }
        });
        assert_eq!(
            most.load(Ordering::SeqCst),
            2,
            "eight queries, two at a time"
        );
        // Each query's ranking is its own.
        let again = rankings
            .get_or_rank("query 5", 1, || Ok::<_, ()>(ranked(&[99])))
            .unwrap();
        assert_eq!(again.ids, vec![ArticleId(5)]);
    }

    #[test]
    fn a_failed_ranking_is_not_kept() {
        let rankings = Rankings::default();
        assert!(
            rankings
                .get_or_rank("blood", 1, || Err::<Ranked, _>("down"))
                .is_err()
        );
        let ranked = rankings
            .get_or_rank("blood", 1, || Ok::<_, ()>(ranked(&[1])))
            .unwrap();
        assert_eq!(ranked.ids, vec![ArticleId(1)]);
    }

    #[test]
    fn at_most_the_newest_rankings_are_kept() {
        let rankings = Rankings::default();
        for n in 0..MAX_RANKINGS + 10 {
            let key = format!("word{n}");
            rankings
                .get_or_rank(&key, 1, || Ok::<_, ()>(ranked(&[1])))
                .unwrap();
        }
        assert_eq!(rankings.lock().len(), MAX_RANKINGS);
        assert!(
            rankings
                .lock()
                .contains_key(&format!("word{}", MAX_RANKINGS + 9))
        );
    }
}
