"""The browser libraries installed from npm are served by the site itself."""

import json

from django.contrib.staticfiles import finders

from tests.conftest import REPO


def test_the_map_and_viewer_libraries_are_static_files_of_the_site():
    for path in [
        "vendor/leaflet/leaflet.js",
        "vendor/leaflet/leaflet.css",
        "vendor/openseadragon/openseadragon.min.js",
    ]:
        assert finders.find(path), path


def test_the_libraries_are_pinned_in_the_lock_file():
    declared = json.loads((REPO / "package.json").read_text())["dependencies"]
    locked = json.loads((REPO / "package-lock.json").read_text())["packages"]
    for name, version in declared.items():
        assert locked[f"node_modules/{name}"]["version"] == version
