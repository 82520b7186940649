"""Synthetic CFPB Consumer Complaint Database CSV of any size, for import benchmarks.

    .venv/bin/python -m benchmarks.gen_cfpb --rows 10000000 --out /tmp/cfpb_10m.csv [--seed 0] [--start-id 1]

Writes a file shaped like CFPB's whole-database export (``complaints.csv``): the current
18-column header, CRLF line ends, ISO dates (``YYYY-MM-DD``) from December 2011 to
November 2026 with volume growing over the years, the product taxonomy of each period
(pre-April-2017 products and issue wording for old dates), skewed products, companies,
states and submission media, and narratives (about 40% of rows, only where consent was
provided) with CFPB-style redactions (``XXXX``, ``XX/XX/XXXX``, ``{$400.00}``), commas,
double quotes and line breaks inside the quoted field.

Everything is **synthetic**: companies are called "Synthetic Credit Bureau 1, Inc.
(SYNTHETIC)" or "Example Collections 0412 LLC (synthetic)", every narrative starts with
"(Synthetic benchmark text.)", and no row or narrative of the real files is copied. The
proportions are hard-coded constants; each says where it came from.

Deterministic: the same ``rows``, ``seed``, ``start_id`` (and dates) give a byte-identical
file with the same numpy version. Memory stays flat: rows are drawn with numpy in chunks of
``chunk_rows`` (pools of strings, CSV-quoted once where needed, indexed by random integers)
and each chunk is joined into lines and written at once.
"""
from __future__ import annotations

import argparse
import os
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np

HEADER = [
    "Date received", "Product", "Sub-product", "Issue", "Sub-issue", "Consumer complaint narrative",
    "Company public response", "Company", "State", "ZIP code", "Tags", "Consumer consent provided?",
    "Submitted via", "Date sent to company", "Company response to consumer", "Timely response?",
    "Consumer disputed?", "Complaint ID",
]
DEFAULT_START = date(2011, 12, 1)
DEFAULT_END = date(2026, 11, 30)
CHUNK_ROWS = 100_000
WRITE_ROWS = 5_000
SYNTHETIC_MARK = "(Synthetic benchmark text.)"

# ---------------------------------------------------------------------------------------------
# Volume over time.
# Complaints received per year, in thousands: the rough shape of the public database's growth
# (CFPB annual reports / dashboard; approximate and rounded, not exact counts: about 70k in
# 2012, a few hundred thousand a year to 2021, then millions a year driven by credit
# reporting). Only the relative sizes matter. 2011 is a full-year rate (only December exists).
YEAR_VOLUME_K = {
    2011: 30, 2012: 72, 2013: 108, 2014: 153, 2015: 168, 2016: 191, 2017: 243, 2018: 257,
    2019: 277, 2020: 444, 2021: 495, 2022: 800, 2023: 1300, 2024: 2700, 2025: 3000, 2026: 3100,
}
# Relative volume by weekday (Mon..Sun): fewer complaints at weekends (assumed).
WEEKDAY_FACTOR = (1.08, 1.08, 1.05, 1.02, 0.95, 0.45, 0.40)
# Row i gets a date near quantile i/N of the volume curve, jittered by this many days (s.d.),
# so Complaint IDs increase with the date received, but only roughly.
DATE_JITTER_DAYS = 2.5

# Dates at which the export's shape changed (CFPB's published change notes; approximate where
# marked).
NARRATIVE_START = date(2015, 3, 19)    # narratives, consent field and public responses published
TAXONOMY_2017 = date(2017, 4, 24)      # new products / issues; "Consumer disputed?" becomes N/A
TAXONOMY_2023 = date(2023, 1, 1)       # approximate: renamed credit reporting / card products,
                                       # "Web Referral", Electronic communications sub-issues
LEGACY_RESPONSES_END = date(2013, 7, 1)  # approximate: "Closed with/without relief" era
IN_PROGRESS_DAYS = 20                  # complaints this close to the end are often still open

# ---------------------------------------------------------------------------------------------
# Field distributions. Unless noted, from complaints_2019_2020_mixed_products.csv in
# ../shared/data/cfpb (3,983 real rows, mostly 2019), rounded.
SUBMITTED_VIA = (("Web", 0.7675), ("Referral", 0.0962), ("Phone", 0.0778), ("Postal mail", 0.0424),
                 ("Fax", 0.0156), ("Email", 0.0005))
# From 2023 part of the web share arrives as "Web Referral" (share assumed).
WEB_REFERRAL_SHARE_2023 = 0.04
COMPANY_RESPONSE = (("Closed with explanation", 0.8383), ("Closed with non-monetary relief", 0.1172),
                    ("Closed with monetary relief", 0.0324), ("Untimely response", 0.0060),
                    ("Closed", 0.0005))
# 2011-2013 values (legacy wording, all in analysis/maps/cfpb_values.csv; shares assumed).
COMPANY_RESPONSE_LEGACY = (("Closed with explanation", 0.55), ("Closed without relief", 0.17),
                           ("Closed with relief", 0.12), ("Closed with monetary relief", 0.07),
                           ("Closed with non-monetary relief", 0.05), ("Closed", 0.02),
                           ("Untimely response", 0.02))
IN_PROGRESS_SHARE = 0.6                # of rows in the last IN_PROGRESS_DAYS (assumed)
TIMELY_NO_SHARE = 0.011                # "No" besides every "Untimely response" (sample: 1.7% No)
PUBLIC_RESPONSE = (
    ("", 0.3909),
    ("Company has responded to the consumer and the CFPB and chooses not to provide a public response", 0.5410),
    ("Company believes it acted appropriately as authorized by contract or law", 0.0545),
    ("Company believes the complaint is the result of a misunderstanding", 0.0035),
    ("Company disputes the facts presented in the complaint", 0.0030),
    ("Company believes complaint is the result of an isolated error", 0.0023),
    ("Company believes complaint represents an opportunity for improvement to better serve consumers", 0.0020),
    ("Company can't verify or dispute the facts in the complaint", 0.0015),
    ("Company believes complaint caused principally by actions of third party outside the control or "
     "direction of the company", 0.0013),
)
TAGS = (("", 0.8737), ("Servicemember", 0.0776), ("Older American", 0.0382),
        ("Older American, Servicemember", 0.0105))
# Consent for web complaints from NARRATIVE_START on; phone, mail, referral etc. get "N/A" and
# older rows an empty cell. In the sample 22% of all rows had "Consent provided" (and then
# always a narrative); the share is raised here so that about 40% of rows carry a narrative,
# like the recent database. The other values keep the sample's relative sizes.
CONSENT_PROVIDED_WEB = 0.545
CONSENT_OTHER_WEB = (("Consent not provided", 0.93), ("Other", 0.052), ("", 0.017), ("Consent withdrawn", 0.001))
# "Consumer disputed?" before TAXONOMY_2017 (share of "Yes" assumed); "N/A" after.
DISPUTED_YES = 0.19
# Days from "Date received" to "Date sent to company" (sample, rounded; the tail lumped at 14-30).
SENT_LAG = ((0, 0.808), (1, 0.046), (2, 0.016), (3, 0.012), (4, 0.018), (5, 0.017), (6, 0.024),
            (7, 0.015), (8, 0.0035), (9, 0.007), (10, 0.0023), (11, 0.002), (12, 0.002), (13, 0.003),
            (14, 0.010), (21, 0.008), (30, 0.006))
