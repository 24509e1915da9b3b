"""Site search latency: the embedded engine against Wagtail's database backend.

    .venv/bin/python benchmarks/search_bench.py            # 10,000 guides, SQLite + PostgreSQL
    .venv/bin/python benchmarks/search_bench.py --guides 500 --no-postgres   # a quick run

For each database kind (SQLite always; PostgreSQL when BENCH_DATABASE_URL or
--postgres-url names one, or else a throw-away cluster this script starts when
/usr/lib/postgresql/*/bin/initdb exists) it:

1. builds a fresh database: ``manage.py migrate`` (production settings), then
   ``manage.py seed_demo`` (development settings: it only runs with DEBUG on)
   for the site tree, the demo mentors, guides and learning paths;
2. adds ``--guides`` generated guides (default 10,000) under /guides/, written
   directly as rows (wagtailcore_page, cms_guidepage, authors and specialty
   tags: live, published, no revisions) because add_child plus a revision per
   guide takes about 70 ms each. The text is composed deterministically
   (random.Random(2026)) from a clinical and career vocabulary in 35 themes
   (chest pain, sepsis, contracts, billing, burnout, visas, rural practice...),
   400-700 words of body per guide, so queries match realistic shares of them;
3. times a full rebuild of the embedded engine's index
   (``manage.py search_index rebuild``) and, for reference, of Wagtail's
   (``manage.py update_index``), each as the whole command's wall time;
4. VACUUM ANALYZE on PostgreSQL (what autovacuum would soon do after the load);
5. in one Python process (production settings) runs QUERIES, a fixed mixed set
   of 21: one and two words, natural phrases, synonyms and abbreviations,
   misspellings, quoted phrases, filters, a query matching nothing and a browse
   (no text, one filter). Through the embedded engine: each query once to warm
   up, then --repeat rounds (BENCH_SEARCH_REPEAT, default 30) of the whole set.
   Then through Wagtail's backend: one query to warm up, then rounds of the set
   until --wagtail-seconds (BENCH_WAGTAIL_SECONDS, default 150) are spent: at
   least one round, at most --repeat. At 10,000 guides one round of Wagtail's
   takes minutes on SQLite, so 30 would not fit in the ~15 minutes the whole
   script is meant to take on 2 cores.

What one timed query does:

* embedded engine: ``get_embedded_engine().search(SearchQuery(text, filters,
  page=1, per_page=10))``: the first 10 hits with highlighted title and snippet,
  the total, counts for every facet (type, topic, specialty, audience, mentor,
  credit) and the spelling suggestion;
* Wagtail's database backend, as Wagtail's admin page search calls it:
  ``parse_query_string(text, operator="and", zero_terms=MATCH_ALL)`` (quoted
  phrases become phrase queries; "and" is also the backend's own default
  operator), then ``GuidePage.objects.live()``, filtered by topic or audience
  level when the query has that filter, ``.search(query)``; it evaluates the
  first 10 results (``list(results[:10])``), ``results.count()`` and
  ``results.facet("topic")`` and ``results.facet("audience_level")``, the two
  facets it supports (FilterFields; specialties and mentors are relations it
  cannot facet on). It has no highlighting and no spelling suggestion, and it
  only searches guides (the embedded engine searches learning paths as well).

Times are wall-clock (time.perf_counter) around that call. Medians and p95
(nearest rank) are over every timing of the mixed set, per engine and
database, and per query. Each query's CPU time in this process is recorded too
(on SQLite that is all the work; on PostgreSQL the server's is separate), and
for each engine's rounds the CPU used by this process, by the PostgreSQL server
(throw-away cluster only) and by every other program on the machine (from
/proc/stat): when the last is large, something else was competing for the CPU.

Targets (issue: search), on SQLite: median <= 15 ms, p95 <= 40 ms, and at
least 8 times faster than Wagtail's backend. The ratio is given against
Wagtail's median measured in the same run and against the issue's reference
figure (116 ms median for a two-word query over 2,000 pages). It prints
Markdown tables and writes every timing to var/bench/search.json.

Exit status: 0 when the run completed (whether or not the targets were met:
the table says), 2 when setup failed.
"""

from __future__ import annotations

import argparse
import datetime
import glob
import json
import math
import os
import platform
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.http_bench import (  # noqa: E402
    BENCH_DIR,
    ROOT,
    BenchError,
    base_env,
    database_url,
    load_average,
    manage,
    process_tree_cpu_seconds,
    production_env,
    usable_cpus,
)

SQLITE_PATH = BENCH_DIR / "search.sqlite3"
RESULTS_PATH = BENCH_DIR / "search.json"
DEFAULT_GUIDES = 10_000
DEFAULT_REPEAT = 30
DEFAULT_WAGTAIL_SECONDS = 150.0
SEED = 2026
PG_PORT = 54331
PG_DATABASE = "curbside_bench"
PG_OS_USER = "postgres"
CHILD_PREFIX = "SEARCH_BENCH_JSON "
BATCH = 500

TARGET_MEDIAN_MS = 15.0
TARGET_P95_MS = 40.0
TARGET_SPEEDUP = 8.0
# The figure for Wagtail's backend: a two-word query over 2,000 pages.
WAGTAIL_REFERENCE_MS = 116.0


# The queries ------------------------------------------------------------------


@dataclass(frozen=True)
class BenchQuery:
    kind: str  # what sort of query it is, for the table
    text: str
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def label(self):
        shown = f"`{self.text}`" if self.text else "(no text)"
        extra = " ".join(f"{key}={','.join(values)}" for key, values in self.filters.items())
        return f"{shown} {extra}".strip()


QUERIES = (
    BenchQuery("one word", "sepsis"),
    BenchQuery("one word", "burnout"),
    BenchQuery("two words", "chest pain"),
    BenchQuery("two words", "rural practice"),
    BenchQuery("two words", "atrial fibrillation"),
    BenchQuery("phrase", "difficult conversation with a family"),
    BenchQuery("phrase", "negotiating my first contract"),
    BenchQuery("phrase", "how to handle a patient complaint"),
    BenchQuery("long phrase", "what should I do when a patient with chest pain has a normal ECG"),
    BenchQuery("abbreviation", "MI in young women"),
    BenchQuery("abbreviation", "IMG visa"),
    BenchQuery("abbreviation", "COPD exacerbation"),
    BenchQuery("misspelling", "hypertenson"),
    BenchQuery("misspelling", "delirum in older adults"),
    BenchQuery("quoted phrase", '"shared decision making"'),
    BenchQuery("quoted + words", '"goals of care" family meeting'),
    BenchQuery("filter", "billing", {"topic": ("practice",)}),
    BenchQuery("filter", "telehealth", {"type": ("guide",)}),
    BenchQuery("filter", "stroke", {"audience": ("resident",)}),
    BenchQuery("no results", "xylophone quantum chromodynamics"),
    BenchQuery("browse", "", {"topic": ("practice",)}),
)


# The vocabulary ---------------------------------------------------------------


@dataclass(frozen=True)
class Theme:
    """What a guide can be about. ``people`` are patients for clinical themes and
    physicians in a situation otherwise; ``actions`` are verb phrases."""

    key: str
    topic: str
    specialties: tuple[str, ...]
    mentor: str  # slug of the demo mentor who most often writes on it
    titles: tuple[str, ...]
    terms: tuple[str, ...]
    people: tuple[str, ...]
    actions: tuple[str, ...]


def theme(key, topic, *, mentor, specialties, titles, terms, people, actions):
    """A Theme from "|"-separated lists (compact to write, easy to extend)."""

    def items(text):
        return tuple(item.strip() for item in text.split("|"))

    return Theme(
        key,
        topic,
        items(specialties),
        mentor,
        items(titles),
        items(terms),
        items(people),
        items(actions),
    )


