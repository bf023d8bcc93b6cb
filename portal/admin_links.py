"""Addresses of the admin's pages for an item or a model: "" where the admin has none (a model
not registered, a site without the admin), so a link is left out rather than broken."""

from django.urls import NoReverseMatch, reverse


def change_url(item) -> str:
    opts = item._meta
    try:
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[item.pk])
    except NoReverseMatch:
        return ""


def changelist_url(model, query: str = "") -> str:
    """The model's list, filtered by ``query`` (``"publication=review"``)."""
    opts = model._meta
    try:
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    except NoReverseMatch:
        return ""
    return f"{url}?{query}" if query else url
