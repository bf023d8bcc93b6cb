from django.db import connection
from django.http import HttpResponse
from django.shortcuts import render

from archive.models import Document

LATEST_DOCUMENTS = 5


def home(request):
    latest = Document.objects.public().with_related()[:LATEST_DOCUMENTS]
    return render(request, "portal/home.html", {"latest_documents": latest})


def healthz(request):
    """For load balancers: answers 200 when the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok\n", content_type="text/plain")
