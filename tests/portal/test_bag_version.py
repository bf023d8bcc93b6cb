"""export_archive writes BagIt 1.0, the version RFC 8493 defines, and the bag stays valid."""

import hashlib
import io
import re

import bagit
import pytest
from django.core.management import call_command

from portal import bags

pytestmark = pytest.mark.django_db


def test_the_bag_declares_bagit_1_0_and_its_tag_manifests_agree(seed, media_root, tmp_path):
    call_command("export_archive", str(tmp_path / "bag"), stdout=io.StringIO())
    declaration = (tmp_path / "bag" / "bagit.txt").read_bytes()
    assert declaration == b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"

    bag = bagit.Bag(str(tmp_path / "bag"))
    assert bag.version_info == (1, 0)
    bag.validate()  # payload and tag manifests, bagit.txt included, by the library's own check
    for algorithm in ["sha256", "sha512"]:
        manifest = (tmp_path / "bag" / f"tagmanifest-{algorithm}.txt").read_text()
        digest = hashlib.new(algorithm, declaration).hexdigest()
        assert re.search(rf"^{digest}\s+bagit\.txt$", manifest, re.MULTILINE), manifest
    # The importer accepts it: the bag is the one import_archive checks.
    assert bags.validate_bag(tmp_path / "bag").version_info == (1, 0)


def test_a_bag_whose_declaration_was_altered_is_refused(seed, media_root, tmp_path):
    call_command("export_archive", str(tmp_path / "bag"), stdout=io.StringIO())
    (tmp_path / "bag" / "bagit.txt").write_text(
        "BagIt-Version: 0.97\nTag-File-Character-Encoding: UTF-8\n"
    )
    with pytest.raises(bags.BagRefused, match="bagit.txt"):
        bags.validate_bag(tmp_path / "bag")
