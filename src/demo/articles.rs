//! Sample articles loaded by `imprimatur demo`. Fictional demo content for trying out the
//! editorial workflow; it is not medical advice and has not been clinically reviewed.

/// One numbered reference of a sample article.
pub struct DemoReference {
    /// One of "guideline", "drug_label", "research", "other".
    pub kind: &'static str,
    pub title: &'static str,
    /// Journal or issuing body, e.g. "Annals of Internal Medicine", "U.S. Food and Drug Administration".
    pub source: &'static str,
    pub year: Option<i32>,
    pub url: Option<&'static str>,
}

/// The content of one revision of a sample article.
pub struct DemoArticle {
    pub title: &'static str,
    pub summary: &'static str,
    /// Markdown. Cites references as [1], [2] ... by their position (1-based).
    pub body: &'static str,
    pub change_note: &'static str,
    pub references: &'static [DemoReference],
}

// ---------------------------------------------------------------------------------------------
// Featured article: ibuprofen and lisinopril
// ---------------------------------------------------------------------------------------------

const FEATURED_TITLE: &str = "Can I take ibuprofen if I take lisinopril for high blood pressure?";

const REF_ACC_AHA_HYPERTENSION: DemoReference = DemoReference {
    kind: "guideline",
    title: "2017 ACC/AHA guideline for the prevention, detection, evaluation, and management of \
            high blood pressure in adults",
    source: "American College of Cardiology / American Heart Association",
    year: Some(2017),
    url: None,
};

const REF_KDIGO_CKD: DemoReference = DemoReference {
    kind: "guideline",
    title: "KDIGO 2012 clinical practice guideline for the evaluation and management of chronic \
            kidney disease",
    source: "Kidney International Supplements",
    year: Some(2013),
    url: None,
};

const REF_LISINOPRIL_LABEL: DemoReference = DemoReference {
    kind: "drug_label",
    title: "Lisinopril tablets: prescribing information",
    source: "DailyMed, U.S. National Library of Medicine",
    year: None,
    url: Some("https://dailymed.nlm.nih.gov/"),
};

const REF_IBUPROFEN_LABEL: DemoReference = DemoReference {
    kind: "drug_label",
    title: "Ibuprofen tablets: prescribing information",
    source: "DailyMed, U.S. National Library of Medicine",
    year: None,
    url: Some("https://dailymed.nlm.nih.gov/"),
};

const REF_FDA_NSAID_SAFETY: DemoReference = DemoReference {
    kind: "other",
    title: "FDA Drug Safety Communication: FDA strengthens warning that non-aspirin nonsteroidal \
            anti-inflammatory drugs (NSAIDs) can cause heart attacks or strokes",
    source: "U.S. Food and Drug Administration",
    year: Some(2015),
    url: None,
};

const REF_NSAID_BP_META: DemoReference = DemoReference {
    kind: "research",
    title: "Do nonsteroidal anti-inflammatory drugs affect blood pressure? A meta-analysis",
    source: "Annals of Internal Medicine",
    year: Some(1994),
    url: None,
};

const REF_TRIPLE_WHAMMY: DemoReference = DemoReference {
    kind: "research",
    title: "Concurrent use of diuretics, angiotensin converting enzyme inhibitors, and angiotensin \
            receptor blockers with non-steroidal anti-inflammatory drugs and risk of acute kidney \
            injury: nested case-control study",
    source: "BMJ",
    year: Some(2013),
    url: None,
};

const REF_PRECISION_ABPM: DemoReference = DemoReference {
    kind: "research",
    title: "Differential blood pressure effects of ibuprofen, naproxen, and celecoxib in patients \
            with arthritis: the PRECISION-ABPM trial",
    source: "European Heart Journal",
    year: Some(2017),
    url: None,
};

/// The showcase article, in the shape of a serious medical Q&A page.
pub const FEATURED: DemoArticle = DemoArticle {
    title: FEATURED_TITLE,
    summary: "Occasional, short-term use of ibuprofen is not strictly forbidden with lisinopril, \
              but the combination can raise blood pressure, blunt the effect of lisinopril and, \
              in some people, harm the kidneys. The risk is highest in older adults, people with \
              kidney disease or heart failure, people who are dehydrated, and people who also \
              take a diuretic. Acetaminophen (paracetamol) is usually the preferred pain reliever; \
              check with a clinician or pharmacist before using ibuprofen regularly.",
    body: include_str!("bodies/featured.md"),
    change_note: "First version.",
    references: &[
        REF_ACC_AHA_HYPERTENSION,
        REF_KDIGO_CKD,
        REF_LISINOPRIL_LABEL,
        REF_IBUPROFEN_LABEL,
        REF_FDA_NSAID_SAFETY,
        REF_NSAID_BP_META,
        REF_TRIPLE_WHAMMY,
    ],
};

/// A later revision of FEATURED (same references plus one more, a few sentences changed and one
/// paragraph added), used to show a pending update and a diff.
pub const FEATURED_UPDATE: DemoArticle = DemoArticle {
    title: FEATURED_TITLE,
    summary: "Ibuprofen is not strictly off-limits with lisinopril, but taking the two together \
              can raise blood pressure, weaken the effect of lisinopril and, in some people, harm \
              the kidneys. The risk is highest in older adults, people with kidney disease or \
              heart failure, people who are dehydrated, and people who also take a diuretic. \
              Acetaminophen (paracetamol) is usually the preferred pain reliever; people with \
              kidney disease should talk to their clinician before taking any ibuprofen.",
    body: include_str!("bodies/featured-update.md"),
    change_note: "Added the PRECISION-ABPM trial (2017) and clarified the advice for people with \
                  chronic kidney disease.",
    references: &[
        REF_ACC_AHA_HYPERTENSION,
        REF_KDIGO_CKD,
        REF_LISINOPRIL_LABEL,
        REF_IBUPROFEN_LABEL,
        REF_FDA_NSAID_SAFETY,
        REF_NSAID_BP_META,
        REF_TRIPLE_WHAMMY,
        REF_PRECISION_ABPM,
    ],
};
