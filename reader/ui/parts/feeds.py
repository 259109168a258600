"""Following feeds on the reading screen, as a feed reader does: update every feed in a worker,
read and unread articles, the list newest first or by source, the library kept live, the article's
page in the browser.

Read state is the library's (`reader.articles.readstate`, shared with `reader mark` and any other
reader). An article is read once it has been shown for `READ_AFTER` seconds, or at once when the
reader chose it to read (enter, a click, the next-unread key): moving down the list, which shows
each article in passing, does not mark them all. "Mark all read" asks first, as newsboat does by
default (`confirm-mark-all-feeds-read`): it cannot be undone in one key, and `u` already undoes
deleting a note.

The library is watched by polling (`reader.articles.watch`): a stat per folder every
`WATCH_EVERY` seconds in a worker, the files looked at only when a folder's contents changed.
"""

from __future__ import annotations

import webbrowser
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from reader.settings.state import ORDERS
from reader.ui.messages import Arranged, Busy, CorpusChanged, ReadStateChanged
from reader.ui.parts.context import Reading

if TYPE_CHECKING:
    from textual.timer import Timer

    from reader.articles.corpus import Article, Corpus
    from reader.articles.dates import Group
    from reader.articles.readstate import ReadState
    from reader.articles.update import UpdateReport
    from reader.articles.watch import FolderWatch

#: Seconds an article is shown before it counts as read.
READ_AFTER = 1.5
#: Seconds between looks at the library for what other processes added or removed.
WATCH_EVERY = 1.5
#: Articles arranged at once, on the screen's thread; a longer list is arranged in a worker.
ARRANGED_AT_ONCE = 5000
#: What the reader is told of each order.
ORDER_NAMES = {"files": "as added", "newest": "newest first", "sources": "by source, newest first"}


def arrangement(articles: Sequence[Article], order: str) -> list[Group[Article]] | None:
    """The articles in `order` (None: the corpus's own)."""
    if order == "files":
        return None
    from reader.articles.dates import arrange

    return arrange(articles, lambda article: article.date,
                   (lambda article: article.source) if order == "sources" else None)


