"""Document numbers: SO-YYYY-NNNNNN, one sequence per prefix and year, no duplicates under load."""

import re
import threading

import pytest
from django.db import connection, transaction
from django.utils import timezone

from opms.core.models import DocumentSequence
from opms.core.numbering import next_document_number, next_document_numbers


@pytest.fixture
def year() -> int:
    return timezone.localdate().year


@pytest.mark.django_db
def test_number_has_prefix_local_year_and_six_digits(year):
    number = next_document_number("SO")

    assert re.fullmatch(r"SO-\d{4}-\d{6}", number)
    assert number == f"SO-{year}-000001"


@pytest.mark.django_db
def test_numbers_increase_by_one_per_prefix(year):
    numbers = [next_document_number("SO") for _ in range(3)]
    shipment = next_document_number("SH")

    assert numbers == [f"SO-{year}-000001", f"SO-{year}-000002", f"SO-{year}-000003"]
    assert shipment == f"SH-{year}-000001"
    assert dict(DocumentSequence.objects.values_list("prefix", "last_value")) == {
        "SO": 3,
        "SH": 1,
    }


@pytest.mark.django_db
def test_a_new_year_starts_again_at_one(year):
    DocumentSequence.objects.create(prefix="SO", year=year - 1, last_value=4711)

    assert next_document_number("SO") == f"SO-{year}-000001"
    assert DocumentSequence.objects.get(prefix="SO", year=year - 1).last_value == 4711


@pytest.mark.django_db
def test_width_pads_the_counter(year):
    DocumentSequence.objects.create(prefix="INV", year=year, last_value=41)

    assert next_document_number("INV", width=4) == f"INV-{year}-0042"


@pytest.mark.django_db(transaction=True)
def test_concurrent_callers_never_get_the_same_number(year):
    threads_count, per_thread = 8, 25
    barrier = threading.Barrier(threads_count)
    taken: list[list[str]] = [[] for _ in range(threads_count)]
    errors: list[Exception] = []

    def take(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            for _ in range(per_thread):
                with transaction.atomic():
                    taken[index].append(next_document_number("RACE"))
        except Exception as exc:  # asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=take, args=(index,)) for index in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    numbers = [number for numbers in taken for number in numbers]
    assert errors == []
    assert len(numbers) == len(set(numbers)) == threads_count * per_thread
    assert sorted(numbers) == [
        f"RACE-{year}-{value:06d}" for value in range(1, threads_count * per_thread + 1)
    ]
    # Each thread sees its own numbers rise.
    assert all(numbers == sorted(numbers) for numbers in taken)


@pytest.mark.django_db
def test_a_block_of_numbers_is_consecutive_and_the_next_single_number_follows_it(year):
    next_document_number("SO")

    block = next_document_numbers("SO", 3)

    assert block == [f"SO-{year}-000002", f"SO-{year}-000003", f"SO-{year}-000004"]
    assert next_document_number("SO") == f"SO-{year}-000005"
    assert DocumentSequence.objects.get(prefix="SO", year=year).last_value == 5


@pytest.mark.django_db
def test_a_first_block_starts_at_one_and_an_empty_block_takes_nothing(year):
    assert next_document_numbers("SO", 0) == []
    assert not DocumentSequence.objects.exists()

    assert next_document_numbers("SO", 2) == [f"SO-{year}-000001", f"SO-{year}-000002"]


@pytest.mark.django_db
def test_a_rolled_back_block_is_given_back(year):
    with pytest.raises(RuntimeError), transaction.atomic():
        next_document_numbers("SO", 50)
        raise RuntimeError

    assert next_document_numbers("SO", 1) == [f"SO-{year}-000001"]


@pytest.mark.django_db(transaction=True)
def test_concurrent_blocks_and_single_numbers_never_overlap(year):
    threads_count = 6
    barrier = threading.Barrier(threads_count)
    taken: list[list[str]] = [[] for _ in range(threads_count)]
    errors: list[Exception] = []

    def take(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            for _ in range(10):
                with transaction.atomic():
                    if index % 2:
                        taken[index].extend(next_document_numbers("RACE", 7))
                    else:
                        taken[index].append(next_document_number("RACE"))
        except Exception as exc:  # asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=take, args=(index,)) for index in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    numbers = [number for numbers in taken for number in numbers]
    total = 3 * 10 * 7 + 3 * 10
    assert errors == []
    assert sorted(numbers) == [f"RACE-{year}-{value:06d}" for value in range(1, total + 1)]
    # Each block is consecutive: no other caller's number lands inside it.
    for index in range(1, threads_count, 2):
        values = [int(number.rsplit("-", 1)[1]) for number in taken[index]]
        for start in range(0, len(values), 7):
            assert values[start : start + 7] == list(range(values[start], values[start] + 7))