THEMES = (
    theme(
        "chest-pain",
        "clinical",
        mentor="priya-raman",
        specialties="Cardiology | Emergency medicine",
        titles=(
            "Chest pain in the emergency department | Myocardial infarction in young women | "
            "Ruling out acute coronary syndrome | The second troponin | "
            "Chest pain with a normal ECG"
        ),
        terms=(
            "chest pain | myocardial infarction | acute coronary syndrome | "
            "a high-sensitivity troponin | the ECG | spontaneous coronary artery dissection | "
            "the HEART score | coronary angiography"
        ),
        people=(
            "a 42-year-old woman with jaw pain and nausea | "
            "a 58-year-old man with exertional chest tightness | "
            "a young woman six weeks postpartum with chest pressure | "
            "a diabetic patient with vague epigastric discomfort | "
            "a runner with chest pain after a race"
        ),
        actions=(
            "repeat the troponin at the interval your assay requires | "
            "record an ECG within ten minutes of arrival | compare the ECG with an old tracing | "
            "ask about pregnancy, migraine and recent emotional stress | "
            "describe symptoms as cardiac, possibly cardiac or noncardiac | "
            "call cardiology early when the story does not fit"
        ),
    ),
    theme(
        "sepsis",
        "clinical",
        mentor="amara-okafor",
        specialties="Critical care | Emergency medicine | Infectious disease",
        titles=(
            "Recognising sepsis before the lactate comes back | Sepsis on the general ward | "
            "The first hour of septic shock | Antibiotic timing in sepsis"
        ),
        terms=(
            "sepsis | septic shock | the serum lactate | broad-spectrum antibiotics | "
            "fluid resuscitation | the qSOFA score | blood cultures | vasopressors"
        ),
        people=(
            "an 80-year-old nursing home resident who is newly confused | "
            "a patient on chemotherapy with a temperature of 38.4 | "
            "a young man with cellulitis and a falling blood pressure | "
            "a woman with a urinary tract infection who looks unwell"
        ),
        actions=(
            "give antibiotics within the hour when shock is present | "
            "take blood cultures before the first dose when it causes no delay | "
            "reassess the patient after each fluid bolus | "
            "start a vasopressor when the pressure does not respond to fluid | "
            "trend the lactate rather than trust a single value | "
            "look for a source that needs drainage"
        ),
    ),
    theme(
        "pediatric-fever",
        "clinical",
        mentor="amara-okafor",
        specialties="Pediatrics | Emergency medicine",
        titles=(
            "The febrile infant | Pediatric sepsis in general emergency departments | "
            "Fever in children under three months | When a sick child looks well"
        ),
        terms=(
            "fever in infants | pediatric sepsis | bacterial meningitis | a lumbar puncture | "
            "capillary refill | the parents' concern | a urinary tract infection in a child"
        ),
        people=(
            "a six-week-old baby with a temperature of 38.2 | "
            "a toddler who is drowsy between fever spikes | "
            "a school-age child with fever and a rash | "
            "an infant whose parents say she is not herself"
        ),
        actions=(
            "use a validated pathway for febrile infants | "
            "take the parents' worry seriously as a clinical sign | "
            "check the heart rate again once the fever has come down | "
            "give safety-net advice in writing | arrange a review within twenty-four hours"
        ),
    ),
    theme(
        "stroke",
        "clinical",
        mentor="amara-okafor",
        specialties="Neurology | Emergency medicine",
        titles=(
            "Acute stroke in the first hour | Posterior circulation stroke | "
            "Transient ischemic attack: who needs admission | Thrombolysis decisions"
        ),
        terms=(
            "acute stroke | a transient ischemic attack | thrombolysis | thrombectomy | "
            "the NIH stroke scale | vertigo | a CT angiogram"
        ),
        people=(
            "a 67-year-old man with sudden slurred speech | "
            "a woman with dizziness and vomiting who cannot walk | "
            "a patient who woke up with a weak arm | "
            "a 45-year-old with neck pain and double vision"
        ),
        actions=(
            "establish the time last known well | check the glucose before anything else | "
            "examine gait in every dizzy patient | activate the stroke team before imaging | "
            "treat blood pressure to the thrombolysis threshold"
        ),
    ),
    theme(
        "syncope",
        "clinical",
        mentor="priya-raman",
        specialties="Cardiology | Emergency medicine",
        titles="Syncope risk stratification | The patient who fainted | Syncope in older adults",
        terms=(
            "syncope | arrhythmia | orthostatic hypotension | the Canadian Syncope Risk Score | "
            "a structural heart murmur | ambulatory ECG monitoring"
        ),
        people=(
            "a 72-year-old woman who collapsed while standing at the sink | "
            "a teenager who fainted during exercise | "
            "a man on three blood pressure drugs who blacked out"
        ),
        actions=(
            "ask what happened in the seconds before the faint | "
            "measure lying and standing blood pressure | listen for aortic stenosis | "
            "admit patients with exertional syncope | "
            "arrange outpatient monitoring for low-risk patients"
        ),
    ),
    theme(
        "delirium",
        "clinical",
        mentor="helen-cho",
        specialties="Geriatrics | Hospital medicine",
        titles=(
            "Delirium in older inpatients | Hypoactive delirium | Confusion on the night shift | "
            "Preventing delirium after surgery"
        ),
        terms=(
            "delirium | hypoactive delirium | dementia | the 4AT screen | "
            "anticholinergic medicines | sleep disruption | older adults"
        ),
        people=(
            "an 84-year-old man admitted with pneumonia who is sleepier than usual | "
            "a woman with dementia who is agitated every evening | "
            "an older adult on the third day after a hip fracture repair"
        ),
        actions=(
            "screen every older inpatient on admission | "
            "ask the family what the patient's baseline is | "
            "review the medication list for sedatives | "
            "keep glasses and hearing aids within reach | avoid restraints wherever possible"
        ),
    ),
    theme(
        "heart-failure",
        "clinical",
        mentor="priya-raman",
        specialties="Cardiology | Internal medicine",
        titles=(
            "Heart failure admissions | Diuresis that works | "
            "Heart failure with preserved ejection fraction"
        ),
        terms=(
            "heart failure | congestive heart failure | loop diuretics | the ejection fraction | "
            "natriuretic peptides | guideline-directed medical therapy"
        ),
        people=(
            "a 76-year-old woman with swollen legs and breathlessness | "
            "a man readmitted for the third time this year | "
            "a patient whose weight has risen four kilograms in a week"
        ),
        actions=(
            "weigh the patient every morning | "
            "double the diuretic dose when the response is poor | "
            "start guideline-directed therapy before discharge | "
            "book a follow-up visit within seven days"
        ),
    ),
    theme(
        "atrial-fibrillation",
        "clinical",
        mentor="priya-raman",
        specialties="Cardiology | Internal medicine",
        titles=(
            "Atrial fibrillation in primary care | Rate or rhythm control | "
            "Anticoagulation decisions in atrial fibrillation"
        ),
        terms=(
            "atrial fibrillation | anticoagulation | the CHA2DS2-VASc score | bleeding risk | "
            "rate control | cardioversion"
        ),
        people=(
            "a 79-year-old woman with palpitations and a fast irregular pulse | "
            "a man with new atrial fibrillation found at a routine visit | "
            "a patient on warfarin who has fallen twice"
        ),
        actions=(
            "calculate the stroke risk and write it down | "
            "discuss anticoagulation as a shared decision | "
            "check kidney function before choosing a dose | "
            "look for a trigger such as infection or thyroid disease"
        ),
    ),
    theme(
        "hypertension",
        "clinical",
        mentor="tom-lindqvist",
        specialties="Internal medicine | Family medicine",
        titles=(
            "Hypertension that will not come down | Home blood pressure monitoring | "
            "Hypertension in young adults"
        ),
        terms=(
            "hypertension | resistant hypertension | home blood pressure readings | "
            "white coat hypertension | secondary causes | adherence"
        ),
        people=(
            "a 38-year-old man with a blood pressure of 170 over 105 | "
            "a woman whose readings are normal at home and high in clinic | "
            "a patient on four medicines whose pressure stays high"
        ),
        actions=(
            "confirm high readings outside the clinic | "
            "ask about missed doses without judgement | screen for primary aldosteronism | "
            "check the cuff size"
        ),
    ),
    theme(
        "diabetes",
        "clinical",
        mentor="tom-lindqvist",
        specialties="Endocrinology | Internal medicine",
        titles=(
            "Diabetic ketoacidosis in adults | Type 2 diabetes in the clinic | Insulin on the ward"
        ),
        terms=(
            "diabetic ketoacidosis | type 2 diabetes | insulin | hypoglycemia | the HbA1c | "
            "continuous glucose monitoring"
        ),
        people=(
            "a 19-year-old with vomiting, abdominal pain and rapid breathing | "
            "a man with type 2 diabetes who has stopped his tablets | "
            "an older woman found confused with a glucose of 2.1"
        ),
        actions=(
            "replace potassium before insulin when it is low | "
            "check ketones in every unwell patient with diabetes | "
            "agree an individual HbA1c target | review hypoglycemia at every visit"
        ),
    ),
    theme(
        "pulmonary-embolism",
        "clinical",
        mentor="amara-okafor",
        specialties="Pulmonology | Emergency medicine",
        titles=(
            "Pulmonary embolism: who to scan | Breathlessness with a clear chest X-ray | "
            "Pulmonary embolism in pregnancy"
        ),
        terms=(
            "pulmonary embolism | deep vein thrombosis | the D-dimer | "
            "a CT pulmonary angiogram | the Wells score | anticoagulation"
        ),
        people=(
            "a 33-year-old woman on the pill with pleuritic chest pain | "
            "a man breathless two weeks after knee surgery | "
            "a pregnant woman with a fast heart rate"
        ),
        actions=(
            "apply a clinical decision rule before ordering a D-dimer | "
            "use an age-adjusted D-dimer cut-off | "
            "start anticoagulation while you wait for imaging when suspicion is high | "
            "look at the right ventricle on bedside ultrasound"
        ),
    ),
    theme(
        "copd-asthma",
        "clinical",
        mentor="tom-lindqvist",
        specialties="Pulmonology | Family medicine",
        titles="COPD exacerbations | Asthma that is not controlled | Oxygen targets in COPD",
        terms=(
            "chronic obstructive pulmonary disease | an exacerbation | asthma | "
            "inhaler technique | oxygen saturation targets | spirometry"
        ),
        people=(
            "a 68-year-old smoker with worsening cough and sputum | "
            "a young woman with asthma who uses her reliever every day | "
            "a man with COPD whose saturations are 86 percent"
        ),
        actions=(
            "watch the patient use the inhaler | "
            "aim for saturations of 88 to 92 percent in COPD | "
            "give a short course of oral steroids | write an action plan with the patient"
        ),
    ),
    theme(
        "opioid-use",
        "clinical",
        mentor="farid-haddad",
        specialties="Addiction medicine | Psychiatry",
        titles=(
            "Starting buprenorphine in the emergency department | "
            "Opioid use disorder on the ward | Pain control for patients on methadone"
        ),
        terms="opioid use disorder | buprenorphine | methadone | withdrawal | naloxone | stigma",
        people=(
            "a 29-year-old man in opioid withdrawal asking for help | "
            "a woman on methadone admitted for a fractured wrist | "
            "a patient who left hospital against medical advice last month"
        ),
        actions=(
            "offer buprenorphine at the first contact | prescribe naloxone at discharge | "
            "continue methadone during the admission | use person-first language in the notes"
        ),
    ),
    theme(
        "depression",
        "clinical",
        mentor="farid-haddad",
        specialties="Psychiatry | Family medicine",
        titles=(
            "Asking about suicide | Depression in primary care | Safety planning after self-harm"
        ),
        terms=(
            "depression | suicide risk | a safety plan | antidepressants | self-harm | "
            "access to lethal means"
        ),
        people=(
            "a 52-year-old man who has stopped sleeping since losing his job | "
            "a student who says she feels numb | a patient seen after an overdose"
        ),
        actions=(
            "ask directly about suicidal thoughts | write a safety plan together | "
            "talk about access to firearms and medicines | arrange follow-up within a week"
        ),
    ),
    theme(
        "goals-of-care",
        "clinical",
        mentor="helen-cho",
        specialties="Palliative care | Hospital medicine",
        titles=(
            "Difficult conversations with families | Goals of care in the hospital | "
            "Leading a family meeting | Talking about resuscitation"
        ),
        terms=(
            "goals of care | a difficult conversation | a family meeting | "
            "shared decision making | prognosis | do not resuscitate orders | "
            "the patient's values"
        ),
        people=(
            "the family of an 88-year-old woman with advanced dementia | "
            "a son who wants everything done for his father | "
            "a patient with metastatic cancer who asks how long she has"
        ),
        actions=(
            "ask what the family already understands | allow silence after hard news | "
            "make a recommendation rather than offer a menu | "
            "name the emotion before the next fact | "
            "document the conversation where the next team will find it"
        ),
    ),
    theme(
        "bad-news",
        "clinical",
        mentor="helen-cho",
        specialties="Oncology | Palliative care",
        titles=(
            "Breaking bad news | Talking about a new cancer diagnosis | "
            "Serious illness conversations in clinic"
        ),
        terms=(
            "bad news | a serious illness conversation | uncertainty | hope | a new diagnosis | "
            "the SPIKES approach"
        ),
        people=(
            "a 61-year-old man whose scan shows a pancreatic mass | "
            "a young mother with a new breast cancer diagnosis | "
            "a family waiting for biopsy results"
        ),
        actions=(
            "sit down and give a warning shot | check what the patient wants to know | "
            "plan the next step before the patient leaves | "
            "hope for the best and prepare for the worst together"
        ),
    ),
    theme(
        "obstetrics",
        "clinical",
        mentor="margaret-osullivan",
        specialties="Obstetrics and gynecology | Family medicine",
        titles=(
            "Preeclampsia after delivery | Bleeding in early pregnancy | "
            "Obstetric emergencies in rural hospitals"
        ),
        terms=(
            "preeclampsia | postpartum hemorrhage | ectopic pregnancy | pregnancy | "
            "magnesium sulfate | a pregnancy test"
        ),
        people=(
            "a woman ten days postpartum with a severe headache | "
            "a 27-year-old with abdominal pain and a missed period | "
            "a patient bleeding heavily after a home birth"
        ),
        actions=(
            "check a pregnancy test in every woman of reproductive age with abdominal pain | "
            "treat a blood pressure of 160 over 110 within the hour | "
            "give tranexamic acid early in postpartum hemorrhage | "
            "call obstetrics before the transfer"
        ),
    ),
    theme(
        "kidney",
        "clinical",
        mentor="daniel-reyes",
        specialties="Nephrology | Hospital medicine",
        titles=(
            "Acute kidney injury on the ward | Hyperkalemia: what to do first | "
            "Chronic kidney disease in primary care"
        ),
        terms=(
            "acute kidney injury | chronic kidney disease | hyperkalemia | the creatinine | "
            "nephrotoxic medicines | urine output"
        ),
        people=(
            "an older man whose creatinine has doubled since admission | "
            "a patient on an ACE inhibitor with a potassium of 6.8 | "
            "a woman with diarrhea who has stopped passing urine"
        ),
        actions=(
            "stop nephrotoxic medicines | record an ECG when potassium is high | "
            "give calcium before anything else when the ECG changes | measure urine output hourly"
        ),
    ),
    theme(
        "diagnostic-reasoning",
        "clinical",
        mentor="amara-okafor",
        specialties="Internal medicine | Medical education",
        titles=(
            "Anchoring and diagnostic momentum | Sick or not sick | "
            "Diagnostic error in the emergency department | Thinking about your thinking"
        ),
        terms=(
            "diagnostic reasoning | anchoring bias | premature closure | "
            "the differential diagnosis | diagnostic error | a diagnostic time-out"
        ),
        people=(
            "a patient labelled as anxious at triage | "
            "a frequent attender with a new complaint | "
            "a patient handed over with a diagnosis already attached"
        ),
        actions=(
            "name the diagnosis you are most afraid of missing | "
            "take a diagnostic time-out before discharge | "
            "re-examine the patient when the story changes | ask what else it could be"
        ),
    ),
    theme(
        "agitation",
        "clinical",
        mentor="farid-haddad",
        specialties="Psychiatry | Emergency medicine",
        titles=(
            "Managing acute agitation safely | Assessing decision-making capacity | "
            "Restraint as a last resort"
        ),
        terms=(
            "acute agitation | decision-making capacity | verbal de-escalation | sedation | "
            "physical restraint | a medical cause"
        ),
        people=(
            "a young man shouting in the waiting room | "
            "an older woman refusing a life-saving operation | a patient pulling out his lines"
        ),
        actions=(
            "try verbal de-escalation first | look for hypoglycemia, hypoxia and withdrawal | "
            "offer oral medicine before injections | "
            "assess capacity for this decision at this time"
        ),
    ),
    theme(
        "contract",
        "career",
        mentor="margaret-osullivan",
        specialties="Hospital medicine | Family medicine",
        titles=(
            "Negotiating your first contract | Reading an employment contract | "
            "Non-compete clauses explained | Salary and productivity models"
        ),
        terms=(
            "your first contract | an employment contract | a non-compete clause | "
            "compensation | a signing bonus | productivity targets | malpractice tail coverage"
        ),
        people=(
            "a third-year resident with two offers on the table | "
            "a new attending asked to sign within a week | a physician moving to a new state"
        ),
        actions=(
            "have a lawyer who knows physician contracts read it | "
            "negotiate the start date and the signing bonus together | "
            "ask who pays for tail coverage | get every promise in writing | "
            "compare offers on total compensation, not salary alone"
        ),
    ),
    theme(
        "burnout",
        "career",
        mentor="farid-haddad",
        specialties="Psychiatry | Medical education",
        titles=(
            "Recognising burnout early | Burnout is not a personal failing | "
            "Saying no and protecting your time | Moral injury"
        ),
        terms=(
            "burnout | moral injury | exhaustion | boundaries | peer support | wellbeing | workload"
        ),
        people=(
            "a second-year resident who dreads every shift | "
            "a mid-career physician who no longer enjoys clinic | "
            "a colleague who has stopped coming to lunch"
        ),
        actions=(
            "notice cynicism as an early sign | protect one evening a week | "
            "talk to a peer before it becomes a crisis | "
            "fix the system problem instead of blaming yourself | say no to the next committee"
        ),
    ),
    theme(
        "img",
        "career",
        mentor="amara-okafor",
        specialties="Internal medicine | Medical education",
        titles=(
            "An IMG guide to residency | Visas for international medical graduates | "
            "Finding your feet as an international medical graduate"
        ),
        terms=(
            "international medical graduates | a J-1 visa | an H-1B visa | visa sponsorship | "
            "a Conrad 30 waiver | licensing exams | observerships"
        ),
        people=(
            "an international medical graduate preparing for the match | "
            "a physician trained abroad on a J-1 visa | "
            "an IMG starting residency in a new country"
        ),
        actions=(
            "check which programs sponsor visas before applying | "
            "plan the waiver job two years ahead | find a mentor who has made the same move | "
            "keep copies of every immigration document"
        ),
    ),
    theme(
        "rural",
        "career",
        mentor="tom-lindqvist",
        specialties="Rural health | Family medicine",
        titles=(
            "Considering rural practice | Rural transfer: when and how | "
            "A year in rural practice | Generalism in a small town"
        ),
        terms=(
            "rural practice | a critical access hospital | scope of practice | "
            "interfacility transfer | loan repayment | community life"
        ),
        people=(
            "a family physician weighing a move to a town of 3,000 people | "
            "the only doctor on call for a small hospital | "
            "a resident from a rural community thinking of going home"
        ),
        actions=(
            "visit in winter as well as summer | ask how call is shared | "
            "call for transfer early | build relationships with the regional referral center"
        ),
    ),
    theme(
        "first-job",
        "career",
        mentor="daniel-reyes",
        specialties="Hospital medicine | Internal medicine",
        titles=(
            "Choosing your first job | Starting your first attending job | Fellowship or not | "
            "Returning to practice after a break"
        ),
        terms=(
            "the first attending job | a fellowship | the job search | a career break | "
            "the interview | a recruiter"
        ),
        people=(
            "a final-year resident unsure about fellowship | "
            "a physician returning after two years of parental leave | "
            "a hospitalist deciding between academic and community jobs"
        ),
        actions=(
            "talk to people who left the group | ask about the schedule for the first year | "
            "write down what matters to you before the interview | "
            "arrange a supervised return with a named mentor"
        ),
    ),
    theme(
        "leadership",
        "career",
        mentor="daniel-reyes",
        specialties="Hospital medicine | Medical education",
        titles=(
            "Stepping into physician leadership | Your first committee chair | "
            "Leading change in a department"
        ),
        terms=(
            "physician leadership | a leadership role | change management | "
            "difficult colleagues | running a meeting | feedback"
        ),
        people=(
            "a new medical director | a physician asked to lead a quality project | "
            "a chief resident"
        ),
        actions=(
            "listen before you change anything | find the informal leaders | "
            "give feedback in private and soon | protect clinical time in the new role"
        ),
    ),
    theme(
        "teaching",
        "career",
        mentor="daniel-reyes",
        specialties="Medical education | Internal medicine",
        titles=(
            "Finding and using a mentor | Building a teaching portfolio | "
            "Teaching on a busy service"
        ),
        terms=(
            "mentoring | a mentor | bedside teaching | a teaching portfolio | learners | promotion"
        ),
        people=(
            "a junior faculty member without a mentor | "
            "a resident who wants an academic career | "
            "an attending with three students on a busy service"
        ),
        actions=(
            "ask for one specific piece of advice | keep a record of every teaching session | "
            "teach one point per patient | meet your mentor on a regular schedule"
        ),
    ),
    theme(
        "billing",
        "practice",
        mentor="margaret-osullivan",
        specialties="Family medicine | Internal medicine",
        titles=(
            "Billing and coding for office visits | Medical decision making and documentation | "
            "Understanding relative value units | Reading your practice financial dashboard"
        ),
        terms=(
            "billing | coding | medical decision making | relative value units | documentation | "
            "claim denials | the practice financial dashboard"
        ),
        people=(
            "a new partner whose collections are lower than expected | "
            "a practice manager chasing denied claims | a physician who undercodes out of caution"
        ),
        actions=(
            "document the complexity of the decision, not the length of the note | "
            "review denials every month | learn the codes you use most | "
            "ask the billing team for your own numbers"
        ),
    ),
    theme(
        "prior-authorization",
        "practice",
        mentor="margaret-osullivan",
        specialties="Family medicine | Internal medicine",
        titles=(
            "Prior authorization without losing your afternoon | "
            "Fighting a denied prior authorization | Standing orders and delegation in practice"
        ),
        terms=(
            "prior authorization | a peer-to-peer review | an appeal | formulary alternatives | "
            "standing orders | delegation"
        ),
        people=(
            "a patient waiting three weeks for an approved scan | "
            "a nurse spending every afternoon on insurer forms | "
            "a physician asked to justify a generic medicine"
        ),
        actions=(
            "keep templates for the requests you make most often | "
            "ask for a peer-to-peer review the same day | "
            "delegate the forms with a standing order | check the formulary before prescribing"
        ),
    ),
    theme(
        "handoffs",
        "practice",
        mentor="daniel-reyes",
        specialties="Hospital medicine | Internal medicine",
        titles=(
            "I-PASS handoffs | Safe handover between clinicians and locums | "
            "Hospital discharge that sticks"
        ),
        terms=(
            "handoffs | the I-PASS structure | care transitions | the discharge summary | "
            "a locum | patient safety"
        ),
        people=(
            "a night resident taking over forty patients | "
            "a locum covering a practice for two weeks | "
            "a patient discharged on a Friday afternoon"
        ),
        actions=(
            "give an illness severity for every patient | read back the action list | "
            "name who is responsible for each pending result | "
            "send the discharge summary the same day"
        ),
    ),
    theme(
        "telehealth",
        "practice",
        mentor="tom-lindqvist",
        specialties="Family medicine | Rural health",
        titles=(
            "Telehealth visits that work | Video visits in rural communities | "
            "When telehealth is not enough"
        ),
        terms=(
            "telehealth | a video visit | remote monitoring | broadband access | "
            "a telephone consultation | the virtual examination"
        ),
        people=(
            "an older farmer with poor broadband | a patient calling from her car at work | "
            "a family who live two hours from the clinic"
        ),
        actions=(
            "test the connection before the visit | "
            "ask where the patient is in case of an emergency | "
            "use the patient's own hands for the examination | "
            "book an in-person visit when the picture is unclear"
        ),
    ),
    theme(
        "quality",
        "practice",
        mentor="margaret-osullivan",
        specialties="Hospital medicine | Family medicine",
        titles=(
            "Your first PDSA cycle | Running an effective clinic huddle | "
            "Quality improvement for busy clinicians"
        ),
        terms=(
            "quality improvement | a PDSA cycle | run charts | the clinic huddle | "
            "process measures | a small test of change"
        ),
        people=(
            "a clinic with a long wait for new patients | "
            "a ward with frequent medication errors | a team that has never met as a group"
        ),
        actions=(
            "start with one small test of change | plot the data over time | "
            "hold a five-minute huddle every morning | celebrate small wins"
        ),
    ),
    theme(
        "inbox",
        "practice",
        mentor="farid-haddad",
        specialties="Family medicine | Internal medicine",
        titles=(
            "Inbox management without burnout | The electronic health record after hours | "
            "Patient messages that do not take over your evening"
        ),
        terms=(
            "the inbox | the electronic health record | patient messages | pajama time | "
            "results notification | team-based care"
        ),
        people=(
            "a physician with 150 unread messages | a part-time doctor working every evening | "
            "a clinic drowning in refill requests"
        ),
        actions=(
            "let the team handle refills by protocol | set two fixed times a day for the inbox | "
            "reply to simple messages in one line | turn off notifications outside clinic hours"
        ),
    ),
    theme(
        "team",
        "practice",
        mentor="margaret-osullivan",
        specialties="Family medicine | Obstetrics and gynecology",
        titles=(
            "Hiring and onboarding a medical assistant | Staffing a small practice | "
            "Building a team that stays"
        ),
        terms=(
            "hiring | a medical assistant | onboarding | staff turnover | team roles | scheduling"
        ),
        people=(
            "a practice that has lost two medical assistants this year | "
            "a new practice owner hiring for the first time | "
            "a manager with a sick call every Monday"
        ),
        actions=(
            "write down what the role does before hiring | "
            "pair every new hire with a named trainer | pay attention to the first ninety days | "
            "ask leavers why they left"
        ),
    ),
    theme(
        "complaints",
        "practice",
        mentor="helen-cho",
        specialties="Hospital medicine | Family medicine",
        titles=(
            "Handling a patient complaint | Saying sorry after an error | "
            "Communication after an adverse event"
        ),
        terms=(
            "a patient complaint | an apology | disclosure of an error | an adverse event | "
            "the patient relations team | a formal response"
        ),
        people=(
            "an angry daughter at the nurses' station | "
            "a patient who waited six hours without an update | "
            "a family who found out about an error from the notes"
        ),
        actions=(
            "listen without defending yourself | say sorry for what happened | "
            "explain what will change | write back within the agreed time"
        ),
    ),
)

