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
    body: r#"## From the guidelines

Hypertension guidelines treat nonsteroidal anti-inflammatory drugs (NSAIDs), such as ibuprofen and naproxen, as medicines that can raise blood pressure and work against antihypertensive treatment. The 2017 ACC/AHA guideline on high blood pressure in adults lists NSAIDs among the commonly used medicines that can increase blood pressure. It advises avoiding systemic NSAIDs when possible and considering alternatives such as acetaminophen (paracetamol) or topical NSAIDs [1].

Kidney guidelines add a second concern. Lisinopril is an angiotensin-converting enzyme (ACE) inhibitor, one of a group of medicines that block the renin-angiotensin system. The KDIGO guideline on chronic kidney disease (CKD) cautions against prolonged NSAID use in people with reduced kidney function and advises avoiding NSAIDs in people who take renin-angiotensin system blockers [2].

Neither guideline says that a single dose of ibuprofen is dangerous for everyone who takes lisinopril. Their shared message is that NSAIDs should not be a routine or long-term pain reliever for people treated for high blood pressure, and that extra care is needed when other risk factors are present:

- older age
- chronic kidney disease
- heart failure
- dehydration, for example during vomiting, diarrhea or a fever
- use of a diuretic (water pill) as well as lisinopril

## From the drug label

The prescribing information for lisinopril describes two interactions with NSAIDs, including selective COX-2 inhibitors such as celecoxib [3]. First, NSAIDs may reduce the blood-pressure-lowering effect of ACE inhibitors. Second, in patients who are elderly, volume-depleted (including those on diuretic therapy) or who have reduced kidney function, combining an NSAID with an ACE inhibitor may cause kidney function to deteriorate, including possible acute kidney failure. The label notes that these effects are usually reversible and advises periodic monitoring of kidney function in patients taking both.

The ibuprofen prescribing information describes the same interaction from the other side [4]. It also carries a boxed warning that NSAIDs increase the risk of serious cardiovascular thrombotic events, such as heart attack and stroke, and of serious gastrointestinal bleeding, ulceration and perforation. It warns that NSAIDs can cause new high blood pressure or make existing high blood pressure worse. Over-the-counter ibuprofen carries a shorter Drug Facts label that tells people with high blood pressure, heart disease or kidney disease, and people taking a diuretic, to ask a doctor before use.

In 2015 the FDA strengthened the cardiovascular warnings on the labels of non-aspirin NSAIDs. It noted that the increased risk of heart attack and stroke can appear as early as the first weeks of use and may rise with higher doses and longer use [5].

## From the research

A meta-analysis of randomized trials found that NSAIDs raised blood pressure on average, that the rise was largest in people who already had hypertension, and that NSAIDs could partly offset the effect of antihypertensive treatment [6]. Even a modest, sustained rise in blood pressure matters, because it undoes part of the benefit that treatment is meant to deliver.

The kidney risk has been studied in large observational datasets. A nested case-control study of people taking antihypertensive drugs in UK primary care found that adding an NSAID to a diuretic plus an ACE inhibitor or angiotensin receptor blocker, a combination often called the triple whammy, was associated with a higher rate of acute kidney injury, and that the risk was greatest in the first 30 days of combined use [7]. The same study did not find a clear increase in risk when an NSAID was combined with an ACE inhibitor alone, which is reassuring for occasional use but does not rule out harm in people with other risk factors.

Taken together, the research supports the guideline position: the combination is not forbidden, but it is not harmless either. For people who need regular pain relief, acetaminophen, topical NSAIDs for joint pain and non-drug measures are generally preferred. Anyone who does use ibuprofen alongside lisinopril should ask their clinician whether their blood pressure or kidney function needs to be checked.
"#,
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
    body: r#"## From the guidelines

