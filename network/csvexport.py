"""CSV downloads for staff: UTF-8 with a byte order mark (Excel reads the accents right) and
cells that a spreadsheet would run as a formula (=, +, -, @, tab, CR) neutralised with a quote."""

import csv

from django.http import HttpResponse

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    if value is None:
        return ""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_download(filename, header, rows):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([str(label) for label in header])
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
    return response
