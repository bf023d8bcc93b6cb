"""The admin home's work queue (portal/work_queue.py), for templates/admin/index.html."""

from django import template

from portal import work_queue

register = template.Library()


@register.inclusion_tag("admin/work_queue.html", takes_context=True)
def work_queue_for_user(context):
    # Times carry their zone in the date format itself (portal/formats).
    return {"sections": work_queue.sections_for(context["request"].user)}
