"""Where media lives: a local folder, or a private bucket of S3-compatible object storage.

With ``S3_BUCKET`` set (portal/settings.py), Django's default storage is ``PrivateS3Storage``:
every uploaded file, display size, IIIF tile and testimony photo is an object in that bucket.
The bucket stays private — no object gets a public ACL — and no page ever links to it: a file's
``url()`` is the site's own ``/media/…`` address, whose view decides, as for local files,
whether the file's item is public, and streams the file from the bucket (``file_response``).

Why streaming rather than redirecting to a signed URL: the site's answer keeps its headers
(``nosniff``, downloads for anything but images, a year's ``immutable`` caching for public
files and ``no-store`` for previews, CORS for IIIF tiles), so a CDN in front keeps each public
file as long as it would a local one, pages keep their ``img-src 'self'`` policy, and no
signed address (valid for minutes) can end up in a cached page or a cached redirect.
"""

from urllib.parse import urljoin

from botocore.config import Config
from botocore.exceptions import ClientError
from django.conf import settings
from django.core.files.storage import Storage
from django.http import FileResponse
from django.utils.encoding import filepath_to_uri
from storages.backends.s3 import S3Storage
from storages.utils import clean_name

# How long a signed address of the bucket stays valid, should one ever be made from this storage
# (the site streams, and its ``url()`` is the site's address): minutes, not the library's hour.
SIGNED_URL_SECONDS = 300
# Larger files are spooled to a temporary file while read (export_archive, renditions), not
# held in memory.
IN_MEMORY_BYTES = 5 * 1024 * 1024


class PrivateS3Storage(S3Storage):
    """The site's media in a private S3 bucket, addressed through the site.

    Stored names keep local semantics (``file_overwrite`` off): ``save()`` under a taken name
    picks a free one, as ``FileSystemStorage`` does. Content-addressed writers (attachments,
    IIIF) ask ``exists()`` first and store each name once, so they never need a second name;
    any other upload (a testimony photo) can never replace another's file."""

    default_acl = None  # objects inherit the bucket's (private) access, never public-read
    querystring_auth = True
    querystring_expire = SIGNED_URL_SECONDS
    file_overwrite = False
    max_memory_size = IN_MEMORY_BYTES

    def __init__(self, **options):
        super().__init__(**options)
        # Checksums only where the S3 API requires them: boto3's newer default (a checksum on
        # every upload and download) is refused by several S3-compatible services.
        self.client_config = self.client_config.merge(
            Config(
                request_checksum_calculation="when_required",
                response_checksum_validation="when_required",
            )
        )

    def url(self, name, parameters=None, expire=None, http_method=None):
        """The site's address of ``name`` (``/media/<name>``): its view decides who may read
        it, as for a local file."""
        return urljoin(settings.MEDIA_URL, filepath_to_uri(name).lstrip("/"))

    def open_stream(self, name):
        """The object ``name`` as a stream straight from the bucket and its size, or None
        when there is no such object: one request, nothing held in memory."""
        key = self._normalize_name(clean_name(name))
        try:
            found = self.connection.meta.client.get_object(Bucket=self.bucket_name, Key=key)
        except ClientError as error:
            if error.response.get("ResponseMetadata", {}).get("HTTPStatusCode") == 404:
                return None
            raise
        return _NamedStream(found["Body"], name), found["ContentLength"]


class _NamedStream:
    """A bucket object's body with the name ``FileResponse`` reads a file name from."""

    def __init__(self, body, name: str):
        self._body = body
        self.name = name

    def read(self, size=-1):
        return self._body.read(size if size and size > 0 else None)

    def close(self):
        self._body.close()


def file_response(storage: Storage, name: str, **options) -> FileResponse | None:
    """A response streaming the stored file ``name`` (``FileResponse`` ``options``: content
    type, download, file name), or None when storage has no such file."""
    if isinstance(storage, PrivateS3Storage):  # default_storage, a lazy object, passes too
        opened = storage.open_stream(name)
        if opened is None:
            return None
        stream, size = opened
        response = FileResponse(stream, **options)
        response["Content-Length"] = str(size)
        return response
    if not storage.exists(name):
        return None
    return FileResponse(storage.open(name, "rb"), **options)