# The 13 specialties used by the demo guides plus 15 more: 28 in all.
EXTRA_SPECIALTIES = (
    "Neurology",
    "Infectious disease",
    "Endocrinology",
    "Pulmonology",
    "Nephrology",
    "Oncology",
    "Addiction medicine",
    "Surgery",
    "Anesthesiology",
    "Radiology",
    "Dermatology",
    "Gastroenterology",
    "Hematology",
    "Sports medicine",
    "Global health",
)

SETTINGS = (
    "a busy emergency department",
    "a rural critical access hospital",
    "an academic medical center",
    "a community hospital",
    "a small group practice",
    "an urgent care center",
    "a residency clinic",
    "a large health system",
    "a federally qualified health center",
    "the intensive care unit",
)

COLLEAGUES = (
    "the charge nurse",
    "a senior resident",
    "an experienced colleague",
    "a trusted mentor",
    "the pharmacist",
    "the practice manager",
    "the department chair",
    "the on-call consultant",
)

TEMPLATES = {
    "clinical": (
        "When {person} arrives, the first question is whether {term} could explain the picture.",
        "Most missed cases of {term} are common presentations seen through the wrong frame.",
        "Consider {person}: the story sounds reassuring, yet {term} is still on the list.",
        "A useful habit is to {action} and to write down why.",
        "Residents often recognise {term} late because {term2} was the more familiar label.",
        "In {setting}, {term} competes with a dozen other priorities.",
        "Ask yourself what you would do differently if this turned out to be {term}.",
        "The evidence on {term} is thinner than the confidence with which it is often taught.",
        "{colleague} may be the first to notice that {person} is not improving.",
        "If you remember one thing about {term}, make it this: {action}.",
        "Guidelines ask us to {action}, but the hard part is doing it at three in the morning.",
        "The examination adds less than we hope, and the history more than we think.",
        "Before discharge, {action}, and make sure the patient knows when to come back.",
        "Think of {term} and {term2} together, because one often hides the other.",
        "Treat the first set of results as a starting point, not an answer.",
        "For {person}, the safest next step is usually to {action}.",
    ),
    "career": (
        "For {person}, {term} is rarely the obvious choice it seems from the outside.",
        "Nobody teaches {term} in residency, so most of us learn it the hard way.",
        "A good first step is to {action}.",
        "{colleague} can tell you more about {term} than any brochure.",
        "The conversation about {term} is easier when you know what you want from it.",
        "Many physicians regret not asking about {term2} before they signed.",
        "Think about where you want to be in five years, then {action}.",
        "In {setting}, {term} looks very different from the version you hear about in training.",
        "Write down what matters to you before you talk about {term}.",
        "It is reasonable to {action}; people who do so are rarely penalised for it.",
        "Consider {person}: the pressure to decide quickly is real, and so is the cost of rushing.",
        "Your family and your finances belong in the decision as much as the work itself.",
        "Ask early, ask in writing, and keep a copy of every answer.",
    ),
    "practice": (
        "In {setting}, {term} takes more time than anyone budgets for.",
        "The simplest fix is often to {action}.",
        "Consider {person}: the problem is not effort but the way the work is organised.",
        "{colleague} usually sees the problems with {term} long before the data shows them.",
        "Small changes to {term} add up to hours each week.",
        "Measure {term} for a month before you change anything.",
        "Most practices can {action} without new software or new staff.",
        "When {term} goes wrong, patients notice it before the numbers do.",
        "Treat {term} and {term2} as one workflow rather than two separate chores.",
        "A written protocol lets the whole team {action}.",
        "The aim is safer care and a workday that ends on time.",
        "Share the results with the whole team, including the people who answer the phones.",
    ),
    "shared": (
        "Good teams make it easy for anyone to speak up.",
        "Write down what you decided and why, so the next person can follow your reasoning.",
        "The patient's own words are often the most useful data you will collect.",
        "Checklists help most when the day is busiest.",
        "It is always acceptable to ask for a second opinion.",
        "Teach this to the next student you supervise; explaining it sharpens your own thinking.",
        "None of this replaces judgement, but it makes judgement easier to exercise.",
        "Experienced clinicians still get this wrong, which is why a routine helps.",
        "Set aside time after a hard case to talk it through with a colleague.",
        "Plain language works better than jargon with patients, families and colleagues alike.",
    ),
}

