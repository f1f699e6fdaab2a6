"""Example tables made here from a seed (no data file ships with the app): each has what a real table
has, an identifier to leave out, a text column to one-hot encode and a few missing values.

    example_csv("fruit")    # bytes of a CSV file, read by the same reader as an upload
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Callable

import numpy as np


@dataclass(frozen=True)
class Example:
    title: str
    target: str
    about: str
    make: Callable[[np.random.Generator], dict[str, list]]


def _with_gaps(values: np.ndarray, rng: np.random.Generator, share: float) -> list:
    """The values as a list, about ``share`` of them replaced by "" (a missing cell)."""
    out = [round(float(v), 1) for v in values]
    for i in np.flatnonzero(rng.random(len(out)) < share):
        out[i] = ""
    return out


def _fruit(rng: np.random.Generator, m: int = 240) -> dict[str, list]:
    kinds = np.array(["apple", "orange", "pear"])
    fruit = kinds[np.arange(m) % 3]
    rng.shuffle(fruit)
    weight = np.select([fruit == "apple", fruit == "orange"], [150, 200], 175) + rng.normal(0, 22, m)
    diameter = np.select([fruit == "apple", fruit == "orange"], [7.5, 8.6], 6.3) + rng.normal(0, 0.6, m)
    sugar = np.select([fruit == "apple", fruit == "orange"], [10.5, 9.0], 12.0) + rng.normal(0, 1.0, m)
    colours = {"apple": ["red", "green", "yellow"], "orange": ["orange", "orange", "yellow"],
               "pear": ["green", "yellow", "yellow"]}
    colour = [colours[f][rng.integers(0, 3)] for f in fruit]
    notes = [f"bought at stall {rng.integers(1, 90)} on day {i}" for i in range(m)]
    return {"fruit_id": list(range(1, m + 1)), "weight_g": _with_gaps(weight, rng, 0.0),
            "diameter_cm": _with_gaps(diameter, rng, 0.0), "sugar_pct": _with_gaps(sugar, rng, 0.03),
            "colour": colour, "notes": notes, "fruit": list(fruit)}


def _exam(rng: np.random.Generator, m: int = 200) -> dict[str, list]:
    studied = rng.uniform(0, 12, m)
    slept = rng.uniform(4, 9, m)
    lectures = rng.random(m) < 0.6
    z = 0.55 * studied + 0.6 * (slept - 6.5) + 1.2 * lectures - 3.5 + rng.logistic(0, 0.8, m)
    return {"student": [f"S{1000 + i}" for i in range(m)], "hours_studied": _with_gaps(studied, rng, 0.02),
            "hours_slept": _with_gaps(slept, rng, 0.0), "went_to_lectures": ["yes" if v else "no" for v in lectures],
            "result": ["pass" if v > 0 else "fail" for v in z]}


def _flats(rng: np.random.Generator, m: int = 300) -> dict[str, list]:
    area = rng.uniform(25, 120, m)
    rooms = np.clip(np.round(area / 28 + rng.normal(0, 0.6, m)), 1, 5)
    floor = rng.integers(0, 9, m)
    districts = np.array(["centre", "harbour", "old town", "suburbs"])
    district = districts[rng.integers(0, 4, m)]
    premium = np.select([district == "centre", district == "old town", district == "harbour"], [5.0, 3.5, 2.0], 0.0)
    balcony = rng.random(m) < 0.5
    rent = area * (9.5 + premium) + 40 * rooms + 12 * floor + 60 * balcony + rng.normal(0, 70, m)
    return {"listing": [f"L-{rng.integers(10 ** 5, 10 ** 6)}-{i}" for i in range(m)],
            "area_m2": _with_gaps(area, rng, 0.0), "rooms": rooms.astype(int).tolist(),
            "floor": _with_gaps(floor, rng, 0.02), "district": list(district),
            "balcony": ["yes" if b else "no" for b in balcony], "rent_eur": [round(float(r)) for r in rent]}


EXAMPLES: dict[str, Example] = {
    "fruit": Example("Fruit (3 classes)", "fruit",
                     "240 fruits: weight, diameter, sugar and colour; which fruit is it?", _fruit),
    "exam": Example("Exam results (2 classes)", "result",
                    "200 students: hours studied and slept, lectures attended; pass or fail?", _exam),
    "flats": Example("Flat rents (numbers)", "rent_eur",
                     "300 flats: area, rooms, floor, district, balcony; what is the rent in euros?", _flats),
}


def example_csv(name: str, seed: int = 0) -> bytes:
    """The example table ``name`` as the bytes of a CSV file (UTF-8, a header row, comma-separated)."""
    import pandas as pd

    try:
        example = EXAMPLES[name]
    except KeyError:
        raise ValueError(f"Unknown example {name!r}; choose one of {', '.join(EXAMPLES)}.") from None
    buf = io.StringIO()
    pd.DataFrame(example.make(np.random.default_rng(seed))).to_csv(buf, index=False)
    return buf.getvalue().encode()
