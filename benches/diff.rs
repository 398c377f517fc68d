//! Diff speed: `cargo bench --bench diff` prints how long the revision diff takes for
//! (a) two ~50 KB articles with about 10% of their words changed, and (b) a 1 MB
//! pathological pair, which must finish within the diff's time budget.
#![expect(clippy::print_stdout, reason = "a benchmark reports on stdout")]

use std::time::{Duration, Instant};

use imprimatur::domain::content::{Reference, ReferenceKind};
use imprimatur::domain::diff::{self, Side};

/// A small deterministic generator, so every run diffs the same text.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn below(&mut self, n: u64) -> usize {
        usize::try_from(self.next() % n).unwrap_or(0)
    }
}

const WORDS: [&str; 24] = [
    "blood",
    "pressure",
    "ibuprofen",
    "lisinopril",
    "kidney",
    "function",
    "risk",
    "guideline",
    "patients",
    "the",
    "with",
    "and",
    "of",
    "may",
    "reduce",
    "effect",
    "increase",
    "label",
    "trial",
    "adults",
    "treatment",
    "NSAIDs",
    "monitoring",
    "doctor",
];

/// An article of about `bytes` bytes: paragraphs of 60-140 words.
fn article(rng: &mut Lcg, bytes: usize) -> Vec<Vec<String>> {
    let mut paragraphs = Vec::new();
    let mut size = 0;
    while size < bytes {
        let len = 60 + rng.below(80);
        let paragraph: Vec<String> = (0..len)
            .map(|_| format!("{}{}", WORDS[rng.below(WORDS.len() as u64)], rng.below(50)))
            .collect();
        size += paragraph.iter().map(|w| w.len() + 1).sum::<usize>() + 2;
        paragraphs.push(paragraph);
    }
    paragraphs
}

/// The same article with about `percent`% of its words replaced, inserted or deleted.
fn edit(rng: &mut Lcg, paragraphs: &[Vec<String>], percent: usize) -> Vec<Vec<String>> {
    paragraphs
        .iter()
        .map(|words| {
            let mut out = Vec::with_capacity(words.len());
            for word in words {
                if rng.below(100) < percent {
                    match rng.below(3) {
                        0 => out.push(format!("changed{}", rng.below(1000))),
                        1 => {
                            out.push(word.clone());
                            out.push(format!("inserted{}", rng.below(1000)));
                        }
                        _ => {}
                    }
                } else {
                    out.push(word.clone());
                }
            }
            out
        })
        .collect()
}

fn join(paragraphs: &[Vec<String>]) -> String {
    paragraphs
        .iter()
        .map(|p| p.join(" "))
        .collect::<Vec<_>>()
        .join("\n\n")
}

fn references(n: usize, year: i32) -> Vec<Reference> {
    (0..n)
        .map(|i| Reference {
            kind: ReferenceKind::Research,
            title: format!("Study {i}"),
            source: "BMJ".into(),
            year: Some(year + i32::try_from(i % 3).unwrap_or(0)),
            url: None,
            ..Reference::default()
        })
        .collect()
}

fn side<'a>(body: &'a str, refs: &'a [Reference]) -> Side<'a> {
    Side {
        title: "Title",
        summary: "Summary",
        change_note: "Note",
        public_note: "",
        body,
        references: refs,
    }
}

fn report(label: &str, mut times: Vec<Duration>) {
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{label}: median {:.2} ms, min {:.2} ms, max {:.2} ms over {} runs",
        ms(times[times.len() / 2]),
        ms(times[0]),
        ms(times[times.len() - 1]),
        times.len()
    );
}

fn main() {
    let mut rng = Lcg(42);
    let old = article(&mut rng, 50 * 1024);
    let new = edit(&mut rng, &old, 10);
    let (old_body, new_body) = (join(&old), join(&new));
    let (old_refs, new_refs) = (references(30, 2015), references(32, 2016));
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..50 {
        let started = Instant::now();
        let result = diff::diff(
            side(&old_body, &old_refs),
            side(&new_body, &new_refs),
            diff::BUDGET,
        );
        times.push(started.elapsed());
        last = Some(result);
    }
    if let Some(result) = last {
        println!(
            "50 KB pair: {} + {} bytes, {} words added, {} removed, coarse: {}",
            old_body.len(),
            new_body.len(),
            result.words_added,
            result.words_removed,
            result.coarse
        );
    }
    report("50 KB pair, ~10% of words changed", times);

    // Pathological: 1 MB each, one paragraph, two-word alphabet in unrelated orders, so
    // nothing is unique and the edit distance is huge.
    let mut rng = Lcg(7);
    let noise = |rng: &mut Lcg| -> String {
        let mut text = String::with_capacity(1 << 20);
        while text.len() < 1 << 20 {
            text.push_str(if rng.below(2) == 0 { "aa " } else { "bb " });
        }
        text
    };
    let (old_noise, new_noise) = (noise(&mut rng), noise(&mut rng));
    let mut times = Vec::new();
    let mut coarse = false;
    for _ in 0..5 {
        let started = Instant::now();
        let result = diff::diff(side(&old_noise, &[]), side(&new_noise, &[]), diff::BUDGET);
        times.push(started.elapsed());
        coarse = result.coarse;
    }
    println!(
        "1 MB pathological pair: budget {} ms, coarse: {coarse}",
        diff::BUDGET.as_millis()
    );
    report("1 MB pathological pair, one paragraph", times);

    // The same noise cut into paragraphs small enough to be diffed word by word: here the
    // deadline, not the size limit, has to stop the work.
    let paragraphs = |text: &str| -> String {
        let words: Vec<&str> = text.split(' ').collect();
        words
            .chunks(1_500)
            .map(|c| c.join(" "))
            .collect::<Vec<_>>()
            .join("\n\n")
    };
    let (old_noise, new_noise) = (paragraphs(&old_noise), paragraphs(&new_noise));
    let mut times = Vec::new();
    for _ in 0..5 {
        let started = Instant::now();
        let result = diff::diff(side(&old_noise, &[]), side(&new_noise, &[]), diff::BUDGET);
        times.push(started.elapsed());
        coarse = result.coarse;
    }
    println!("1 MB pathological pair in 1,500-word paragraphs: coarse: {coarse}");
    report("1 MB pathological pair, paragraphs", times);
}
