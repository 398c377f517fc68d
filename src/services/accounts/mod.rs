//! Accounts: inviting people (`invite`), roles (`roles`), deactivation (`activation`), the
//! one-time links that set passwords (`links`), changing one's own (`own_password`), asking
//! for a reset (`reset`), and reading
//! accounts (`directory`).
//!
//! Everything an admin does checks for the admin role itself; the command line passes
//! `Caller::system()`.

mod activation;
mod directory;
mod invite;
mod links;
mod own_password;
mod reset;
mod roles;

pub use activation::{deactivate, reactivate};
pub use directory::{Account, get, list, own, set_notifications};
pub use invite::{InviteInput, first_admin_link, invite};
pub use links::{
    IssuedLink, LinkView, Redeemed, SetPasswordInput, issue_reset_link, open_link, redeem_link,
    redeem_link_and_sign_in,
};
pub use own_password::{PasswordChange, change_password};
pub use reset::request_reset;
pub use roles::change_roles;

/// The advisory-lock key that serialises changes to who is an active admin on PostgreSQL
/// ("admins" in ASCII), so two admins demoting each other at once cannot both succeed.
const ADMINS_LOCK: i64 = 0x6164_6d69_6e73;
