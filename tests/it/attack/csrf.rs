//! The CSRF matrix: every state-changing route (and every action and account operation
//! behind one), sent by someone allowed to send it, with no token, a wrong token, another
//! session's token and (for a signed-in sender) a token the attacker got for their own
//! visitor cookie. Each must be refused with 403 and write nothing at all; the same request
//! with the sender's own token must then go through, so the refusals were for the token.

use std::time::Instant;

use super::rows::{self, Expect, Row, Token};
use super::world::{Who, World};
use super::{backend_name, report};
use crate::on_both_backends;
use crate::support::Backend;

on_both_backends!(async backend: every_state_changing_route_refuses_a_forged_request);

/// The first sender and object state the specification allows for `row`.
fn allowed_sender(row: &Row) -> (Who, super::world::Object) {
    for object in row.objects {
        for who in Who::ALL {
            if rows::expect(row, who, *object) == Expect::Yes {
                return (who, *object);
            }
        }
    }
    panic!("nobody may send {}", row.name())
}

async fn every_state_changing_route_refuses_a_forged_request(backend: Backend, test: &str) {
    let Some(world) = World::start(backend, test).await else {
        return;
    };
    let started = Instant::now();
    // The API's writes take a token in a header and no cookies, so a forged cross-site
    // request has nothing to ride on; the authorization matrix checks that a session
    // cookie gets nothing there.
    let rows: Vec<Row> = rows::rows()
        .into_iter()
        .filter(|row| row.is_write() && !imprimatur::web::error::is_api(row.pattern))
        .collect();
    let mut forged = 0;
    let mut failures = Vec::new();
    for row in &rows {
        let (who, object) = allowed_sender(row);
        let attacker = world.fresh_client(Who::Anonymous).await;
        let mut forgeries = vec![
            ("no token", Token::Missing),
            ("a wrong token", Token::Given("0f".repeat(32))),
        ];
        if who.signed_in() {
            let other = if who == Who::Author {
                Who::OtherEditor
            } else {
                Who::Author
            };
            forgeries.push(("another session's token", Token::Given(world.token(other))));
            forgeries.push((
                "the attacker's own visitor token",
                Token::Given(attacker.last_csrf().unwrap()),
            ));
        } else {
            forgeries.push((
                "another visitor's token",
                Token::Given(attacker.last_csrf().unwrap()),
            ));
        }
        for (what, token) in forgeries {
            let made = world.make(object);
            let own;
            let client = if row.own_browser {
                own = world.fresh_client(who).await;
                &own
            } else {
                world.client(who)
            };
            let mark = world.mark();
            let page = rows::send(&world, row, who, &made, client, token).await;
            forged += 1;
            world.settle();
            let written = world.changes.changed_since(&world.app, mark);
            if page.status != 403 || !written.is_empty() {
                failures.push(format!(
                    "{} as {who:?} with {what}: {} (wrote to {written:?})",
                    row.name(),
                    page.status
                ));
            }
        }
        // The control: the same request with the sender's own token is accepted.
        let made = world.make(object);
        let own;
        let client = if row.own_browser {
            own = world.fresh_client(who).await;
            &own
        } else {
            world.client(who)
        };
        let page = rows::send(&world, row, who, &made, client, Token::Own).await;
        if Expect::of(page.status, page.location()) != Some(Expect::Yes) {
            failures.push(format!(
                "{} as {who:?} with its own token: {} {}",
                row.name(),
                page.status,
                page.location().unwrap_or("")
            ));
        }
    }
    report(&format!(
        "csrf {}: {forged} forged requests over {} state-changing routes, {} accepted or wrote, \
         {} controls with the right token, in {:.1} s",
        backend_name(backend),
        rows.len(),
        failures.len(),
        rows.len(),
        started.elapsed().as_secs_f64()
    ));
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
