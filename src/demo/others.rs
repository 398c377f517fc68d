//! The other sample articles: one per remaining workflow state, shorter than the featured one.
//! Fictional demo content; not medical advice.

use super::articles::{DemoArticle, DemoReference};

// ---------------------------------------------------------------------------------------------
// Shorter articles
// ---------------------------------------------------------------------------------------------

/// Eleven shorter articles on other clinical questions.
pub const OTHERS: [DemoArticle; 11] = [
    // 1. Statins and muscle pain
    DemoArticle {
        title: "Do statins cause muscle pain, and should I stop taking mine if my muscles ache?",
        summary: "Muscle aches are common in people taking statins, but large blinded trials show \
                  that most of these aches are not caused by the statin itself. Serious muscle \
                  injury is rare. Talk to your clinician before stopping, because there are \
                  usually ways to keep the heart benefits while dealing with symptoms.",
        body: include_str!("bodies/do-statins-cause-muscle-pain-and-should.md"),
        change_note: "First version.",
        references: &[
            DemoReference {
                kind: "research",
                title: "Effect of statin therapy on muscle symptoms: an individual participant \
                        data meta-analysis of large-scale, randomised, double-blind trials",
                source: "The Lancet",
                year: Some(2022),
                url: None,
            },
            DemoReference {
                kind: "research",
                title: "N-of-1 trial of a statin, placebo, or no treatment to assess side effects",
                source: "New England Journal of Medicine",
                year: Some(2020),
                url: None,
            },
            DemoReference {
                kind: "guideline",
                title: "2018 AHA/ACC guideline on the management of blood cholesterol",
                source: "American Heart Association / American College of Cardiology",
                year: Some(2018),
                url: None,
            },
        ],
    },
    // 2. Metformin and vitamin B12
    DemoArticle {
        title: "Does taking metformin for a long time lower vitamin B12 levels?",
        summary: "Yes. Long-term metformin use is linked to lower vitamin B12 levels and, in some \
                  people, deficiency. Guidelines suggest checking B12 from time to time, \
                  especially in people with numbness, tingling or anemia, rather than stopping \
                  metformin.",
        body: include_str!("bodies/does-taking-metformin-for-a-long-time-lo.md"),
        change_note: "First version.",
        references: &[
            DemoReference {
                kind: "research",
                title: "Long-term metformin use and vitamin B12 deficiency in the Diabetes \
                        Prevention Program Outcomes Study",
                source: "Journal of Clinical Endocrinology and Metabolism",
                year: Some(2016),
                url: None,
            },
            DemoReference {
                kind: "guideline",
                title: "Standards of Care in Diabetes",
                source: "American Diabetes Association (Diabetes Care)",
                year: Some(2024),
                url: None,
            },
            DemoReference {
                kind: "other",
                title: "Metformin and reduced vitamin B12 levels: new advice for monitoring \
                        patients at risk",
                source: "Medicines and Healthcare products Regulatory Agency (Drug Safety Update)",
                year: Some(2022),
                url: None,
            },
        ],
    },
    // 3. Warfarin and antibiotics
    DemoArticle {
        title: "Can antibiotics change how well warfarin works?",
        summary: "Many antibiotics and antifungals can raise the INR in people taking warfarin, \
                  which increases the risk of bleeding. If you take warfarin and are prescribed an \
                  antibiotic, tell the prescriber and ask whether your INR should be checked \
                  sooner.",
        body: include_str!("bodies/can-antibiotics-change-how-well-warfarin.md"),
        change_note: "First version.",
        references: &[
            DemoReference {
                kind: "research",
                title: "Systematic overview of warfarin and its drug and food interactions",
                source: "Archives of Internal Medicine",
                year: Some(2005),
                url: None,
            },
            DemoReference {
                kind: "drug_label",
                title: "Warfarin sodium tablets: prescribing information",
                source: "DailyMed, U.S. National Library of Medicine",
                year: None,
                url: Some("https://dailymed.nlm.nih.gov/"),
            },
        ],
    },
    // 4. Flu and COVID-19 vaccines together
    DemoArticle {
        title: "Can I get a flu shot and a COVID-19 vaccine at the same visit?",
        summary: "Yes. U.S. public health guidance allows COVID-19 and influenza vaccines to be \
                  given at the same visit, and a randomized trial found no safety concerns and \
                  preserved immune responses when they were given together.",
        body: include_str!("bodies/can-i-get-a-flu-shot-and-a-covid-19-vacc.md"),
        change_note: "First version.",
        references: &[
            DemoReference {
                kind: "guideline",
                title: "General best practice guidelines for immunization",
                source: "Advisory Committee on Immunization Practices (ACIP), CDC",
                year: None,
                url: None,
            },
            DemoReference {
                kind: "guideline",
                title: "Interim clinical considerations for use of COVID-19 vaccines in the \
                        United States",
                source: "Centers for Disease Control and Prevention",
                year: None,
                url: None,
            },
            DemoReference {
                kind: "research",
                title: "Safety and immunogenicity of concomitant administration of COVID-19 \
                        vaccines (ChAdOx1 or BNT162b2) with seasonal influenza vaccines in adults \
                        in the UK (ComFluCOV): a multicentre, randomised, controlled, phase 4 \
                        trial",
                source: "The Lancet",
                year: Some(2021),
                url: None,
            },
        ],
    },
    // 5. Sunscreen SPF
    DemoArticle {
        title: "What SPF sunscreen should I use, and how often should I reapply it?",
        summary: "Dermatologists recommend a broad-spectrum, water-resistant sunscreen with SPF 30 \
                  or higher, applied generously and reapplied about every two hours and after \
                  swimming or sweating. Randomized trials show that regular sunscreen use reduces \
                  some skin cancers.",
        body: include_str!("bodies/what-spf-sunscreen-should-i-use-and-how.md"),
        change_note: "First version.",
        references: &[
            DemoReference {
                kind: "other",
                title: "Sunscreen FAQs",
                source: "American Academy of Dermatology",
                year: None,
                url: None,
            },
            DemoReference {
                kind: "research",
                title: "Daily sunscreen application and betacarotene supplementation in \
                        prevention of basal-cell and squamous-cell carcinomas of the skin: a \
                        randomised controlled trial",
                source: "The Lancet",
                year: Some(1999),
                url: None,
            },
            DemoReference {
                kind: "research",
                title: "Reduced melanoma after regular sunscreen use: randomized trial follow-up",
                source: "Journal of Clinical Oncology",
                year: Some(2011),
                url: None,
            },
        ],
    },
    // 6. Aspirin for primary prevention
    DemoArticle {
        title: "Should I take a daily aspirin to prevent a first heart attack or stroke?",
        summary: "For most people without heart disease, daily aspirin is no longer routinely \
                  recommended, because the bleeding risk can outweigh the benefit, especially in \
                  older adults. People who already have heart disease or a stent should not stop \
                  aspirin without talking to their clinician.",
        body: include_str!("bodies/should-i-take-a-daily-aspirin-to-prevent.md"),
        change_note: "First version.",
        references: &[
            DemoReference {
                kind: "guideline",
                title: "Aspirin use to prevent cardiovascular disease: US Preventive Services \
                        Task Force recommendation statement",
                source: "JAMA",
                year: Some(2022),
                url: None,
            },
            DemoReference {
                kind: "research",
                title: "Effect of aspirin on cardiovascular events and bleeding in the healthy \
                        elderly",
                source: "New England Journal of Medicine",
                year: Some(2018),
                url: None,
            },
        ],
    },
    // 7. Grapefruit and statins
    DemoArticle {
        title: "Can I eat grapefruit or drink grapefruit juice while taking a statin?",
        summary: "It depends on the statin. Grapefruit can substantially raise blood levels of \
                  simvastatin and lovastatin, and to a lesser degree atorvastatin, increasing the \
                  risk of side effects; rosuvastatin and pravastatin are not meaningfully \
                  affected.",
        body: include_str!("bodies/can-i-eat-grapefruit-or-drink-grapefruit.md"),
        change_note: "First version.",
        references: &[
            DemoReference {
                kind: "research",
                title: "Grapefruit-medication interactions: forbidden fruit or avoidable \
                        consequences?",
                source: "Canadian Medical Association Journal",
                year: Some(2013),
                url: None,
            },
            DemoReference {
                kind: "drug_label",
                title: "Simvastatin tablets: prescribing information",
                source: "DailyMed, U.S. National Library of Medicine",
                year: None,
                url: Some("https://dailymed.nlm.nih.gov/"),
            },
            DemoReference {
                kind: "other",
                title: "Grapefruit juice and some drugs don't mix",
                source: "U.S. Food and Drug Administration",
                year: None,
                url: None,
            },
        ],
    },
    // 8. Sore throat and antibiotics
    DemoArticle {
        title: "Do I need antibiotics for a sore throat?",
        summary: "Usually not. Most sore throats are caused by viruses and get better within about \
                  a week, and antibiotics shorten symptoms only slightly. A clinician may \
                  recommend antibiotics when a scoring tool suggests a bacterial infection is \
                  more likely or when symptoms are severe.",
        body: include_str!("bodies/do-i-need-antibiotics-for-a-sore-throat.md"),
        change_note: "First version.",
        references: &[
            DemoReference {
                kind: "guideline",
                title: "Sore throat (acute): antimicrobial prescribing (NG84)",
                source: "National Institute for Health and Care Excellence",
                year: Some(2018),
                url: Some("https://www.nice.org.uk/"),
            },
            DemoReference {
                kind: "research",
                title: "Antibiotics for treatment of sore throat in adults and children",
                source: "Cochrane Database of Systematic Reviews",
                year: Some(2021),
                url: None,
            },
        ],
    },
    // 9. Long-term proton pump inhibitors
    DemoArticle {
        title: "Is it safe to take a proton pump inhibitor such as omeprazole for years?",
        summary: "For people with a clear ongoing reason, long-term proton pump inhibitor use is \
                  generally considered safe, and a large randomized trial found few harms. People \
                  without a continuing need should review their treatment with a clinician and \
                  may be able to reduce or stop it.",
        body: include_str!("bodies/is-it-safe-to-take-a-proton-pump-inhibit.md"),
        change_note: "First version.",
        references: &[
            DemoReference {
                kind: "research",
                title: "Safety of proton pump inhibitors based on a large, multi-year, randomized \
                        trial of patients receiving rivaroxaban or aspirin",
                source: "Gastroenterology",
                year: Some(2019),
                url: None,
            },
            DemoReference {
                kind: "guideline",
                title: "AGA clinical practice update on de-prescribing of proton pump inhibitors: \
                        expert review",
                source: "American Gastroenterological Association (Gastroenterology)",
                year: Some(2022),
                url: None,
            },
        ],
    },
    // 10. St John's wort and hormonal contraception
    DemoArticle {
        title: "Does St John's wort make the contraceptive pill less effective?",
        summary: "Yes. St John's wort speeds up the breakdown of contraceptive hormones and can \
                  make the pill, patch, ring and implant less reliable. Guidance recommends a \
                  contraceptive method that is not affected, or avoiding St John's wort.",
        body: include_str!("bodies/does-st-john-s-wort-make-the-contracepti.md"),
        change_note: "First version.",
        references: &[
            DemoReference {
                kind: "research",
                title: "The interaction between St John's wort and an oral contraceptive",
                source: "Clinical Pharmacology and Therapeutics",
                year: Some(2003),
                url: None,
            },
            DemoReference {
                kind: "guideline",
                title: "FSRH clinical guidance: drug interactions with hormonal contraception",
                source: "Faculty of Sexual and Reproductive Healthcare",
                year: Some(2017),
                url: None,
            },
        ],
    },
    // 11. SGLT2 inhibitors in diabetic kidney disease
    DemoArticle {
        title: "Should people with type 2 diabetes and kidney disease take an SGLT2 inhibitor?",
        summary: "For most people with type 2 diabetes and chronic kidney disease, guidelines now \
                  recommend an SGLT2 inhibitor, because large trials show it slows loss of kidney \
                  function and reduces cardiovascular events. Whether it is suitable depends on \
                  kidney function and other individual factors.",
        body: include_str!("bodies/should-people-with-type-2-diabetes-and-k.md"),
        change_note: "First version.",
        references: &[
            DemoReference {
                kind: "research",
                title: "Canagliflozin and renal outcomes in type 2 diabetes and nephropathy",
                source: "New England Journal of Medicine",
                year: Some(2019),
                url: None,
            },
            DemoReference {
                kind: "research",
                title: "Dapagliflozin in patients with chronic kidney disease",
                source: "New England Journal of Medicine",
                year: Some(2020),
                url: None,
            },
            DemoReference {
                kind: "guideline",
                title: "KDIGO 2022 clinical practice guideline for diabetes management in chronic \
                        kidney disease",
                source: "Kidney International",
                year: Some(2022),
                url: None,
            },
        ],
    },
];