HEADINGS = {
    "clinical": (
        "Why this matters",
        "Why {term} is missed",
        "What the evidence says",
        "A worked example",
        "The first hour",
        "What to do on your next shift",
        "When to ask for help",
        "Common traps",
        "Talking with patients and families",
    ),
    "career": (
        "Why this matters",
        "Questions to ask",
        "What nobody tells you about {term}",
        "Before you sign anything",
        "A framework you can use",
        "Stories from mentors",
        "Looking after yourself",
        "What to do this month",
    ),
    "practice": (
        "Why this matters",
        "Where the time goes",
        "A worked example",
        "What good looks like",
        "Making {term} work for the team",
        "Measuring what changes",
        "What to do on Monday",
    ),
}

TITLE_ANGLES = (
    "",
    ": a practical approach",
    ": what residents miss",
    ": lessons from the night shift",
    ": a checklist",
    ": five pitfalls",
    ": what experienced mentors do",
    " in rural practice",
    " for early-career physicians",
    ": the first conversation",
    ": a case-based guide",
    ": myths and evidence",
)

PEARL_TITLES = ("Clinical pearl", "A rule of thumb", "From the mentor", "Remember this")
AUDIENCES = ("student", "resident", "early_career", "experienced")
AUDIENCE_WEIGHTS = (1, 4, 3, 2)
# Themes appear with different frequencies, like a real library: the first ones
# in each topic more often.
THEME_WEIGHTS = tuple(3 if i % 4 == 0 else 2 if i % 4 == 1 else 1 for i in range(len(THEMES)))


