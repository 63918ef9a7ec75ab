"""Document numbers: SO-YYYY-NNNNNN, one sequence per prefix and year, no duplicates under
load, no lock held until commit."""

import re
import threading

import pytest
from django.db import connection, transaction
from django.utils import timezone

from opms.core.models import DocumentSequence
from opms.core.numbering import (
    document_numbers_take,
    document_sequences_settle,
    next_document_number,
)


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


@pytest.mark.django_db
def test_a_block_of_numbers_is_taken_in_one_statement(year, django_assert_num_queries):
    next_document_number("SO")

    with django_assert_num_queries(1):
        block = document_numbers_take("SO", 3)

    assert block == [f"SO-{year}-000002", f"SO-{year}-000003", f"SO-{year}-000004"]
    assert next_document_number("SO") == f"SO-{year}-000005"


@pytest.mark.django_db
def test_numbering_continues_after_the_counter_row_of_earlier_versions(year):
    DocumentSequence.objects.create(prefix="SO", year=year, last_value=6855)

    assert next_document_number("SO") == f"SO-{year}-006856"


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_number_is_never_given_again(year):
    assert next_document_number("SO") == f"SO-{year}-000001"
    with pytest.raises(RuntimeError), transaction.atomic():
        assert next_document_number("SO") == f"SO-{year}-000002"
        raise RuntimeError("the order was refused")

    # The sequence outlives the rollback: a gap, never a duplicate.
    assert next_document_number("SO") == f"SO-{year}-000003"


@pytest.mark.django_db(transaction=True)
def test_bulk_loaders_settle_the_counter_rows_and_the_sequences(year):
    next_document_number("SO")
    next_document_number("SO")
    document_sequences_settle()

    assert DocumentSequence.objects.get(prefix="SO", year=year).last_value == 2

    # A loader that wrote numbers itself raises the row; settling moves the sequence on.
    DocumentSequence.objects.filter(prefix="SO", year=year).update(last_value=500)
    document_sequences_settle()

    assert next_document_number("SO") == f"SO-{year}-000501"


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
def test_a_first_block_starts_at_one_and_an_empty_block_takes_nothing(year):
    assert document_numbers_take("SO", 0) == []

    assert document_numbers_take("SO", 2) == [f"SO-{year}-000001", f"SO-{year}-000002"]


@pytest.mark.django_db
def test_a_rolled_back_block_leaves_a_gap_and_is_never_given_again(year):
    assert document_numbers_take("SO", 1) == [f"SO-{year}-000001"]
    with pytest.raises(RuntimeError), transaction.atomic():
        document_numbers_take("SO", 50)
        raise RuntimeError

    assert document_numbers_take("SO", 1) == [f"SO-{year}-000052"]


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
                        taken[index].extend(document_numbers_take("RACE", 7))
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
    # Each caller's numbers rise (a block may interleave with a concurrent caller's:
    # no lock is held for it).
    assert all(numbers == sorted(numbers) for numbers in taken)