# Complaint ID gaps (assumed: ids are mostly consecutive, with holes).
ID_GAPS = ((1, 0.70), (2, 0.18), (3, 0.07), (7, 0.03), (20, 0.02))
# State counts in the sample (complaints, so population-like with FL/GA over-represented);
# "" = no state (179 of 3,983). Territories and military addresses added with small counts.
STATE_COUNTS = {
    "CA": 465, "FL": 453, "TX": 405, "NY": 294, "GA": 266, "": 179, "PA": 151, "IL": 146, "NC": 113,
    "NJ": 113, "VA": 109, "OH": 106, "MD": 89, "MI": 70, "LA": 68, "AZ": 64, "SC": 60, "MO": 59,
    "MA": 57, "NV": 55, "AL": 54, "CO": 50, "CT": 50, "WA": 50, "UT": 48, "TN": 48, "WI": 40,
    "MN": 30, "IN": 29, "KY": 26, "OK": 24, "OR": 23, "DC": 19, "MS": 18, "KS": 16, "AR": 15,
    "PR": 13, "DE": 13, "NH": 12, "IA": 11, "HI": 9, "NM": 8, "WV": 7, "MT": 7, "ND": 6, "ME": 6,
    "ID": 6, "RI": 5, "NE": 5, "AK": 5, "WY": 3, "SD": 3, "VT": 2, "VI": 1, "GU": 0.5, "AE": 1,
    "AP": 0.5,
}
# First digit of ZIP codes by state (USPS national areas); the other digits are random.
ZIP_FIRST_DIGIT = {
    **dict.fromkeys(["CT", "MA", "ME", "NH", "NJ", "PR", "RI", "VT", "VI", "AE"], 0),
    **dict.fromkeys(["DE", "NY", "PA"], 1), **dict.fromkeys(["DC", "MD", "NC", "SC", "VA", "WV"], 2),
    **dict.fromkeys(["AL", "FL", "GA", "MS", "TN"], 3), **dict.fromkeys(["IN", "KY", "MI", "OH"], 4),
    **dict.fromkeys(["IA", "MN", "MT", "ND", "SD", "WI"], 5), **dict.fromkeys(["IL", "KS", "MO", "NE"], 6),
    **dict.fromkeys(["AR", "LA", "OK", "TX"], 7), **dict.fromkeys(["AZ", "CO", "ID", "NM", "NV", "UT", "WY"], 8),
    **dict.fromkeys(["AK", "CA", "HI", "OR", "WA", "GU", "AP"], 9), "": 9,
}
ZIP_MASKED_SHARE = 0.12                # "123XX" besides every row with a narrative (assumed)
ZIP_EMPTY_SHARE = 0.01                 # empty ZIP code (assumed)
ZIP_EMPTY_NO_STATE = 0.6               # empty ZIP code when the state is empty (assumed)

# ---------------------------------------------------------------------------------------------
# Products, sub-products and issues by period. Period 1 (2017-04-24 .. 2022) product shares and
# the (issue, sub-issue) lists are the sample's (counts as weights, small ones added); period 0
# (before 2017-04-24) uses the pre-2017 taxonomy with shares assumed from the early database
# (mortgages and debt collection large); period 2 (2023 on) assumes credit reporting's share kept
# growing, as in CFPB's annual reports. Overall about 11% of rows are debt collection.

# Debt collection, current wording (analysis/maps/cfpb_issue_codes.csv), weights = sample counts.
DC_ISSUES_CURRENT = (
    ("Attempts to collect debt not owed", "Debt is not yours", 196),
    ("Attempts to collect debt not owed", "Debt was result of identity theft", 105),
    ("Attempts to collect debt not owed", "Debt was paid", 74),
    ("Attempts to collect debt not owed", "Debt was already discharged in bankruptcy and is no longer owed", 13),
    ("Written notification about debt", "Didn't receive enough information to verify debt", 129),
    ("Written notification about debt", "Didn't receive notice of right to dispute", 40),
    ("Written notification about debt", "Notification didn't disclose it was an attempt to collect a debt", 4),
    ("False statements or representation", "Attempted to collect wrong amount", 52),
    ("False statements or representation", "Impersonated attorney, law enforcement, or government official", 2),
    ("False statements or representation", "Indicated you were committing crime by not paying debt", 2),
    ("False statements or representation", "Told you not to respond to a lawsuit they filed against you", 1),
    ("Communication tactics", "Frequent or repeated calls", 38),
    ("Communication tactics", "You told them to stop contacting you, but they keep trying", 21),
    ("Communication tactics", "Used obscene, profane, or other abusive language", 5),
    ("Communication tactics", "Called before 8am or after 9pm", 3),
    ("Took or threatened to take negative or legal action", "Threatened or suggested your credit would be damaged", 25),
    ("Took or threatened to take negative or legal action", "Threatened to sue you for very old debt", 18),
    ("Took or threatened to take negative or legal action", "Sued you without properly notifying you of lawsuit", 10),
    ("Took or threatened to take negative or legal action", "Collected or attempted to collect exempt funds", 7),
    ("Took or threatened to take negative or legal action",
     "Threatened to arrest you or take you to jail if you do not pay", 6),
    ("Took or threatened to take negative or legal action", "Seized or attempted to seize your property", 5),
    ("Took or threatened to take negative or legal action",
     "Sued you in a state where you do not live or did not sign for the debt", 2),
    ("Took or threatened to take negative or legal action",
     "Threatened to turn you in to immigration or deport you", 0.5),
    ("Threatened to contact someone or share information improperly", "Contacted your employer", 7),
    ("Threatened to contact someone or share information improperly", "Talked to a third-party about your debt", 4),
    ("Threatened to contact someone or share information improperly", "Contacted you after you asked them to stop", 2),
    ("Threatened to contact someone or share information improperly", "Contacted you instead of your attorney", 1),
)
# From 2023 (Regulation F's electronic-communication sub-issues; weights assumed).
DC_ISSUES_ECOMM = (
    ("Electronic communications", "Frequent or repeated messages", 8),
    ("Electronic communications", "Contacted before 8am or after 9pm", 2),
)
# Debt collection, pre-2017 wording (RULEBOOK.md §2.2 / cfpb_issue_codes.csv); weights assumed
# (the sample holds only a handful of legacy rows).
DC_ISSUES_LEGACY = (
    ("Cont'd attempts collect debt not owed", "Debt is not mine", 150),
    ("Cont'd attempts collect debt not owed", "Debt was paid", 60),
    ("Cont'd attempts collect debt not owed", "Debt resulted from identity theft", 30),
    ("Cont'd attempts collect debt not owed", "Debt was discharged in bankruptcy", 12),
    ("Disclosure verification of debt", "Not given enough info to verify debt", 80),
    ("Disclosure verification of debt", "Right to dispute notice not received", 25),
    ("Disclosure verification of debt", "Not disclosed as an attempt to collect", 12),
    ("Communication tactics", "Frequent or repeated calls", 60),
    ("Communication tactics", "Called after sent written cease of comm", 15),
    ("Communication tactics", "Threatened to take legal action", 15),
    ("Communication tactics", "Used obscene/profane/abusive language", 10),
    ("Communication tactics", "Called outside of 8am-9pm", 6),
    ("False statements or representation", "Attempted to collect wrong amount", 40),
    ("False statements or representation", "Impersonated an attorney or official", 6),
    ("False statements or representation", "Indicated committed crime not paying", 5),
    ("False statements or representation", "Indicated shouldn't respond to lawsuit", 2),
    ("Taking/threatening an illegal action", "Threatened to sue on too old debt", 10),
    ("Taking/threatening an illegal action", "Sued w/o proper notification of suit", 7),
    ("Taking/threatening an illegal action", "Threatened arrest/jail if do not pay", 6),
    ("Taking/threatening an illegal action", "Attempted to/Collected exempt funds", 4),
    ("Taking/threatening an illegal action", "Seized/Attempted to seize property", 3),
    ("Taking/threatening an illegal action", "Sued where didn't live/sign for debt", 2),
    ("Improper contact or sharing of info", "Talked to a third party about my debt", 10),
    ("Improper contact or sharing of info", "Contacted employer after asked not to", 8),
    ("Improper contact or sharing of info", "Contacted me after I asked not to", 8),
    ("Improper contact or sharing of info", "Contacted me instead of my attorney", 3),
)
# Debt-collection issues whose complaints mostly describe collection conduct in the narrative.
DC_CONDUCT_ISSUES = frozenset({
    "Communication tactics", "Took or threatened to take negative or legal action",
    "Threatened to contact someone or share information improperly", "False statements or representation",
    "Electronic communications", "Taking/threatening an illegal action", "Improper contact or sharing of info",
})
DC_CONDUCT_NARRATIVE_SHARE = (0.92, 0.40)  # (conduct issues, other issues): narrative mostly about conduct

