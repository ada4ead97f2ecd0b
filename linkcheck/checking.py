"""Checking one outside link, politely: HEAD first (GET where a server refuses HEAD), redirects
followed one by one (at most MAX_REDIRECTS), a timeout on every request, a User-Agent naming the
site, and at most one request per host every LINKCHECK_DELAY seconds. The standard library does
the requests: nothing here needs more than a status line and a Location header.
"""

import http.client
import ipaddress
import socket
import time
import urllib.error
import urllib.request
from collections import defaultdict, deque
from dataclasses import dataclass
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

from django.conf import settings

from linkcheck.models import Link

MAX_REDIRECTS = 5
REDIRECTS = {301, 302, 303, 307, 308}
# The address moved for good: the editor can put the new one in its place.
PERMANENT = {301, 308}
# Servers that refuse HEAD (405, 501) or answer it differently from GET (403): ask again with GET,
# whose body is never read.
GET_AFTER_HEAD = {403, 405, 501}
# "Too many requests" says nothing about the link: the next run asks again.
INCONCLUSIVE = {429}
# Characters left as they are when an address is percent-encoded (RFC 3986 reserved and unreserved).
URL_SAFE = "/%:@!$&'()*+,;=-._~"


@dataclass(frozen=True)
class Result:
    """What one check found: a Link.Status (None when inconclusive), the last HTTP status, an error."""

    status: str | None
    http_status: int | None = None
    error: str = ""
    final_url: str = ""


class Refused(Exception):
    """An address the checker does not request."""


class Pacer:
    """At most one request per host every `delay` seconds; clock and sleep can be replaced in tests."""

    def __init__(self, delay, clock=time.monotonic, sleep=time.sleep):
        self.delay, self.clock, self.sleep = delay, clock, sleep
        self._last = {}

    def wait(self, host):
        if host in self._last:
            pause = self._last[host] + self.delay - self.clock()
            if pause > 0:
                self.sleep(pause)
        self._last[host] = self.clock()


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """Redirects come back as answers, so the checker counts them and sees whether they are permanent."""

    def redirect_request(self, *args, **kwargs):
        return None


def user_agent():
    name = settings.SITE_NAME.encode("ascii", "ignore").decode()
    return f"{name} linkcheck (+{settings.SITE_URL})"


def ascii_url(url):
    """The address as it goes on the wire: the host in IDNA, path and query percent-encoded, no user or fragment."""
    parts = urlsplit(url)
    host = parts.hostname.encode("idna").decode("ascii")
    netloc = (f"[{host}]" if ":" in host else host) + (f":{parts.port}" if parts.port else "")
    path, query = quote(parts.path, safe=URL_SAFE), quote(parts.query, safe=URL_SAFE + "?")
    return urlunsplit((parts.scheme, netloc, path, query, ""))


def describe(error):
    """A short text for a failed request ("timed out", "[Errno -2] Name or service not known")."""
    reason = getattr(error, "reason", None) or error
    if isinstance(reason, TimeoutError):
        return "timed out"
    return str(reason)[:300] or type(reason).__name__


def in_turns(links):
    """The links with their hosts taking turns, so the pause each host gets is spent on the others."""
    queues = defaultdict(deque)
    for link in links:
        queues[(urlsplit(link.url).hostname or "").lower()].append(link)
    while queues:
        for host in list(queues):
            yield queues[host].popleft()
            if not queues[host]:
                del queues[host]


class Checker:
    def __init__(self, *, timeout, delay, user_agent, public_only=True, pacer=None):
        self.timeout = timeout
        self.user_agent = user_agent
        self.public_only = public_only
        self.pacer = pacer or Pacer(delay)
        self._opener = urllib.request.build_opener(_NoRedirects)

    @classmethod
    def from_settings(cls):
        return cls(
            timeout=settings.LINKCHECK_TIMEOUT,
            delay=settings.LINKCHECK_DELAY,
            user_agent=user_agent(),
            public_only=settings.LINKCHECK_PUBLIC_ONLY,
        )

    def check(self, url):
        """Follow `url` to its final answer; a Result."""
        moved_for_good = False
        try:
            for _hop in range(MAX_REDIRECTS + 1):
                status, location = self._ask(url)
                if status not in REDIRECTS or not location:
                    return self._judge(status, url if moved_for_good else "")
                moved_for_good = moved_for_good or status in PERMANENT
                url = urljoin(url, location)
        except Refused as error:
            return Result(Link.Status.UNREACHABLE, error=str(error))
        except (OSError, ValueError, http.client.HTTPException) as error:  # URLError and timeouts are OSErrors
            return Result(Link.Status.UNREACHABLE, error=describe(error))
        return Result(Link.Status.BROKEN, status, error=f"more than {MAX_REDIRECTS} redirects")

    @staticmethod
    def _judge(status, final_url):
        if status in INCONCLUSIVE:
            return Result(None, status)
        if status >= 400:
            return Result(Link.Status.BROKEN, status)
        if final_url:
            return Result(Link.Status.REDIRECT, status, final_url=final_url)
        return Result(Link.Status.OK, status)

    def _ask(self, url):
        """(HTTP status, Location) of one address: HEAD, or GET when the server will not answer HEAD."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise Refused("not an http(s) address")
        if self.public_only:
            self._refuse_private(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80))
        status, location = self._request("HEAD", url, parts.hostname)
        if status in GET_AFTER_HEAD:
            status, location = self._request("GET", url, parts.hostname)
        return status, location

    @staticmethod
    def _refuse_private(host, port):
        """Staff type the addresses: the checker must not become a way to probe the servers' own network."""
        for *_, address in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM):
            if not ipaddress.ip_address(address[0].split("%")[0]).is_global:
                raise Refused("not a public address")

    def _request(self, method, url, host):
        self.pacer.wait(host.lower())
        request = urllib.request.Request(  # noqa: S310 (_ask let only http and https through)
            ascii_url(url), method=method, headers={"User-Agent": self.user_agent, "Accept": "*/*"}
        )
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                return response.status, response.headers.get("Location")
        except urllib.error.HTTPError as error:  # 3xx (redirects are not followed here), 4xx, 5xx
            try:
                return error.code, error.headers.get("Location")
            finally:
                error.close()
