# The archive writes English dates day first, as its documents do: 21 January 2008.
DATE_FORMAT = "j F Y"
# A moment carries its time zone ("29 November 2026, 14:05 UTC", "+04" in Baku): editors
# schedule publications and read job times in the admin, from wherever they are.
DATETIME_FORMAT = "j F Y, H:i T"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "d/m/Y"
