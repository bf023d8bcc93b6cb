from django.apps import AppConfig


class MemorialsConfig(AppConfig):
    name = "memorials"
    verbose_name = "Memorials"

    def ready(self):
        from portal import freshness, search

        from .models import Commemoration, Event, Figure, Person, Place, Tribute

        freshness.track(Place, Event, Person, Commemoration, Figure, Tribute)
        search.register(Place, variants=Place.objects.name_groups)
        search.register(Event, variants=Event.objects.name_groups)
        search.register(Person, variants=Person.objects.name_groups)
        search.register(Commemoration)
