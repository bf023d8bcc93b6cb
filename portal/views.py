from django.db import connection
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from archive.models import Document
from memorials.views import home_sections

LATEST_DOCUMENTS = 5


def home(request):
    today = timezone.localdate()
    context = {
        "today": today,
        "latest_documents": Document.objects.public().with_related()[:LATEST_DOCUMENTS],
        **home_sections(today),
    }
    return render(request, "portal/home.html", context)


def healthz(request):
    """For load balancers: answers 200 when the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok\n", content_type="text/plain")
