from django.apps import AppConfig


class MemorialsConfig(AppConfig):
    name = "memorials"
    verbose_name = "Memorials"

    def ready(self):
        from portal import search

        from .models import Commemoration, Event, Person, Place

        search.register(Place, variants=Place.objects.name_groups)
        search.register(Event, variants=Event.objects.name_groups)
        search.register(Person, variants=Person.objects.name_groups)
        search.register(Commemoration)