CR_ISSUES = (
    ("Incorrect information on your report", "Information belongs to someone else", 800),
    ("Problem with a credit reporting company's investigation into an existing problem",
     "Their investigation did not fix an error on your report", 319),
    ("Incorrect information on your report", "Account status incorrect", 179),
    ("Incorrect information on your report", "Account information incorrect", 151),
    ("Improper use of your report", "Credit inquiries on your report that you don't recognize", 131),
    ("Incorrect information on your report", "Personal information incorrect", 61),
    ("Incorrect information on your report", "Public record information inaccurate", 53),
    ("Problem with fraud alerts or security freezes", "", 44),
    ("Problem with a credit reporting company's investigation into an existing problem",
     "Was not notified of investigation status or results", 42),
    ("Improper use of your report", "Reporting company used your report improperly", 39),
    ("Problem with a credit reporting company's investigation into an existing problem",
     "Difficulty submitting a dispute or getting information about a dispute over the phone", 35),
    ("Incorrect information on your report", "Old information reappears or never goes away", 32),
    ("Problem with a credit reporting company's investigation into an existing problem",
     "Investigation took more than 30 days", 31),
    ("Unable to get your credit report or credit score", "Other problem getting your report or credit score", 31),
    ("Credit monitoring or identity theft protection services", "Billing dispute for services", 8),
)
CR_ISSUES_LEGACY = (
    ("Incorrect information on credit report", "Account status", 120),
    ("Incorrect information on credit report", "Information is not mine", 90),
    ("Incorrect information on credit report", "Account terms", 30),
    ("Incorrect information on credit report", "Personal information", 30),
    ("Incorrect information on credit report", "Public record", 15),
    ("Incorrect information on credit report", "Reinserted previously deleted info", 12),
    ("Credit reporting company's investigation", "Inadequate help over the phone", 25),
    ("Credit reporting company's investigation", "Investigation took too long", 20),
    ("Credit reporting company's investigation", "No notice of investigation status/result", 15),
    ("Improper use of my credit report", "Report improperly shared by CRC", 15),
    ("Improper use of my credit report", "Received marketing offer after opted out", 6),
    ("Unable to get credit report/credit score", "Problem getting my free annual report", 12),
    ("Credit monitoring or identity protection", "", 10),
)
CHECKING_ISSUES = (
    ("Managing an account", "Deposits and withdrawals", 74),
    ("Managing an account", "Problem using a debit or ATM card", 35),
    ("Managing an account", "Banking errors", 28),
    ("Problem caused by your funds being low", "Overdrafts and overdraft fees", 22),
    ("Problem with a lender or other company charging your account", "Transaction was not authorized", 18),
    ("Closing an account", "Company closed your account", 18),
    ("Managing an account", "Fee problem", 17),
    ("Managing an account", "Funds not handled or disbursed as instructed", 16),
    ("Managing an account", "Problem making or receiving payments", 13),
    ("Closing an account", "Can't close your account", 11),
    ("Managing an account", "Cashing a check", 9),
    ("Closing an account", "Funds not received from closed account", 9),
    ("Opening an account", "Unable to open an account", 5),
)
BANK_ISSUES_LEGACY = (
    ("Account opening, closing, or management", "", 45), ("Deposits and withdrawals", "", 25),
    ("Problems caused by my funds being low", "", 15), ("Making/receiving payments, sending money", "", 10),
    ("Using a debit or ATM card", "", 5),
)
CARD_ISSUES = (
    ("Problem with a purchase shown on your statement",
     "Credit card company isn't resolving a dispute about a purchase on your statement", 52),
    ("Closing your account", "Company closed your account", 21),
    ("Problem with a purchase shown on your statement",
     "Card was charged for something you did not purchase with the card", 21),
    ("Fees or interest", "Problem with fees", 19),
    ("Other features, terms, or problems", "Other problem", 19),
    ("Problem when making payments", "Problem during payment process", 19),
    ("Advertising and marketing, including promotional offers", "Didn't receive advertised or promotional terms", 11),
    ("Fees or interest", "Charged too much interest", 10),
    ("Getting a credit card", "Application denied", 9),
    ("Trouble using your card", "Can't use card to make purchases", 9),
    ("Getting a credit card", "Card opened as result of identity theft or fraud", 8),
    ("Unexpected or other fees", "", 7),
)
CARD_ISSUES_LEGACY = (
    ("Billing disputes", "", 30), ("Other", "", 15), ("Identity theft / Fraud / Embezzlement", "", 12),
    ("Closing/Cancelling account", "", 10), ("APR or interest rate", "", 8), ("Late fee", "", 6),
    ("Customer service / Customer relations", "", 6), ("Credit reporting", "", 5), ("Delinquent account", "", 5),
)
MORTGAGE_ISSUES = (
    ("Trouble during payment process", "", 142), ("Struggling to pay mortgage", "", 84),
    ("Closing on a mortgage", "", 24), ("Applying for a mortgage or refinancing an existing mortgage", "", 19),
    ("Incorrect information on your report", "Account information incorrect", 6),
)
MORTGAGE_ISSUES_LEGACY = (
    ("Loan modification,collection,foreclosure", "", 45), ("Loan servicing, payments, escrow account", "", 32),
    ("Application, originator, mortgage broker", "", 8), ("Settlement process and costs", "", 6),
    ("Credit decision / Underwriting", "", 5), ("Other", "", 4),
)
STUDENT_ISSUES = (
    ("Dealing with your lender or servicer", "Received bad information about your loan", 20),
    ("Dealing with your lender or servicer", "Trouble with how payments are being handled", 20),
    ("Struggling to repay your loan", "Can't get other flexible options for repaying your loan", 14),
    ("Dealing with your lender or servicer", "Problem with customer service", 9),
    ("Dealing with your lender or servicer", "Don't agree with the fees charged", 7),
    ("Struggling to repay your loan", "Problem lowering your monthly payments", 7),
    ("Dealing with your lender or servicer", "Need information about your loan balance or loan terms", 7),
    ("Dealing with your lender or servicer", "Keep getting calls about your loan", 3),
    ("Getting a loan", "Fraudulent loan", 1),
)
STUDENT_ISSUES_LEGACY = (
    ("Dealing with my lender or servicer", "Received bad information about my loan", 10),
    ("Dealing with my lender or servicer", "Having problems with customer service", 8),
    ("Dealing with my lender or servicer", "Trouble with how payments are handled", 8),
    ("Can't repay my loan", "Can't decrease my monthly payments", 6),
    ("Can't repay my loan", "Can't temporarily postpone payments", 4),
)
VEHICLE_ISSUES = (
    ("Managing the loan or lease", "Billing problem", 15),
    ("Struggling to pay your loan", "Loan balance remaining after the vehicle is repossessed and sold", 6),
    ("Problems at the end of the loan or lease",
     "Unable to receive car title or other problem after the loan is paid off", 5),
    ("Problems at the end of the loan or lease", "Problem with paying off the loan", 4),
    ("Getting a loan or lease", "Fraudulent loan", 4),
    ("Managing the loan or lease", "Loan sold or transferred to another company", 3),
    ("Managing the loan or lease", "Problem with the interest rate", 3),
    ("Struggling to pay your loan", "Denied request to lower payments", 3),
    ("Struggling to pay your loan", "Lender trying to repossess or disable the vehicle", 2),
)
CONSUMER_LOAN_ISSUES_LEGACY = (
    ("Managing the loan or lease", "", 40), ("Problems when you are unable to pay", "", 25),
    ("Taking out the loan or lease", "", 15), ("Shopping for a loan or lease", "", 8),
    ("Payoff process", "", 7), ("Can't contact lender", "", 5),
)
PAYDAY_ISSUES = (
    ("Charged fees or interest you didn't expect", "", 21), ("Struggling to pay your loan", "", 12),
    ("Problem when making payments", "", 8), ("Getting the loan", "", 5),
    ("Received a loan you didn't apply for", "", 3), ("Problem with the payoff process at the end of the loan", "", 2),
    ("Problem with additional add-on products or services", "", 2), ("Can't contact lender or servicer", "", 1),
    ("Incorrect information on your report", "Personal information incorrect", 2),
)
PAYDAY_ISSUES_LEGACY = (
    ("Charged fees or interest I didn't expect", "", 30), ("Can't contact lender", "", 10),
    ("Received a loan I didn't apply for", "", 8), ("Payment to acct not credited", "", 7),
    ("Can't stop charges to bank account", "", 7),
)
MONEY_ISSUES = (
    ("Fraud or scam", "", 21), ("Money was not available when promised", "", 9),
    ("Unauthorized transactions or other transaction problem", "", 8), ("Other transaction problem", "", 8),
    ("Managing, opening, or closing your mobile wallet account", "", 3), ("Confusing or missing disclosures", "", 1),
    ("Problem with customer service", "", 1),
)
MONEY_ISSUES_LEGACY = (
    ("Fraud or scam", "", 40), ("Other transaction issues", "", 30),
    ("Money was not available when promised", "", 20), ("Wrong amount charged or received", "", 10),
)
PREPAID_ISSUES = (
    ("Managing, opening, or closing account", "", 35), ("Fraud or scam", "", 25),
    ("Unauthorized transactions or other transaction issues", "", 25), ("Fees", "", 15),
)
DEBT_MGMT_ISSUES = (
    ("Fraud or scam", "", 40), ("Excessive fees", "", 30), ("Customer service / Customer relations", "", 30),
)

