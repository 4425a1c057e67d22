"""Server capacity (DESIGN.md section 8, "N processes on one PostgreSQL"): simulated devices doing
no-op pulls, small pushes and sign-ins at rising concurrency, against one server process and
against `serve --workers N` on the same PostgreSQL.

    python bench/server_capacity.py [--workers N] [--seconds S] [--levels 4,16,64] [--json]

Prints requests/s and p50/p99 per kind at each concurrency, errors and 503s, and the ratio of N
processes' throughput to one's at the highest level (goal: at least 0.8 x N while cores last).
The load generator runs in this process, on the same machine: on a 2-core box it takes CPU from
the servers, which the figures include.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "server")]

from bench_server import print_figures, served, served_process  # noqa: E402
from lmsdesk.contracts import hlc  # noqa: E402
from lmsdesk.contracts import mutations as m  # noqa: E402
from lmsdesk.contracts.sync import PROTOCOL_VERSION  # noqa: E402
from lmsdesk_server.db.embedded import EmbeddedPostgres  # noqa: E402
from lmsdesk_server.db.migrate import upgrade_to_head  # noqa: E402
from lmsdesk_server.demo.seed import demo_id  # noqa: E402

API = "/api/v1"
PASSWORD = "capacity bench password"
#: Given to the server and the baseline alike, so one access token serves both.
JWT_SECRET = "capacity bench jwt secret, not a real one"
FREE = demo_id("course:offline-first-basics")
LESSON = demo_id("offline-first-basics:video")
#: Of every 100 requests a device makes: pulls, pushes, sign-ins.
MIX = (("pull", 75), ("push", 20), ("login", 5))


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@contextmanager
def serving(url: str, data_dir: Path, workers: int) -> Iterator[str]:
    """`serve --workers N` without jobs, sign-in throttling out of the way of the load."""
    port = 19000 + (os.getpid() + workers) % 1000
    args = ("--workers", str(workers), "--no-jobs")
    env = {"LMSDESK_LOGIN_ATTEMPTS_PER_WINDOW": "1000000", "LMSDESK_JWT_SECRET": JWT_SECRET}
    with served(url, data_dir, args=args, env=env, port=port) as base:
        time.sleep(1.0 if workers > 1 else 0)  # every worker up, not only the first
        yield base


class SimDevice:
    def __init__(self, email: str, token: str, cursor: str | None) -> None:
        self.email, self.token, self.cursor = email, token, cursor
        self.device_id = str(uuid.uuid4())
        self.seq = 0
        self.last_hlc = 0

    def mutation(self) -> dict[str, Any]:
        self.seq += 1
        self.last_hlc = hlc.next_hlc(self.last_hlc, hlc.to_millis(hlc.wall_clock_hlc()))
        return {
            "seq": self.seq,
            "mutation_id": str(uuid.uuid4()),
            "name": str(m.SET_POSITION),
            "args": {"lesson_id": str(LESSON), "position_seconds": self.seq % 30},
            "hlc": self.last_hlc,
        }


async def prepare(base: str, count: int) -> list[SimDevice]:
    """Accounts enrolled in the free course, signed in, each with its first full pull done
    (eight accounts at a time: each sign-up and sign-in hashes a password)."""
    gate = asyncio.Semaphore(8)

    async def one(i: int, client: httpx.AsyncClient) -> SimDevice:
        async with gate:
            email = f"capacity{i}-{uuid.uuid4().hex[:6]}@example.com"
            body = {"email": email, "password": PASSWORD, "full_name": f"Device {i}"}
            assert (await client.post(f"{API}/auth/register", json=body)).status_code == 201
            login = await client.post(
                f"{API}/auth/login", json={"email": email, "password": PASSWORD}
            )
            assert login.status_code == 200, login.text
            token = login.json()["access_token"]
            auth = {"Authorization": f"Bearer {token}"}
            free = await client.post(
                f"{API}/enrollments/free", json={"course_id": str(FREE)}, headers=auth
            )
            assert free.status_code == 201, free.text
            device = SimDevice(email, token, None)
            while True:
                page = (
                    await client.post(f"{API}/sync/pull", json=_pull(device), headers=auth)
                ).json()
                device.cursor = page["cursor"]
                if not page["has_more"]:
                    break
            return device

    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        return list(await asyncio.gather(*(one(i, client) for i in range(count))))


def _pull(device: SimDevice) -> dict[str, Any]:
    return {
        "device_id": device.device_id,
        "protocol": PROTOCOL_VERSION,
        "cursor": device.cursor,
        "limit": 1000,
        "resync": [],
    }


async def run_level(
    base: str, devices: list[SimDevice], concurrency: int, seconds: float, seed: int
) -> dict[str, Any]:
    latencies: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    kinds = [kind for kind, weight in MIX for _ in range(weight)]
    deadline = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)

    async def device_loop(index: int, client: httpx.AsyncClient) -> None:
        rng = random.Random(seed + index)
        device = devices[index % len(devices)]
        while time.perf_counter() < deadline:
            kind = rng.choice(kinds)
            auth = {"Authorization": f"Bearer {device.token}"}
            started = time.perf_counter()
            try:
                if kind == "pull":
                    answer = await client.post(f"{API}/sync/pull", json=_pull(device), headers=auth)
                elif kind == "push":
                    push = {
                        "device_id": device.device_id,
                        "epoch": 1,
                        "protocol": PROTOCOL_VERSION,
                        "mutations": [device.mutation()],
                    }
                    answer = await client.post(f"{API}/sync/push", json=push, headers=auth)
                else:
                    body = {"email": device.email, "password": PASSWORD}
                    answer = await client.post(f"{API}/auth/login", json=body)
                    if answer.status_code == 200:
                        device.token = answer.json()["access_token"]
            except httpx.HTTPError:
                errors[kind] += 1
                continue
            if answer.status_code == 503:
                errors["503"] += 1
                await asyncio.sleep(float(answer.headers.get("retry-after", "1")))
                continue
            if answer.status_code != 200:
                errors[kind] += 1
                continue
            if kind == "pull":
                device.cursor = answer.json()["cursor"]
            latencies[kind].append(time.perf_counter() - started)

    async with httpx.AsyncClient(base_url=base, timeout=30, limits=limits) as client:
        began = time.perf_counter()
        await asyncio.gather(*(device_loop(i, client) for i in range(concurrency)))
        elapsed = time.perf_counter() - began
    result: dict[str, Any] = {"rps": sum(map(len, latencies.values())) / elapsed}
    for kind, _ in MIX:
        values = sorted(latencies[kind])
        if values:
            result[f"{kind}_rps"] = len(values) / elapsed
            result[f"{kind}_p50_ms"] = 1000 * statistics.median(values)
            result[f"{kind}_p99_ms"] = 1000 * values[min(len(values) - 1, int(len(values) * 0.99))]
    result["errors"] = sum(v for k, v in errors.items() if k != "503")
    result["overloaded_503"] = errors.get("503", 0)
    return result


async def prepare_fleet(base: str, count: int) -> list[SimDevice]:
    """`count` devices, two per account (a laptop and a desktop), each with its first full
    pull done."""
    accounts = await prepare(base, (count + 1) // 2)
    devices: list[SimDevice] = []
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        for account in accounts:
            devices.append(account)
            if len(devices) == count:
                break
            twin = SimDevice(account.email, account.token, None)
            auth = {"Authorization": f"Bearer {twin.token}"}
            while True:
                answer = await client.post(f"{API}/sync/pull", json=_pull(twin), headers=auth)
                page = answer.json()
                twin.cursor = page["cursor"]
                if not page["has_more"]:
                    break
            devices.append(twin)
    return devices


async def run_fleet(
    base: str, devices: list[SimDevice], every: float, seconds: float, seed: int
) -> dict[str, Any]:
    """Every device syncs every `every` seconds from a random phase, as the app does: half of
    them push 1-3 changes first (a lesson's position, as playback saves it) with their cursor,
    then all pull until nothing more comes, unless the push's answer brought everything. Open
    loop: a slow answer does not slow the schedule down."""
    latencies: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    limits = httpx.Limits(max_connections=len(devices), max_keepalive_connections=len(devices))

    async def timed(client: httpx.AsyncClient, kind: str, path: str, body: Any, token: str) -> Any:
        started = time.perf_counter()
        try:
            answer = await client.post(
                path, json=body, headers={"Authorization": f"Bearer {token}"}
            )
        except httpx.HTTPError:
            errors[kind] += 1
            return None
        if answer.status_code == 503:
            errors["503"] += 1
            return None
        if answer.status_code != 200:
            errors[kind] += 1
            return None
        latencies[kind].append(time.perf_counter() - started)
        return answer.json()

    async def device_loop(index: int, client: httpx.AsyncClient, deadline: float) -> None:
        rng = random.Random(seed + index)
        device = devices[index]
        pushing = index % 2 == 0
        next_sync = time.perf_counter() + rng.uniform(0, every)
        while next_sync < deadline:
            await asyncio.sleep(max(0.0, next_sync - time.perf_counter()))
            next_sync += every
            if pushing:
                push = {
                    "device_id": device.device_id,
                    "epoch": 1,
                    "protocol": PROTOCOL_VERSION,
                    "mutations": [device.mutation() for _ in range(rng.randint(1, 3))],
                    "cursor": device.cursor,
                }
                answer = await timed(client, "push", f"{API}/sync/push", push, device.token)
                page = (answer or {}).get("pulled")
                if page is not None:
                    # As the app does: the push's page moves the cursor; nothing more, no pull.
                    device.cursor = page["cursor"]
                    if not page["has_more"]:
                        continue
            while True:
                page = await timed(client, "pull", f"{API}/sync/pull", _pull(device), device.token)
                if page is None:
                    break
                device.cursor = page["cursor"]
                if not page["has_more"]:
                    break

    async with httpx.AsyncClient(base_url=base, timeout=30, limits=limits) as client:
        deadline = time.perf_counter() + seconds
        began = time.perf_counter()
        await asyncio.gather(*(device_loop(i, client, deadline) for i in range(len(devices))))
        elapsed = time.perf_counter() - began
    result: dict[str, Any] = {"fleet_devices": len(devices), "fleet_rps": 0.0}
    every_latency = sorted(v for values in latencies.values() for v in values)
    result["fleet_rps"] = len(every_latency) / elapsed
    for kind in ("push", "pull"):
        values = sorted(latencies[kind])
        if values:
            result[f"fleet_{kind}_p50_ms"] = 1000 * statistics.median(values)
            result[f"fleet_{kind}_p99_ms"] = 1000 * values[int(len(values) * 0.99)]
    if every_latency:
        result["fleet_p99_ms"] = 1000 * every_latency[int(len(every_latency) * 0.99)]
    result["fleet_errors"] = sum(v for k, v in errors.items() if k != "503")
    result["fleet_503"] = errors.get("503", 0)
    return result


def cpu_seconds(pid: int) -> float:
    """CPU time of a process and everything under it, with children that ended and were waited
    for (PostgreSQL's backends, uvicorn's workers)."""
    tick = os.sysconf("SC_CLK_TCK")
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # After the name: state ppid ... utime(12) stime(13) cutime(14) cstime(15)
        parents[int(entry.name)] = int(fields[1])
        times[int(entry.name)] = sum(int(x) for x in fields[11:15]) / tick
    total, todo = 0.0, [pid]
    while todo:
        current = todo.pop()
        total += times.get(current, 0.0)
        todo += [child for child, parent in parents.items() if parent == current]
    return total


def postmaster_pid(data_dir: Path) -> int:
    return int((data_dir / "pg" / "pgdata" / "postmaster.pid").read_text().split()[0])


async def measure_cost(
    base: str,
    path: str,
    devices: list[SimDevice],
    body: Any,
    count: int,
    server_pid: int,
    database_pid: int,
) -> dict[str, float]:
    """Server and database CPU per request over `count` requests, 4 at a time (as the load
    of a few devices; the load generator's own CPU is not counted)."""
    limits = httpx.Limits(max_connections=4, max_keepalive_connections=4)
    async with httpx.AsyncClient(base_url=base, timeout=30, limits=limits) as client:

        async def one(index: int) -> None:
            device = devices[index % len(devices)]
            auth = {"Authorization": f"Bearer {device.token}"}
            answer = await client.post(path, json=body(device), headers=auth)
            assert answer.status_code == 200, answer.text
            if path.endswith("/sync/pull"):
                assert answer.json()["changes"] == {}, "not a no-op pull"

        for index in range(20):  # warm: connections, caches
            await one(index)
        server_before, database_before = cpu_seconds(server_pid), cpu_seconds(database_pid)
        began = time.perf_counter()
        for start in range(0, count, 4):
            await asyncio.gather(*(one(start + i) for i in range(4)))
        elapsed = time.perf_counter() - began
        server = cpu_seconds(server_pid) - server_before
        database = cpu_seconds(database_pid) - database_before
    return {
        "server_cpu_us": 1e6 * server / count,
        "db_cpu_us": 1e6 * database / count,
        "rps_at_4": count / elapsed,
    }


def fleet(url: str, root: Path, count: int, workers: int, seconds: float) -> dict[str, object]:
    """The fleet against `serve --workers N` (one process per core, as deployed)."""
    with serving(url, root, workers) as base:
        devices = asyncio.run(prepare_fleet(base, count))
        say(f"  {len(devices)} devices ready; syncing for {seconds:.0f} s ...")
        result = asyncio.run(run_fleet(base, devices, 5.0, seconds, 7))
    return {k: round(v, 1) if isinstance(v, float) else v for k, v in result.items()}


async def small_pushes(
    base: str, devices: list[SimDevice], seconds: float, seed: int
) -> dict[str, float]:
    """The realistic push (beside sync_bench's batch of 10,000): every device at once, each
    pushing 1-3 changes per request as the app does while a lesson plays, for `seconds`."""
    latencies: list[float] = []
    pushed = 0
    limits = httpx.Limits(max_connections=len(devices), max_keepalive_connections=len(devices))
    async with httpx.AsyncClient(base_url=base, timeout=30, limits=limits) as client:
        deadline = time.perf_counter() + seconds

        async def loop(index: int) -> None:
            nonlocal pushed
            rng = random.Random(seed + index)
            device = devices[index]
            while time.perf_counter() < deadline:
                mutations = [device.mutation() for _ in range(rng.randint(1, 3))]
                body = {
                    "device_id": device.device_id,
                    "epoch": 1,
                    "protocol": PROTOCOL_VERSION,
                    "mutations": mutations,
                }
                started = time.perf_counter()
                answer = await client.post(
                    f"{API}/sync/push",
                    json=body,
                    headers={"Authorization": f"Bearer {device.token}"},
                )
                assert answer.status_code == 200, answer.text
                latencies.append(time.perf_counter() - started)
                pushed += len(mutations)

        began = time.perf_counter()
        await asyncio.gather(*(loop(i) for i in range(len(devices))))
        elapsed = time.perf_counter() - began
    latencies.sort()
    return {
        "small_push_devices": len(devices),
        "small_push_mutations_per_s": pushed / elapsed,
        "small_push_requests_per_s": len(latencies) / elapsed,
        "small_push_p50_ms": 1000 * statistics.median(latencies),
        "small_push_p99_ms": 1000 * latencies[int(len(latencies) * 0.99)],
    }


def request_cost(url: str, root: Path, devices_wanted: int, count: int) -> dict[str, object]:
    """A no-op pull against the baseline endpoint (bench/baseline_app.py), each in its own
    server process on the one PostgreSQL, measured one after the other in this run."""
    figures: dict[str, object] = {}
    database_pid = postmaster_pid(root)
    port = 19000 + os.getpid() % 1000
    args = ("--no-jobs",)
    env = {"LMSDESK_LOGIN_ATTEMPTS_PER_WINDOW": "1000000", "LMSDESK_JWT_SECRET": JWT_SECRET}
    with served_process(url, root, args=args, env=env, port=port) as (base, server_pid):
        devices = asyncio.run(prepare(base, devices_wanted))
        pull = asyncio.run(
            measure_cost(base, f"{API}/sync/pull", devices, _pull, count, server_pid, database_pid)
        )
        pushes = asyncio.run(small_pushes(base, devices, 10.0, 11))
    port = 17000 + os.getpid() % 1000
    baseline_env = {**os.environ, "LMSDESK_DATABASE_URL": url, "LMSDESK_JWT_SECRET": JWT_SECRET}
    baseline = subprocess.Popen(
        [sys.executable, str(ROOT / "bench" / "baseline_app.py"), "--port", str(port)],
        env=baseline_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                httpx.get(base, timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        path = "/baseline/me"
        plain = asyncio.run(
            measure_cost(base, path, devices, lambda _d: {}, count, baseline.pid, database_pid)
        )
    finally:
        baseline.terminate()
        baseline.wait(30)
    for key, value in pull.items():
        figures[f"noop_pull_{key}"] = round(value, 1)
    for key, value in plain.items():
        figures[f"baseline_{key}"] = round(value, 1)
    for key, value in pushes.items():
        figures[key] = round(value, 1)
    figures["noop_pull_cpu_ratio"] = round(pull["server_cpu_us"] / plain["server_cpu_us"], 2)
    figures["noop_pull_db_cpu_ratio"] = round(pull["db_cpu_us"] / plain["db_cpu_us"], 2)
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--levels", default="4,16,64")
    parser.add_argument("--devices", type=int, default=64)
    parser.add_argument("--single", action="store_true", help="one process only")
    parser.add_argument("--cost-requests", type=int, default=2000)
    parser.add_argument("--fleet", type=int, default=1000, help="devices in the fleet (0: none)")
    parser.add_argument("--fleet-seconds", type=float, default=30.0)
    parser.add_argument("--fleet-only", action="store_true")
    parser.add_argument(
        "--cost-only", action="store_true", help="only a no-op pull's CPU against the baseline"
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    levels = [int(x) for x in args.levels.split(",")]

    root = Path(tempfile.mkdtemp(prefix="lmsdesk-capacity-"))
    say(f"Starting embedded PostgreSQL in {root} ...")
    embedded = EmbeddedPostgres(root / "pg")
    url = embedded.start()
    figures: dict[str, object] = {}
    try:
        upgrade_to_head(url)
        seeded = subprocess.run(
            [sys.executable, "-m", "lmsdesk_server", "seed-demo"],
            env={**os.environ, "LMSDESK_DATABASE_URL": url, "LMSDESK_SERVER_DATA_DIR": str(root)},
            capture_output=True,
            check=True,
        )
        del seeded
        cost_goals = {
            "noop_pull_cpu_ratio": "<= 2 (baseline: JWT check + one SELECT)",
            "fleet_p99_ms": "< 250",
            "fleet_errors": "0",
        }
        if args.fleet:
            say(f"A fleet of {args.fleet} devices syncing every 5 s, half of them pushing ...")
            figures.update(fleet(url, root, args.fleet, args.workers, args.fleet_seconds))
        if args.fleet_only:
            print_figures(figures, cost_goals, as_json=args.json)
            return 0
        say("A no-op pull's CPU against the baseline endpoint ...")
        figures.update(request_cost(url, root, 16, args.cost_requests))
        if args.cost_only:
            print_figures(figures, cost_goals, as_json=args.json)
            return 0
        throughput: dict[int, float] = {}  # at the highest level
        peak: dict[int, float] = {}  # at the best level
        for workers in (1,) if args.single else (1, args.workers):
            with serving(url, root, workers) as base:
                devices = asyncio.run(prepare(base, args.devices))
                say(f"{workers} process(es): {len(devices)} devices ready")
                for level in levels:
                    result = asyncio.run(run_level(base, devices, level, args.seconds, level))
                    say(f"  {workers}p x{level}: {result['rps']:.0f} req/s")
                    for key, value in result.items():
                        rounded = round(value, 1) if isinstance(value, float) else value
                        figures[f"p{workers}_c{level}_{key}"] = rounded
                    peak[workers] = max(peak.get(workers, 0.0), float(result["rps"]))
                throughput[workers] = float(result["rps"])
        if args.single:
            print_figures(figures, cost_goals, as_json=args.json)
            return 0
        ratio = throughput[args.workers] / throughput[1]
        figures[f"scale_ratio_{args.workers}_to_1_at_c{levels[-1]}"] = round(ratio, 2)
        # The fairer figure: each configuration at its own best concurrency.
        peak_ratio = peak[args.workers] / peak[1]
        figures[f"scale_ratio_{args.workers}_to_1_peak"] = round(peak_ratio, 2)
        figures["scale_efficiency"] = round(peak_ratio / args.workers, 2)
    finally:
        embedded.stop()
    goals = {
        **cost_goals,
        "scale_efficiency": ">= 0.8 (N processes >= 0.8 x N x one, while cores last)",
    }
    print_figures(figures, goals, as_json=args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
