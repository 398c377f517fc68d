//! Site settings an admin may change, and their limits.

use chrono::Duration;

use super::audience::Audience;
use super::problems::Problems;

pub const APPROVALS_MIN: i32 = 1;
pub const APPROVALS_MAX: i32 = 9;
pub const INTERVAL_MIN_DAYS: i32 = 1;
pub const INTERVAL_MAX_DAYS: i32 = 3650;
pub const DUE_MIN_DAYS: i32 = 1;
pub const DUE_MAX_DAYS: i32 = 90;
pub const SITE_NAME_MAX: usize = 100;
pub const DISCLAIMER_MAX: usize = 2_000;
pub const POLICY_MAX: usize = 20_000;

/// Settings as typed into the form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SettingsInput {
    pub approvals_required: String,
    pub review_interval_days: String,
    pub site_name: String,
    pub disclaimer: String,
    pub editorial_policy: String,
    /// The specialist rule (a checkbox: on or off).
    pub require_specialist: bool,
    /// Approvals with a declared conflict count toward the quorum (a checkbox).
    pub conflicted_approvals_count: bool,
    /// Days a reviewer has for an assigned review, by default.
    pub review_due_days: String,
    /// `clinician` or `patient`; blank keeps the clinician default.
    pub default_audience: String,
    pub patient_disclaimer: String,
}

/// Checked settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidSettings {
    pub approvals_required: i32,
    pub review_interval_days: i32,
    pub site_name: String,
    pub disclaimer: String,
    pub editorial_policy: String,
    pub require_specialist: bool,
    pub conflicted_approvals_count: bool,
    pub review_due_days: i32,
    pub default_audience: Audience,
    pub patient_disclaimer: String,
}

impl ValidSettings {
    pub fn review_interval(&self) -> Duration {
        Duration::days(i64::from(self.review_interval_days))
    }
}

/// When an assignment made at `now` is due by default.
pub fn default_due(now: chrono::NaiveDateTime, days: i32) -> chrono::NaiveDateTime {
    now + Duration::days(i64::from(days.clamp(DUE_MIN_DAYS, DUE_MAX_DAYS)))
}

/// The due time of an assignment given as a date: the end of that day (UTC). A date before
/// `today` or more than a year ahead is refused.
pub fn due_on(
    date: chrono::NaiveDate,
    today: chrono::NaiveDate,
) -> Result<chrono::NaiveDateTime, Problems> {
    if date < today {
        return Err(Problems::one(
            "due",
            "The due date has passed: choose today or a later day.",
        ));
    }
    if date > today + Duration::days(366) {
        return Err(Problems::one(
            "due",
            "The due date is more than a year away: choose an earlier day.",
        ));
    }
    Ok(date.and_time(chrono::NaiveTime::MIN) + Duration::days(1) - Duration::seconds(1))
}

/// The review interval as a duration.
pub fn review_interval(days: i32) -> Duration {
    Duration::days(i64::from(days.clamp(INTERVAL_MIN_DAYS, INTERVAL_MAX_DAYS)))
}

fn whole_number(value: &str, label: &str, min: i32, max: i32) -> Result<i32, String> {
    match value.trim().parse::<i32>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(format!(
            "{label} must be a whole number from {min} to {max}, not '{}'.",
            value.trim()
        )),
    }
}