CR_SUBS = (("Credit reporting", 0.986), ("Other personal consumer report", 0.012), ("Credit repair services", 0.002))
DC_SUBS = (("Other debt", 219), ("I do not know", 179), ("Credit card debt", 156), ("Medical debt", 136),
           ("Auto debt", 24), ("Federal student loan debt", 16), ("Payday loan debt", 16),
           ("Private student loan debt", 15), ("Mortgage debt", 8), ("Telecommunications debt", 6), ("Rental debt", 5))
DC_SUBS_LEGACY = (("Other (i.e. phone, health club, etc.)", 30), ("I do not know", 20), ("Credit card", 18),
                  ("Medical", 15), ("Payday loan", 4), ("Auto", 3), ("Mortgage", 3), ("Non-federal student loan", 3),
                  ("Federal student loan", 2))
CHECKING_SUBS = (("Checking account", 237), ("Other banking product or service", 43), ("Savings account", 18),
                 ("CD (Certificate of Deposit)", 12), ("Personal line of credit", 2))
CARD_SUBS_2017 = (("General-purpose credit card or charge card", 210), ("Store credit card", 46),
                  ("General-purpose prepaid card", 19), ("Government benefit card", 3), ("Gift card", 1))
CARD_SUBS = (("General-purpose credit card or charge card", 82), ("Store credit card", 18))
MORTGAGE_SUBS = (("Conventional home mortgage", 170), ("FHA mortgage", 41), ("Other type of mortgage", 37),
                 ("Home equity loan or line of credit (HELOC)", 15), ("VA mortgage", 14), ("Reverse mortgage", 3))
MORTGAGE_SUBS_LEGACY = (("Conventional fixed mortgage", 35), ("Other mortgage", 25), ("FHA mortgage", 15),
                        ("Conventional adjustable mortgage (ARM)", 10), ("Home equity loan or line of credit", 8),
                        ("VA mortgage", 4), ("Reverse mortgage", 2))
STUDENT_SUBS = (("Federal student loan servicing", 60), ("Private student loan", 36))
STUDENT_SUBS_LEGACY = (("Non-federal student loan", 60), ("Federal student loan servicing", 40))
VEHICLE_SUBS = (("Loan", 58), ("Lease", 13))
PAYDAY_SUBS = (("Installment loan", 35), ("Payday loan", 14), ("Personal line of credit", 8), ("Title loan", 6))
MONEY_SUBS = (("Domestic (US) money transfer", 20), ("Mobile or digital wallet", 17),
              ("International money transfer", 10), ("Virtual currency", 2), ("Money order", 1))
MONEY_SUBS_LEGACY = (("Domestic (US) money transfer", 55), ("International money transfer", 45))
PREPAID_SUBS = (("General-purpose prepaid card", 60), ("Government benefit card", 20), ("Gift card", 12),
                ("Payroll card", 8))
PREPAID_SUBS_LEGACY = (("General purpose card", 60), ("Government benefit payment card", 15),
                       ("Gift or merchant card", 15), ("Payroll card", 10))
CONSUMER_LOAN_SUBS_LEGACY = (("Vehicle loan", 55), ("Installment loan", 20), ("Vehicle lease", 10),
                             ("Personal line of credit", 8), ("Title loan", 4), ("Pawn loan", 3))
NO_SUB = (("", 1),)

# (product, share in its period, sub-products, issues, company groups, narrative kind)
_CR_COMPANIES = (("bureau", 0.92), ("reseller", 0.03), ("bank", 0.03), ("collector", 0.02))
_DC_COMPANIES = (("collector", 0.86), ("bank", 0.08), ("lender", 0.04), ("student", 0.02))
PERIODS = (
    (  # before TAXONOMY_2017 (shares assumed from the early database)
        ("Mortgage", 0.27, MORTGAGE_SUBS_LEGACY, MORTGAGE_ISSUES_LEGACY, (("servicer", 0.8), ("bank", 0.2)), "loan"),
        ("Debt collection", 0.22, DC_SUBS_LEGACY, DC_ISSUES_LEGACY, _DC_COMPANIES, "dc"),
        ("Credit reporting", 0.18, NO_SUB, CR_ISSUES_LEGACY, _CR_COMPANIES, "credit"),
        ("Credit card", 0.12, NO_SUB, CARD_ISSUES_LEGACY, (("bank", 1.0),), "bank"),
        ("Bank account or service", 0.11,
         (("Checking account", 75), ("Other bank product/service", 12), ("Savings account", 10),
          ("(CD) Certificate of deposit", 3)), BANK_ISSUES_LEGACY, (("bank", 1.0),), "bank"),
        ("Consumer Loan", 0.04, CONSUMER_LOAN_SUBS_LEGACY, CONSUMER_LOAN_ISSUES_LEGACY,
         (("auto", 0.6), ("lender", 0.3), ("bank", 0.1)), "loan"),
        ("Student loan", 0.03, STUDENT_SUBS_LEGACY, STUDENT_ISSUES_LEGACY, (("student", 1.0),), "loan"),
        ("Payday loan", 0.01, NO_SUB, PAYDAY_ISSUES_LEGACY, (("lender", 1.0),), "loan"),
        ("Money transfers", 0.01, MONEY_SUBS_LEGACY, MONEY_ISSUES_LEGACY, (("fintech", 0.8), ("bank", 0.2)), "bank"),
        ("Prepaid card", 0.01, PREPAID_SUBS_LEGACY, PREPAID_ISSUES, (("fintech", 0.7), ("bank", 0.3)), "bank"),
        ("Other financial service", 0.003, (("Debt settlement", 40), ("Credit repair", 35), ("Check cashing", 25)),
         DEBT_MGMT_ISSUES, (("repair", 1.0),), "generic"),
    ),
    (  # TAXONOMY_2017 .. TAXONOMY_2023: product shares of the 2019 sample
        ("Credit reporting, credit repair services, or other personal consumer reports", 0.513, CR_SUBS, CR_ISSUES,
         _CR_COMPANIES, "credit"),
        ("Debt collection", 0.195, DC_SUBS, DC_ISSUES_CURRENT, _DC_COMPANIES, "dc"),
        ("Checking or savings account", 0.078, CHECKING_SUBS, CHECKING_ISSUES, (("bank", 1.0),), "bank"),
        ("Mortgage", 0.070, MORTGAGE_SUBS, MORTGAGE_ISSUES, (("servicer", 0.75), ("bank", 0.25)), "loan"),
        ("Credit card or prepaid card", 0.070, CARD_SUBS_2017, CARD_ISSUES, (("bank", 0.9), ("fintech", 0.1)), "bank"),
        ("Student loan", 0.024, STUDENT_SUBS, STUDENT_ISSUES, (("student", 1.0),), "loan"),
        ("Vehicle loan or lease", 0.018, VEHICLE_SUBS, VEHICLE_ISSUES, (("auto", 0.8), ("bank", 0.2)), "loan"),
        ("Payday loan, title loan, or personal loan", 0.016, PAYDAY_SUBS, PAYDAY_ISSUES,
         (("lender", 0.9), ("bank", 0.1)), "loan"),
        ("Money transfer, virtual currency, or money service", 0.014, MONEY_SUBS, MONEY_ISSUES,
         (("fintech", 0.8), ("bank", 0.2)), "bank"),
        ("Debt or credit management", 0.002, (("Debt settlement", 50), ("Credit repair services", 50)),
         DEBT_MGMT_ISSUES, (("repair", 1.0),), "generic"),
    ),
    (  # TAXONOMY_2023 on (shares assumed: credit reporting dominant)
        ("Credit reporting or other personal consumer reports", 0.700, CR_SUBS, CR_ISSUES, _CR_COMPANIES, "credit"),
        ("Debt collection", 0.090, DC_SUBS, DC_ISSUES_CURRENT + DC_ISSUES_ECOMM, _DC_COMPANIES, "dc"),
        ("Checking or savings account", 0.055, CHECKING_SUBS, CHECKING_ISSUES, (("bank", 1.0),), "bank"),
        ("Credit card", 0.045, CARD_SUBS, CARD_ISSUES, (("bank", 1.0),), "bank"),
        ("Mortgage", 0.035, MORTGAGE_SUBS, MORTGAGE_ISSUES, (("servicer", 0.75), ("bank", 0.25)), "loan"),
        ("Money transfer, virtual currency, or money service", 0.020, MONEY_SUBS, MONEY_ISSUES,
         (("fintech", 0.8), ("bank", 0.2)), "bank"),
        ("Student loan", 0.012, STUDENT_SUBS, STUDENT_ISSUES, (("student", 1.0),), "loan"),
        ("Vehicle loan or lease", 0.012, VEHICLE_SUBS, VEHICLE_ISSUES, (("auto", 0.8), ("bank", 0.2)), "loan"),
        ("Payday loan, title loan, personal loan, or advance loan", 0.010, PAYDAY_SUBS, PAYDAY_ISSUES,
         (("lender", 0.9), ("bank", 0.1)), "loan"),
        ("Prepaid card", 0.005, PREPAID_SUBS, PREPAID_ISSUES, (("fintech", 0.7), ("bank", 0.3)), "bank"),
        ("Debt or credit management", 0.003, (("Debt settlement", 50), ("Credit repair services", 50)),
         DEBT_MGMT_ISSUES, (("repair", 1.0),), "generic"),
    ),
)

