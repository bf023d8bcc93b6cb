"""Rights statements for files: one per file, shown beside it and exported with it.

The values are the statements' own URIs (rightsstatements.org and Creative Commons), so an
export or a harvester reads a statement it can resolve, not a label of ours."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Rights(models.TextChoices):
    IN_COPYRIGHT = "http://rightsstatements.org/vocab/InC/1.0/", _("In copyright")
    IN_COPYRIGHT_EDUCATIONAL = (
        "http://rightsstatements.org/vocab/InC-EDU/1.0/",
        _("In copyright – educational use permitted"),
    )
    IN_COPYRIGHT_NON_COMMERCIAL = (
        "http://rightsstatements.org/vocab/InC-NC/1.0/",
        _("In copyright – non-commercial use permitted"),
    )
    NO_COPYRIGHT_CONTRACTUAL = (
        "http://rightsstatements.org/vocab/NoC-CR/1.0/",
        _("No copyright – contractual restrictions"),
    )
    NO_COPYRIGHT_OTHER_LEGAL = (
        "http://rightsstatements.org/vocab/NoC-OKLR/1.0/",
        _("No copyright – other known legal restrictions"),
    )
    NOT_EVALUATED = "http://rightsstatements.org/vocab/CNE/1.0/", _("Copyright not evaluated")
    UNDETERMINED = "http://rightsstatements.org/vocab/UND/1.0/", _("Copyright undetermined")
    PUBLIC_DOMAIN = "https://creativecommons.org/publicdomain/mark/1.0/", _("Public domain")
    CC0 = "https://creativecommons.org/publicdomain/zero/1.0/", _("CC0 1.0 (no rights reserved)")
    CC_BY = "https://creativecommons.org/licenses/by/4.0/", _("CC BY 4.0")
    CC_BY_SA = "https://creativecommons.org/licenses/by-sa/4.0/", _("CC BY-SA 4.0")
    CC_BY_NC = "https://creativecommons.org/licenses/by-nc/4.0/", _("CC BY-NC 4.0")
    CC_BY_NC_SA = "https://creativecommons.org/licenses/by-nc-sa/4.0/", _("CC BY-NC-SA 4.0")
    CC_BY_ND = "https://creativecommons.org/licenses/by-nd/4.0/", _("CC BY-ND 4.0")
    CC_BY_NC_ND = "https://creativecommons.org/licenses/by-nc-nd/4.0/", _("CC BY-NC-ND 4.0")


# What a visitor may choose for a photo they send with a testimony: they hold its rights, so
# the choice is theirs, among the statements that let the portal show it.
VISITOR_CHOICES = [
    (Rights.CC_BY.value, Rights.CC_BY.label),
    (Rights.CC_BY_NC.value, Rights.CC_BY_NC.label),
    (Rights.CC_BY_NC_ND.value, Rights.CC_BY_NC_ND.label),
    (Rights.IN_COPYRIGHT.value, _("All rights reserved: shown on this portal only")),
]
