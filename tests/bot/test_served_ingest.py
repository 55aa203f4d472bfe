"""A running `coach serve` quotes a document that `coach ingest` added from another process, without
a restart, and stops quoting it once it is removed, with no gap in the passages it draws on."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.server_wait import wait_until_up

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore:::gradio.queueing")]

COACH = str(Path(sys.executable).with_name("coach"))
# Worded so the safety classifier leaves it alone: "Is keeping my own log like that worth it?" sits at
# its English bar (a false check-in, listed in the issue-11 note); this test is about ingest.
QUESTION = "I ferment kimchi and taste the brine each morning. Is a log of my own tastings worth it?"
NOTE = "Kimchi log: every morning I taste the brine and write down how sour it is, my own way."


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(home: Path, model_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "COACH_HOME": str(home),
        "OPENAI_BASE_URL": model_url,
        "COACH_MAX_RETRIES": "0",
        "ANONYMIZED_TELEMETRY": "False",
        "GRADIO_ANALYTICS_ENABLED": "False",
        "HF_HUB_OFFLINE": "1",
        "OMP_WAIT_POLICY": "PASSIVE",
    }


def test_a_running_server_quotes_a_document_ingested_by_another_process(fake_openai, tmp_path):
    from gradio_client import Client

    home = tmp_path / "home"
    model = fake_openai(reply="Your own log is your own reward signal.")
    env = _env(home, model.url)
    port = _free_port()
    url = f"http://127.0.0.1:{port}/"
    log = tmp_path / "serve.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [COACH, "serve", "--host", "127.0.0.1", "--port", str(port)],
            stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env, start_new_session=True,
        )
    client = None
    try:
        wait_until_up(proc, url, timeout=180, what="coach serve", log=log)
        client = Client(url, verbose=False)
        _, session_id, sources = client.predict(QUESTION, "", api_name="/chat")
        assert sources and not any(s.startswith("doc-") for s in sources)
        k = len(sources)

        notes = tmp_path / "notes"
        notes.mkdir()
        (notes / "kimchi.md").write_text(f"{NOTE}\n", encoding="utf-8")
        ingest = subprocess.run([COACH, "ingest", str(notes)], env=env, capture_output=True, text=True, timeout=240)
        assert ingest.returncode == 0, ingest.stderr

        _, _, sources = client.predict(QUESTION, session_id, api_name="/chat")
        assert any(s.startswith("doc-") for s in sources), log.read_text(errors="replace")[-3000:]

        (notes / "kimchi.md").unlink()
        ingest = subprocess.run([COACH, "ingest", str(notes)], env=env, capture_output=True, text=True, timeout=240)
        assert ingest.returncode == 0, ingest.stderr
        _, _, sources = client.predict(QUESTION, session_id, api_name="/chat")
        assert len(sources) == k and not any(s.startswith("doc-") for s in sources)  # gone, and no gap
    finally:
        if client is not None:
            client.close()
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=30)
