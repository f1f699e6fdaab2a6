"""A Streamlit session without a browser: the websocket protocol of Streamlit's own frontend.

Load tests need dozens of sessions, and a headless Chromium per student would measure the browsers,
not the server. This client does on the wire what the frontend bundle of Streamlit 1.67 does
(``streamlit/static/static/js/index.*.js``), so the server cannot tell it from a browser tab:

- GET the page, then ``/_stcore/health`` (which sets the ``_streamlit_xsrf`` cookie) and
  ``/_stcore/host-config``, keeping the cookies (a load balancer's affinity cookie included);
- open ``ws://…/_stcore/stream`` with those cookies, an ``Origin`` header and the subprotocols
  ``["streamlit", <xsrf cookie>]``, as ``new WebSocket(url, ["streamlit", token])`` does;
- send a ``rerun_script`` BackMsg (query string, page hash or page name, widget states, fragment id)
  and read ForwardMsgs up to a ``script_finished``. Every widget value set so far travels with every
  rerun, as the frontend's widget manager sends them; a button press is a ``trigger_value`` sent once;
- upload a file: ``file_urls_request`` → ``file_urls_response`` → HTTP PUT (multipart, the
  ``X-Xsrftoken`` header and cookie) → a rerun carrying the uploader's ``file_uploader_state_value``;
- fragments with ``run_every`` are announced by an ``auto_rerun`` ForwardMsg; the frontend then sends
  a fragment rerun (``is_auto_rerun``) every interval on a timer, finished or not, and the server
  coalesces the ones that pile up. ``follow_auto_reruns`` does the same;
- an action is answered when the student would see it answered: the first run after it that shows
  its effect (``until``; by default the next complete full run; for a page, a full run of that page).
  The server coalesces queued reruns, and under load a run may still be answering an older request,
  so "the next script_finished" alone can be the wrong one;
- large elements arrive once and later as ``ref_hash`` references to the client's message cache,
  whose hashes go with every rerun (the frontend's ForwardMessageCache, same age rule).

Widgets are found by their user key: a keyed element's ``id`` is ``$$ID-<hash>-<key>``.
Only 127.0.0.1 / localhost servers are accepted: this is a test tool, not a crawler.
"""

from __future__ import annotations

import http.cookiejar
import re
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlparse

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.Common_pb2 import UploadedFileInfo
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.sync.client import connect as ws_connect

LOCAL_HOSTS = {"127.0.0.1", "localhost"}
HISTORY_REPORT_KEY = "history_guard_report"  # ui.history.REPORT_KEY (tests/test_classroom_load.py checks)
FINISHED = ForwardMsg.ScriptFinishedStatus.Name
# Which WidgetState field the frontend fills for each element type (streamlit/elements/widgets/*.py,
# ``value_type=``). A slider's value is a list, even for one thumb.
VALUE_FIELDS = {"number_input": "double_value", "checkbox": "bool_value", "selectbox": "string_value",
                "radio": "string_value", "text_input": "string_value", "slider": "double_array_value",
                "multiselect": "string_array_value"}


class ClientError(RuntimeError):
    """The server did not answer as a browser would expect (HTTP error, timeout, unknown widget)."""


def require_local(url: str) -> str:
    """``url`` without a trailing slash; raises ValueError unless it is http on 127.0.0.1/localhost."""
    parsed = urlparse(url)
    if parsed.scheme != "http" or parsed.hostname not in LOCAL_HOSTS:
        raise ValueError(f"{url!r}: only http://127.0.0.1 or http://localhost servers may be loaded")
    return url.rstrip("/")