class FeedsPart:
    def __init__(self, reading: Reading) -> None:
        self.reading = reading
        self.read_state: ReadState | None = None
        """The library's read state (None: no library, nothing is marked)."""
        if reading.library is not None:
            from reader.articles.readstate import ReadState

            self.read_state = ReadState(reading.library)
        self._read_timer: Timer | None = None
        self._writer = ThreadPoolExecutor(1, "read-state")
        """Writes the marks to the file one after another (`close` waits for the last)."""
        self._said: str | None = None
        """The last problem with the read state said (each is said once)."""
        self._watch: FolderWatch | None = None
        self._watch_pending = False
        """A change seen while the files were being checked: checked again after."""

    # -- read state -----------------------------------------------------------------------------

    def is_read(self, article_id: str) -> bool:
        return self.read_state is not None and self.read_state.is_read(article_id)

    def opened(self, article_id: str, *, at_once: bool) -> None:
        """An article is shown: read now (`at_once`), or if it is still shown in `READ_AFTER` seconds."""
        if self._read_timer is not None:
            self._read_timer.stop()
            self._read_timer = None
        if self.read_state is None or self.read_state.is_read(article_id):
            return
        if at_once:
            self._mark([article_id], True)
        else:
            self._read_timer = self.reading.set_timer(READ_AFTER, lambda: self._still_shown(article_id))

    def _still_shown(self, article_id: str) -> None:
        self._read_timer = None
        current = self.reading.current
        if current is not None and current.id == article_id:
            self._mark([article_id], True)

    def _mark(self, article_ids: list[str], read: bool) -> list[str]:
        """Mark at once in what the list shows; the file is written in the background, in the
        order of the marks (with 100,000 articles read, a write takes ~80 ms: not on the screen's
        thread). Returns the articles whose state this changed."""
        assert self.read_state is not None
        changed = self.read_state.show(article_ids, read)
        if changed:
            self.reading.post_message(ReadStateChanged())
            self._writer.submit(self._write, changed, read)
        return changed

    def close(self) -> None:
        """The marks still being written are written before reader goes on to quit."""
        self._writer.shutdown(wait=True)

    def _write(self, article_ids: list[str], read: bool) -> None:
        """In the writer thread: the marks into the file (another reader's marks kept); a read
        state that cannot be written is said once."""
        from reader.system.datafile import DataFileError

        assert self.read_state is not None
        try:
            self.read_state.file.path.parent.mkdir(parents=True, exist_ok=True)
            self.read_state.mark(article_ids, read)
        except (DataFileError, OSError) as error:
            message = str(error)
            if message != self._said:
                self._said = message
                self.reading.notify(message, title="Read state", severity="error", timeout=15)

    def _no_read_state(self) -> bool:
        """Say so if there is no read state; else bring it up to date with the file (a stat: another
        reader may have marked articles since the last look)."""
        if self.read_state is None:
            self.reading.notify("Read state is kept with the library; this reader has none "
                                "(started with --corpus).", title="Read state")
            return True
        if self.read_state.refresh():
            self.reading.post_message(ReadStateChanged())
        return False

    def toggle_read(self) -> None:
        article = self.reading.current
        if article is None or self._no_read_state():
            return
        if self._read_timer is not None:  # Marked unread by hand before the timer: it stays so.
            self._read_timer.stop()
            self._read_timer = None
        read = not self.is_read(article.id)
        if self._mark([article.id], read):
            self.reading.notify(f"Marked {'read' if read else 'unread'}.", title="Read state", timeout=2)

    def next_unread(self) -> None:
        """Open the next unread article the list shows, on from the top after the last."""
        if self._no_read_state():
            return
        assert self.read_state is not None
        listed = self.reading.listed
        current = self.reading.current
        after = current.id if current is not None else None
        found = self.read_state.next_unread([article.id for article in listed], after, wrap=True)
        if found is None:
            self.reading.notify("No unread article in the list.", title="Unread", timeout=3)
            return
        self.reading.open_article(found, focus_view=True)  # Chosen to read: marked read.

    def mark_all_read(self) -> None:
        """Mark every article the list shows read, after asking."""
        if self._no_read_state():
            return
        ids = [article.id for article in self.reading.listed if not self.is_read(article.id)]
        if not ids:
            self.reading.notify("Every article listed is read.", title="Read state", timeout=3)
            return
        from reader.ui.screens.add import ConfirmScreen

        def answered(yes: bool | None) -> None:
            if yes and self._mark(ids, True):
                self.reading.notify(f"Marked {len(ids):,} articles read.", title="Read state", timeout=3)

        noun = "article" if len(ids) == 1 else "articles"
        question = f"Mark the {len(ids):,} unread {noun} the list shows read? `reader mark ID --unread` undoes it."
        self.reading.open_dialog(ConfirmScreen("Mark all read", question, "Mark read"), answered)

    # -- order ----------------------------------------------------------------------------------

    def next_order(self) -> None:
        state = self.reading.state
        order = ORDERS[(ORDERS.index(state.order) + 1) % len(ORDERS)]
        state.change(order=order)
        self.arrange(self.reading.corpus)
        self.reading.notify(f"Articles {ORDER_NAMES[order]}.", title="Order", timeout=2)

    def arranged_now(self, corpus: Corpus) -> list[Group[Article]] | None:
        """The corpus in the order chosen, if it is short enough to arrange at once (else None:
        it is arranged in a worker, and comes in an `Arranged`)."""
        order = self.reading.state.order
        if order == "files":
            return None
        if len(corpus.articles) <= ARRANGED_AT_ONCE:
            return arrangement(corpus.articles, order)
        self.arrange(corpus)
        return None

    def arrange(self, corpus: Corpus) -> None:
        """Put the list in the order chosen (a long one in a worker)."""
        order, articles = self.reading.state.order, corpus.articles
        if len(articles) <= ARRANGED_AT_ONCE:
            self.reading.post_message(Arranged(arrangement(articles, order), order == "sources"))
            return
        self.reading.post_message(Busy("order", "Ordering the list"))
        self.reading.in_background(lambda: arrangement(articles, order), "order",
                                   lambda groups: self._arranged(corpus, order, groups), exclusive=True)

    def _arranged(self, corpus: Corpus, order: str, groups: list[Group[Article]] | None) -> None:
        if corpus is self.reading.corpus and order == self.reading.state.order:  # Else outdated.
            self.reading.post_message(Arranged(groups, order == "sources"))

    # -- updating the feeds -----------------------------------------------------------------------

    def update(self) -> None:
        """Update every feed followed in a worker, counting in the status bar; what is new shows in
        the list, the rest is said in one toast."""
        library = self.reading.library
        if library is None:
            self.reading.notify("This reader has no library to update.", title="Update", severity="warning")
            return
        from reader.articles.subscriptions import Subscriptions

        followed = Subscriptions.load(library)
        if followed.problem:
            self.reading.notify(followed.problem, title="Update", severity="error", timeout=15)
            return
        if not followed.feeds:
            self.reading.notify("No feeds followed: + adds a feed's URL, and follows it.", title="Update")
            return
        if self.reading.working("update"):
            self.reading.notify("Already updating the feeds.", title="Update", timeout=3)
            return
        self.reading.post_message(Busy("update", f"Updating 0/{len(followed.feeds)} feeds"))
        self.reading.in_background(lambda: self._update(library), "update", self._updated)

    def _update(self, library: Path) -> tuple[UpdateReport, Corpus]:
        """In a worker: fetch, then read the corpus again with what came."""
        from reader.articles.update import update_feeds

        def progress(done: int, total: int, _what: str) -> None:
            self.reading.post_message(Busy("update", f"Updating {done}/{total} feeds"))

        report = update_feeds(library, progress=progress)
        return report, self.reading.files.read()

    def _updated(self, result: tuple[UpdateReport, Corpus]) -> None:
        from reader.articles.library import summaries_note
        from reader.articles.update import FAILED
        from reader.ui.summary import summary

        report, corpus = result
        self.reading.post_message(CorpusChanged(corpus))
        feeds, new = len(report.feeds), len(report.added)
        failed = [update for update in report.feeds if update.status == FAILED]
        line = (f"{new:,} new {'article' if new == 1 else 'articles'} from {feeds} {'feed' if feeds == 1 else 'feeds'}"
                + (f", {len(failed)} failed" if failed else ""))
        lines = [line, summary([(update.feed.url, update.error) for update in failed])]
        lines.append(summaries_note(report.summaries))
        if report.error:
            lines.append(report.error)
        self.reading.notify("\n".join(part for part in lines if part), title="Update",
                            severity="error" if failed or report.error else "information",
                            timeout=15 if failed or report.error else 6)

    # -- the library, live ------------------------------------------------------------------------

    def watch(self, roots: list[Path]) -> None:
        """Look at `roots` (the corpus's and the library) every `WATCH_EVERY` seconds."""
        from reader.articles.watch import FolderWatch

        self.reading.in_background(lambda: FolderWatch(roots), "watch", self._watching)

    def _watching(self, watch: FolderWatch) -> None:
        self._watch = watch
        self.reading.set_interval(WATCH_EVERY, self._look)

    def _look(self) -> None:
        if self._watch is None or self.reading.working("watch"):
            return
        watch, read_state = self._watch, self.read_state

        def look() -> tuple[bool, bool]:
            return watch.changed(), read_state is not None and read_state.refresh()

        self.reading.in_background(look, "watch", self._looked)

    def _looked(self, changes: tuple[bool, bool]) -> None:
        files, marks = changes
        if marks:
            self.reading.post_message(ReadStateChanged())
        if files or self._watch_pending:
            self._watch_pending = self.reading.working("corpus")
            if not self._watch_pending:
                self.reading.files.check()

    # -- the browser ------------------------------------------------------------------------------

    def open_link(self) -> None:
        """Open the article's web page in the browser: only an http(s) URL, never another kind."""
        from reader.articles.header import read_header, web_link

        article = self.reading.current
        if article is None:
            return
        given = read_header(article.path).get("url", "") if article.path else ""
        url = web_link(given)
        if url is None:
            self.reading.notify("This article has no web page." if not given else
                                f"Not opened: not an http(s) link: {given[:200]}", title="Browser")
            return
        try:
            browser = webbrowser.get()
        except webbrowser.Error:
            self.reading.notify(f"No browser found (set $BROWSER): {url}", title="Browser", severity="warning",
                                timeout=15)
            return
        if _in_terminal(browser):
            with self.reading.suspend():
                opened = browser.open(url)
            self._opened(url, opened)
        else:
            self.reading.in_background(lambda: browser.open(url), "browser", lambda opened: self._opened(url, opened))

    def _opened(self, url: str, opened: bool) -> None:
        if opened:
            self.reading.notify(f"Opened {url}", title="Browser", timeout=3)
        else:
            self.reading.notify(f"The browser did not open {url}", title="Browser", severity="warning", timeout=10)


def _in_terminal(browser: webbrowser.BaseBrowser) -> bool:
    """Whether the browser runs in this terminal until it quits (lynx, w3m, elinks, $BROWSER): the
    app gives it the terminal meanwhile."""
    return type(browser) is webbrowser.GenericBrowser or (
        isinstance(browser, webbrowser.UnixBrowser) and not browser.background)
