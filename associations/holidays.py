"""Belgian public holidays (the ten days of the law of 4 January 1974), computed rather than shipped:
seven fall on a fixed date, three follow Easter (dateutil's Western Easter, the Gregorian rule)."""

import datetime
from functools import lru_cache

from dateutil.easter import easter
from django.utils.translation import gettext_lazy as _

FIXED = [
    ((1, 1), _("New Year's Day")),
    ((5, 1), _("Labour Day")),
    ((7, 21), _("National Day")),
    ((8, 15), _("Assumption Day")),
    ((11, 1), _("All Saints' Day")),
    ((11, 11), _("Armistice Day")),
    ((12, 25), _("Christmas Day")),
]
# Days after Easter Sunday.
AFTER_EASTER = [(1, _("Easter Monday")), (39, _("Ascension Day")), (50, _("Whit Monday"))]


@lru_cache(maxsize=16)
def public_holidays(year):
    """{date: name} of the year's Belgian public holidays."""
    sunday = easter(year)
    days = {datetime.date(year, month, day): name for (month, day), name in FIXED}
    days.update({sunday + datetime.timedelta(days=offset): name for offset, name in AFTER_EASTER})
    return dict(sorted(days.items()))


def public_holiday(day):
    """The name of the public holiday on `day`, or None."""
    return public_holidays(day.year).get(day)


def public_holidays_between(first, last):
    """[(date, name)] of the public holidays from `first` to `last`, both included."""
    return [
        (day, name)
        for year in range(first.year, last.year + 1)
        for day, name in public_holidays(year).items()
        if first <= day <= last
    ]