# The generator (plain Python; no Django) ----------------------------------------


def capitalise(text):
    return text[:1].upper() + text[1:]


def slugify_words(text):
    kept = "".join(ch.lower() if ch.isalnum() else " " for ch in text)
    return "-".join(kept.split())[:60].strip("-")


class GuideWriter:
    """Composes guides from THEMES: deterministic for a given random.Random."""

    def __init__(self, rng):
        self.rng = rng

    def sentence(self, theme, template_group=None):
        rng = self.rng
        group = template_group or theme.topic
        template = rng.choice(TEMPLATES[group])
        term, term2 = rng.sample(theme.terms, 2)
        text = template.format(
            term=term,
            term2=term2,
            person=rng.choice(theme.people),
            action=rng.choice(theme.actions),
            setting=rng.choice(SETTINGS),
            colleague=rng.choice(COLLEAGUES),
        )
        return capitalise(text)

    def paragraph(self, primary, secondary, sentences):
        out = []
        for _ in range(sentences):
            roll = self.rng.random()
            if roll < 0.12:
                out.append(self.rng.choice(TEMPLATES["shared"]))
            elif roll < 0.32 and secondary is not None:
                out.append(self.sentence(secondary))
            else:
                out.append(self.sentence(primary))
        return " ".join(out)

    def guide(self, number):
        rng = self.rng
        primary = rng.choices(THEMES, weights=THEME_WEIGHTS)[0]
        secondary = rng.choice(THEMES) if rng.random() < 0.55 else None
        if secondary is primary:
            secondary = None
        title = capitalise(rng.choice(primary.titles) + rng.choice(TITLE_ANGLES))
        summary = (
            f"{capitalise(rng.choice(primary.terms))} for "
            f"{rng.choice(primary.people)}, and what to do next: "
            f"{rng.choice(primary.actions)}. {self.sentence(primary)}"
        )
        objectives = [
            f"Recognise {rng.choice(primary.terms)} in {rng.choice(SETTINGS)}",
            f"Explain when to {rng.choice(primary.actions)}",
            f"Apply a structured approach to {rng.choice(primary.terms)}",
        ]
        # Sentences up to a target length, then spread over 4 or 5 headed sections.
        target = rng.randint(360, 620)  # plus headings, pearl and takeaways: 400-700 words
        sentences, length = [], 0
        while length < target:
            sentences.append(self.paragraph(primary, secondary, 1))
            length += len(sentences[-1].split())
        headings = rng.sample(HEADINGS[primary.topic], rng.randint(4, 5))
        cuts = sorted(rng.sample(range(1, len(sentences)), len(headings) - 1))
        body, words = [], []
        for heading, start, end in zip(headings, [0, *cuts], [*cuts, len(sentences)], strict=True):
            heading = capitalise(heading.format(term=rng.choice(primary.terms)))
            section = sentences[start:end]
            split = rng.randint(1, len(section)) if len(section) > 3 else len(section)
            paragraphs = [" ".join(part) for part in (section[:split], section[split:]) if part]
            html = f"<h2>{heading}</h2>" + "".join(f"<p>{p}</p>" for p in paragraphs)
            body.append({"type": "paragraph", "value": html})
            words += [heading, *paragraphs]
        pearl = self.paragraph(primary, None, 2)
        body.insert(
            rng.randint(1, len(body)),
            {
                "type": "pearl",
                "value": {"title": rng.choice(PEARL_TITLES), "text": f"<p>{pearl}</p>"},
            },
        )
        takeaways = [capitalise(a) + "." for a in rng.sample(primary.actions, 3)]
        body.append({"type": "takeaways", "value": {"title": "Key takeaways", "items": takeaways}})
        words += [pearl, *takeaways]
        specialties = list(primary.specialties[: rng.randint(1, len(primary.specialties))])
        if secondary is not None and rng.random() < 0.5:
            specialties.append(rng.choice(secondary.specialties))
        if rng.random() < 0.15:
            specialties.append(rng.choice(EXTRA_SPECIALTIES))
        release = datetime.date(2026, 11, 1) - datetime.timedelta(days=rng.randint(30, 6 * 365))
        return {
            "title": title,
            "slug": f"{slugify_words(title)}-{number:05d}",
            "summary": summary,
            "topic": primary.topic,
            "audience_level": rng.choices(AUDIENCES, weights=AUDIENCE_WEIGHTS)[0],
            "objectives": [{"type": "objective", "value": o} for o in objectives],
            "body": body,
            "body_text": " ".join(words),
            "specialties": list(dict.fromkeys(specialties)),
            "mentor": primary.mentor,
            "co_author": rng.random() < 0.25,
            "release_date": release,
            "last_reviewed": release + datetime.timedelta(days=rng.randint(0, 25)),
            "published_minute": rng.randint(0, 24 * 60 - 1),
        }