/// The rheumatology article the specialist rule is shown on.
pub const DERMATOMYOSITIS: DemoArticle = DemoArticle {
    title: "How is dermatomyositis treated?",
    summary: "Dermatomyositis is usually treated with a glucocorticoid such as prednisone, \
              together with a steroid-sparing immunosuppressant such as methotrexate, \
              azathioprine or mycophenolate. Intravenous immunoglobulin is an approved option \
              for adults. Because the disease can come with cancer in adults, screening for \
              cancer is part of the first assessment.",
    body: include_str!("bodies/how-is-dermatomyositis-treated.md"),
    change_note: "First version.",
    references: &[
        DemoReference {
            kind: "research",
            title: "Trial of intravenous immune globulin in dermatomyositis",
            source: "New England Journal of Medicine",
            year: Some(2022),
            url: None,
        },
        DemoReference {
            kind: "drug_label",
            title: "Octagam 10% (immune globulin intravenous, human): prescribing information",
            source: "U.S. Food and Drug Administration",
            year: None,
            url: None,
        },
        DemoReference {
            kind: "guideline",
            title: "International guideline for idiopathic inflammatory myopathy-associated cancer \
                    screening: an International Myositis Assessment and Clinical Studies Group \
                    (IMACS) initiative",
            source: "Nature Reviews Rheumatology",
            year: Some(2023),
            url: None,
        },
    ],
};

/// Its patient version (title, short answer, body), reviewed and approved with it.
pub const DERMATOMYOSITIS_PATIENT: [&str; 3] = [
    "Dermatomyositis: what treatment involves",
    "Treatment usually starts with a steroid medicine such as prednisone, together with a \
     second medicine that calms the immune system. Adults may also be offered immunoglobulin \
     through a drip. Because adults with dermatomyositis have a higher risk of cancer, your \
     doctor will also suggest checks for cancer.",
    include_str!("bodies/how-is-dermatomyositis-treated.patient.md"),
];

/// Its update: a section on follow-up, approved so far by two reviewers who are not
/// rheumatologists.
pub const DERMATOMYOSITIS_FOLLOW_UP: &str = "\n\n## Follow-up\n\nPeople are seen regularly to \
    check muscle strength, blood tests such as creatine kinase, lung function and the side \
    effects of their medicines.";

/// The update's patient version adds the same section in plain words.
pub const DERMATOMYOSITIS_PATIENT_FOLLOW_UP: &str = "\n\n## Follow-up visits\n\nYou will \
    see your doctor regularly. They check your muscle strength, do blood tests, check your \
    breathing and ask about side effects of your medicines.";
