//! What handlers take from a request: who is asking (`session`: the visitor, the signed-in
//! person, the admin; `bearer`: a program with an API token) and what they sent (`forms`:
//! CSRF-checked forms, query strings).

pub mod bearer;
pub mod forms;
pub mod session;

pub use forms::CsrfForm;
pub use session::{Admin, SignedIn, Visitor};