@dataclass
class Run:
    """One script run as the client saw it: from the BackMsg sent to its ``script_finished``."""

    seconds: float                  # an action's: rerun sent → this run's script_finished;
                                    # a timer run's: since the previous run finished
    status: str                     # e.g. FINISHED_SUCCESSFULLY, FINISHED_FRAGMENT_RUN_SUCCESSFULLY
    fragment_ids: tuple[str, ...]   # the fragments this run re-ran; () for a full run
    page_script_hash: str = ""      # the page it ran (from its "navigation" message; full runs only)
    exceptions: list[str] = field(default_factory=list)   # st.exception / uncaught errors drawn
    markdown: list[str] = field(default_factory=list)     # every markdown body drawn, in order
    progress: list[str] = field(default_factory=list)     # every progress bar's text, in order
    components: list[tuple[str, str]] = field(default_factory=list)  # (component name, its JSON arguments)
    finished_at: float = 0.0        # time.perf_counter() when script_finished arrived

    @property
    def full(self) -> bool:
        """A run of the whole page (not of fragments only) that finished normally."""
        return not self.fragment_ids and self.status == "FINISHED_SUCCESSFULLY"


class StreamlitClient:
    """One browser tab's worth of Streamlit session, driven from Python.

    ``upstream`` is the ``X-Upstream`` response header of the page request, when a proxy adds one
    (the e2e replica test uses it to see which replica served the session).
    """

    def __init__(self, base_url: str, timeout: float = 60.0):
        self.base_url = require_local(base_url)
        self.timeout = timeout
        self.session_id = ""
        self.page_script_hash = ""
        self.query_string = ""
        self.pages: dict[str, str] = {}           # url path → page script hash (from "navigation")
        self.widget_ids: dict[str, str] = {}      # user key → element id, from the latest deltas
        self.widget_types: dict[str, str] = {}    # user key → element type ("slider", "button", …)
        self.auto_reruns: dict[str, float] = {}   # fragment id → run_every interval in seconds
        self.upstream = ""
        self._states: dict[str, WidgetState] = {}  # element id → the value the "user" set
        self._jar = http.cookiejar.CookieJar()
        self._http = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self._jar))
        self._ws = None
        self._cache: dict[str, list] = {}        # hash → [ForwardMsg, run count when last used, fragment id]
        self._max_cached_age = 2
        self._run_count = 0
        self._file_urls: dict[str, ForwardMsg] = {}
        self._runs: list[Run] = []                # finished runs not yet handed to a caller
        self._current: Run | None = None

    # -- connection ---------------------------------------------------------------------------------

    def connect(self, url_path: str = "") -> None:
        """What a browser does before its first rerun: the page, health, host config, websocket."""
        page = self._get(f"/{url_path}")
        self.upstream = page.headers.get("X-Upstream", "")
        self._get("/_stcore/health")
        self._get("/_stcore/host-config")
        cookies = {c.name: c.value for c in self._jar}
        xsrf = cookies.get("_streamlit_xsrf", "PLACEHOLDER_AUTH_TOKEN")
        ws_url = "ws" + self.base_url[len("http"):] + "/_stcore/stream"
        self._ws = ws_connect(ws_url, origin=self.base_url, subprotocols=["streamlit", xsrf],
                              additional_headers={"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())},
                              open_timeout=self.timeout, max_size=None, max_queue=None, legacy=True)

    def close(self) -> None:
        """Close the websocket, as closing the tab does; the server then disconnects the session."""
        if self._ws is not None:
            self._ws.close()
            self._ws = None

    def _get(self, path: str):
        try:
            with self._http.open(self.base_url + path, timeout=self.timeout) as response:
                response.read()
                return response
        except (urllib.error.URLError, OSError) as exc:
            raise ClientError(f"GET {path}: {exc}") from exc

    # -- the user's actions -------------------------------------------------------------------------

    def open_page(self, url_path: str = "", query: str = "") -> Run:
        """Open a page: by its URL on the first run (as a typed address), then through the app's
        navigation (as a click on a page link), each time with ``query`` as the query string.
        Answered by the first complete full run of that page."""
        if not self.session_id:
            first = self._rerun(lambda run: run.full, query=query, page_name=url_path)
            self._report_history_guard()
            return first
        if url_path not in self.pages:
            raise ClientError(f"no page at /{url_path}; the app has {sorted(self.pages)}")
        target = self.pages[url_path]
        self._states.clear()
        self.widget_ids.clear()
        return self._rerun(lambda run: run.full and run.page_script_hash == target, query=query,
                           page_script_hash=target)

    def set_widget(self, key: str, value, until: Callable[[Run], bool] | None = None) -> Run:
        """Give the widget with user key ``key`` a new value (as the student would) and rerun;
        answered by the first run for which ``until(run)`` holds (default: a complete full run)."""
        element_id, kind = self._widget(key)
        state = WidgetState(id=element_id)
        field_name = VALUE_FIELDS.get(kind)
        if field_name is None:
            raise ClientError(f"widget {key!r} is a {kind}; set_widget knows {sorted(VALUE_FIELDS)}")
        if field_name.endswith("_array_value"):
            getattr(state, field_name).data.extend(value if isinstance(value, (list, tuple)) else [value])
        else:
            setattr(state, field_name, value)
        self._states[element_id] = state
        return self._rerun(until)

    def click(self, key: str, until: Callable[[Run], bool] | None = None) -> Run:
        """Press the button with user key ``key`` (a trigger value, true for one run only); answered
        as ``set_widget`` is."""
        element_id, _ = self._widget(key)
        return self._rerun(until, triggers=[WidgetState(id=element_id, trigger_value=True)])

    def upload(self, key: str, name: str, data: bytes, mime: str = "application/octet-stream",
               until: Callable[[Run], bool] | None = None) -> Run:
        """Give the file uploader ``key`` one file, by the frontend's three steps: ask the session for
        an upload URL, PUT the file there over HTTP, rerun with the uploader's new state. Timed from
        the first step; answered as ``set_widget`` is."""
        element_id, _ = self._widget(key)
        start = time.perf_counter()
        request_id = str(uuid.uuid4())
        msg = BackMsg()
        msg.file_urls_request.request_id = request_id
        msg.file_urls_request.file_names.append(name)
        msg.file_urls_request.session_id = self.session_id
        self._ws.send(msg.SerializeToString())
        while request_id not in self._file_urls:
            self._receive(start + self.timeout)
        response = self._file_urls.pop(request_id).file_urls_response
        if response.error_msg or not response.file_urls:
            raise ClientError(f"file_urls_request for {name}: {response.error_msg or 'no URL'}")
        urls = response.file_urls[0]
        self._put_file(urls.upload_url, name, data, mime)
        state = WidgetState(id=element_id)
        state.file_uploader_state_value.uploaded_file_info.append(
            UploadedFileInfo(name=name, size=len(data), file_id=urls.file_id, file_urls=urls))
        self._states[element_id] = state
        run = self._rerun(until)
        run.seconds = run.finished_at - start
        return run

    def run_fragment(self, fragment_id: str) -> Run:
        """One fragment rerun, as the frontend's run_every timer sends it; answered by a run of it."""
        return self._rerun(lambda run: fragment_id in run.fragment_ids, fragment_id=fragment_id,
                           is_auto_rerun=True)

    def follow_auto_reruns(self, seconds: float) -> list[Run]:
        """For ``seconds``, do what the frontend does while fragments have ``run_every``: send each
        one's fragment rerun on its own fixed timer (not waiting for the last to finish) and read the
        answers. Returns the runs that finished meanwhile, in order. Stops early when the server
        cancels every timer (a full run that announces none): a full run that is still going (one the
        app started with ``st.rerun()``) has cleared them and may announce them again."""
        now = previous = time.perf_counter()
        end = now + seconds
        due = {fragment_id: now + interval for fragment_id, interval in self.auto_reruns.items()}
        self._runs.clear()
        while (due or self._current is not None) and time.perf_counter() < end:
            next_tick = min(min(due.values(), default=time.perf_counter() + 0.05), end)
            while time.perf_counter() < next_tick:
                self._receive(next_tick, wait_for_timeout=False)
            now = time.perf_counter()
            for fragment_id in list(due):
                if fragment_id not in self.auto_reruns:
                    del due[fragment_id]
                elif due[fragment_id] <= now:
                    self._send_rerun(fragment_id=fragment_id, is_auto_rerun=True)
                    due[fragment_id] += self.auto_reruns[fragment_id]
            for fragment_id in set(self.auto_reruns) - set(due):
                due[fragment_id] = now + self.auto_reruns[fragment_id]
        runs, self._runs = self._runs, []
        for run in runs:
            run.seconds, previous = run.finished_at - previous, run.finished_at
        return runs

    # -- reruns -------------------------------------------------------------------------------------

    def _report_history_guard(self) -> None:
        """What the browser's history component does once the guard is in place (``ui/history.py``):
        report it with a component value, which reruns the page; pages write their settings to the URL
        from that run on."""
        if HISTORY_REPORT_KEY in self.widget_ids:
            element_id, _ = self._widget(HISTORY_REPORT_KEY)
            self._states[element_id] = WidgetState(id=element_id, json_value="true")
            self._rerun(None)

    def _widget(self, key: str) -> tuple[str, str]:
        if key not in self.widget_ids:
            raise ClientError(f"no widget with key {key!r} on the page (have {sorted(self.widget_ids)[:12]}…)")
        return self.widget_ids[key], self.widget_types[key]

    def _rerun(self, until: Callable[[Run], bool] | None, **kwargs) -> Run:
        """Send one rerun and read until a finished run satisfies ``until`` (default: a complete full
        run); returns that run, timed from this send."""
        until = until or (lambda run: run.full)
        sent = time.perf_counter()
        self._send_rerun(**kwargs)
        while True:
            self._runs.clear()
            self._receive(sent + self.timeout)
            for run in self._runs:
                if until(run):
                    run.seconds = run.finished_at - sent
                    self._runs.clear()
                    return run

    def _send_rerun(self, query: str | None = None, page_script_hash: str | None = None, page_name: str = "",
                    fragment_id: str = "", is_auto_rerun: bool = False, triggers: list[WidgetState] = ()) -> None:
        if query is not None:
            self.query_string = query
        msg = BackMsg()
        rerun = msg.rerun_script
        rerun.query_string = self.query_string
        rerun.page_script_hash = self.page_script_hash if page_script_hash is None else page_script_hash
        rerun.page_name = page_name
        rerun.fragment_id = fragment_id
        rerun.is_auto_rerun = is_auto_rerun
        rerun.widget_states.widgets.extend([*self._states.values(), *triggers])
        rerun.cached_message_hashes.extend(self._cache)
        rerun.context_info.timezone = "UTC"
        rerun.context_info.timezone_offset = 0
        rerun.context_info.locale = "en-US"
        rerun.context_info.url = self.base_url
        self._ws.send(msg.SerializeToString())

    def _receive(self, deadline: float, wait_for_timeout: bool = True) -> None:
        """Read and handle one ForwardMsg. Past ``deadline`` raise ClientError, unless
        ``wait_for_timeout`` is false (then simply return: the caller's timer is due)."""
        try:
            raw = self._ws.recv(timeout=max(0.0, deadline - time.perf_counter()))
        except TimeoutError:
            if wait_for_timeout:
                raise ClientError(f"no answer within {self.timeout:.0f} s") from None
            return
        msg = ForwardMsg()
        msg.ParseFromString(raw)
        self._handle(self._resolve(msg))

    def _resolve(self, msg: ForwardMsg) -> ForwardMsg:
        """A ref_hash message replaced by the cached message it refers to (the frontend's cache)."""
        if msg.WhichOneof("type") == "ref_hash":
            entry = self._cache[msg.ref_hash]
            entry[1] = self._run_count
            cached = ForwardMsg()
            cached.CopyFrom(entry[0])
            cached.metadata.CopyFrom(msg.metadata)
            return cached
        if msg.metadata.cacheable and msg.hash and msg.hash not in self._cache:
            self._cache[msg.hash] = [msg, self._run_count, msg.delta.fragment_id]
        return msg

    def _handle(self, msg: ForwardMsg) -> None:
        kind = msg.WhichOneof("type")
        if kind == "new_session":
            self._start_run(msg)
        elif kind == "navigation":
            self.page_script_hash = msg.navigation.page_script_hash
            if self._current is not None:
                self._current.page_script_hash = self.page_script_hash
            self.pages = {page.url_pathname: page.page_script_hash for page in msg.navigation.app_pages}
        elif kind == "page_info_changed":
            self.query_string = msg.page_info_changed.query_string
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            self._element(msg.delta.new_element)
        elif kind == "auto_rerun":
            self.auto_reruns[msg.auto_rerun.fragment_id] = msg.auto_rerun.interval
        elif kind == "stop_auto_rerun":
            for fragment_id in msg.stop_auto_rerun.fragment_ids:
                self.auto_reruns.pop(fragment_id, None)
        elif kind == "file_urls_response":
            self._file_urls[msg.file_urls_response.response_id] = msg
        elif kind == "script_finished":
            self._finish_run(msg)

    def _start_run(self, msg: ForwardMsg) -> None:
        self.session_id = msg.new_session.initialize.session_id
        self._max_cached_age = msg.new_session.config.max_cached_message_age or self._max_cached_age
        fragment_ids = tuple(msg.metadata.run.fragment_ids)
        if not fragment_ids:  # a full run re-announces the timers it wants (the frontend's cleanupAutoReruns)
            self.auto_reruns.clear()
        self._current = Run(0.0, "", fragment_ids)

    def _element(self, element) -> None:
        kind = element.WhichOneof("type")
        body = getattr(element, kind)
        element_id = getattr(body, "id", "")
        if element_id.startswith("$$ID-") and element_id.count("-") >= 2:
            key = element_id.split("-", 2)[2]
            if key != "None":
                self.widget_ids[key], self.widget_types[key] = element_id, kind
        if self._current is not None:
            if kind == "markdown":
                self._current.markdown.append(body.body)
            elif kind == "exception":
                self._current.exceptions.append(f"{body.type}: {body.message}")
            elif kind == "progress":
                self._current.progress.append(body.text)
            elif kind == "component_instance":
                self._current.components.append((body.component_name, body.json_args))

    def _finish_run(self, msg: ForwardMsg) -> None:
        run = self._current or Run(0.0, "", tuple(msg.metadata.run.fragment_ids))
        self._current = None
        run.status = FINISHED(msg.script_finished)
        run.finished_at = time.perf_counter()
        self._runs.append(run)
        self._age_cache(run.fragment_ids)

    def _age_cache(self, fragment_ids: tuple[str, ...]) -> None:
        """The frontend's rule: after a run, forget cached messages unused for more than
        ``max_cached_message_age`` runs; a fragment run ages only its own fragments' messages."""
        self._run_count += 1
        for digest, (_, last_used, fragment_id) in list(self._cache.items()):
            if fragment_ids and fragment_id not in fragment_ids:
                continue
            if self._run_count - last_used > self._max_cached_age:
                del self._cache[digest]

    # -- HTTP upload --------------------------------------------------------------------------------

    def _put_file(self, upload_url: str, name: str, data: bytes, mime: str) -> None:
        """PUT one file as multipart form data (field and file name = the file's name), with the
        XSRF cookie's value in the X-Xsrftoken header, as the frontend's upload client does."""
        boundary = uuid.uuid4().hex
        safe = re.sub(r'["\r\n]', "_", name)
        body = (f'--{boundary}\r\nContent-Disposition: form-data; name="{safe}"; filename="{safe}"\r\n'
                f"Content-Type: {mime}\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
        xsrf = next((c.value for c in self._jar if c.name == "_streamlit_xsrf"), "")
        url = upload_url if upload_url.startswith("http") else self.base_url + upload_url
        request = urllib.request.Request(require_local(url), data=body, method="PUT", headers={
            "Content-Type": f"multipart/form-data; boundary={boundary}", "X-Xsrftoken": xsrf})
        try:
            with self._http.open(request, timeout=self.timeout) as response:
                response.read()
        except (urllib.error.URLError, OSError) as exc:
            raise ClientError(f"PUT {upload_url}: {exc}") from exc