Hypertension guidelines treat nonsteroidal anti-inflammatory drugs (NSAIDs), such as ibuprofen and naproxen, as medicines that can raise blood pressure and work against antihypertensive treatment. The 2017 ACC/AHA guideline on high blood pressure in adults lists NSAIDs among the commonly used medicines that can increase blood pressure. It advises avoiding systemic NSAIDs when possible and considering alternatives such as acetaminophen (paracetamol) or topical NSAIDs [1].

Kidney guidelines add a second concern. Lisinopril is an angiotensin-converting enzyme (ACE) inhibitor, one of a group of medicines that block the renin-angiotensin system. The KDIGO guideline on chronic kidney disease (CKD) cautions against prolonged NSAID use in people with reduced kidney function and advises avoiding NSAIDs in people who take renin-angiotensin system blockers [2]. People with CKD should therefore ask their clinician before taking any NSAID, including ibuprofen bought without a prescription.

Neither guideline says that a single dose of ibuprofen is dangerous for everyone who takes lisinopril. Their shared message is that NSAIDs should not be a routine or long-term pain reliever for people treated for high blood pressure, and that extra care is needed when other risk factors are present:

- older age
- chronic kidney disease
- heart failure
- dehydration, for example during vomiting, diarrhea or a fever
- use of a diuretic (water pill) as well as lisinopril

## From the drug label

The prescribing information for lisinopril describes two interactions with NSAIDs, including selective COX-2 inhibitors such as celecoxib [3]. First, NSAIDs may reduce the blood-pressure-lowering effect of ACE inhibitors. Second, in patients who are elderly, volume-depleted (including those on diuretic therapy) or who have reduced kidney function, combining an NSAID with an ACE inhibitor may cause kidney function to deteriorate, including possible acute kidney failure. The label notes that these effects are usually reversible and advises periodic monitoring of kidney function in patients taking both.

The ibuprofen prescribing information describes the same interaction from the other side [4]. It also carries a boxed warning that NSAIDs increase the risk of serious cardiovascular thrombotic events, such as heart attack and stroke, and of serious gastrointestinal bleeding, ulceration and perforation. It warns that NSAIDs can cause new high blood pressure or make existing high blood pressure worse. Over-the-counter ibuprofen carries a shorter Drug Facts label that tells people with high blood pressure, heart disease or kidney disease, and people taking a diuretic, to ask a doctor before use.

In 2015 the FDA strengthened the cardiovascular warnings on the labels of non-aspirin NSAIDs. It noted that the increased risk of heart attack and stroke can appear as early as the first weeks of use and may rise with higher doses and longer use [5].

## From the research

A meta-analysis of randomized trials found that NSAIDs raised blood pressure on average, that the rise was largest in people who already had hypertension, and that NSAIDs could partly offset the effect of antihypertensive treatment [6]. Even a modest, sustained rise in blood pressure matters, because it undoes part of the benefit that treatment is meant to deliver.

The kidney risk has been studied in large observational datasets. A nested case-control study of people taking antihypertensive drugs in UK primary care found that adding an NSAID to a diuretic plus an ACE inhibitor or angiotensin receptor blocker, a combination often called the triple whammy, was associated with a higher rate of acute kidney injury, and that the risk was greatest in the first 30 days of combined use [7]. The same study did not find a clear increase in risk when an NSAID was combined with an ACE inhibitor alone. That is reassuring for occasional use by otherwise healthy people, but it does not rule out harm in people with CKD, heart failure or dehydration.

The PRECISION-ABPM trial, a substudy of a large randomized trial in people with arthritis, used 24-hour ambulatory blood pressure monitoring to compare three NSAIDs taken daily for four months. Ibuprofen raised 24-hour systolic blood pressure more than celecoxib did, and new hypertension developed more often with ibuprofen [8]. Because participants took prescription doses every day, the results apply most directly to regular, long-term use rather than to an occasional dose.

Taken together, the research supports the guideline position: the combination is not forbidden, but it is not harmless either. For people who need regular pain relief, acetaminophen, topical NSAIDs for joint pain and non-drug measures are generally preferred. Anyone who does use ibuprofen alongside lisinopril should ask their clinician whether their blood pressure or kidney function needs to be checked.
"#,
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
        body: r#"Statins lower LDL cholesterol and reduce the risk of heart attack and stroke. Muscle pain or weakness is the side effect people worry about most, and it is a common reason for stopping treatment.