# Company groups: (how many, name pattern, Zipf exponent, weights of the first few if fixed).
# A few companies take most complaints (the three bureaus ~90% of credit reporting, as in the
# sample where the three real bureaus had 1,760 of 2,043), then a long Zipf tail. All names are
# synthetic and say so.
COMPANY_GROUPS = {
    "bureau": (3, "Synthetic Credit Bureau {i}, Inc. (SYNTHETIC)", None, (0.48, 0.33, 0.19)),
    "reseller": (120, "Example Consumer Reports {i:03d} (synthetic)", 1.1, None),
    "bank": (400, "Example National Bank {i:03d}, N.A. (synthetic)", 1.15, None),
    "collector": (3500, "Example {kind} {i:04d} LLC (synthetic)", 1.0, None),
    "servicer": (250, "Example Mortgage Servicing {i:03d}, LLC (synthetic)", 1.1, None),
    "student": (30, "Example Student Loan Servicer {i:02d} (synthetic)", 1.2, None),
    "auto": (300, "Example Auto Finance {i:03d} (synthetic)", 1.1, None),
    "lender": (900, "Example Fast Cash {i:03d}, Inc. (synthetic)", 1.0, None),
    "fintech": (300, "Example Pay {i:03d} Inc. (synthetic)", 1.2, None),
    "repair": (200, "Example Credit Repair {i:03d} (synthetic)", 0.9, None),
}
COLLECTOR_KINDS = ("Collections", "Recovery", "Receivables", "Asset Management", "Credit Services", "Law Group")

# ---------------------------------------------------------------------------------------------
# Narratives: sentences from templates, filled once per file from the seed. Slots: {amt} {amt2}
# -> "{$123.00}", {n} {m} small counts, {night} {day} {early} {late} clock times, {pct} a rate.
# Sentence count per narrative: lognormal (median 10, capped), one sentence for NARR_ONE_SHARE;
# the real sample's narratives have median 790 and mean 1,160 characters, 38% with line breaks.
NARR_ONE_SHARE = 0.06
NARR_MEDIAN_SENTENCES = 10
NARR_SIGMA = 0.8
NARR_MAX_SENTENCES = 60
NARR_BREAK_SHARE = 0.50       # narratives with paragraph breaks
NARR_BREAK_PER_SENTENCE = 0.22
NARR_LF_BREAK_SHARE = 0.25    # of those, LF-only breaks (as in the 2023 payday export); else CRLF
POOL_FILLS = 300              # filled variants per template

