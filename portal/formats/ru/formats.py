# "21 января": a day and month take the genitive month name (Django's own format has "j F").
MONTH_DAY_FORMAT = "j E"
# Django's own, with the time zone: "29 ноября 2026 г. 14:05 UTC" (see en/formats.py).
DATETIME_FORMAT = "j E Y г. G:i T"
