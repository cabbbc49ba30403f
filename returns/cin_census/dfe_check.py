"""Check CIN census files against the schema and the DfE's own rules.

Not part of Oversight: run it with the validators' own Python (`make validators` builds
.venv-validators, whose csc-validator-be-cin pins pandas 1.x), e.g.

    .venv-validators/bin/python protection/cin_census/dfe_check.py 2024 census.xml

It prints JSON: {"schema": [...], "errors": [...], "queries": [...]}.

The schema is the DfE CIN census XSD as shipped in the liiatools package (2023-24, the
latest it has), with the two changes the DfE's validator already makes: a number of
previous plans may be 0 (rule 8730), and from 2024-25 the sex element is Sex, M, F or U
(rules 4180 and 8750) instead of GenderCurrent.
"""

from __future__ import annotations

import importlib
import json
import sys
import warnings
import xml.etree.ElementTree as ET
from importlib import resources

FIRST_YEAR_WITH_SEX = 2024
SEX_TYPE = (
    '<xs:simpleType name="sextype"><xs:restriction base="xs:string">'
    '<xs:enumeration value="M"/><xs:enumeration value="F"/><xs:enumeration value="U"/>'
    "</xs:restriction></xs:simpleType>"
)


def schema_problems(path: str, year: int) -> list[str]:
    import xmlschema

    xsd = (
        resources.files("liiatools.spec.cin_census")
        .joinpath("CIN_schema_2024.xsd")
        .read_text(encoding="utf-8")
    )
    xsd = xsd.replace(
        '"NumberOfPreviousCPP" type="xs:positiveInteger"',
        '"NumberOfPreviousCPP" type="xs:nonNegativeInteger"',
    )
    if year >= FIRST_YEAR_WITH_SEX:
        xsd = xsd.replace(
            '<xs:element name="GenderCurrent" type="gendertype"',
            '<xs:element name="Sex" type="sextype"',
        ).replace("</xs:schema>", SEX_TYPE + "</xs:schema>")
    schema = xmlschema.XMLSchema(xsd)
    return [f"{e.path}: {e.reason}" for e in schema.iter_errors(path)]


def rule_problems(path: str, year: int) -> tuple[list[dict], list[dict]]:
    warnings.simplefilter("ignore")
    from cin_validator import cin_validator
    from cin_validator.rule_engine import RuleType

    ruleset = f"cin{year}_{(year + 1) % 100:02d}"
    registry = importlib.import_module(f"cin_validator.rules.{ruleset}").registry
    data = cin_validator.process_data(cin_validator.convert_data(ET.parse(path).getroot()))
    result = cin_validator.CinValidator(data, registry)
    kinds = {str(code): rule.rule_type for code, rule in registry.items()}
    found = []
    for row in result.full_issue_df.to_dict("records"):
        found.append(
            {
                "rule": str(row["rule_code"]),
                "message": row["rule_description"],
                "child": None if str(row.get("child_id")) == "nan" else str(row.get("child_id")),
                "element": str(row.get("columns_affected")),
            }
        )
    for row in result.multichild_issues.to_dict("records"):
        found.append(
            {
                "rule": str(row["rule_code"]),
                "message": row["rule_description"],
                "child": None,
                "element": None,
            }
        )
    errors = [f for f in found if kinds.get(f["rule"]) != RuleType.QUERY]
    queries = [f for f in found if kinds.get(f["rule"]) == RuleType.QUERY]
    return errors, queries


def main(argv: list[str]) -> int:
    year, path = int(argv[1]), argv[2]
    errors, queries = rule_problems(path, year)
    print(json.dumps({"schema": schema_problems(path, year), "errors": errors, "queries": queries}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