T_GENERIC = (
    "I have tried to resolve this with the company since XX/XX/XXXX, but nothing has changed.",
    "I called customer service on XX/XX/XXXX and was on hold for {n} minutes before the call dropped.",
    "I am asking the CFPB to help me get this resolved.",
    "I sent a letter by certified mail on XX/XX/XXXX, and I have copies of everything I sent.",
    "The representative, XXXX, said someone would call me back within {n} business days, and no one ever did.",
    "This has caused me a great deal of stress, and my family has been affected as well.",
    "I have attached the documents that show what I am saying is true, including a statement dated XX/XX/XXXX.",
    "Please help me, I do not know what else to do.",
    "They told me, \"{quote}\", which is not what I was told before.",
    "I was told to wait {n} to {m} weeks, then another {n} weeks, and still nothing.",
    "My account number ends in XXXX, and my reference number is XXXX.",
    "I spoke with a supervisor named XXXX who said there was \"nothing they could do\".",
    "I feel this company is taking advantage of consumers like me.",
    "I have been a customer for {n} years and have never been treated this way.",
)
T_CREDIT = (
    "There is an account from XXXX on my credit report that I never opened.",
    "I disputed the XXXX account with all three bureaus on XX/XX/XXXX, and the result said \"verified\" without "
    "any real investigation.",
    "My report shows a late payment for XX/XX/XXXX, but I paid {amt} on time and have the receipt.",
    "There are {n} hard inquiries on my report that I did not authorize.",
    "Under the Fair Credit Reporting Act, section 611, they must investigate my dispute within 30 days.",
    "My name and address are listed incorrectly as XXXX XXXX, XXXX, XX.",
    "The balance shows {amt} even though the account was closed in XXXX.",
    "This collection account, for {amt}, was removed in XXXX and has now reappeared on my report.",
    "My credit score dropped {n} points because of this error, and I was denied a loan on XX/XX/XXXX.",
    "I placed a fraud alert and a security freeze, but new accounts are still being opened in my name.",
)
T_BANK = (
    "On XX/XX/XXXX I noticed a charge of {amt} that I did not make.",
    "The bank charged me {n} overdraft fees of {amt} each in a single day.",
    "My account was closed without notice, and my balance of {amt} has not been returned.",
    "I disputed the charge, and they said the merchant, XXXX, provided \"proof\" of the purchase.",
    "My card was declined at XXXX even though I had {amt} available.",
    "The promotional rate of {pct}% was never applied to my balance.",
    "A deposit of {amt} made on XX/XX/XXXX was held for {n} days without explanation.",
    "I sent {amt} through the app, and the money never arrived, but it was taken from my account.",
    "They froze my account for a \"review\" and I could not pay my rent of {amt}.",
)
T_LOAN = (
    "My servicer applied my payment of {amt} to fees instead of principal.",
    "I applied for a loan modification on XX/XX/XXXX, and they keep asking for the same documents.",
    "The interest rate on my loan went up to {pct}% without warning.",
    "My loan was transferred to XXXX, and they say they never received my payment of {amt}.",
    "The payoff amount they gave me was {amt} higher than my statement.",
    "They repossessed my vehicle on XX/XX/XXXX even though I was only {n} days late.",
    "I borrowed {amt} and have already paid back {amt2}, but they say I still owe more.",
    "They keep withdrawing money from my checking account after I revoked the authorization on XX/XX/XXXX.",
    "My escrow account was short by {amt}, and my monthly payment went up without any explanation.",
    "The foreclosure sale was scheduled for XX/XX/XXXX while my application was still under review.",
)
T_DC_DEBT = (
    "A collection agency, XXXX, is trying to collect {amt} for a debt I do not owe.",
    "I sent a debt validation letter on XX/XX/XXXX and never received any proof of the debt.",
    "The original creditor, XXXX, told me the account was paid in full in XXXX.",
    "This debt is from XXXX and is past the statute of limitations in my state.",
    "The amount they are asking for keeps changing, first {amt} and now {amt2}.",
    "This medical bill should have been paid by my insurance, and I have the explanation of benefits.",
    "I was a victim of identity theft, and I filed a police report, number XXXX.",
    "The debt was discharged in my chapter 7 bankruptcy on XX/XX/XXXX.",
    "They never sent me a letter explaining my right to dispute the debt.",
    "The collection account appeared on my credit report for {amt} without any notice.",
)
T_DC_CONDUCT = (
    "They called me at {night} on XX/XX/XXXX, which woke up my children.",
    "The collector called me {n} times in one day, starting at {early} and again after {late}.",
    "They keep calling me at work even though I told them my employer does not allow personal calls.",
    "They called my boss, XXXX, and told him that I owe money.",
    "A collector called my mother and my sister and told them about my debt.",
    "They left a message with my neighbor saying I had a \"legal matter\" and needed to call back.",
    "The caller said, \"We will have you arrested if you do not pay {amt} today.\"",
    "They threatened to sue me and garnish my wages if I did not pay by XX/XX/XXXX.",
    "The man on the phone said he was from the sheriff's office and that a warrant would be issued.",
    "He called me a \"deadbeat\" and used profanity when I asked for the name of his company.",
    "I told them in writing on XX/XX/XXXX to stop contacting me, but they called {n} more times.",
    "They send me text messages and e-mails every day, sometimes {n} in one night.",
    "They said they would ruin my credit unless I paid {amt} immediately.",
    "I told them I have an attorney, XXXX, but they keep calling me directly.",
    "They called my phone {n} times a week for {m} weeks.",
    "The first call came at {day}, and the last one that day was at {night}.",
    "They called my cousin, my ex-wife and a coworker looking for me.",
    "A woman from XXXX called me at {early} on a Sunday and said she would come to my house.",
    "They said they were with a law firm and that I would go to jail, but they are not attorneys.",
    "Even after I said it was not a good time, they called back {n} minutes later.",
)
QUOTES = ("we cannot help you", "the account is in good standing", "your payment was received",
          "this will be fixed in 30 days", "you must pay today", "there is nothing we can do",
          "we never received your letter", "the matter is closed")
NIGHT_TIMES = ("10:30 pm", "11:15 p.m.", "9:45 pm", "6:10 am", "5:30 in the morning", "midnight", "11pm",
               "10 at night", "9:30 PM", "7:05 am", "10:50 p.m.", "6:45 a.m.", "12:20 am")
DAY_TIMES = ("9:15 am", "noon", "2 pm", "3:30 p.m.", "10:00 AM", "1:45 pm", "4 in the afternoon")
# Sentence pools per narrative kind: (templates, repeat factor) mixtures.
NARRATIVE_KINDS = {
    "credit": ((T_CREDIT, 3), (T_GENERIC, 1)),
    "bank": ((T_BANK, 3), (T_GENERIC, 1)),
    "loan": ((T_LOAN, 3), (T_GENERIC, 1)),
    "generic": ((T_GENERIC, 1), (T_LOAN, 1)),
    "dc": ((T_DC_DEBT, 3), (T_GENERIC, 1)),
    "dc_conduct": ((T_DC_CONDUCT, 4), (T_DC_DEBT, 1), (T_GENERIC, 1)),
}


# ---------------------------------------------------------------------------------------------
def _cdf(weights) -> np.ndarray:
    w = np.asarray(weights, dtype=np.float64)
    c = np.cumsum(w / w.sum())
    c[-1] = 1.0
    return c


def _pick(rng: np.random.Generator, cdf: np.ndarray, size: int) -> np.ndarray:
    """Indices drawn with the probabilities behind ``cdf``."""
    return np.searchsorted(cdf, rng.random(size), side="right").clip(0, len(cdf) - 1)


_SPECIAL = (",", '"', "\r", "\n")


def _csv_field(value: str) -> str:
    """``value`` as a CSV field: quoted (inner quotes doubled) only when it must be, as CFPB does."""
    if any(c in value for c in _SPECIAL):
        return '"' + value.replace('"', '""') + '"'
    return value


def _csv_array(values) -> np.ndarray:
    return np.array([_csv_field(v) for v in values], dtype=object)


class _Table:
    """Strings with weights: ``values`` (object array of CSV-ready fields) and their ``cdf``."""

    def __init__(self, pairs) -> None:
        self.values = _csv_array([p[0] for p in pairs])
        self.cdf = _cdf([p[-1] for p in pairs])

    def draw(self, rng: np.random.Generator, size: int) -> np.ndarray:
        return self.values[_pick(rng, self.cdf, size)]


def _companies() -> tuple[np.ndarray, dict[str, tuple[int, np.ndarray]]]:
    """All company names, and per group (offset into the names, probabilities of its members)."""
    names: list[str] = []
    groups: dict[str, tuple[int, np.ndarray]] = {}
    for key, (count, pattern, s, fixed) in COMPANY_GROUPS.items():
        offset = len(names)
        for i in range(1, count + 1):
            kind = COLLECTOR_KINDS[(i * 7) % len(COLLECTOR_KINDS)]
            names.append(pattern.format(i=i, kind=kind))
        w = np.asarray(fixed, dtype=np.float64) if fixed else 1.0 / np.arange(1, count + 1) ** s
        groups[key] = (offset, w / w.sum())
    return _csv_array(names), groups


def _fill(template: str, r: random.Random) -> str:
    def amt() -> str:
        v = (20 + r.randrange(880), 100 + r.randrange(8900), 1000 + r.randrange(39000))[r.randrange(3)]
        cents = r.randrange(100) if r.random() < 0.25 else (0, 50)[r.random() < 0.1]
        return "{$" + f"{v}.{cents:02d}" + "}"
    slots = {"n": lambda: 2 + r.randrange(29), "m": lambda: 2 + r.randrange(11), "amt": amt, "amt2": amt,
             "pct": lambda: r.choice((19.99, 24.9, 29.99, 36, 8.5)), "night": lambda: r.choice(NIGHT_TIMES),
             "day": lambda: r.choice(DAY_TIMES), "early": lambda: r.choice(NIGHT_TIMES[3:8] + ("7:30 am",)),
             "late": lambda: r.choice(NIGHT_TIMES[:5]), "quote": lambda: r.choice(QUOTES)}
    return template.format(**{k: f() for k, f in slots.items() if "{" + k + "}" in template})


