//! Newtype ids, so an article id cannot be passed where a user id is expected.

use diesel_derive_newtype::DieselNewType;
use serde::{Deserialize, Serialize};

/// An id, or a reference to one: templates pass `&id` (or `&&id` from a loop), and URL
/// builders take any of them.
pub trait AsId<I: Copy> {
    fn as_id(&self) -> I;
}

impl<I: Copy, T: AsId<I> + ?Sized> AsId<I> for &T {
    fn as_id(&self) -> I {
        (**self).as_id()
    }
}

/// Outbox message ids are plain numbers.
impl AsId<i64> for i64 {
    fn as_id(&self) -> i64 {
        *self
    }
}

macro_rules! id_type {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, DieselNewType, Serialize, Deserialize,
        )]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl AsId<$name> for $name {
            fn as_id(&self) -> $name {
                *self
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

id_type!(
    /// A row of `users`.
    UserId
);
id_type!(
    /// A row of `specialties`.
    SpecialtyId
);
id_type!(
    /// A row of `audit_log`; also its position in the hash chain.
    AuditId
);
id_type!(
    /// A row of `account_tokens`.
    TokenId
);
id_type!(
    /// A row of `articles`.
    ArticleId
);
id_type!(
    /// A row of `api_tokens`.
    ApiTokenId
);
id_type!(
    /// A row of `revisions`.
    RevisionId
);
id_type!(
    /// A row of `reviews`.
    ReviewId
);
id_type!(
    /// A row of `comments`.
    CommentId
);
