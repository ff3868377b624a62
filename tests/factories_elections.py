"""A board election's candidates for the tests: 7 seats, one reserved per region and one for
the Workers Network, where reservations and parity change the plain ranking."""

from __future__ import annotations

REGIONS = ("central_america_mexico", "caribbean", "andean", "southern_cone")
# candidate, region and networks of the nominating organization, gender, and the weight of
# the one organization that votes for that candidate alone
PEOPLE = [
    ("Ana Quispe", "andean", [], "man", 900), ("Beto Mamani", "andean", [], "man", 850),
    ("Carlos Pérez", "central_america_mexico", [], "man", 800),
    ("Darío Ixcot", "central_america_mexico", [], "man", 780),
    ("Ernesto Huamán", "andean", [], "man", 760),
    ("Fabio Ortega", "central_america_mexico", [], "man", 700),
    ("Gloria Saint-Jean", "caribbean", [], "woman", 300),
    ("Hugo Benítez", "southern_cone", [], "man", 250),
    ("Inés Núñez", "southern_cone", ["Workers Network"], "woman", 200),
    ("Juana Condori", "andean", [], "woman", 150),
    ("Karen Dupuy", "caribbean", [], "woman", 120),
]
RESERVATIONS = [{"kind": "region", "value": r} for r in REGIONS] + [
    {"kind": "network", "value": "Workers Network"}]