def _narrative_pools(seed: int) -> tuple[np.ndarray, dict[str, tuple[int, int]]]:
    """One flat array of sentences (double quotes already doubled for CSV), and per kind its
    (offset, length) slice. Filled deterministically from ``seed``."""
    r = random.Random(f"gen_cfpb-narratives-{seed}")
    filled: dict[int, list[str]] = {}
    for templates in (T_GENERIC, T_CREDIT, T_BANK, T_LOAN, T_DC_DEBT, T_DC_CONDUCT):
        sentences = [_fill(t, r) for t in templates for _ in range(POOL_FILLS)]
        # A few typographic apostrophes, as consumers paste them from word processors.
        sentences = [s.replace("'", "\u2019") if i % 23 == 0 else s for i, s in enumerate(sentences)]
        filled[id(templates)] = [x.replace('"', '""') for x in sentences]
    flat: list[str] = []
    slices: dict[str, tuple[int, int]] = {}
    for kind, mixture in NARRATIVE_KINDS.items():
        start = len(flat)
        for templates, repeat in mixture:
            flat.extend(filled[id(templates)] * repeat)
        slices[kind] = (start, len(flat) - start)
    return np.array(flat, dtype=object), slices


class _Period:
    """Lookup tables of one taxonomy period."""

    def __init__(self, spec, company_groups) -> None:
        self.products = _csv_array([p[0] for p in spec])
        self.cdf = _cdf([p[1] for p in spec])
        self.subs = [_Table(p[2]) for p in spec]
        self.issues = [_Table([(i, w) for i, _, w in p[3]]) for p in spec]
        self.sub_issues = [_csv_array([s for _, s, _ in p[3]]) for p in spec]
        self.narrative_kind = [p[5] for p in spec]
        self.is_dc = [p[0] == "Debt collection" for p in spec]
        self.conduct_issue = [np.array([i in DC_CONDUCT_ISSUES for i, _, _ in p[3]]) for p in spec]
        self.company_cdf = []
        for p in spec:
            ids, probs = [], []
            for group, share in p[4]:
                offset, w = company_groups[group]
                ids.append(np.arange(offset, offset + len(w)))
                probs.append(w * share)
            self.company_cdf.append((np.concatenate(ids), _cdf(np.concatenate(probs))))


def _day_cdf(start: date, end: date) -> np.ndarray:
    """Cumulative share of complaints by day from ``start`` to ``end`` (inclusive)."""
    n = (end - start).days + 1
    ords = np.arange(n) + start.toordinal()
    years = sorted(YEAR_VOLUME_K)
    mid = [date(y, 7, 1).toordinal() for y in years]
    rate = np.interp(ords, mid, [YEAR_VOLUME_K[y] / 365.0 for y in years])
    weekday = (ords - 1) % 7  # date.fromordinal(1) is a Monday
    return _cdf(rate * np.asarray(WEEKDAY_FACTOR)[weekday])


