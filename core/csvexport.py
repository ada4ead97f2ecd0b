"""Spreadsheet downloads, and the one rule that keeps their cells from running as formulas.

A spreadsheet runs a cell whose text starts with =, +, - or @ (or tab or CR, and in some
programs after leading spaces or in their full-width forms) as a formula: an
association's name `=HYPERLINK("https://…","Klik")` would become a live link in the
spreadsheet of every member of staff who opens the export. Following OWASP's advice on CSV
injection, such text gets a single quote in front: it then reads as plain text everywhere.
Every export uses this rule: the CSV downloads below, the open data CSV and the admin's
django-import-export files (CSV, XLSX, ...; see associations/resources.py). django-import-export's
own IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT only drops one leading "=" (so "==…" stays live and
"+…", "-…", "@…" are untouched) and turns every value into text, so it stays off.
"""

import csv

from django.http import HttpResponse

# The characters that start a formula; the full-width ones are read as such by some locales' programs.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def starts_like_formula(text):
    """Whether a spreadsheet could read `text` as a formula, also after leading whitespace."""
    return text.startswith(FORMULA_START) or text.lstrip().startswith(FORMULA_START)


def neutralise(text):
    """`text` as a spreadsheet shows it but never runs it: a single quote in front of a formula."""
    return "'" + text if starts_like_formula(text) else text


def restore(text):
    """The inverse of neutralise(), for a file we exported that comes back as an import."""
    if text.startswith("'") and starts_like_formula(text[1:]):
        return text[1:]
    return text


def safe_value(value):
    """A value for a spreadsheet cell: text neutralised; numbers, dates and booleans stay what they are."""
    return neutralise(value) if isinstance(value, str) else value


def safe_cell(value):
    """A CSV cell: text, with formulas neutralised."""
    if value is None:
        return ""
    return neutralise(str(value))


def write_csv(response, header, rows):
    """Write a byte order mark (Excel reads the accents right), then the header and rows with every cell safe."""
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([safe_cell(label) for label in header])
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
    return response


def csv_download(filename, header, rows):
    """A CSV attachment for staff, never stored by a cache."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return write_csv(response, header, rows)
