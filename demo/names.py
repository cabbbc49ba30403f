"""Invented names and the phrases the demo's case records use.

Every person in the demo is made up by pairing a common first name with a common
surname at random; no real child, family, carer or officer is described.
"""

# fmt: off
GIRLS = [
    "Amelia", "Olivia", "Isla", "Ava", "Mia", "Ivy", "Lily", "Freya", "Florence", "Grace",
    "Sophia", "Poppy", "Evie", "Ella", "Willow", "Daisy", "Millie", "Ruby", "Chloe",
    "Layla", "Jessica", "Holly", "Phoebe", "Erin", "Megan", "Leah", "Sienna", "Maisie",
    "Harper", "Esme", "Lacey", "Summer", "Kayla", "Paige", "Courtney", "Amber", "Bethany",
    "Jade", "Niamh", "Zara", "Aisha", "Amira", "Hannah", "Imogen", "Lola", "Nancy",
    "Rosie", "Tilly", "Alice", "Darcy",
]
BOYS = [
    "Oliver", "George", "Noah", "Arthur", "Leo", "Harry", "Oscar", "Archie", "Jack",
    "Henry", "Charlie", "Freddie", "Theo", "Thomas", "Alfie", "Jacob", "Finley", "Lucas",
    "Mason", "Logan", "Riley", "Tyler", "Kai", "Jayden", "Callum", "Connor", "Kieran",
    "Liam", "Dylan", "Reece", "Ethan", "Joseph", "Samuel", "Max", "Teddy", "Reuben",
    "Ryan", "Bailey", "Lewis", "Corey", "Adam", "Ibrahim", "Yusuf", "Zain", "Owen",
    "Louie", "Jenson", "Tommy", "Jamie", "Cody",
]
ADULT_WOMEN = [
    "Sarah", "Emma", "Laura", "Rebecca", "Gemma", "Claire", "Kelly", "Nicola", "Donna",
    "Leanne", "Michelle", "Kirsty", "Joanne", "Stacey", "Natalie", "Hayley", "Amy", "Lisa",
    "Rachel", "Zoe",
]
ADULT_MEN = [
    "Craig", "Darren", "Lee", "Wayne", "Paul", "Mark", "Steven", "Gary", "Carl", "Scott",
    "Dean", "Jason", "Shaun", "Martin", "Neil", "Stuart", "Andrew", "Kevin", "Jamie",
    "Richard",
]
SURNAMES = [
    "Smith", "Jones", "Taylor", "Brown", "Wilson", "Walker", "Wright", "Robinson",
    "Thompson", "White", "Hughes", "Edwards", "Green", "Hall", "Wood", "Harris", "Lewis",
    "Martin", "Jackson", "Clarke", "Clark", "Turner", "Hill", "Scott", "Cooper", "Morris",
    "Ward", "Moore", "King", "Watson", "Baker", "Harrison", "Morgan", "Young", "Allen",
    "Mitchell", "James", "Anderson", "Phillips", "Lee", "Bell", "Parker", "Davis",
    "Bennett", "Shaw", "Cook", "Price", "Griffiths", "Richardson", "Carter", "Bailey",
    "Collins", "Kelly", "Robson", "Dixon", "Marshall", "Atkinson", "Pearson", "Graham",
    "Stephenson", "Lambert", "Dawson", "Fletcher", "Chapman", "Armstrong", "Campbell",
    "Murphy",
]
# Surnames drawn for families of these ethnic groups (pinned convention 10's groups).
SURNAMES_BY_GROUP = {
    "asian": [
        "Patel", "Hussain", "Khan", "Ali", "Begum", "Rahman", "Kaur", "Singh", "Iqbal",
        "Ahmed",
    ],
    "black": [
        "Okafor", "Mensah", "Campbell", "Adeyemi", "Boateng", "Francis", "Grant", "Osei",
    ],
    "mixed": [
        "Campbell", "Grant", "Francis", "Smith", "Khan", "Ali", "Walker", "Brown",
    ],
    "other": [
        "Chen", "Nowak", "Kowalski", "Rossi", "Silva", "Ozturk", "Nguyen", "Haddad",
    ],
}
OFFICER_NAMES = [
    ("Helen", "Ashworth"), ("David", "Kettering"), ("Priya", "Raman"),
    ("Sian", "Pritchard"), ("Mohammed", "Rafiq"), ("Fiona", "Lindqvist"),
]
# fmt: on
STAFF_NAMES = {
    "support": ("Janet", "Coulson"),
    "head": ("Ruth", "Hargreaves"),
    "admin": ("Tom", "Ellery"),
    "fosterreviewer": ("Margaret", "Oduya"),
}

REVIEW_VENUES = [
    "Foster home",
    "Children's home",
    "School",
    "Town Hall, meeting room 2",
    "Family hub (north)",
    "Family hub (south)",
    "Online (video call)",
]
CONFERENCE_VENUES = [
    "Town Hall, conference room 1",
    "Town Hall, conference room 2",
    "Family hub (north)",
    "Family hub (south)",
    "Hybrid: Town Hall and video call",
]

# What a review child protection conference asks of the core group (the plan's actions).
CONFERENCE_DECISIONS = [
    ("Social worker", "Complete the core assessment and share it with the core group"),
    ("Social worker", "Hold the next core group meeting and circulate its notes"),
    ("Health visitor", "Visit the family at home and report on the baby's weight"),
    ("Designated teacher", "Report on attendance and any concerns each week"),
    ("Parent", "Attend the parenting programme sessions"),
    ("Team manager", "Agree the referral to the family support service"),
]

