//! What is wrong with what a person typed, field by field, so a form can be shown again with
//! each message next to its field.

use std::borrow::Cow;
use std::fmt;

/// One thing wrong with one field. `field` is the form field's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub field: Cow<'static, str>,
    pub message: String,
}

/// Everything wrong with an input, in the order found. Never empty when returned as an
/// error.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Problems(Vec<Problem>);

impl Problems {
    pub fn new() -> Self {
        Self::default()
    }

    /// A single problem.
    pub fn one(field: impl Into<Cow<'static, str>>, message: impl Into<String>) -> Self {
        let mut problems = Self::new();
        problems.push(field, message);
        problems
    }

    pub fn push(&mut self, field: impl Into<Cow<'static, str>>, message: impl Into<String>) {
        self.0.push(Problem {
            field: field.into(),
            message: message.into(),
        });
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Adds every problem of `other`.
    pub fn extend(&mut self, other: Problems) {
        self.0.extend(other.0);
    }

    pub fn iter(&self) -> impl Iterator<Item = &Problem> {
        self.0.iter()
    }

    /// Whether `field` has a problem.
    pub fn concerns(&self, field: &str) -> bool {
        self.0.iter().any(|p| p.field == field)
    }

    /// `Ok(value)` when nothing was found wrong, the problems otherwise.
    pub fn or_ok<T>(self, value: impl FnOnce() -> T) -> Result<T, Problems> {
        if self.is_empty() {
            Ok(value())
        } else {
            Err(self)
        }
    }
}

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, problem) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            f.write_str(&problem.message)?;
        }
        Ok(())
    }
}

impl std::error::Error for Problems {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_read_as_sentences_and_name_their_fields() {
        let mut problems = Problems::one("title", "Enter a title.");
        problems.push("body", "Write the article body.");
        assert_eq!(
            problems.to_string(),
            "Enter a title. Write the article body."
        );
        assert!(problems.concerns("body"));
        assert!(!problems.concerns("summary"));
        assert_eq!(problems.clone().or_ok(|| 1), Err(problems));
        assert_eq!(Problems::new().or_ok(|| 1), Ok(1));
    }
}