def generate(count, seed=SEED):
    """``count`` guide descriptions (dicts), the same ones for the same seed."""
    writer = GuideWriter(random.Random(seed))
    return [writer.guide(number) for number in range(1, count + 1)]


# Child phases (run inside Django, in a process of their own) -------------------


def django_setup():
    import django

    django.setup()


def phase_generate(count):
    """Insert ``count`` generated guides under the guide index as live pages.

    The rows are what publishing writes (wagtailcore_page with a treebeard path,
    url_path, content type, locale and publication dates; cms_guidepage; authors;
    specialty tags), without revisions or log entries, which nothing here reads.
    """
    django_setup()
    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction
    from django.db.models import F

    from taggit.models import Tag
    from wagtail.models import Page

    from cms.blocks.text import reading_minutes_for
    from cms.models import GuideAuthor, GuideIndexPage, GuidePage, GuideSpecialty, Mentor
    from cms.models.pages import REVIEW_INTERVAL_YEARS, add_years

    started = time.perf_counter()
    guides = generate(count)
    generated_s = time.perf_counter() - started

    index = GuideIndexPage.objects.get()
    content_type = ContentType.objects.get_for_model(GuidePage)
    mentors = {m.slug: m for m in Mentor.objects.order_by("slug")}
    mentor_list = list(mentors.values())
    names = {name for guide in guides for name in guide["specialties"]}
    tags = {name: Tag.objects.get_or_create(name=name)[0] for name in sorted(names)}
    last_child = Page.objects.filter(path__startswith=index.path, depth=index.depth + 1)
    last_path = last_child.order_by("-path").values_list("path", flat=True).first()
    first_step = Page._str2int(last_path[-Page.steplen :]) + 1 if last_path else 1
    rng = random.Random(SEED + 1)  # co-authors only; the text comes from generate()

    with transaction.atomic():
        for offset in range(0, count, BATCH):
            batch = guides[offset : offset + BATCH]
            pages = []
            for number, guide in enumerate(batch, start=first_step + offset):
                published = datetime.datetime.combine(
                    guide["release_date"], datetime.time(), tzinfo=datetime.UTC
                ) + datetime.timedelta(minutes=guide["published_minute"])
                pages.append(
                    Page(
                        title=guide["title"],
                        draft_title=guide["title"],
                        slug=guide["slug"],
                        path=Page._get_path(index.path, index.depth + 1, number),
                        depth=index.depth + 1,
                        numchild=0,
                        url_path=f"{index.url_path}{guide['slug']}/",
                        content_type=content_type,
                        locale_id=index.locale_id,
                        live=True,
                        has_unpublished_changes=False,
                        first_published_at=published,
                        last_published_at=published,
                    )
                )
            pages = Page.objects.bulk_create(pages)
            rows = [
                GuidePage(
                    page_ptr_id=page.pk,
                    summary=guide["summary"],
                    topic=guide["topic"],
                    audience_level=guide["audience_level"],
                    objectives=json.dumps(guide["objectives"]),
                    body=json.dumps(guide["body"]),
                    references="[]",
                    reading_minutes_computed=reading_minutes_for(guide["body_text"]),
                    release_date=guide["release_date"],
                    last_reviewed=guide["last_reviewed"],
                    review_due=add_years(guide["last_reviewed"], REVIEW_INTERVAL_YEARS),
                )
                for page, guide in zip(pages, batch, strict=True)
            ]
            # QuerySet.bulk_create refuses multi-table inheritance; this is the
            # insert it would make for the child table alone (no signals sent).
            GuidePage.objects._insert(rows, fields=GuidePage._meta.local_concrete_fields)
            authors, specialties = [], []
            for page, guide in zip(pages, batch, strict=True):
                first = mentors.get(guide["mentor"]) or mentor_list[0]
                authors.append(GuideAuthor(page_id=page.pk, mentor=first, sort_order=0))
                if guide["co_author"]:
                    second = rng.choice([m for m in mentor_list if m != first])
                    authors.append(GuideAuthor(page_id=page.pk, mentor=second, sort_order=1))
                specialties += [
                    GuideSpecialty(content_object_id=page.pk, tag=tags[name])
                    for name in guide["specialties"]
                ]
            GuideAuthor.objects.bulk_create(authors)
            GuideSpecialty.objects.bulk_create(specialties)
        Page.objects.filter(pk=index.pk).update(numchild=F("numchild") + count)

    words = [len(guide["body_text"].split()) for guide in guides]
    return {
        "guides": count,
        "generate_s": generated_s,
        "insert_s": time.perf_counter() - started - generated_s,
        "body_words_median": statistics.median(words),
        "body_words_min": min(words),
        "body_words_max": max(words),
        "specialties": GuideSpecialty.tag_model().objects.count(),
        "guides_in_database": GuidePage.objects.live().count(),
    }


def ours(bench_query):
    """One search through the embedded engine, as the search page makes it."""
    from search.engines import SearchQuery, get_embedded_engine

    engine = get_embedded_engine()
    query = SearchQuery(text=bench_query.text, filters=bench_query.filters, page=1, per_page=10)
    return engine.search(query)


WAGTAIL_FILTERS = {"topic": "topic__in", "audience": "audience_level__in"}
WAGTAIL_FACETS = ("topic", "audience_level")


def wagtail(bench_query):
    """The same query through Wagtail's database backend, as its admin search
    parses it: the first page of 10 results, the count and two facets."""
    from wagtail.search.query import MATCH_ALL
    from wagtail.search.utils import parse_query_string

    from cms.models import GuidePage

    queryset = GuidePage.objects.live()
    for key, values in bench_query.filters.items():
        if key == "type":  # only guides are searched here
            if "guide" not in values:
                queryset = queryset.none()
        else:
            queryset = queryset.filter(**{WAGTAIL_FILTERS[key]: values})
    _, query = parse_query_string(bench_query.text, operator="and", zero_terms=MATCH_ALL)
    results = queryset.search(query)
    page = list(results[:10])
    total = results.count()
    facets = {name: results.facet(name) for name in WAGTAIL_FACETS}
    return page, total, facets


def describe_ours(results):
    from search.engines.base import MARK_START

    return {
        "total": results.total,
        "hits": len(results.hits),
        "highlighted_hits": sum(
            MARK_START in hit.snippet or MARK_START in hit.title_highlight for hit in results.hits
        ),
        "facet_values": sum(len(facet.values) for facet in results.facets),
        "suggestion": results.suggestion,
        "matched_all_words": results.matched_all_words,
        "first_titles": [hit.title for hit in results.hits[:3]],
    }


def describe_wagtail(result):
    page, total, facets = result
    return {
        "total": total,
        "hits": len(page),
        "facets": {name: dict(values) for name, values in facets.items()},
        "first_titles": [guide.title for guide in page[:3]],
    }


def busy_cpu_seconds():
    """CPU time the whole machine has spent busy so far (Linux; else None)."""
    try:
        with open("/proc/stat") as stat:
            fields = stat.readline().split()[1:]
    except OSError:
        return None
    user, nice, system, _idle, _iowait, irq, softirq, steal = map(int, fields[:8])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def cpu_snapshot(server_pid):
    """(machine busy s, this process s, database server s) for CPU accounting."""
    server = process_tree_cpu_seconds(server_pid) if server_pid else None
    return busy_cpu_seconds(), time.process_time(), server


def cpu_accounting(before, after, wall_s):
    busy = after[0] - before[0] if before[0] is not None and after[0] is not None else None
    own = after[1] - before[1]
    server = after[2] - before[2] if before[2] is not None and after[2] is not None else None
    other = None if busy is None else busy - own - (server or 0.0)
    return {"wall_s": wall_s, "process_cpu_s": own, "server_cpu_s": server, "other_cpu_s": other}


def run_rounds(runner, describe, rounds, budget_s, server_pid):
    """Every query once per round, ``rounds`` times or, with a budget, until the
    budget is spent (at least one round). Wall and CPU ms for each run."""
    timings = [[] for _ in QUERIES]
    answers = [None] * len(QUERIES)
    before, started, done = cpu_snapshot(server_pid), time.perf_counter(), 0
    while done < rounds:
        for position, bench_query in enumerate(QUERIES):
            wall, cpu = time.perf_counter(), time.process_time()
            result = runner(bench_query)
            cpu_ms = (time.process_time() - cpu) * 1000
            timings[position].append(((time.perf_counter() - wall) * 1000, cpu_ms))
            if answers[position] is None:
                answers[position] = describe(result)
        done += 1
        if budget_s is not None and time.perf_counter() - started >= budget_s:
            break
    wall_s = time.perf_counter() - started
    cpu = cpu_accounting(before, cpu_snapshot(server_pid), wall_s)
    return {"rounds": done, "timings": timings, "answers": answers, "cpu": cpu}