REVIEW_DECISIONS = [
    ("Social worker", "Complete the updated assessment of the child's needs"),
    ("Social worker", "Arrange a life story work session"),
    ("Social worker", "Confirm the plan for family time and share it with the child"),
    ("Social worker", "Refer the child to the advocacy service"),
    ("Social worker", "Update the care plan to reflect the permanence decision"),
    ("Team manager", "Confirm funding for the current placement"),
    ("Team manager", "Present the long-term match to the fostering panel"),
    ("Designated teacher", "Update the personal education plan"),
    ("Looked-after children nurse", "Complete the annual review health assessment"),
    ("Looked-after children nurse", "Arrange the overdue dental check"),
    ("Foster carer", "Support the child to join an after-school club"),
    ("Foster carer", "Keep a record of contact arrangements and how the child responds"),
    ("Independent reviewing officer", "Visit the child before the next review"),
    ("Personal adviser", "Start the pathway plan with the young person"),
    ("Child and adolescent mental health service", "Offer an assessment appointment"),
]
REVIEW_DECISIONS_YOUNG = [
    ("Social worker", "Share the assessment of the child's development with the carers"),
    ("Health visitor", "Complete the developmental check"),
    ("Foster carer", "Keep the daily record of family time"),
    ("Social worker", "Confirm the plan for family time and share it with the carers"),
    ("Team manager", "Confirm the timetable for the care proceedings"),
]

CONTACT_NOTES = {
    "visit": [
        "Met the child at the placement before the review.",
        "Visited at school; the child talked about their plan for family time.",
        "Visited the placement and saw the child's bedroom and new bike.",
        "Met the child with the foster carer; discussed the agenda for the review.",
    ],
    "call": [
        "Phone call with the young person about the upcoming review.",
        "Video call: the child shared their views for the review.",
        "Call with the social worker about progress on review decisions.",
    ],
    "other": [
        "Sent a card and the 'My review' booklet.",
        "Text messages with the young person to arrange a visit.",
    ],
}

CANCELLATION_REASONS = [
    "The child was unwell on the day; rearranged.",
    "The social worker's report was not ready; rearranged to a later date.",
    "The placement changed the day before; review rearranged.",
]
CONFERENCE_CANCELLATION_REASONS = [
    "Parent's solicitor unavailable; rearranged within timescale.",
    "Key agency reports not received; rearranged.",
]

DISPUTE_SUMMARIES = {
    "care_planning": "The care plan has not been updated since the last review and does not "
    "reflect the current placement.",
    "plan_implementation": "The agreed assessment of the grandparents as carers has not started.",
    "drift": "Permanence planning has drifted: the matching report is three months late.",
    "no_social_worker": "The child has had no allocated social worker for six weeks.",
    "poor_practice": "Statutory visits have not taken place within timescale.",
    "participation": "The child's request for an advocate has not been acted on.",
    "review_decisions": "Decisions from the last review have not been carried out.",
    "other": "Education placement not secured; the child has been out of school for four weeks.",
}
INFORMAL_OUTCOMES = [
    "Agreed with the team manager; actions completed within five working days.",
    "Social worker allocated and visit arranged.",
    "Care plan updated and circulated.",
    "Assessment started; timescales agreed with the IRO.",
]
STAGE_RESPONSES = [
    "Accepted the concern; an action plan has been agreed with dates.",
    "Responded with a timetable for the outstanding work.",
    "Agreed to fund the placement and to update the care plan.",
    "Team manager has allocated a new social worker.",
]
STAGE_ESCALATION_RESPONSES = [
    "Responded but did not agree a plan; the IRO escalated.",
    "Partial response only; the concern remains unresolved.",
]

EXCLUSION_REASON = (
    "Risk of violence to the child's mother at the meeting; his views were gathered by the "
    "social worker beforehand and shared with the conference."
)

FOSTER_TERMS_MAINSTREAM = [
    "Up to 2 children aged 0 to 18",
    "Up to 3 children aged 0 to 18, including sibling groups",
    "1 child aged 0 to 10",
    "Up to 2 children aged 5 to 18",
    "Parent and child placements; up to 2 children aged 0 to 5",
    "Up to 2 children aged 11 to 18, including staying put",
]
FOSTER_TERMS_CONNECTED = "Connected person carer for named children"
FOSTER_TERMS_SHORT_BREAKS = "Short breaks for up to 2 disabled children aged 5 to 18"
FOSTER_RECOMMENDATIONS = [
    "Continued approval recommended; terms of approval unchanged.",
    "Continued approval recommended; training in therapeutic parenting to be completed.",
    "Continued approval recommended; terms of approval widened to include sibling groups.",
    "Continued approval recommended; support plan agreed with the supervising social worker.",
]

REBALANCE_REASON = "Caseload rebalancing across the team"
SIBLINGS_REASON = "Sibling group brought together under one IRO"
ALLOCATION_REASONS = [
    REBALANCE_REASON,
    "IRO on long-term leave: cases reallocated",
    "Conflict of interest: the IRO reviews the carers' household",
    "The young person asked for a change of IRO",
    SIBLINGS_REASON,
]
AGENCY_REBALANCE_REASON = "Caseloads rebalanced when the agency IRO joined the team"
