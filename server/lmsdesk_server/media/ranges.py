"""An HTTP answer for a stored object, with byte ranges (RFC 9110 section 14), whichever store
holds it: downloads resume and players seek the same from a folder or from S3.

One range per request (what players and the app's downloader ask for); a request for several
gets the whole object, as the RFC allows. If-Range with a different ETag gets the whole object
too, so a resumed download of a file that changed is never a splice of two.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from starlette.responses import Response, StreamingResponse

from lmsdesk_server.storage import MediaStore

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def _wanted(header: str | None, size: int) -> tuple[int, int] | str | None:
    """(first, last) to send, None for the whole object, "unsatisfiable" for a 416."""
    if not header:
        return None
    match = _RANGE.match(header.strip().replace(" ", ""))
    if match is None:
        return None  # several ranges, or a unit we do not know: the whole object
    start, end = match.groups()
    if not start and not end:
        return None
    if not start:  # the last N bytes
        n = int(end)
        if n == 0:
            return "unsatisfiable"
        return max(0, size - n), size - 1
    first = int(start)
    last = min(int(end), size - 1) if end else size - 1
    if first >= size or first > last:
        return "unsatisfiable"
    return first, last


def stored_response(
    store: MediaStore,
    key: str,
    *,
    size: int,
    etag: str,
    media_type: str,
    request_headers: Mapping[str, str],
    headers: Mapping[str, str],
) -> Response:
    common = {"accept-ranges": "bytes", "etag": etag, **headers}
    if_range = request_headers.get("if-range")
    wanted = _wanted(request_headers.get("range"), size)
    if if_range is not None and if_range != etag:
        wanted = None
    if wanted == "unsatisfiable":
        return Response(status_code=416, headers={**common, "content-range": f"bytes */{size}"})
    if wanted is None or isinstance(wanted, str):
        return StreamingResponse(
            store.read(key),
            media_type=media_type,
            headers={**common, "content-length": str(size)},
        )
    first, last = wanted
    return StreamingResponse(
        store.read(key, first, last),
        status_code=206,
        media_type=media_type,
        headers={
            **common,
            "content-length": str(last - first + 1),
            "content-range": f"bytes {first}-{last}/{size}",
        },
    )
