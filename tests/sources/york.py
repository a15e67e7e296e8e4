"""York (E06000014), the council whose real published files the source tests read."""

#: York's 2025 statistical neighbours in published order (DfE, May 2025):
#: Gloucestershire, B&NES, North Somerset, Hertfordshire, Warwickshire, Oxfordshire,
#: West Sussex, Trafford, Hampshire, Stockport.
YORK_NEIGHBOURS_2025 = [
    "E10000013",
    "E06000022",
    "E06000024",
    "E10000015",
    "E10000031",
    "E10000025",
    "E10000032",
    "E08000009",
    "E10000014",
    "E08000007",
]
