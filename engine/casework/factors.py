"""The vulnerability factors a member may have recorded (DOMAIN.md section 7), with labels."""

from __future__ import annotations

from ..cases import VULNERABILITIES

# The five household factors raise the risk to everyone in the household, more when they
# co-exist; processes read them as ``adult_vulnerabilities`` (``cases.case_variables``).
HOUSEHOLD_FACTORS = VULNERABILITIES
# An adult's own factors: recorded for adults only, and not passed to processes as household
# factors (a process counting co-existing household factors must not count these).
ADULT_FACTORS = {
    "isolation": "Isolation",
    "poor-health-or-disability": "Poor health or disability",
    "dependence-on-others": "Dependence on others",
    "fluctuating-capacity": "Fluctuating capacity",
    "tolerance-of-abuse": "Tolerance of abuse",
    "barriers-to-reporting": "Barriers to reporting",
    "self-neglect": "Self-neglect",
    "adult-sexual-exploitation": "Adult sexual exploitation",
}
FACTOR_LABELS = {**HOUSEHOLD_FACTORS, **ADULT_FACTORS}


def factors_for(kind: str) -> dict[str, str]:
    """The factors a member of this kind may have: adults also their own."""
    return FACTOR_LABELS if kind == "adult" else HOUSEHOLD_FACTORS


def factor_label(code: str) -> str:
    """A factor's label (the code itself when unknown)."""
    return FACTOR_LABELS.get(code, code)
