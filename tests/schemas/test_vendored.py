"""The vendored schemas are the files their README names, unedited, and they load offline."""

import hashlib
import re

from tests import schemas


def test_the_vendored_schemas_are_the_files_the_readme_names():
    readme = (schemas.HERE / "README.md").read_text(encoding="utf-8")
    recorded = dict(
        (path, digest) for digest, path in re.findall(r"^([0-9a-f]{64})  (\S+)$", readme, re.M)
    )
    files = {
        path.relative_to(schemas.HERE).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in schemas.HERE.rglob("*.xsd")
    }
    assert files == recorded
    assert set(schemas.LOCATIONS.values()) <= set(files)


def test_each_schema_compiles_from_the_vendored_copies_alone():
    for schema in [schemas.oai_pmh, schemas.sitemap, schemas.sitemap_index]:
        assert schema() is not None
