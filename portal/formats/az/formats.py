# Django's own, with the time zone: "29 noyabr 2026, 14:05 UTC" (see en/formats.py).
DATETIME_FORMAT = "j E Y, G:i T"
