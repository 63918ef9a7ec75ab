"""One HTTP client process: logs in as the bench sales rep and places 5-line orders through
the chosen target (bench/targets.py) until the deadline; prints latencies as JSON."""

import argparse
import json
import random
import time

from targets import TARGETS, Session


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--target", choices=sorted(TARGETS), default="form")
    parser.add_argument("--start-at", type=float, required=True)
    parser.add_argument("--seconds", type=float, required=True)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--world", required=True, help="JSON: user, password, customer, ...")
    args = parser.parse_args()
    world = json.loads(args.world)
    session = Session("127.0.0.1", args.port)
    session.login(world["username"], world["password"])
    place = TARGETS[args.target]
    rng = random.Random(args.seed)
    latencies, refused = [], 0
    time.sleep(max(0.0, args.start_at - time.time()))
    deadline = time.time() + args.seconds
    while time.time() < deadline:
        lines = [(pk, sku, rng.randint(1, 5)) for pk, sku in rng.sample(world["products"], 5)]
        started = time.perf_counter()
        accepted = place(
            session,
            customer_id=world["customers"][args.seed % len(world["customers"])],
            warehouse_id=world["warehouse"],
            lines=lines,
        )
        if accepted:
            latencies.append(time.perf_counter() - started)
        else:
            refused += 1
    print(json.dumps({"latencies": latencies, "errors": {"refused": refused} if refused else {}}))


if __name__ == "__main__":
    main()
