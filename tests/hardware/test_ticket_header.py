"""The ticket layout's header lines (set per printer in the admin console) print above the branch name."""
from __future__ import annotations

import dataclasses

import pytest

from server.devices.registry import check_settings
from server.queue.errors import Invalid


def test_header_lines_print_above_the_branch_name(make_printer_sim, make_printer, ticket):
    sim = make_printer_sim(encoding="big5", paper_mm=58)
    printer = make_printer(sim)
    printer.print_ticket(dataclasses.replace(ticket, header=["歡迎光臨", "營業時間 09:00-15:30"]))
    [printed] = sim.wait_for_tickets(1)
    lines = printed.text_lines
    assert lines.index("歡迎光臨") < lines.index("營業時間 09:00-15:30") < lines.index(ticket.branch_name)
    assert printed.overflow_lines == [] and printed.errors == []


def test_a_header_is_at_most_three_short_lines():
    assert check_settings("printer", {"header": ["a", "b", "c"]})["header"] == ["a", "b", "c"]
    for bad in (["a", "b", "c", "d"], "one line", ["x" * 65], [1]):
        with pytest.raises(Invalid):
            check_settings("printer", {"header": bad})
