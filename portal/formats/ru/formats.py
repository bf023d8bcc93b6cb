# "21 января": a day and month take the genitive month name (Django's own format has "j F").
MONTH_DAY_FORMAT = "j E"
