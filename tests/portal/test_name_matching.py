"""A name is found however it is spelled: in the register (/people/?q=), in /search/ and in
the API, measured on a test set of spellings (tests/portal/name_spellings.py)."""

import datetime

import pytest
from django.utils import timezone

from memorials import selectors
from portal.models import NameWord
from portal.publishing import Status
from portal.search import sounds
from tests.conftest import make_event, make_person

from .name_spellings import NEIGHBOURS, SPELLINGS

PAIRS = [(recorded, typed) for recorded, spellings in SPELLINGS.items() for typed in spellings]


@pytest.fixture
def register(db):
    """Every recorded name and every neighbour, one person each, recorded in Azerbaijani
    only: no editor typed any other spelling."""
    event = make_event()
    return {
        name: make_person(name=name, slug=f"person-{number}", event=event)
        for number, name in enumerate([*SPELLINGS, *NEIGHBOURS])
    }


def test_the_test_set_is_large_enough():
    assert len(PAIRS) >= 150
    assert len({typed for _, typed in PAIRS}) == len(PAIRS)


@pytest.mark.parametrize(
    "spellings",
    [
        ["Məmmədov", "Mammadov", "Mamedov", "Мамедов", "Memmedov"],
        ["Elçin", "Elchin", "Эльчин", "Elcin"],
        ["Quliyev", "Guliyev", "Guliev", "Кулиев", "Гулиев", "Gulyev"],
        ["Əliyeva", "Aliyeva", "Alieva", "Алиева"],
        ["Cəfərov", "Jafarov", "Dzhafarov", "Djafarov", "Джафаров"],
        ["Hüseynov", "Huseynov", "Guseinov", "Гусейнов", "Hyuseynov"],
        ["Xəlilov", "Khalilov", "Halilov", "Халилов"],
        ["Ağayev", "Aghayev", "Agaev", "Агаев"],
        ["Orucov", "Orujov", "Оруджев"],
    ],
)
def test_transliterations_of_one_name_share_a_sound(spellings):
    assert len({sounds.sound(spelling) for spelling in spellings}) == 1


@pytest.mark.parametrize(
    ("name", "other"),
    [
        ("Mammadov", "Mahmudov"),
        ("Hasanov", "Hasanli"),
        ("Hasanov", "Huseynov"),
        ("Mammadov", "Mammadli"),
        ("Rəşad", "Rəşid"),
        ("Quliyev", "Xəlilov"),
    ],
)
def test_names_that_only_sound_alike_have_other_sounds(name, other):
    assert sounds.sound(name) != sounds.sound(other)


def test_recall_and_ranking_on_the_test_set(register, capsys):
    found, first, false_matches = 0, 0, 0
    misses = []
    for recorded, typed in PAIRS:
        results = list(selectors.people(typed))
        people = [person.name for person in results]
        if recorded in people:
            found += 1
        if people[:1] == [recorded]:
            first += 1
        else:
            misses.append((typed, recorded, people[:3]))
        false_matches += len([name for name in people if name != recorded])
    recall, first_rate = found / len(PAIRS), first / len(PAIRS)
    with capsys.disabled():
        print(
            f"\nname test set: {len(PAIRS)} spellings of {len(SPELLINGS)} names among "
            f"{len(register)} people: recall {recall:.1%}, right person first {first_rate:.1%}, "
            f"{false_matches} other people listed in all ({false_matches / len(PAIRS):.2f} a "
            f"query); misses: {misses}"
        )
    assert recall >= 0.98, misses
    assert first_rate >= 0.98, misses


def test_the_register_page_finds_a_name_in_another_script_first(client, register):
    response = client.get("/people/", {"q": "Эльчин Мамедов"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Məmmədov Elçin" in page
    for other in ["Mahmudov Elçin", "Məmmədli Elçin", "Məmmədov Elşən"]:
        assert other not in page


def test_a_sound_alike_surname_never_outranks_the_one_typed(register):
    people = [person.name for person in selectors.people("Mammadov")]
    assert set(people) == {"Məmmədov Elçin", "Məmmədov Elşən"}
    people = [person.name for person in selectors.people("Hasanov Rashad")]
    assert people == ["Həsənov Rəşad"]  # not Həsənli Rəşad, not Həsənov Rəşid
    people = [person.name for person in selectors.people("Məmmədova Gülnarə")]
    assert people[0] == "Məmmədova Gülnarə"


def test_a_fragment_that_is_no_word_still_finds_by_substring(register):
    people = {person.name for person in selectors.people("Məmməd")}
    assert people == {
        "Məmmədov Elçin",
        "Məmmədov Elşən",
        "Məmmədli Elçin",
        "Məmmədova Gülnarə",
        "Məmmədova Gülnar",
    }


def test_site_search_finds_a_person_from_another_spelling(client, register):
    response = client.get("/search/", {"q": "Elchin Mamedov"})
    assert response.status_code == 200
    assert "Məmmədov Elçin" in response.content.decode()
    response = client.get("/search/", {"q": "Гусейнов Вугар"})
    assert "Hüseynov Vüqar" in response.content.decode()


def test_a_draft_persons_name_widens_no_query(db):
    event = make_event()
    make_person(name="Zülfüqarov Elçin", event=event, status=Status.DRAFT)
    assert not NameWord.objects.filter(word="zulfuqarov").exists()
    assert list(selectors.people("Zulfugarov")) == []


def test_a_scheduled_persons_name_is_found_from_its_minute(db, time_machine):
    time_machine.move_to(datetime.datetime(2026, 1, 1, 12, tzinfo=datetime.UTC), tick=False)
    event = make_event()
    make_person(
        name="Zülfüqarov Elçin",
        event=event,
        status=Status.PUBLISHED,
        published_at=timezone.now() + datetime.timedelta(hours=1),
    )
    assert list(selectors.people("Zulfugarov")) == []
    time_machine.move_to(datetime.datetime(2026, 1, 1, 13, 1, tzinfo=datetime.UTC), tick=False)
    assert [person.name for person in selectors.people("Zulfugarov")] == ["Zülfüqarov Elçin"]


def test_a_withdrawn_persons_words_are_forgotten(register):
    person = register["Məmmədov Elçin"]
    person.status = Status.WITHDRAWN
    person.save()
    assert not NameWord.objects.filter(object_id=person.pk, model="memorials.person").exists()
    assert "Məmmədov Elçin" not in [p.name for p in selectors.people("Mamedov Elchin")]


def test_the_register_search_costs_the_same_queries_at_any_size(
    client, register, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        response = client.get("/people/", {"q": "Mamedov"})
    assert response.status_code == 200


def test_the_api_finds_a_name_however_it_is_spelled(client, register):
    response = client.get("/api/people/", {"q": "Mamedov Elchin"})
    assert response.status_code == 200
    names = [person["name"] for person in response.json()["results"]]
    assert names == ["Məmmədov Elçin"]


def test_a_bulk_write_indexes_what_its_saves_share_once_at_its_end(db):
    from portal import search
    from portal.models import SearchEntry
    from tests.conftest import make_place

    event, place = make_event(), make_place(name="Bakı", name_variants="Baku")
    place_entry = SearchEntry.objects.filter(key=f"memorials.place:{place.pk}")
    assert not place_entry.exists()  # nothing public names it yet
    with search.deferred():
        make_person(name="Həsənov Rəşad", event=event, place=place)
        make_person(name="Həsənov Rəşid", event=event, place=place)
        assert SearchEntry.objects.filter(title="Həsənov Rəşad").exists()  # at once
        assert not place_entry.exists()  # once, at the end
    assert place_entry.exists()
