"""The kinds of area a compare-with-neighbours chart shows (shared by its data and its drawing).

A module of names only, so :mod:`jsna.viz` can use them without importing any statistics.
"""

COUNCIL = "This council"
NEIGHBOUR = "Statistical neighbour"
AVERAGE = "Neighbours' average"
REGION = "Region"
NATIONAL = "England"
#: the roles in the order used to break ties and to list a legend
ROLES = (COUNCIL, NEIGHBOUR, AVERAGE, REGION, NATIONAL)