## What the evidence shows

An individual participant data meta-analysis of large randomized, double-blind trials found that statins caused a small excess of muscle symptoms, mostly mild, concentrated in the first year of treatment. Most muscle symptoms reported by people taking a statin occurred just as often in people taking placebo [1]. In the SAMSON n-of-1 trial, people who had stopped statins because of side effects rotated through months of statin, placebo and no tablets; most of the symptom burden they reported on statins was also reported on placebo [2].

## What guidelines advise

The 2018 AHA/ACC cholesterol guideline recommends a careful assessment of muscle symptoms, including a search for other causes, and for most people a rechallenge with a modified regimen, a different statin or an added non-statin medicine rather than giving up on cholesterol lowering [3].

Severe muscle pain or weakness, especially with dark urine, needs prompt medical assessment, because rhabdomyolysis, although rare, is serious.
"#,
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
        body: r#"Metformin is the most widely used medicine for type 2 diabetes. It can reduce absorption of vitamin B12 from the gut, and the effect builds up over years of treatment.

In the Diabetes Prevention Program Outcomes Study, participants who had taken metformin for many years were more likely to have low vitamin B12 levels than those who had taken placebo, and the risk rose with the total time on metformin [1].

## Monitoring

The American Diabetes Association Standards of Care note that long-term metformin use may be associated with biochemical vitamin B12 deficiency and suggest periodic measurement of B12 levels in people treated with metformin, particularly those with peripheral neuropathy or anemia [2]. In 2022 the UK medicines regulator advised that vitamin B12 deficiency is a common side effect of metformin, that B12 should be checked in people with symptoms of deficiency, and that periodic monitoring should be considered for people with risk factors [3].

Symptoms of B12 deficiency can overlap with diabetic nerve damage, so a low level is worth finding. A low result is usually treated with B12 replacement while metformin is continued; decisions about treatment belong with the prescriber.
"#,
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
        body: r#"Warfarin has a narrow margin between too little effect (risk of clots) and too much (risk of bleeding), so the INR blood test is used to keep it in range. Antibiotics are one of the most common reasons for an unexpected change in INR.

## Which antibiotics matter

A systematic review of warfarin interactions rated several anti-infectives as highly probable to increase warfarin's effect, including co-trimoxazole (trimethoprim-sulfamethoxazole), metronidazole, ciprofloxacin, erythromycin and the antifungal fluconazole [1]. Some interact by slowing the breakdown of warfarin; others may act by changing gut bacteria that produce vitamin K. The infection itself, with fever and reduced eating, can also change the INR.

## What the label says

The warfarin prescribing information notes reports of INR changes in patients taking antibiotics or antifungals and advises closely monitoring the INR when any antibiotic or antifungal is started or stopped [2].

In practice this usually means telling every prescriber and pharmacist that you take warfarin, getting an INR check within a few days of starting a new antibiotic if your anticoagulation service advises it, and reporting unusual bruising or bleeding promptly. Do not stop or change your warfarin on your own.
"#,
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
        body: r#"Many people are due for both an influenza vaccine and a COVID-19 vaccine in the autumn and wonder whether they need to space them out.

## Guidance

General immunization guidance from the Advisory Committee on Immunization Practices states that inactivated vaccines can be given at the same visit as other vaccines, or at any interval before or after them [1]. CDC clinical considerations for COVID-19 vaccines state that they may be given without regard to the timing of other vaccines, including on the same day [2]. When two injections are given at one visit they are usually given in different arms, or at least a short distance apart in the same limb.

## Evidence

The ComFluCOV randomized trial in UK adults gave a COVID-19 vaccine together with a seasonal influenza vaccine or with placebo. Giving them together did not raise safety concerns, and antibody responses to both vaccines were preserved [3]. Most reactions, such as a sore arm or tiredness, were mild or moderate and short-lived.

