"""Uploads on S3-compatible object storage: each object says truthfully what it is.

A bucket answers with the Content-Type and Content-Disposition stored with the object and
with no Content-Security-Policy of ours (S3 cannot store one). So:

- the type comes from the stored name's extension, never from the Content-Type the uploading
  browser claimed (a "PDF" sent as text/html would otherwise be served as a web page);
- an SVG is stored with `Content-Disposition: attachment`: opened on its own it is downloaded,
  not shown as a document that could run script. Shown with <img> (logos) it renders as ever.

The SVG itself holds only what the allow-list keeps (core/svg.py). A CDN or web server in
front of the bucket (AWS_S3_CUSTOM_DOMAIN) should also add the header core/media.py sends
for media SVG (docs/deploy.md, "Media").
"""

import mimetypes
import posixpath

from storages.backends.s3 import S3Storage


class MediaS3Storage(S3Storage):
    def get_object_parameters(self, name):
        params = super().get_object_parameters(name)
        content_type, _encoding = mimetypes.guess_type(posixpath.basename(name))
        params["ContentType"] = content_type or "application/octet-stream"
        if name.lower().endswith(".svg"):
            params["ContentDisposition"] = "attachment"
        return params
