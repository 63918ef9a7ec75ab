"""One HTTP client process: signs in (the bench sales rep's session, or the bench channel's
API key) and places 5-line orders through the chosen target (bench/targets.py) until the
deadline; prints latencies as JSON."""

import argparse
import json
import random
import time
import uuid

from targets import TARGETS, Session


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--target", choices=sorted(TARGETS), default="api")
    parser.add_argument("--start-at", type=float, required=True)
    parser.add_argument("--seconds", type=float, required=True)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--world", required=True, help="JSON: user, password, customer, ...")
    args = parser.parse_args()
    world = json.loads(args.world)
    session = Session("127.0.0.1", args.port)
    start, place = TARGETS[args.target]
    start(session, world)
    customer = world["customers"][args.seed % len(world["customers"])]
    run_id = uuid.uuid4().hex[:12]
    rng = random.Random(args.seed)
    latencies, refused = [], {}
    time.sleep(max(0.0, args.start_at - time.time()))
    deadline = time.time() + args.seconds
    sent = 0
    while time.time() < deadline:
        sent += 1
        lines = [(pk, sku, rng.randint(1, 5)) for pk, sku in rng.sample(world["products"], 5)]
        started = time.perf_counter()
        accepted = place(
            session,
            customer_id=customer["id"],
            customer_code=customer["code"],
            warehouse_id=world["warehouse"]["id"],
            warehouse_code=world["warehouse"]["code"],
            lines=lines,
            request_id=f"bench-{run_id}-{sent}",
        )
        if accepted:
            latencies.append(time.perf_counter() - started)
        else:
            status = f"HTTP {session.last_status}"
            refused[status] = refused.get(status, 0) + 1
    print(json.dumps({"latencies": latencies, "errors": refused}))


if __name__ == "__main__":
    main()
