import pytest

from memorials.models import Commemoration, Event, Figure, Place

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", ["place", "event", "person", "commemoration", "figure"])
def test_every_memorials_admin_page_opens(admin_client, seed, model):
    assert admin_client.get(f"/admin/memorials/{model}/").status_code == 200
    assert admin_client.get(f"/admin/memorials/{model}/add/").status_code == 200


def test_change_pages_show_the_seed(admin_client, seed):
    event = Event.objects.get(slug="black-january")
    html = admin_client.get(f"/admin/memorials/event/{event.pk}/change/").content.decode()
    assert "more than 130 civilians were killed" in html  # the figures inline
    for obj, name in [
        (Place.objects.get(slug="baku"), "place"),
        (Commemoration.objects.get(), "commemoration"),
        (Figure.objects.first(), "figure"),
    ]:
        assert admin_client.get(f"/admin/memorials/{name}/{obj.pk}/change/").status_code == 200


def test_place_search_finds_a_variant(admin_client, seed):
    html = admin_client.get("/admin/memorials/place/", {"q": "Баку"}).content.decode()
    assert "Baky, Bakı, Баку" in html
