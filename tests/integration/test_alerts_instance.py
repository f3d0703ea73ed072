"""`newswatch alerts` finds its instance however it is named (--data-dir, --config's data_dir),
refuses an unknown topic with the closest name, and `--follow` outlives a restart of the Redis
it reads (a new port in the data directory's URL file, the event stream kept by the AOF)."""

from __future__ import annotations

import json
import queue
import signal
import subprocess
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import redis

from newswatch.core.catalog import Topic
from newswatch.core.models import Alert
from newswatch.embedded_redis import EmbeddedRedis
from newswatch.store.alerts import AlertStore
from newswatch.store.catalog import CatalogStore
from newswatch.supervisor import PORT_FILE, previous_port
from tests.support.cli import NEWSWATCH, cli_env, interruptible

BASE = datetime(2026, 11, 28, 16, 0, tzinfo=UTC)
WAIT = 30  # seconds: a deadline for a line that is expected, never an assertion


def alert(n: int, topic: str = "summits") -> Alert:
    return Alert(
        id=Alert.make_id(topic, f"story{n}"),
        topic=topic,
        created_at=(BASE + timedelta(minutes=n)).isoformat(),
        matched=["summit"],
        snippet="...",
        article={"id": f"a{n}", "title": f"Summit {n}", "url": f"https://x.example/{n}"},
    )


def alerts_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [NEWSWATCH, "alerts", *args], env=cli_env(None), capture_output=True, text=True, timeout=60
    )


def test_unknown_topic_exits_2_with_the_closest_name(
    tmp_path: Path, redis_url: str, redis_client: redis.Redis
) -> None:
    (tmp_path / "redis.url").write_text(redis_url + "\n")
    AlertStore(redis_client).add(alert(1))
    CatalogStore(redis_client).add(Topic(name="warrants", query="warrant"), origin="api")
    wrong = alerts_cli("--data-dir", str(tmp_path), "--topic", "sumits")
    assert wrong.returncode == 2
    assert "no topic 'sumits' (did you mean 'summits'?)" in wrong.stderr
    quiet = alerts_cli("--data-dir", str(tmp_path), "--topic", "warrants")
    # configured, no alerts yet
    assert (quiet.returncode, quiet.stdout) == (0, "no alerts yet for topic 'warrants'\n")


def test_the_instance_is_found_from_the_config_file(
    tmp_path: Path, redis_url: str, redis_client: redis.Redis
) -> None:
    AlertStore(redis_client).add(alert(2))
    data_dir = tmp_path / "instance"
    data_dir.mkdir()
    (data_dir / "redis.url").write_text(redis_url + "\n")
    config = tmp_path / "newswatch.yaml"
    config.write_text(f"settings:\n  data_dir: {data_dir}\n")
    found = alerts_cli("--config", str(config), "--json")
    assert found.returncode == 0, found.stderr
    assert json.loads(found.stdout)["id"] == alert(2).id


def test_follow_survives_a_restart_of_redis_on_another_port(tmp_path: Path) -> None:
    data_dir = tmp_path / "instance"
    first = EmbeddedRedis(data_dir / "redis", persist=True).start()
    second: EmbeddedRedis | None = None
    (data_dir / "redis.url").write_text(first.url + "\n")
    client = redis.Redis.from_url(first.url)
    AlertStore(client).add(alert(1))
    process = subprocess.Popen(
        interruptible(NEWSWATCH, "alerts", "--json", "--follow", "--data-dir", str(data_dir)),
        env=cli_env(None),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None and process.stderr is not None
        lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=lambda: [lines.put(x) for x in process.stdout], daemon=True).start()  # type: ignore[union-attr]
        assert json.loads(lines.get(timeout=WAIT))["id"] == alert(1).id
        AlertStore(client).add(alert(2))
        assert json.loads(lines.get(timeout=WAIT))["id"] == alert(2).id

        client.close()
        first.stop()  # SIGTERM: the AOF is flushed
        second = EmbeddedRedis(data_dir / "redis", persist=True).start()
        assert second.port != first.port
        (data_dir / "redis.url").write_text(second.url + "\n")
        client = redis.Redis.from_url(second.url)
        assert AlertStore(client).get(alert(2).id) is not None  # the data came back
        AlertStore(client).add(alert(3))
        assert json.loads(lines.get(timeout=WAIT))["id"] == alert(3).id
        assert lines.empty()  # nothing printed twice

        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=WAIT) == 0
        stderr = process.stderr.read()
        assert f"reconnected to Redis at {second.url}" in stderr
        assert "Traceback" not in stderr
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        for pipe in (process.stdout, process.stderr):
            if pipe is not None:
                pipe.close()
        client.close()
        first.stop()
        if second is not None:
            second.stop()


def test_up_keeps_the_port_of_its_data_dir_when_free(tmp_path: Path) -> None:
    assert previous_port(tmp_path) is None  # a first run: a free port is chosen
    server = EmbeddedRedis(tmp_path / "redis", persist=False).start()
    (tmp_path / PORT_FILE).write_text(f"{server.port}\n")
    assert previous_port(tmp_path) is None  # taken: a fresh one will be chosen
    server.stop()
    assert previous_port(tmp_path) == server.port
    (tmp_path / PORT_FILE).write_text("garbage\n")
    assert previous_port(tmp_path) is None