def phase_latency(repeat, wagtail_budget_s, server_pid):
    """The embedded engine: each query once to warm up, then ``repeat`` rounds.
    Wagtail's backend: one query to warm up, then rounds until its time budget
    is spent (at least one, at most ``repeat``): at 10,000 guides one round of
    its queries takes minutes."""
    django_setup()
    from django.db import connection

    for bench_query in QUERIES:
        ours(bench_query)
    engines = {"ours": run_rounds(ours, describe_ours, repeat, None, server_pid)}
    wagtail(QUERIES[-1])
    engines["wagtail"] = run_rounds(wagtail, describe_wagtail, repeat, wagtail_budget_s, server_pid)
    return {
        "engines": engines,
        "vendor": connection.vendor,
        "database_version": database_version(connection),
    }


def database_version(connection):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
        else:
            cursor.execute("SELECT sqlite_version()")
        return cursor.fetchone()[0].split()[0]


def run_child(phase, env, *args):
    """Run a phase of this script in a fresh process and return its JSON answer."""
    command = [sys.executable, str(Path(__file__).resolve()), "--phase", phase, *map(str, args)]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BenchError(f"phase {phase} failed:\n{result.stdout}{result.stderr}")
    for line in reversed(result.stdout.splitlines()):
        if line.startswith(CHILD_PREFIX):
            return json.loads(line.removeprefix(CHILD_PREFIX))
    raise BenchError(f"phase {phase} printed no result:\n{result.stdout}{result.stderr}")


# Databases ----------------------------------------------------------------------


def bench_env(db_url):
    """Production settings on the bench database; only the embedded engine (an
    ELASTICSEARCH_URL in the caller's environment is dropped)."""
    env = production_env(db_url)
    env.pop("ELASTICSEARCH_URL", None)
    return env


def build_database(db_url):
    """migrate (production settings), then seed_demo (it needs DEBUG on)."""
    print("  migrate...", flush=True)
    manage(["migrate", "--noinput"], bench_env(db_url))
    print("  seed_demo...", flush=True)
    env = base_env(db_url)
    env.pop("ELASTICSEARCH_URL", None)
    env.update(DJANGO_SETTINGS_MODULE="curbside.settings.dev", DJANGO_DEBUG="true")
    manage(["seed_demo"], env)


def fresh_sqlite_url(db_path=SQLITE_PATH):
    db_path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    return database_url(db_path)


def postgres_connect(db_url, dbname=None):
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(db_url)
    return psycopg.connect(
        host=config["HOST"] or None,
        port=config["PORT"] or None,
        user=config["USER"] or None,
        password=config["PASSWORD"] or None,
        dbname=dbname or config["NAME"],
        autocommit=True,
    )


def recreate_postgres_database(db_url):
    """Drop and create the database the URL names. Only for names with "bench"
    in them, so a mistyped URL cannot wipe real data."""
    import dj_database_url
    from psycopg import sql

    name = dj_database_url.parse(db_url)["NAME"]
    if "bench" not in name:
        raise BenchError(
            f"The PostgreSQL database is dropped and re-created, so its name must "
            f"contain 'bench' (got {name!r}), e.g. postgres://user@host/curbside_bench."
        )
    with postgres_connect(db_url, dbname="postgres") as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def postgres_bin_dir():
    found = glob.glob("/usr/lib/postgresql/*/bin/initdb")
    if not found:
        return None
    newest = max(found, key=lambda path: int(Path(path).parent.parent.name.split(".")[0]))
    return Path(newest).parent


def port_is_free(port):
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


@dataclass(frozen=True)
class Cluster:
    url: str
    data: Path

    def server_pid(self):
        """The postmaster's pid (its backends are its children)."""
        return int((self.data / "postmaster.pid").read_text().split()[0])