Getting both vaccines at once means one fewer appointment and less chance of missing a dose. People who have had a serious allergic reaction to a vaccine, or who are unwell with a fever, should discuss timing with their clinician.
"#,
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
        body: r#"SPF (sun protection factor) measures protection against UVB, the main cause of sunburn. Broad-spectrum sunscreens also protect against UVA, which contributes to skin aging and skin cancer.

## What to choose

The American Academy of Dermatology recommends a broad-spectrum, water-resistant sunscreen with an SPF of 30 or higher for everyone, whatever their skin tone, reapplied about every two hours outdoors and after swimming or sweating [1]. Higher SPF numbers add relatively little extra protection, and most people apply far less sunscreen than the amount used in testing, so applying enough matters more than chasing the highest number. Shade, clothing, hats and sunglasses remain important.

## Does it prevent skin cancer?

In a randomized trial in Nambour, Australia, adults assigned to daily sunscreen use had fewer squamous cell carcinomas than those who used sunscreen at their own discretion, although there was no clear effect on basal cell carcinoma over the trial period [2]. Long-term follow-up of the same trial found fewer invasive melanomas in the daily-sunscreen group [3].

Sunscreen is not meant to extend time in strong sun. Babies under six months should be kept out of direct sun rather than relying on sunscreen.
"#,
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
        body: r#"Aspirin reduces clotting, which helps prevent heart attacks and strokes but also increases the risk of bleeding in the stomach, gut and brain. The balance depends on whether a person has already had a cardiovascular event.

## Primary prevention

For people who have never had a heart attack or stroke, the 2022 U.S. Preventive Services Task Force recommendation states that starting aspirin in adults aged 40 to 59 with a 10% or greater 10-year cardiovascular risk should be an individual decision, since the net benefit is small, and recommends against starting aspirin for primary prevention in adults aged 60 or older [1].

The ASPREE trial supports this caution. In healthy older adults, daily low-dose aspirin did not reduce cardiovascular disease compared with placebo, and it increased major bleeding [2].

## Secondary prevention is different

For people who already have coronary heart disease, a stent or a previous ischemic stroke, aspirin or another antiplatelet medicine is usually an important part of treatment. Stopping it suddenly can be dangerous.

Anyone unsure whether their aspirin is for primary or secondary prevention should ask their clinician before making a change.
"#,
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
        body: r#"Grapefruit contains compounds called furanocoumarins that block CYP3A4, an enzyme in the gut wall that breaks down many medicines. When that enzyme is blocked, more of the medicine reaches the bloodstream. The effect can last for a day or more after a single glass.

## Which statins are affected

A review of grapefruit-medication interactions identified more than 85 drugs that interact with grapefruit, including simvastatin and lovastatin, whose blood levels can rise several-fold [1]. Higher statin levels increase the risk of muscle damage. The simvastatin prescribing information advises patients to avoid grapefruit juice [2]. Atorvastatin is affected less, and large amounts of juice are the main concern. Rosuvastatin, pravastatin and fluvastatin are not broken down mainly by CYP3A4, so grapefruit is not expected to matter much.

## Practical points

The U.S. Food and Drug Administration advises people to read medication guides and ask a pharmacist whether grapefruit is safe with their medicines [3]. Seville oranges and pomelos contain similar compounds. If you enjoy grapefruit, ask your clinician whether a statin that does not interact would suit you.
"#,
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
        body: r#"Sore throat is one of the most common reasons for seeing a clinician, and one of the most common reasons antibiotics are prescribed unnecessarily.

## What guidelines advise

NICE guidance on acute sore throat notes that most cases are viral, that symptoms typically last about a week, and that most people get better without antibiotics [1]. It recommends using a clinical score such as FeverPAIN or Centor to judge how likely a streptococcal infection is. People with a low score are advised not to take an antibiotic; people with intermediate scores may be offered no antibiotic or a back-up prescription to use only if symptoms worsen; and people with high scores may be offered an antibiotic.

