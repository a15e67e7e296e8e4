"""DfE codes and names of the primary SEN needs, shared by the cleaner, the demo and the indicators.

Source: DfE school census guide (SEN provision and SEN type codes) and the names used in
"Special educational needs in England".
"""

from __future__ import annotations

#: Full DfE names of the primary needs, keyed by census code (as in the published files).
NEED_NAMES: dict[str, str] = {
    "ASD": "Autistic Spectrum Disorder",
    "HI": "Hearing Impairment",
    "MLD": "Moderate Learning Difficulty",
    "MSI": "Multi-Sensory Impairment",
    "OTH": "Other Difficulty/Disability",
    "PD": "Physical Disability",
    "PMLD": "Profound & Multiple Learning Difficulty",
    "SEMH": "Social, Emotional and Mental Health",
    "SLCN": "Speech, Language and Communication Needs",
    "SLD": "Severe Learning Difficulty",
    "SPLD": "Specific Learning Difficulty",
    "VI": "Visual Impairment",
    "NSA": "SEN support but no specialist assessment of type of need",
}

#: Valid SEN type codes in the school census.
NEED_CODES: tuple[str, ...] = tuple(NEED_NAMES)


#: How DfE's publications write SEN provision (lower case) -> the label used in the indicator
#: table. One list for every published file: EYFS profile ("no identified sen", "all sen"), key
#: stage 4 ("sen supp", "sen state ehc") and the others ("sen support", "ehc plan", "total").
PUBLISHED_SEN_GROUPS: dict[str, str] = {
    "no identified sen": "No SEN",
    "no sen": "No SEN",
    "sen support": "SEN support",
    "sen supp": "SEN support",
    "ehc plan": "EHC plan",
    "sen state ehc": "EHC plan",
    "statement or ehc plan": "EHC plan",
    "all sen": "All SEN",
    "total": "All pupils",
}
