//! The authorization matrix: every route (and every action and account operation behind
//! one) × {anonymous, author, other editor, reviewer, assigned reviewer, admin, deactivated
//! account} × the states of the object it names, each answer classed against the
//! specification in `rows::expect`. A refused request, and every GET, must leave the database
//! exactly as it was (beyond the audit rows that record a refusal).
//!
//! Every row and identity always; every object state with `IMPRIMATUR_TEST_ATTACK=full`,
//! every other one otherwise.

use std::collections::BTreeMap;

use std::time::Instant;

use super::rows::{self, Expect, Token};
use super::world::{Object, Who, World};
use super::{backend_name, full, report};
use crate::on_both_backends;
use crate::support::Backend;

on_both_backends!(async backend: the_authorization_matrix_holds_for_every_route);

async fn the_authorization_matrix_holds_for_every_route(backend: Backend, test: &str) {
    let Some(world) = World::start(backend, test).await else {
        return;
    };
    let started = Instant::now();
    let mut cells = 0;
    let mut unexpected_allows = Vec::new();
    let mut mismatches = Vec::new();
    let mut writes = Vec::new();
    let mut by_expectation: BTreeMap<Expect, usize> = BTreeMap::new();
    let rows = rows::rows();
    for row in &rows {
        // A laptop run tries every route for every identity, in every other object state;
        // the full run (CI) in all of them.
        let step = if full() { 1 } else { 2 };
        for object in row.objects.iter().step_by(step) {
            // A GET changes nothing, so its cells share one object; a POST gets a fresh one.
            let shared = (!row.is_write()).then(|| world.make(*object));
            for who in Who::ALL {
                let expected = rows::expect(row, who, *object);
                let made = shared.clone().unwrap_or_else(|| world.make(*object));
                let own;
                let client = if row.own_browser {
                    own = world.fresh_client(who).await;
                    &own
                } else {
                    world.client(who)
                };
                let watch = !row.is_write() || expected != Expect::Yes;
                let before = watch.then(|| world.mark());
                let page = rows::send(&world, row, who, &made, client, Token::Own).await;
                let got = Expect::of(page.status, page.location());
                cells += 1;
                *by_expectation.entry(expected).or_default() += 1;
                let cell = format!(
                    "{} as {who:?} on {}: expected {expected:?}, got {} {}",
                    row.name(),
                    describe(*object),
                    page.status,
                    page.location().unwrap_or("")
                );
                if got != Some(expected) {
                    if got == Some(Expect::Yes) {
                        unexpected_allows.push(cell);
                    } else {
                        let excerpt: String = page.body.chars().take(300).collect();
                        mismatches.push(format!("{cell}\n      {excerpt}"));
                    }
                    continue;
                }
                if let Some(before) = before {
                    let changed = world.written_since(before);
                    if !changed.is_empty() {
                        writes.push(format!("{cell}; but it wrote to {changed:?}"));
                    }
                }
            }
        }
    }
    report(&format!(
        "authorization {}: {cells} cells ({} rows × {} identities × {} object states; expected {:?}), \
         {} unexpected allows, {} other mismatches, {} refused requests or GETs that wrote, in {:.1} s",
        backend_name(backend),
        rows.len(),
        Who::ALL.len(),
        if full() { "all" } else { "every other" },
        by_expectation,
        unexpected_allows.len(),
        mismatches.len(),
        writes.len(),
        started.elapsed().as_secs_f64()
    ));
    assert!(
        unexpected_allows.is_empty() && mismatches.is_empty() && writes.is_empty(),
        "unexpected allows:\n  {}\nother mismatches:\n  {}\nwrites:\n  {}",
        unexpected_allows.join("\n  "),
        mismatches.join("\n  "),
        writes.join("\n  ")
    );
}

fn describe(object: Object) -> String {
    match object {
        Object::Nothing => "-".into(),
        other => format!("{other:?}"),
    }
}