## What the research shows

A Cochrane review of randomized trials found that antibiotics reduce the duration of sore throat symptoms only modestly, by less than a day on average, and slightly reduce some uncommon complications [2]. Against this, antibiotics cause side effects such as diarrhea and rash and contribute to antibiotic resistance.

Pain relief, fluids and rest help most people. Seek prompt medical advice for difficulty breathing or swallowing, drooling, a muffled voice, severe one-sided throat pain, or a weakened immune system.
"#,
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
        body: r#"Proton pump inhibitors (PPIs) such as omeprazole, lansoprazole and pantoprazole reduce stomach acid. They are very effective for reflux and ulcers, but many people stay on them long after the original reason has passed.

## Reported risks

Observational studies have linked long-term PPI use to fractures, kidney disease, dementia and infections, but such studies cannot easily separate the effect of the drug from the health of the people taking it. A large randomized trial that assigned people with cardiovascular disease to pantoprazole or placebo for about three years found no significant difference in most of these outcomes, with the possible exception of enteric infections [1].

## Review, do not simply stop

An AGA clinical practice update advises that everyone taking a PPI should have the reason for it reviewed regularly [2]. People with uncomplicated reflux that has responded to treatment should be considered for a trial of a lower dose or stopping. People with complications such as Barrett's esophagus, severe esophagitis or a history of bleeding ulcers usually need to continue. The update also advises that the decision to stop should rest on the lack of an ongoing indication rather than on fear of adverse effects.

Stopping suddenly can cause rebound heartburn, so changes are best planned with a clinician.
"#,
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
        body: r#"St John's wort is an herbal remedy sold without a prescription, often for low mood. Because it is available off the shelf, many people do not think of it as a medicine that can interact with others.

## How the interaction works

St John's wort induces liver enzymes, particularly CYP3A4, that break down estrogens and progestogens. In a study of healthy women taking a combined oral contraceptive, adding St John's wort increased the clearance of the progestogen, caused more breakthrough bleeding, and was associated with signs of ovulation in some participants [1].

## What guidance recommends

Guidance from the Faculty of Sexual and Reproductive Healthcare lists St John's wort among enzyme-inducing substances [2]. For people who use enzyme inducers, it recommends contraceptive methods that are not affected, such as a copper intrauterine device, a levonorgestrel intrauterine system or progestogen-only injections. Because enzyme induction can persist for some weeks after stopping, additional precautions may be needed for a period afterward.

Anyone using hormonal contraception who is considering St John's wort, or any herbal product, should ask a pharmacist or clinician first. Anyone who has already combined them should seek advice about contraception, including emergency contraception if needed.
"#,
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
        body: r#"SGLT2 inhibitors, such as canagliflozin, dapagliflozin and empagliflozin, were developed to lower blood glucose by increasing the amount of glucose passed in the urine. Trials later showed that they also protect the kidneys and heart.

## The evidence

In the CREDENCE trial, people with type 2 diabetes and albuminuric chronic kidney disease who took canagliflozin had a lower risk of kidney failure, doubling of creatinine, or death from kidney or cardiovascular causes than those who took placebo [1]. The DAPA-CKD trial found a similar benefit with dapagliflozin in people with chronic kidney disease, with or without diabetes [2].

## The guideline

The KDIGO 2022 guideline on diabetes management in chronic kidney disease recommends an SGLT2 inhibitor for people with type 2 diabetes, chronic kidney disease and an eGFR of at least 20 ml/min/1.73 m2 [3]. The kidney benefit does not depend on lowering blood glucose.

## Things to know

Common side effects include genital yeast infections. A rare but serious complication is ketoacidosis, sometimes with near-normal glucose levels. Clinicians often advise pausing the medicine during acute illness with vomiting or dehydration, and before some surgery. These decisions should be made with the prescribing clinician.
"#,
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
