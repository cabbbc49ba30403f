"""The synthetic council: invented children, families and officers, never real people.

Two entry points over one set of parts:

- `demo.seed.demo_build` (``manage.py seed_demo``): the realistic demo unit, about 220
  children looked after and 115 on plans, told child by child (`builder.DemoBuilder` with
  the area modules `looked_after`, `protection`, `fostering` and `disputes`). Its shape
  follows a real council's annual report, its stories are picked so that every screen
  has something to show (an overdue first review, a child awaiting an initial
  conference, a challenge at each level), and every due date is stored by running the
  areas' schedule services, as a real write would.
- `demo.council.council_build`: the bulk council the benchmarks run on (bench_report
  keeps it, bench_alerts and bench_import build it and roll it back), of any size:
  20,000 children in seconds, 200,000 in minutes. It writes plain rows with bulk
  inserts, computes due dates from the rules instead of running services, and refreshes
  the database's statistics (ANALYZE) when loaded.

They stay two because they want opposite things: the demo is hand-shaped (sibling
groups, kept-together IROs, Report-sized shares dealt from decks, schedule services per
record) and would take hours at benchmark sizes, while the bulk council gives up the
storytelling for speed. What a child, a review or a plan looks like is shared:
invented names and phrases come from `demo.names`; code tables (ethnicity,
participation, category of need, placements, endings, categories of abuse, challenges),
random draws and working-day/date helpers from `demo.parts`.

Also here: `reset` (clear the case data the demo replaces) and the commands seed_demo,
bench_report, bench_alerts, bench_import and take_screenshots.
"""
