"""Clients (threads) of one process ordering 1–2 of the hot SKUs until the deadline.

Prints {"latencies", "refused", "failures"}: refused are clean domain refusals (not enough
stock, …); failures are anything else a user would see as an error (a deadlock, a 500)."""

import argparse
import json
import random
import threading
import time

from common import bench_world, django_setup


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--start-at", type=float, required=True)
    parser.add_argument("--seconds", type=float, required=True)
    parser.add_argument("--threads", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--hot", required=True, help="JSON list of hot product ids")
    args = parser.parse_args()
    django_setup()
    from django.db import connection

    from opms.core.errors import DomainError
    from orders.services import LineInput, order_place

    user, _, warehouse, _ = bench_world()
    customers = [bench_world(client=args.seed * args.threads + n)[1] for n in range(args.threads)]
    hot = json.loads(args.hot)
    latencies, refused, failures = [], [0], {}
    lock = threading.Lock()

    def client(seed: int, customer) -> None:
        rng = random.Random(seed)
        time.sleep(max(0.0, args.start_at - time.time()))
        deadline = time.time() + args.seconds
        while time.time() < deadline:
            lines = [
                LineInput(product_id=pk, quantity=rng.randint(1, 3))
                for pk in rng.sample(hot, rng.randint(1, 2))
            ]
            started = time.perf_counter()
            try:
                order_place(actor=user, customer=customer, warehouse=warehouse, lines=lines)
            except DomainError:
                with lock:
                    refused[0] += 1
                continue
            except Exception as error:  # noqa: BLE001 - counted: what a user would see
                with lock:
                    name = type(error).__name__
                    failures[name] = failures.get(name, 0) + 1
                continue
            with lock:
                latencies.append(time.perf_counter() - started)
        connection.close()

    threads = [
        threading.Thread(target=client, args=(args.seed * 1000 + n, customers[n]))
        for n in range(args.threads)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(json.dumps({"latencies": latencies, "refused": refused[0], "failures": failures}))


if __name__ == "__main__":
    main()
