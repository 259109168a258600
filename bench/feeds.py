"""`reader update` on 50 feeds of 20 entries each, served from 127.0.0.1 by another process, beside
fetching the same 50 URLs with plain concurrent requests (a ThreadPoolExecutor of urllib GETs, as
many at once as the update fetches).

The first update of a fresh library fetches each feed whole, reads it and writes its 20 articles
(1,000 files, each fsynced, under the library's lock); the second finds every feed unchanged by a
conditional request (the server answers 304 to a matching If-None-Match). Rounds are interleaved
so both sides see the same machine.
"""

from __future__ import annotations

import hashlib
import http.server
import multiprocessing
import statistics
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

from bench.common import report
from reader.articles.subscriptions import Subscription, Subscriptions
from reader.articles.update import UNCHANGED, update_feeds
from reader.articles.web import DEFAULT_JOBS

FEEDS = 50
ENTRIES = 20
ROUNDS = 3
PARAGRAPH = ("国家有关部门近日宣布，氢燃料电池汽车示范城市群将新增四个成员，覆盖西北和西南地区的重要物流通道。"
             "业内人士认为，加氢站建设滞后仍是制约氢能重卡推广的最大瓶颈。")


def feed_bytes(number: int, base: str) -> bytes:
    start = datetime(2026, 4, 1, tzinfo=UTC)
    items = "".join(
        f"<item><title>第{number}号源的第{entry}篇</title><link>{base}/{number}/{entry}.html</link>"
        f"<guid isPermaLink='false'>feed-{number}-entry-{entry}</guid>"
        f"<pubDate>{format_datetime(start + timedelta(hours=entry))}</pubDate>"
        f"<content:encoded><![CDATA[<p>第{number}号源第{entry}篇。{PARAGRAPH}</p><p>{PARAGRAPH}</p>]]>"
        "</content:encoded></item>" for entry in range(ENTRIES))
    return ("<?xml version='1.0' encoding='utf-8'?><rss version='2.0' "
            "xmlns:content='http://purl.org/rss/1.0/modules/content/'><channel>"
            f"<title>第{number}号源</title><link>{base}/</link>{items}</channel></rss>").encode()


class _Handler(http.server.BaseHTTPRequestHandler):
    disable_nagle_algorithm = True  # Headers and body are two writes: no delayed ACK between them.
    feeds: dict[str, tuple[bytes, str]] = {}

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        data, etag = self.feeds[self.path]
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", "Wed, 01 Apr 2026 00:00:00 GMT")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args) -> None:
        pass


class _Server(http.server.ThreadingHTTPServer):
    request_queue_size = 128  # socketserver's 5 drops connections asked for at once: each waits a second.


def _serve(port: multiprocessing.Queue) -> None:
    server = _Server(("127.0.0.1", 0), _Handler)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    for number in range(FEEDS):
        data = feed_bytes(number, base)
        _Handler.feeds[f"/feed{number}.xml"] = (data, '"' + hashlib.sha1(data).hexdigest()[:16] + '"')
    port.put(server.server_address[1])
    server.serve_forever()


def _plain(urls: list[str]) -> float:
    def get(url: str) -> int:
        with urllib.request.urlopen(url, timeout=20) as response:
            return len(response.read())

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=DEFAULT_JOBS) as pool:
        sizes = list(pool.map(get, urls))
    elapsed = time.perf_counter() - start
    assert all(sizes)
    return elapsed


def _updates(urls: list[str], folder: Path) -> tuple[float, float]:
    library = Path(tempfile.mkdtemp(dir=folder))
    Subscriptions.load(library).subscribe(Subscription(url) for url in urls)
    start = time.perf_counter()
    first = update_feeds(library)
    middle = time.perf_counter()
    second = update_feeds(library)
    end = time.perf_counter()
    assert first.ok and len(first.added) == FEEDS * ENTRIES, first.summary()
    assert second.ok and second.count(UNCHANGED) == FEEDS, second.summary()
    return middle - start, end - middle


def main() -> None:
    queue: multiprocessing.Queue = multiprocessing.Queue()
    server = multiprocessing.get_context("fork").Process(target=_serve, args=(queue,), daemon=True)
    server.start()
    try:
        port = queue.get(timeout=30)
        urls = [f"http://127.0.0.1:{port}/feed{number}.xml" for number in range(FEEDS)]
        plain, first, second = [], [], []
        with tempfile.TemporaryDirectory() as folder:
            _plain(urls)  # Warm up: the server's threads, the client's imports.
            for _ in range(ROUNDS):
                plain.append(_plain(urls))
                one, two = _updates(urls, Path(folder))
                first.append(one)
                second.append(two)
    finally:
        server.terminate()
        server.join()
    baseline = statistics.median(plain) * 1000
    print(f"{FEEDS} feeds of {ENTRIES} entries, {DEFAULT_JOBS} at a time, median of {ROUNDS} rounds")
    report("first update (fetch, read, write 1,000 articles)", statistics.median(first) * 1000, baseline)
    report("second update (each feed unchanged: a 304)", statistics.median(second) * 1000, baseline)
    print(f"baseline: plain concurrent GETs of the same {FEEDS} URLs (ThreadPoolExecutor + urllib)")
