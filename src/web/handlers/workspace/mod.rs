//! The workspace, for signed-in people: the dashboard, the review queue, the article list
//! and each article's timeline, the editor, revisions with their actions, and diffs.

pub mod article;
pub mod articles;
pub mod dashboard;
pub mod diff;
pub mod editor;
pub mod merging;
pub mod queue;
pub mod revision;
pub mod threads;
pub mod writing;
