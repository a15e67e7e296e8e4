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