/// Checks every field; returns every problem found.
pub fn validate(input: &SettingsInput) -> Result<ValidSettings, Problems> {
    let mut problems = Problems::new();
    let approvals = whole_number(
        &input.approvals_required,
        "Approvals required",
        APPROVALS_MIN,
        APPROVALS_MAX,
    )
    .map_err(|e| problems.push("approvals_required", e))
    .ok();
    let interval = whole_number(
        &input.review_interval_days,
        "The review interval",
        INTERVAL_MIN_DAYS,
        INTERVAL_MAX_DAYS,
    )
    .map_err(|e| problems.push("review_interval_days", e))
    .ok();
    // Older forms (and the API of earlier clients) leave it out: the default, 7 days.
    let due_days = if input.review_due_days.trim().is_empty() {
        Some(7)
    } else {
        whole_number(
            &input.review_due_days,
            "The days for an assigned review",
            DUE_MIN_DAYS,
            DUE_MAX_DAYS,
        )
        .map_err(|e| problems.push("review_due_days", e))
        .ok()
    };
    let site_name = input.site_name.trim().to_owned();
    if site_name.is_empty() {
        problems.push("site_name", "Enter a site name.");
    } else if site_name.chars().count() > SITE_NAME_MAX {
        problems.push(
            "site_name",
            format!("The site name is too long (at most {SITE_NAME_MAX} characters)."),
        );
    }
    let disclaimer = input.disclaimer.trim().to_owned();
    if disclaimer.chars().count() > DISCLAIMER_MAX {
        problems.push(
            "disclaimer",
            format!("The disclaimer is too long (at most {DISCLAIMER_MAX} characters)."),
        );
    }
    let patient_disclaimer = input.patient_disclaimer.trim().to_owned();
    if patient_disclaimer.chars().count() > DISCLAIMER_MAX {
        problems.push(
            "patient_disclaimer",
            format!("The patient disclaimer is too long (at most {DISCLAIMER_MAX} characters)."),
        );
    }
    let default_audience = match input.default_audience.trim() {
        "" => Audience::Clinician,
        value => Audience::parse(value).unwrap_or_else(|| {
            problems.push(
                "default_audience",
                format!("'{value}' is not an audience (clinician or patient)."),
            );
            Audience::Clinician
        }),
    };
    let editorial_policy = input
        .editorial_policy
        .replace("\r\n", "\n")
        .trim()
        .to_owned();
    if editorial_policy.chars().count() > POLICY_MAX {
        problems.push(
            "editorial_policy",
            format!("The editorial policy is too long (at most {POLICY_MAX} characters)."),
        );
    }
    match (approvals, interval, due_days) {
        (Some(approvals_required), Some(review_interval_days), Some(review_due_days))
            if problems.is_empty() =>
        {
            Ok(ValidSettings {
                approvals_required,
                review_interval_days,
                site_name,
                disclaimer,
                editorial_policy,
                require_specialist: input.require_specialist,
                conflicted_approvals_count: input.conflicted_approvals_count,
                review_due_days,
                default_audience,
                patient_disclaimer,
            })
        }
        _ => Err(problems),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> SettingsInput {
        SettingsInput {
            approvals_required: "2".into(),
            review_interval_days: "365".into(),
            site_name: " Health Answers ".into(),
            disclaimer: "Not medical advice.".into(),
            editorial_policy: "We review.\r\n".into(),
            require_specialist: true,
            conflicted_approvals_count: false,
            review_due_days: "7".into(),
            default_audience: "patient".into(),
            patient_disclaimer: "Talk to your doctor.".into(),
        }
    }

    #[test]
    fn an_assignment_is_due_at_the_end_of_its_day_never_in_the_past() {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
        let due = due_on(today, today).unwrap();
        assert_eq!(due.to_string(), "2026-12-07 23:59:59");
        assert!(due_on(today - Duration::days(1), today).is_err());
        assert!(due_on(today + Duration::days(400), today).is_err());
        let now = today.and_hms_opt(9, 0, 0).unwrap();
        assert_eq!(default_due(now, 7), now + Duration::days(7));
        assert_eq!(default_due(now, 0), now + Duration::days(1), "clamped");
    }

    #[test]
    fn valid_settings_are_trimmed() {
        let valid = validate(&input()).unwrap();
        assert_eq!(valid.approvals_required, 2);
        assert_eq!(valid.site_name, "Health Answers");
        assert_eq!(valid.editorial_policy, "We review.");
        assert_eq!(valid.review_interval(), Duration::days(365));
    }

    #[test]
    fn out_of_range_numbers_are_refused_with_their_limits() {
        let mut bad = input();
        bad.approvals_required = "10".into();
        bad.review_interval_days = "soon".into();
        bad.site_name = " ".into();
        let problems = validate(&bad).unwrap_err();
        let found: Vec<(&str, &str)> = problems
            .iter()
            .map(|p| (p.field.as_ref(), p.message.as_str()))
            .collect();
        assert_eq!(found.len(), 3, "{found:?}");
        assert_eq!(found[0].0, "approvals_required");
        assert!(found[0].1.contains("from 1 to 9, not '10'"));
        assert_eq!(found[1].0, "review_interval_days");
        assert!(found[1].1.contains("not 'soon'"));
        assert_eq!(found[2].0, "site_name");
    }
}
