"""The map of /verenigingen/kaart/: where a point lies on the drawing of Flanders and Brussels.

The outlines come from associations/data/map.json, which scripts/build-places projected with the
same formula as `project` below (an equirectangular projection around Flanders' middle latitude),
so pins and outlines agree. Plain Python without Django, like places.py; the template draws.
"""

import json
import math
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

MAP_FILE = Path(__file__).resolve().parent / "data" / "map.json"
PIN_RADIUS = 4.5
MARGIN = 4
# Pins on the same point (associations of one postcode) lie on a sunflower spiral around it (Vogel's:
# the k-th at a distance of STEP * sqrt(k + 0.5)), which keeps any two at least 1.5 STEP apart: they
# do not overlap, so a mouse or a finger reaches each of them.
SPIRAL_STEP = 1.4 * PIN_RADIUS
GOLDEN_ANGLE = math.pi * (3 - math.sqrt(5))


@dataclass(frozen=True)
class Outline:
    id: str
    name: str
    d: str


@dataclass(frozen=True)
class Drawing:
    width: int
    height: int
    west: float
    north: float
    scale: float
    ratio: float
    outlines: tuple


@dataclass(frozen=True)
class Pin:
    """One item on the map; x and y as SVG numbers (a dot, whatever the language's decimal sign)."""

    item: object
    x: str
    y: str


@cache
def drawing():
    """The shipped outlines (six judicial arrondissements, 3 KB), read once per process."""
    data = json.loads(MAP_FILE.read_text(encoding="utf-8"))
    outlines = tuple(Outline(o["id"], o["name"], o["d"]) for o in data.pop("outlines"))
    return Drawing(outlines=outlines, **data)


def project(latitude, longitude):
    """The point (x, y) of the drawing where a place lies: x grows to the east, y to the south."""
    map_ = drawing()
    return (float(longitude) - map_.west) * map_.ratio * map_.scale, (map_.north - float(latitude)) * map_.scale


def on_drawing(x, y):
    """Whether a point lies within the drawing's box (Flanders and Brussels, with a little of their neighbours)."""
    return 0 <= x <= drawing().width and 0 <= y <= drawing().height


def pins(items):
    """A pin for each item (with `latitude` and `longitude`), in the items' order; items sharing a
    point are spread around it."""
    points = [project(item.latitude, item.longitude) for item in items]
    sharing = Counter((round(x, 1), round(y, 1)) for x, y in points)
    ranks = Counter()
    placed = []
    for item, (x, y) in zip(items, points, strict=True):
        point = (round(x, 1), round(y, 1))
        if sharing[point] > 1:
            rank = ranks[point]
            ranks[point] += 1
            distance, angle = SPIRAL_STEP * math.sqrt(rank + 0.5), rank * GOLDEN_ANGLE
            x, y = x + distance * math.cos(angle), y + distance * math.sin(angle)
        placed.append(Pin(item, f"{x:.1f}", f"{y:.1f}"))
    return placed


def view_box(points):
    """The drawing's box, grown to take in every point (x, y) given: a pin or mark outside Flanders and Brussels."""
    map_ = drawing()
    reach = PIN_RADIUS + MARGIN
    left = min([-MARGIN, *(x - reach for x, _y in points)])
    top = min([-MARGIN, *(y - reach for _x, y in points)])
    right = max([map_.width + MARGIN, *(x + reach for x, _y in points)])
    bottom = max([map_.height + MARGIN, *(y + reach for _x, y in points)])
    return " ".join(str(round(value)) for value in (left, top, right - left, bottom - top))
