//! Statements written as SQL text that each connection prepares once and keeps.
//!
//! diesel prepares a statement once per connection and reuses it, except for `sql_query`,
//! updates and inserts with defaults, which it prepares anew every time: their text might
//! change from one use to the next. A statement here has one fixed text, so it is kept
//! like any other query. For the statements every write runs (the row lock, the audit
//! chain's lock, the search index), a new preparation cost more than running them: on
//! PostgreSQL each one was parsed and planned for every approval.

use std::marker::PhantomData;

use diesel::backend::Backend;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::result::QueryResult;
use diesel::serialize::ToSql;
use diesel::sql_types::{HasSqlType, Untyped};
use diesel::{Connection, RunQueryDsl};

/// One value bound to a placeholder, with its SQL type.
pub struct Bind<ST, V>(pub V, PhantomData<ST>);

/// Binds `value` as `ST`.
pub fn bind<ST, V>(value: V) -> Bind<ST, V> {
    Bind(value, PhantomData)
}

/// The values of a statement's placeholders, in order.
pub trait Binds<DB: Backend> {
    /// How many values.
    const COUNT: usize;

    /// Pushes each value's placeholder, each followed by the next piece of text.
    fn walk<'b>(
        &'b self,
        out: &mut AstPass<'_, 'b, DB>,
        text: &mut std::slice::Iter<'_, &'static str>,
    ) -> QueryResult<()>;
}

impl<DB: Backend> Binds<DB> for () {
    const COUNT: usize = 0;

    fn walk<'b>(
        &'b self,
        _out: &mut AstPass<'_, 'b, DB>,
        _text: &mut std::slice::Iter<'_, &'static str>,
    ) -> QueryResult<()> {
        Ok(())
    }
}

impl<DB, ST, V> Binds<DB> for Bind<ST, V>
where
    DB: Backend + HasSqlType<ST>,
    V: ToSql<ST, DB>,
{
    const COUNT: usize = 1;

    fn walk<'b>(
        &'b self,
        out: &mut AstPass<'_, 'b, DB>,
        text: &mut std::slice::Iter<'_, &'static str>,
    ) -> QueryResult<()> {
        out.push_bind_param::<ST, V>(&self.0)?;
        if let Some(piece) = text.next() {
            out.push_sql(piece);
        }
        Ok(())
    }
}

macro_rules! tuple_binds {
    ($($name:ident $index:tt),+) => {
        impl<DB: Backend, $($name: Binds<DB>),+> Binds<DB> for ($($name,)+) {
            const COUNT: usize = 0 $(+ $name::COUNT)+;

            fn walk<'b>(
                &'b self,
                out: &mut AstPass<'_, 'b, DB>,
                text: &mut std::slice::Iter<'_, &'static str>,
            ) -> QueryResult<()> {
                $(self.$index.walk(out, text)?;)+
                Ok(())
            }
        }
    };
}

tuple_binds!(A 0);
tuple_binds!(A 0, B 1);
tuple_binds!(A 0, B 1, C 2);
tuple_binds!(A 0, B 1, C 2, D 3);
tuple_binds!(A 0, B 1, C 2, D 3, E 4);

/// A statement of fixed text with its bound values: the text is given in the pieces
/// around the placeholders (one more piece than values), so diesel writes each placeholder
/// in the backend's syntax. Run it with `execute`, or `load` rows of a `QueryableByName`
/// type.
pub struct Cached<B> {
    text: &'static [&'static str],
    binds: B,
}

/// A statement of fixed text, kept prepared by each connection: `text` is the SQL cut at
/// each placeholder, `binds` the values, e.g.
/// `cached(&["SELECT id FROM revisions WHERE id = ", " FOR UPDATE"], bind::<BigInt, _>(id))`.
pub fn cached<B>(text: &'static [&'static str], binds: B) -> Cached<B> {
    Cached { text, binds }
}

impl<DB: Backend, B: Binds<DB>> QueryFragment<DB> for Cached<B> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        if self.text.len() != B::COUNT + 1 {
            return Err(diesel::result::Error::QueryBuilderError(
                format!(
                    "{} pieces of text around {} values",
                    self.text.len(),
                    B::COUNT
                )
                .into(),
            ));
        }
        // Not `unsafe_to_cache_prepared`: the text is the same every time, so diesel keys
        // its cache of prepared statements by it.
        let mut text = self.text.iter();
        if let Some(first) = text.next() {
            out.push_sql(first);
        }
        self.binds.walk(&mut out, &mut text)
    }
}

impl<B> QueryId for Cached<B> {
    type QueryId = ();
    // Each text is its own statement: keyed by its SQL, not by this type.
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<B> Query for Cached<B> {
    type SqlType = Untyped;
}

impl<C: Connection, B> RunQueryDsl<C> for Cached<B> {}

#[cfg(test)]
mod tests {
    use diesel::prelude::*;
    use diesel::sql_types::{BigInt, Text};

    use super::*;

    #[derive(QueryableByName, Debug, PartialEq)]
    struct Row {
        #[diesel(sql_type = BigInt)]
        n: i64,
        #[diesel(sql_type = Text)]
        word: String,
    }

    #[test]
    fn a_cached_statement_binds_its_values_in_order_each_time() {
        let mut conn = SqliteConnection::establish(":memory:").expect("an in-memory database");
        for (n, word) in [(1_i64, "one"), (2, "two")] {
            let rows: Vec<Row> = cached(
                &["SELECT ", " AS n, ", " AS word"],
                (bind::<BigInt, _>(n), bind::<Text, _>(word)),
            )
            .load(&mut conn)
            .expect("the statement runs");
            assert_eq!(
                rows,
                vec![Row {
                    n,
                    word: word.to_owned()
                }]
            );
        }
    }
    #[test]
    fn text_that_does_not_fit_its_values_is_an_error_not_a_statement() {
        let mut conn = SqliteConnection::establish(":memory:").expect("an in-memory database");
        let wrong = cached(&["SELECT 1"], bind::<BigInt, _>(1_i64)).execute(&mut conn);
        assert!(matches!(
            wrong,
            Err(diesel::result::Error::QueryBuilderError(_))
        ));
    }
}