def write_cfpb_csv(path: str | os.PathLike, rows: int, seed: int = 0, *, start_id: int = 1,
                   start: date = DEFAULT_START, end: date = DEFAULT_END, chunk_rows: int = CHUNK_ROWS,
                   progress: bool | None = None) -> dict[str, int]:
    """Write a synthetic CFPB Consumer Complaint Database CSV of ``rows`` complaints to ``path``.

    - ``rows``: number of data rows (complaints), besides the header line.
    - ``seed``: same ``rows``, ``seed``, ``start_id``, ``start``, ``end`` → byte-identical file.
    - ``start_id``: first Complaint ID; ids then increase by 1–20 per row (unique, in file order),
      so about 1.9 × ``rows`` ids are used (e.g. start a second file above the first one's last id).
    - ``start`` / ``end``: range of "Date received" (default 2011-12-01 .. 2026-11-30); "Date sent to
      company" is 0–30 days later, at most ``end``. Keep ``end`` at or before today: the importer
      quarantines rows received in the future.
    - ``chunk_rows``: rows drawn and written per chunk (memory is proportional to it, not to ``rows``).
    - ``progress``: print progress to stderr after each chunk (default: when ``rows`` ≥ 500,000).

    The file is UTF-8 without BOM, 18 columns (``HEADER``), CRLF line ends, quoted only where
    needed. Returns ``{"rows": data rows written, "narratives": rows with a narrative,
    "debt_collection": rows with Product "Debt collection", "bytes": file size in bytes,
    "first_id": first Complaint ID, "last_id": last Complaint ID}``.
    """
    if rows < 0:
        raise ValueError("rows must be >= 0")
    if end < start:
        raise ValueError("end is before start")
    progress = rows >= 500_000 if progress is None else progress
    rng = np.random.default_rng(seed)
    names, company_groups = _companies()
    periods = [_Period(spec, company_groups) for spec in PERIODS]
    sentences, kind_slices = _narrative_pools(seed)
    kind_names = list(NARRATIVE_KINDS)
    kind_offset = np.array([kind_slices[k][0] for k in kind_names])
    kind_len = np.array([kind_slices[k][1] for k in kind_names])
    day_cdf = _day_cdf(start, end)
    n_days = len(day_cdf)
    max_lag = max(lag for lag, _ in SENT_LAG)
    date_str = np.array([(start + timedelta(days=d)).isoformat() for d in range(n_days + max_lag + 1)], dtype=object)
    d_narr, d_2017, d_2023 = ((b - start).days for b in (NARRATIVE_START, TAXONOMY_2017, TAXONOMY_2023))
    d_legacy_resp, d_in_progress = (LEGACY_RESPONSES_END - start).days, n_days - IN_PROGRESS_DAYS
    lag_values = np.array([lag for lag, _ in SENT_LAG])
    lag_cdf = _cdf([w for _, w in SENT_LAG])
    gap_values = np.array([g for g, _ in ID_GAPS], dtype=np.int64)
    gap_cdf = _cdf([w for _, w in ID_GAPS])
    via_t, resp_t, resp_legacy_t = _Table(SUBMITTED_VIA), _Table(COMPANY_RESPONSE), _Table(COMPANY_RESPONSE_LEGACY)
    public_t, tags_t, consent_t = _Table(PUBLIC_RESPONSE), _Table(TAGS), _Table(CONSENT_OTHER_WEB)
    state_t = _Table(list(STATE_COUNTS.items()))
    state_zip = np.array([ZIP_FIRST_DIGIT[s] for s in STATE_COUNTS], dtype=np.int64)
    zip5 = np.array([f"{z:05d}" for z in range(100_000)], dtype=object)
    zip3 = np.array([f"{z:03d}XX" for z in range(1000)], dtype=object)
    kind_index = {k: i for i, k in enumerate(kind_names)}

    counts = {"rows": 0, "narratives": 0, "debt_collection": 0, "bytes": 0,
              "first_id": start_id, "last_id": start_id - 1}
    next_id = start_id
    t0 = time.perf_counter()
    path = Path(path)
    with open(path, "w", encoding="utf-8", newline="", buffering=1 << 20) as fh:
        fh.write(",".join(_csv_field(h) for h in HEADER) + "\r\n")
        for lo in range(0, rows, chunk_rows):
            n = min(chunk_rows, rows - lo)
            # Dates: row i sits near quantile i/rows of the volume curve, jittered.
            q = (np.arange(lo, lo + n) + rng.random(n)) / max(rows, 1)
            day = np.searchsorted(day_cdf, q, side="right")
            day = (day + np.rint(rng.normal(0.0, DATE_JITTER_DAYS, n)).astype(np.int64)).clip(0, n_days - 1)
            period = np.where(day < d_2017, 0, np.where(day < d_2023, 1, 2))
            # Products, sub-products, issues, companies by period and product.
            product = np.empty(n, dtype=object)
            sub_product = np.empty(n, dtype=object)
            issue = np.empty(n, dtype=object)
            sub_issue = np.empty(n, dtype=object)
            company = np.empty(n, dtype=object)
            kind = np.empty(n, dtype=np.int64)
            is_dc = np.zeros(n, dtype=bool)
            for pi, per in enumerate(periods):
                rows_p = np.flatnonzero(period == pi)
                if not len(rows_p):
                    continue
                prod_idx = _pick(rng, per.cdf, len(rows_p))
                for k in range(len(per.products)):
                    sel = rows_p[prod_idx == k]
                    m = len(sel)
                    if not m:
                        continue
                    product[sel] = per.products[k]
                    sub_product[sel] = per.subs[k].draw(rng, m)
                    ii = _pick(rng, per.issues[k].cdf, m)
                    issue[sel] = per.issues[k].values[ii]
                    sub_issue[sel] = per.sub_issues[k][ii]
                    ids, ccdf = per.company_cdf[k]
                    company[sel] = names[ids[_pick(rng, ccdf, m)]]
                    if per.is_dc[k]:
                        is_dc[sel] = True
                        share = np.where(per.conduct_issue[k][ii], *DC_CONDUCT_NARRATIVE_SHARE)
                        kind[sel] = np.where(rng.random(m) < share, kind_index["dc_conduct"], kind_index["dc"])
                    else:
                        kind[sel] = kind_index[per.narrative_kind[k]]
            # Channel, consent, narrative.
            via = via_t.draw(rng, n)
            web = via == "Web"
            referral_web = web & (day >= d_2023) & (rng.random(n) < WEB_REFERRAL_SHARE_2023)
            via[referral_web] = "Web Referral"
            web &= ~referral_web
            after_narr = day >= d_narr
            consent = np.where(after_narr, "N/A", "").astype(object)
            web_after = np.flatnonzero(web & after_narr)
            provided = rng.random(len(web_after)) < CONSENT_PROVIDED_WEB
            consent[web_after] = np.where(provided, "Consent provided", consent_t.draw(rng, len(web_after)))
            narr_rows = web_after[provided]
            narrative = np.full(n, "", dtype=object)
            if len(narr_rows):
                narrative[narr_rows] = _narratives(rng, sentences, kind_offset[kind[narr_rows]],
                                                   kind_len[kind[narr_rows]])
            # Company answer.
            public = np.where(after_narr, public_t.draw(rng, n), "").astype(object)
            response = np.where(day < d_legacy_resp, resp_legacy_t.draw(rng, n), resp_t.draw(rng, n)).astype(object)
            response[(day >= d_in_progress) & (rng.random(n) < IN_PROGRESS_SHARE)] = "In progress"
            timely = np.where((response == "Untimely response") | (rng.random(n) < TIMELY_NO_SHARE), "No", "Yes")
            disputed = np.where(day < d_2017, np.where(rng.random(n) < DISPUTED_YES, "Yes", "No"), "N/A")
            # Where.
            si = _pick(rng, state_t.cdf, n)
            state = state_t.values[si]
            z = state_zip[si] * 10_000 + rng.integers(0, 10_000, n)
            zip_code = zip5[z]
            masked = (narrative != "") | (rng.random(n) < ZIP_MASKED_SHARE)
            zip_code[masked] = zip3[z[masked] // 100]
            zip_code[((state == "") & (rng.random(n) < ZIP_EMPTY_NO_STATE)) | (rng.random(n) < ZIP_EMPTY_SHARE)] = ""
            tags = tags_t.draw(rng, n)
            # Sent on the day received or later, but never after the last date of the file.
            sent = np.minimum(day + lag_values[_pick(rng, lag_cdf, n)], n_days - 1)
            gaps = gap_values[_pick(rng, gap_cdf, n)]
            cid = next_id + np.cumsum(gaps) - gaps  # the first row gets next_id (start_id in chunk 1)
            next_id = int(cid[-1] + gaps[-1])
            # Every value is already a CSV field (quoted where needed): join into lines and write
            # them in slices of WRITE_ROWS (a few MB per write).
            lines = list(map(",".join, zip(
                date_str[day].tolist(), product.tolist(), sub_product.tolist(), issue.tolist(), sub_issue.tolist(),
                narrative.tolist(), public.tolist(), company.tolist(), state.tolist(), zip_code.tolist(),
                tags.tolist(), consent.tolist(), via.tolist(), date_str[sent].tolist(), response.tolist(),
                timely.tolist(), disputed.tolist(), cid.astype(str).tolist())))
            for w in range(0, n, WRITE_ROWS):
                fh.write("\r\n".join(lines[w:w + WRITE_ROWS]) + "\r\n")
            del lines
            counts["rows"] += n
            counts["narratives"] += len(narr_rows)
            counts["debt_collection"] += int(is_dc.sum())
            counts["last_id"] = int(cid[-1])
            if progress:
                fh.flush()
                size = os.fstat(fh.fileno()).st_size
                el = time.perf_counter() - t0
                print(f"gen_cfpb: {counts['rows']:,} / {rows:,} rows ({100 * counts['rows'] / rows:.0f}%), "
                      f"{size / 1e6:,.0f} MB, {counts['rows'] / el:,.0f} rows/s", file=sys.stderr, flush=True)
    counts["bytes"] = path.stat().st_size
    return counts


def _narratives(rng: np.random.Generator, sentences: np.ndarray, offsets: np.ndarray,
                lengths: np.ndarray) -> list[str]:
    """One narrative per row: sentences drawn from the row's kind slice (``offsets``/``lengths``
    into ``sentences``), joined with spaces or paragraph breaks, after SYNTHETIC_MARK."""
    m = len(offsets)
    k = np.rint(np.exp(rng.normal(np.log(NARR_MEDIAN_SENTENCES), NARR_SIGMA, m))).astype(np.int64)
    k = np.where(rng.random(m) < NARR_ONE_SHARE, 1, k.clip(1, NARR_MAX_SENTENCES))
    total = int(k.sum())
    row_of = np.repeat(np.arange(m), k)
    picked = sentences[np.repeat(offsets, k) + (rng.random(total) * np.repeat(lengths, k)).astype(np.int64)]
    # Separator after each sentence: space, or a paragraph break in narratives that have them.
    has_breaks = rng.random(m) < NARR_BREAK_SHARE
    lf_only = rng.random(m) < NARR_LF_BREAK_SHARE
    brk = has_breaks[row_of] & (rng.random(total) < NARR_BREAK_PER_SENTENCE)
    sep = np.full(total, " ", dtype=object)
    sep[brk & lf_only[row_of]] = "\n\n"
    sep[brk & ~lf_only[row_of]] = "\r\n\r\n"
    ends = np.cumsum(k)
    sep[ends - 1] = ""
    parts = (picked + sep).tolist()
    starts = (ends - k).tolist()
    head = SYNTHETIC_MARK + " "
    out = [head + "".join(parts[s:e]) for s, e in zip(starts, ends.tolist())]
    # Quote as CSV where needed (inner quotes were doubled in the pool).
    return ['"' + t + '"' if ("," in t or '"' in t or "\n" in t or "\r" in t) else t for t in out]


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.gen_cfpb", description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, required=True, help="data rows (complaints) to write")
    ap.add_argument("--out", type=Path, required=True, help="CSV file to write (put large files under /tmp)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--start-id", type=int, default=1, help="first Complaint ID (default 1)")
    ap.add_argument("--end", type=date.fromisoformat, default=DEFAULT_END,
                    help=f"last Date received, YYYY-MM-DD (default {DEFAULT_END})")
    ap.add_argument("--chunk-rows", type=int, default=CHUNK_ROWS)
    ap.add_argument("--quiet", action="store_true", help="no progress on stderr")
    args = ap.parse_args(argv)
    t = time.perf_counter()
    c = write_cfpb_csv(args.out, args.rows, args.seed, start_id=args.start_id, end=args.end,
                       chunk_rows=args.chunk_rows, progress=False if args.quiet else None)
    el = time.perf_counter() - t
    print(f"wrote {args.out}: {c['rows']:,} rows ({c['narratives']:,} with a narrative, "
          f"{c['debt_collection']:,} debt collection), Complaint IDs {c['first_id']}..{c['last_id']}, "
          f"{c['bytes'] / 1e6:,.1f} MB in {el:.1f} s ({c['rows'] / max(el, 1e-9):,.0f} rows/s, "
          f"{c['bytes'] / 1e6 / max(el, 1e-9):,.1f} MB/s)", file=sys.stderr)


if __name__ == "__main__":
    main()
