"""One client process of the service-layer benchmark: enter and submit 5-line orders
(order_place) until the deadline; prints its latencies as JSON. Started by bench/run.py,
one per client."""

import argparse
import json
import random
import time

from common import bench_world, django_setup


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--start-at", type=float, required=True)
    parser.add_argument("--seconds", type=float, required=True)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--lines", type=int, default=5)
    args = parser.parse_args()
    django_setup()
    from opms.core.errors import DomainError
    from orders.services import LineInput, order_place

    user, customer, warehouse, products = bench_world(client=args.seed)
    rng = random.Random(args.seed)
    latencies, errors = [], {}
    time.sleep(max(0.0, args.start_at - time.time()))
    deadline = time.time() + args.seconds
    while time.time() < deadline:
        chosen = rng.sample(products, args.lines)
        started = time.perf_counter()
        try:
            order_place(
                actor=user,
                customer=customer,
                warehouse=warehouse,
                lines=[LineInput(product_id=pk, quantity=rng.randint(1, 5)) for pk, _ in chosen],
            )
        except DomainError as error:
            errors[type(error).__name__] = errors.get(type(error).__name__, 0) + 1
            continue
        latencies.append(time.perf_counter() - started)
    print(json.dumps({"latencies": latencies, "errors": errors}))


if __name__ == "__main__":
    main()