@contextmanager
def throwaway_postgres(port=PG_PORT):
    """Start a PostgreSQL cluster in a temporary folder on 127.0.0.1:``port``
    (as the ``postgres`` OS user when run as root, as .ci/run does) and yield
    a Cluster; stop it and delete the folder afterwards. Yields None when
    PostgreSQL is not installed."""
    bin_dir = postgres_bin_dir()
    if bin_dir is None:
        yield None
        return
    as_user = []
    if os.geteuid() == 0:
        import pwd

        try:
            pwd.getpwnam(PG_OS_USER)
        except KeyError:
            print(f"No {PG_OS_USER!r} OS user to run PostgreSQL as; skipping it.", flush=True)
            yield None
            return
        as_user = ["runuser", "-u", PG_OS_USER, "--"]
    if not port_is_free(port):
        raise BenchError(f"Port {port} is in use; cannot start a PostgreSQL cluster there.")
    data = Path(tempfile.mkdtemp(prefix="curbside-bench-pg."))
    if as_user:
        shutil.chown(data, PG_OS_USER)

    def run(*command):
        result = subprocess.run([*as_user, *command], capture_output=True, text=True)
        if result.returncode != 0:
            raise BenchError(f"{command[0]} failed:\n{result.stdout}{result.stderr}")

    started = False
    try:
        print(f"Starting a throw-away PostgreSQL ({bin_dir.parent.name}) on port {port}...")
        run(
            str(bin_dir / "initdb"),
            *("-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8"),
            "--locale=C.UTF-8",
        )
        options = f"-c listen_addresses=127.0.0.1 -p {port} -k {data}"
        log = data / "server.log"
        run(str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-o", options, "start")
        started = True
        yield Cluster(f"postgres://postgres@127.0.0.1:{port}/{PG_DATABASE}", data)
    finally:
        if started:
            subprocess.run(
                [*as_user, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"],
                capture_output=True,
            )
        shutil.rmtree(data, ignore_errors=True)


def vacuum_analyze(db_url):
    """What autovacuum does soon after a bulk load, done now so it does not
    run in the middle of the measurements."""
    with postgres_connect(db_url) as conn:
        conn.execute("VACUUM ANALYZE")


# One database kind, end to end ---------------------------------------------------


def timed_manage(args, env):
    started = time.perf_counter()
    output = manage(args, env)
    return time.perf_counter() - started, output


@dataclass(frozen=True)
class RunOptions:
    guides: int
    repeat: int
    wagtail_budget_s: float


def bench_database(kind, db_url, options, server_pid=None):
    print(f"\n== {kind}", flush=True)
    started = time.perf_counter()
    build_database(db_url)
    env = bench_env(db_url)
    print(f"  adding {options.guides} generated guides...", flush=True)
    generated = run_child("generate", env, options.guides)
    print(
        f"    {generated['guides_in_database']} live guides "
        f"(body {generated['body_words_min']}-{generated['body_words_max']} words, "
        f"median {generated['body_words_median']:.0f}), "
        f"inserted in {generated['insert_s']:.1f} s",
        flush=True,
    )
    startup_s, _ = timed_manage(["shell", "-c", "pass"], env)
    print("  manage.py search_index rebuild...", flush=True)
    rebuild_s, rebuild_output = timed_manage(["search_index", "rebuild"], env)
    print(f"    {rebuild_s:.1f} s", flush=True)
    print("  manage.py update_index (Wagtail)...", flush=True)
    wagtail_s, _ = timed_manage(["update_index"], env)
    print(f"    {wagtail_s:.1f} s", flush=True)
    if kind == "postgresql":
        vacuum_analyze(db_url)
    print(
        f"  {len(QUERIES)} queries: {options.repeat} rounds through the embedded engine, "
        f"then Wagtail's for up to {options.wagtail_budget_s:g} s (at least one round)...",
        flush=True,
    )
    load = load_average()
    latency = run_child("latency", env, options.repeat, options.wagtail_budget_s, server_pid or 0)
    return {
        "database": kind,
        "database_version": latency["database_version"],
        "generation": generated,
        "manage_py_startup_s": startup_s,
        "rebuild_s": rebuild_s,
        "rebuild_output": rebuild_output.strip().splitlines()[-3:],
        "wagtail_update_index_s": wagtail_s,
        "load_average_1min_before_queries": load,
        "latency": summarise(latency),
        "total_s": time.perf_counter() - started,
    }


# Figures ------------------------------------------------------------------------


def percentile(values, fraction):
    """Nearest rank: the smallest value with at least ``fraction`` of them at or below it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def stats(samples):
    """Figures for (wall ms, CPU ms) pairs; percentiles are of wall time."""
    wall = [ms for ms, _ in samples]
    return {
        "median_ms": statistics.median(wall),
        "p95_ms": percentile(wall, 0.95),
        "max_ms": max(wall),
        "cpu_median_ms": statistics.median(cpu for _, cpu in samples),
        "samples": len(wall),
    }


def summarise(latency):
    engines = {}
    for name, run in latency["engines"].items():
        everything = [sample for samples in run["timings"] for sample in samples]
        engines[name] = {
            **stats(everything),
            "rounds": run["rounds"],
            "cpu": run["cpu"],
            "queries": [
                {
                    "kind": bench_query.kind,
                    "text": bench_query.text,
                    "filters": {key: list(values) for key, values in bench_query.filters.items()},
                    **stats(samples),
                    "answer": answer,
                    "wall_ms": [round(ms, 3) for ms, _ in samples],
                }
                for bench_query, samples, answer in zip(
                    QUERIES, run["timings"], run["answers"], strict=True
                )
            ],
        }
    return engines


def verdicts(result):
    ours, theirs = result["latency"]["ours"], result["latency"]["wagtail"]
    speedup = theirs["median_ms"] / ours["median_ms"]
    return {
        "median": ours["median_ms"] <= TARGET_MEDIAN_MS,
        "p95": ours["p95_ms"] <= TARGET_P95_MS,
        "speedup": speedup >= TARGET_SPEEDUP,
        "speedup_x": speedup,
        "speedup_vs_reference_x": WAGTAIL_REFERENCE_MS / ours["median_ms"],
    }


def mark(ok):
    return "PASS" if ok else "MISS"


def cpu_line(name, engine):
    cpu = engine["cpu"]
    parts = [f"{cpu['wall_s']:.1f} s wall", f"this process {cpu['process_cpu_s']:.1f} s CPU"]
    if cpu["server_cpu_s"] is not None:
        parts.append(f"PostgreSQL server {cpu['server_cpu_s']:.1f} s")
    if cpu["other_cpu_s"] is not None:
        parts.append(f"other programs {cpu['other_cpu_s']:.1f} s")
    return f"  {name} ({engine['rounds']} rounds, {engine['samples']} runs): " + ", ".join(parts)


def print_report(info, results):
    print()
    print(
        f"Environment: nproc={info['nproc']}, Python {info['python']}, Django {info['django']}, "
        f"Wagtail {info['wagtail']}, {info['guides']} generated guides, "
        f"load average {info['load_average_1min_at_start']} at start, {info['date']}, "
        f"search/ code {info['search_code_sha256']}"
    )
    print()
    print(
        "| database | engine | median ms | p95 ms | max ms | runs | full rebuild s | "
        "Wagtail median / ours |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for result in results:
        latency, verdict = result["latency"], verdicts(result)
        database = f"{result['database']} {result['database_version']}"
        ours, theirs = latency["ours"], latency["wagtail"]
        print(
            f"| {database} | embedded engine | {ours['median_ms']:.1f} | {ours['p95_ms']:.1f} | "
            f"{ours['max_ms']:.1f} | {ours['samples']} | {result['rebuild_s']:.1f} | "
            f"{verdict['speedup_x']:.1f}x |"
        )
        print(
            f"| {database} | Wagtail database backend | {theirs['median_ms']:.1f} | "
            f"{theirs['p95_ms']:.1f} | {theirs['max_ms']:.1f} | {theirs['samples']} | "
            f"{result['wagtail_update_index_s']:.1f} | |"
        )
    print()
    print(
        "Full rebuild: `manage.py search_index rebuild` (embedded engine) and "
        "`manage.py update_index` (Wagtail), wall time of the whole command."
    )
    for result in results:
        print(
            f"CPU during the queries, {result['database']} (load average "
            f"{result['load_average_1min_before_queries']} before them):"
        )
        print(cpu_line("embedded engine", result["latency"]["ours"]))
        print(cpu_line("Wagtail", result["latency"]["wagtail"]))
    for result in results:
        print()
        print(
            f"Per query, {result['database']} (ms; CPU is this process's, which on "
            "PostgreSQL leaves out the server's; totals are what each engine found):"
        )
        print()
        print(
            "| query | kind | ours median | ours p95 | ours CPU | Wagtail median | "
            "Wagtail p95 | ratio | ours total | Wagtail total | suggestion |"
        )
        print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
        ours, theirs = result["latency"]["ours"], result["latency"]["wagtail"]
        for bench_query, mine, other in zip(
            QUERIES, ours["queries"], theirs["queries"], strict=True
        ):
            ratio = other["median_ms"] / mine["median_ms"]
            print(
                f"| {bench_query.label} | {bench_query.kind} | {mine['median_ms']:.1f} | "
                f"{mine['p95_ms']:.1f} | {mine['cpu_median_ms']:.1f} | "
                f"{other['median_ms']:.1f} | {other['p95_ms']:.1f} | {ratio:.1f}x | "
                f"{mine['answer']['total']} | {other['answer']['total']} | "
                f"{mine['answer']['suggestion']} |"
            )
    print()
    for result in results:
        verdict = verdicts(result)
        ours = result["latency"]["ours"]
        scope = "targets" if result["database"] == "sqlite" else "SQLite targets, for reference"
        print(
            f"{result['database']} ({scope}): "
            f"median {ours['median_ms']:.1f} ms <= {TARGET_MEDIAN_MS:g}: "
            f"{mark(verdict['median'])}; "
            f"p95 {ours['p95_ms']:.1f} ms <= {TARGET_P95_MS:g}: {mark(verdict['p95'])}; "
            f"{verdict['speedup_x']:.1f}x faster than Wagtail >= {TARGET_SPEEDUP:g}x: "
            f"{mark(verdict['speedup'])} (against the issue's {WAGTAIL_REFERENCE_MS:g} ms: "
            f"{verdict['speedup_vs_reference_x']:.1f}x)"
        )
        slow = [
            f"{QUERIES[i].label} (median {q['median_ms']:.1f}, p95 {q['p95_ms']:.1f})"
            for i, q in enumerate(ours["queries"])
            if q["median_ms"] > TARGET_MEDIAN_MS or q["p95_ms"] > TARGET_P95_MS
        ]
        if slow:
            print(f"  queries over {TARGET_MEDIAN_MS:g} ms median or {TARGET_P95_MS:g} ms p95:")
            for line in slow:
                print(f"    {line}")


def search_code_fingerprint():
    """A short hash of search/*.py and search/**/*.py (migrations included), so
    figures can be tied to the version of the engine they measured."""
    import hashlib

    digest = hashlib.sha256()
    for path in sorted((ROOT / "search").rglob("*.py")):
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def environment_info(options):
    import django

    import wagtail

    return {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": usable_cpus(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "wagtail": wagtail.__version__,
        "guides": options.guides,
        "repeat": options.repeat,
        "wagtail_budget_s": options.wagtail_budget_s,
        "queries": len(QUERIES),
        "search_code_sha256": search_code_fingerprint(),
        "load_average_1min_at_start": load_average(),
    }


def positive_number_from_env(name, default):
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = 0
    if value < 1:
        raise SystemExit(f"{name} must be a number >= 1, not {raw!r}.")
    return value


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--guides", type=int, default=DEFAULT_GUIDES, help="guides to generate")
    parser.add_argument(
        "--repeat",
        type=int,
        default=int(positive_number_from_env("BENCH_SEARCH_REPEAT", DEFAULT_REPEAT)),
        help="timed rounds of the query set (default BENCH_SEARCH_REPEAT or 30)",
    )
    parser.add_argument(
        "--wagtail-seconds",
        type=float,
        default=positive_number_from_env("BENCH_WAGTAIL_SECONDS", DEFAULT_WAGTAIL_SECONDS),
        help="time budget for Wagtail's rounds per database (default BENCH_WAGTAIL_SECONDS "
        f"or {DEFAULT_WAGTAIL_SECONDS:g}); at least one round runs",
    )
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("BENCH_DATABASE_URL", ""),
        help="a PostgreSQL database to drop and re-create (its name must contain 'bench'); "
        "default BENCH_DATABASE_URL, else a throw-away cluster when PostgreSQL is installed",
    )
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    args = parser.parse_args(argv)
    if args.guides < 1 or args.repeat < 1:
        parser.error("--guides and --repeat must be at least 1")
    return args


def main(argv=None):
    args = parse_args(argv)
    # Stop the throw-away PostgreSQL cluster on SIGTERM too, not only on Ctrl-C.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    options = RunOptions(args.guides, args.repeat, args.wagtail_seconds)
    info = environment_info(options)
    started = time.perf_counter()
    results = []
    try:
        results.append(bench_database("sqlite", fresh_sqlite_url(), options))
        if args.postgres_url:
            recreate_postgres_database(args.postgres_url)
            results.append(bench_database("postgresql", args.postgres_url, options))
        elif not args.no_postgres:
            with throwaway_postgres() as cluster:
                if cluster is None:
                    print("PostgreSQL is not installed: SQLite only.", flush=True)
                else:
                    recreate_postgres_database(cluster.url)
                    results.append(
                        bench_database("postgresql", cluster.url, options, cluster.server_pid())
                    )
    except BenchError as exc:
        print(f"Benchmark aborted: {exc}", file=sys.stderr)
        return 2
    info["total_s"] = time.perf_counter() - started
    info["search_code_changed_during_run"] = search_code_fingerprint() != info["search_code_sha256"]
    for result in results:
        result["verdicts"] = verdicts(result)
    RESULTS_PATH.parent.mkdir(parents=True, exist_ok=True)
    RESULTS_PATH.write_text(json.dumps({"environment": info, "results": results}, indent=2) + "\n")
    print_report(info, results)
    if info["search_code_changed_during_run"]:
        print("\nWARNING: files in search/ changed during the run; the figures mix versions.")
    print(f"\nWhole run: {info['total_s'] / 60:.1f} min.")
    print(f"Raw results: {RESULTS_PATH.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--phase":
        phase, phase_args = sys.argv[2], sys.argv[3:]
        if phase == "generate":
            answer = phase_generate(int(phase_args[0]))
        elif phase == "latency":
            repeat, budget_s, server_pid = phase_args
            answer = phase_latency(int(repeat), float(budget_s), int(server_pid) or None)
        else:
            raise SystemExit(f"unknown phase {phase!r}")
        print(CHILD_PREFIX + json.dumps(answer, default=str))
    else:
        raise SystemExit(main())
