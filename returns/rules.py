"""Rules shared by every import of DfE returns (SSDA903, CIN census)."""

from __future__ import annotations

from core.codes import Sex


def sex_from_return(code: str) -> str:
    """Both sex code schemes: 1/2 (before 2024-25, CIN 0 and 9 too) and M/F/U after."""
    code = code.strip().upper()
    mapping = {"1": Sex.MALE, "2": Sex.FEMALE, "0": Sex.UNKNOWN, "9": Sex.UNKNOWN}
    if code in mapping:
        return mapping[code]
    if code in Sex.values:
        return code
    raise ValueError(f"'{code}' is not a sex code (1, 2, M, F or U)")
